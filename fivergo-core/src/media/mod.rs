//! Media: decoding untrusted bytes with limits, and measuring what the asset checks
//! read (SPEC A3, A4, A8).
//!
//! [`inspect`] turns an uploaded file into its [`Modality`] and [`AssetMeta`]; the
//! findings themselves are made by [`asset::review_set`](crate::asset::review_set)
//! from those measurements, so the hub and a host inspecting one file agree.

pub mod audio;
#[cfg(not(feature = "media"))]
mod disabled;
#[cfg(all(test, feature = "media", target_os = "linux"))]
mod hostile_tests;
pub mod image;
pub mod outliers;
#[cfg(all(test, feature = "media"))]
pub(crate) mod test_files;

use crate::asset::AssetMeta;
use crate::catalogue::Modality;
use crate::error::Error;
use crate::generator::Artifact;
use crate::watermark::invisible::InvisibleStyle;
use serde::{Deserialize, Serialize};

/// Decoding limits and analysis thresholds for uploaded media.
///
/// ```
/// use fivergo_core::media::MediaPolicy;
/// let m = MediaPolicy::default();
/// assert!(m.limits.max_bytes >= 10 * 1024 * 1024);
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MediaPolicy {
    /// Hard limits applied while decoding (A3).
    pub limits: MediaLimits,
    /// Image analysis thresholds (A4, A8).
    pub image: image::ImageChecks,
    /// Audio analysis thresholds (A8).
    pub audio: audio::AudioChecks,
}

impl MediaPolicy {
    /// Checks that limits are above zero, every threshold is a finite number, shares
    /// percentiles in `0..=100`, and ranges are ordered; the error names the
    /// field. [`Policy::validate`](crate::Policy::validate) calls it.
    ///
    /// ```
    /// use fivergo_core::media::MediaPolicy;
    /// let mut m = MediaPolicy::default();
    /// assert!(m.validate().is_ok());
    /// m.image.blur_ratio = f32::NAN;
    /// assert_eq!(m.validate().unwrap_err().to_string(), "invalid policy: media.image.blur_ratio: must be a finite number");
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |field: &str, reason: &str| {
            Err(Error::InvalidPolicy {
                field: format!("media.{field}"),
                reason: reason.into(),
            })
        };
        let l = &self.limits;
        for (field, v) in [
            ("limits.max_bytes", l.max_bytes),
            ("limits.max_pixels", l.max_pixels),
            ("limits.max_decoded_bytes", l.max_decoded_bytes),
            ("limits.max_metadata_bytes", l.max_metadata_bytes),
            ("limits.min_sample_rate_hz", u64::from(l.min_sample_rate_hz)),
            ("limits.max_audio_seconds", u64::from(l.max_audio_seconds)),
            ("limits.max_channels", u64::from(l.max_channels)),
            (
                "limits.min_image_side_px",
                l.min_image_side_px.map_or(1, u64::from),
            ),
        ] {
            if v == 0 {
                return bad(field, "must be above zero");
            }
        }
        if l.min_sample_rate_hz > l.max_sample_rate_hz {
            return bad("limits.min_sample_rate_hz", "exceeds max_sample_rate_hz");
        }
        // Non-finite floats serialize as null: find them by name.
        for (group, value) in [
            ("image", serde_json::to_value(&self.image)),
            ("audio", serde_json::to_value(&self.audio)),
        ] {
            let Ok(serde_json::Value::Object(fields)) = value else {
                return bad(group, "cannot be represented");
            };
            if let Some((name, _)) = fields.iter().find(|(_, v)| v.is_null()) {
                return bad(&format!("{group}.{name}"), "must be a finite number");
            }
        }
        let (i, a) = (&self.image, &self.audio);
        for (field, v) in [
            ("image.blur_ratio", i.blur_ratio),
            ("image.blur_edge_share", i.blur_edge_share),
            ("image.upscale_max_ratio", i.upscale_max_ratio),
            ("image.upscale_min_lower_ratio", i.upscale_min_lower_ratio),
            ("image.upscale_sure_lower_ratio", i.upscale_sure_lower_ratio),
            (
                "image.upscale_soft_max_lower_ratio",
                i.upscale_soft_max_lower_ratio,
            ),
            (
                "image.upscale_max_lower_ratio_4",
                i.upscale_max_lower_ratio_4,
            ),
            ("image.text_glyph_min_fill", i.text_glyph_min_fill),
            ("image.text_glyph_max_fill", i.text_glyph_max_fill),
            ("image.text_max_band_ink", i.text_max_band_ink),
            ("image.text_contrast", i.text_contrast),
            ("image.text_faint_contrast", i.text_faint_contrast),
            ("image.text_headroom_floor", i.text_headroom_floor),
            ("image.text_max_hollow_share", i.text_max_hollow_share),
            ("image.tile_clip", i.tile_clip),
            ("image.tile_min_correlation", i.tile_min_correlation),
            ("audio.clip_level", a.clip_level),
            ("audio.max_clipped_share", a.max_clipped_share),
            ("audio.yin_threshold", a.yin_threshold),
            ("audio.min_voice_share", a.min_voice_share),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return bad(field, "must lie between 0 and 1");
            }
        }
        for (field, v) in [
            ("image.monochrome_percentile", i.monochrome_percentile),
            ("audio.noise_percentile", a.noise_percentile),
            ("audio.signal_percentile", a.signal_percentile),
        ] {
            if !(0.0..=100.0).contains(&v) {
                return bad(field, "must lie between 0 and 100");
            }
        }
        for (field, v) in [
            ("image.working_px", i.working_px),
            ("image.sharpness_px", i.sharpness_px),
            ("image.thumbnail_px", i.thumbnail_px),
            ("image.style_px", i.style_px),
            ("image.upscale_crop_px", i.upscale_crop_px),
            ("image.palette_k", i.palette_k),
            ("image.tile_min_period_px", i.tile_min_period_px),
            ("image.tile_min_copies", i.tile_min_copies),
            ("image.text_min_cursive_words", i.text_min_cursive_words),
            ("audio.analysis_rate_hz", a.analysis_rate_hz),
            ("audio.pitch_rate_hz", a.pitch_rate_hz),
            ("audio.timbre_bands", a.timbre_bands),
        ] {
            if v == 0 {
                return bad(field, "must be above zero");
            }
        }
        if i.text_angles_deg
            .iter()
            .any(|d| !(-90.0..=90.0).contains(d))
        {
            return bad(
                "image.text_angles_deg",
                "must lie between -90 and 90 degrees",
            );
        }
        let [thin, thick] = i.text_stroke_thickness;
        if !(0.0 <= thin && thin <= thick && thick <= 1.0) {
            return bad(
                "image.text_stroke_thickness",
                "must be an ordered range within 0 to 1",
            );
        }
        for (field, v) in [
            ("image.text_max_stroke_spread", i.text_max_stroke_spread),
            ("image.text_max_height_spread", i.text_max_height_spread),
            ("image.text_min_winding", i.text_min_winding),
            ("image.text_printed_thickness", i.text_printed_thickness),
            ("image.text_min_width_spread", i.text_min_width_spread),
            ("image.text_cursive_min_aspect", i.text_cursive_min_aspect),
            (
                "image.text_cursive_max_thickness",
                i.text_cursive_max_thickness,
            ),
            ("image.text_cursive_min_winding", i.text_cursive_min_winding),
            ("image.text_chroma_contrast", i.text_chroma_contrast),
        ] {
            if !(v >= 0.0 && v.is_finite()) {
                return bad(field, "must be a finite number of at least 0");
            }
        }
        if i.text_turned_px == 0 {
            return bad("image.text_turned_px", "must be above zero");
        }
        if i.tile_clip <= 0.0 {
            return bad("image.tile_clip", "must be above zero");
        }
        if i.tile_min_copies > 9 {
            // A pixel has itself and eight lattice neighbours.
            return bad("image.tile_min_copies", "must be at most 9");
        }
        if i.text_headroom_floor <= 0.0 {
            // With no floor, any brighter pixel on white would be ink.
            return bad("image.text_headroom_floor", "must be above zero");
        }
        if i.text_glyph_min_px > i.text_glyph_max_px {
            return bad("image.text_glyph_min_px", "exceeds text_glyph_max_px");
        }
        if !(a.f0_min_hz > 0.0 && a.f0_min_hz < a.f0_max_hz) {
            return bad("audio.f0_min_hz", "must be above zero and below f0_max_hz");
        }
        if !(a.band_low_hz >= 0.0 && a.band_low_hz < a.band_high_hz) {
            return bad("audio.band_low_hz", "must be below band_high_hz");
        }
        Ok(())
    }
}

/// Hard limits for untrusted files (SPEC A3): exceeding one is an error, checked
/// from the file's header before anything of the claimed size is allocated.
///
/// The defaults keep every accepted upload under about 256 MB of peak memory and a
/// second of decoding and measuring (RELIABILITY.md, "Hostile uploads"): a
/// 24-megapixel picture (6000 × 4000, a full-frame camera's), 5 minutes of audio.
///
/// ```
/// use fivergo_core::media::MediaLimits;
/// let l = MediaLimits::default();
/// assert_eq!((l.max_channels, l.min_sample_rate_hz), (8, 8_000));
/// assert_eq!(l.max_pixels, 24_000_000);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MediaLimits {
    /// Largest file accepted, in bytes (default 64 MiB).
    pub max_bytes: u64,
    /// Largest image accepted, in pixels (width × height; default 24 000 000).
    pub max_pixels: u64,
    /// Most memory a decoder may hold for one file, in bytes (default 128 MiB): an
    /// image's 8-bit RGBA pixels plus its decoder's working buffers (a progressive
    /// JPEG keeps 128 bytes per 8×8 block of each component; WebP 4 bytes a pixel),
    /// or a recording's 16-bit samples. Estimated from the header; over it is
    /// `media_too_large` with `what: "decoded_bytes"`.
    pub max_decoded_bytes: u64,
    /// Most metadata an image may carry before its pixels, in bytes (default 4 MiB):
    /// PNG ancillary chunks (text, compressed text, colour profile, EXIF, private
    /// chunks; counted compressed, and never inflated), JPEG APPn and comment
    /// segments, WebP ICCP, EXIF and XMP chunks. Over it is `media_too_large` with
    /// `what: "metadata_bytes"`.
    pub max_metadata_bytes: u64,
    /// Longest recording accepted, in seconds (default 300: a voice-over sample or a
    /// song; A3 asks for 10 s or 30 s and A8 calls 60 s ideal, and a longer
    /// recording splits into several assets).
    pub max_audio_seconds: u32,
    /// Most audio channels accepted.
    pub max_channels: u16,
    /// Lowest sample rate accepted, in Hz (default 8000, telephone quality). A hard
    /// limit, not the `low_sample_rate` warning of A8: a header claiming 1 Hz would
    /// make 600 bytes last 600 seconds and pass A3's minimum duration.
    pub min_sample_rate_hz: u32,
    /// Highest sample rate accepted, in Hz (default 192 000).
    pub max_sample_rate_hz: u32,
    /// An optional hard minimum: images whose shorter side is below it are refused
    /// (`image_too_small`). Off by default (`None`): SPEC A4 makes low resolution a
    /// soft check, so every image below
    /// [`AssetPolicy::recommended_min_side_px`](crate::AssetPolicy) gets the
    /// `low_resolution` warning and training is still allowed. A host that cannot
    /// use tiny images at all may set one; `Some(0)` is invalid.
    ///
    /// ```
    /// use fivergo_core::media::MediaLimits;
    /// assert_eq!(MediaLimits::default().min_image_side_px, None);
    /// let strict: MediaLimits = serde_json::from_str(r#"{"min_image_side_px": 64}"#).unwrap();
    /// assert_eq!(strict.min_image_side_px, Some(64));
    /// ```
    pub min_image_side_px: Option<u32>,
}

impl Default for MediaLimits {
    fn default() -> Self {
        Self {
            max_bytes: 64 * 1024 * 1024,
            max_pixels: 24_000_000,
            max_decoded_bytes: 128 * 1024 * 1024,
            max_metadata_bytes: 4 * 1024 * 1024,
            max_audio_seconds: 300,
            max_channels: 8,
            min_sample_rate_hz: 8_000,
            max_sample_rate_hz: 192_000,
            min_image_side_px: None,
        }
    }
}

/// What an uploaded file turned out to be.
///
/// ```
/// use fivergo_core::media::{inspect, Inspected};
/// use fivergo_core::{AssetMeta, Modality, Policy};
/// let found: Inspected = inspect(b"Short and dry.", &Policy::default()).unwrap();
/// assert_eq!((found.modality, found.meta), (Modality::Text, AssetMeta::text()));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inspected {
    /// Image, audio or text.
    pub modality: Modality,
    /// The measured facts the asset checks read.
    pub meta: AssetMeta,
}

/// Decodes and measures an uploaded file: PNG, JPEG or WebP images, WAV audio, or
/// UTF-8 text. Anything else, or a file over a limit, is a typed error (A3).
///
/// ```
/// use fivergo_core::media::{image::encode_png, inspect};
/// use fivergo_core::{Image, Modality, Policy};
/// let png = encode_png(&Image::filled(640, 480, [0, 128, 255, 255])).unwrap();
/// let found = inspect(&png, &Policy::default()).unwrap();
/// assert_eq!((found.modality, found.meta.width, found.meta.height), (Modality::Image, Some(640), Some(480)));
/// assert_eq!(inspect(&[0xFF, 0x00, 0xFE], &Policy::default()).unwrap_err().code(), "asset_unreadable");
/// ```
pub fn inspect(bytes: &[u8], policy: &crate::Policy) -> Result<Inspected, Error> {
    inspect_marked(bytes, policy, None)
}

/// [`inspect`], and for a picture, with `marks`, whether it carries the invisible
/// mark of a draft made under them ([`AssetMeta::draft_mark`], W2; see
/// [`image::inspect_image_marked`]): what the hub runs on every upload.
///
/// ```
/// use fivergo_core::media::{image::encode_png, inspect_marked};
/// use fivergo_core::watermark::MarkStyle;
/// use fivergo_core::{Image, Policy};
/// let png = encode_png(&Image::filled(640, 480, [0, 128, 255, 255])).unwrap();
/// let marks = MarkStyle::default();
/// let found = inspect_marked(&png, &Policy::default(), Some(&marks.invisible)).unwrap();
/// assert_eq!(found.meta.draft_mark, Some(false));
/// ```
pub fn inspect_marked(
    bytes: &[u8],
    policy: &crate::Policy,
    marks: Option<&InvisibleStyle>,
) -> Result<Inspected, Error> {
    let limits = &policy.media.limits;
    if bytes.len() as u64 > limits.max_bytes {
        return Err(Error::MediaTooLarge {
            what: "bytes".into(),
            limit: limits.max_bytes,
            actual: bytes.len() as u64,
        });
    }
    if bytes.is_empty() {
        return Err(Error::AssetUnreadable {
            reason: "the file is empty".into(),
        });
    }
    match sniff(bytes) {
        Some(Modality::Image) => image::inspect_marked(bytes, policy, marks),
        Some(Modality::Audio) => audio::inspect_bytes(bytes, policy),
        Some(Modality::Text) => Ok(Inspected {
            modality: Modality::Text,
            meta: AssetMeta::text(),
        }),
        None => Err(Error::AssetUnreadable {
            reason: "unknown format: expected PNG, JPEG, WebP, WAV or UTF-8 text".into(),
        }),
    }
}

/// Decodes a file into an [`Artifact`] within `limits`: PNG, JPEG or WebP into an
/// image, WAV into audio, UTF-8 into text; anything else is `asset_unreadable`.
///
/// ```
/// use fivergo_core::{media::{decode, encode, MediaLimits}, Artifact, Image};
/// let png = encode(&Artifact::Image(Image::filled(2, 2, [9, 9, 9, 255]))).unwrap();
/// assert!(matches!(decode(&png, &MediaLimits::default()).unwrap(), Artifact::Image(i) if i.width == 2));
/// assert_eq!(decode(b"caption", &MediaLimits::default()).unwrap(), Artifact::Text("caption".into()));
/// ```
pub fn decode(bytes: &[u8], limits: &MediaLimits) -> Result<Artifact, Error> {
    if bytes.len() as u64 > limits.max_bytes {
        return Err(Error::MediaTooLarge {
            what: "bytes".into(),
            limit: limits.max_bytes,
            actual: bytes.len() as u64,
        });
    }
    match sniff(bytes) {
        Some(Modality::Image) => image::decode(bytes, limits).map(Artifact::Image),
        Some(Modality::Audio) => audio::decode_wav(bytes, limits).map(Artifact::Audio),
        Some(Modality::Text) => Ok(Artifact::Text(String::from_utf8_lossy(bytes).into_owned())),
        None => Err(Error::AssetUnreadable {
            reason: "unknown format: expected PNG, JPEG, WebP, WAV or UTF-8 text".into(),
        }),
    }
}

/// Encodes an [`Artifact`] as a file: PNG for images, 16-bit WAV for audio, UTF-8 for text.
///
/// ```
/// use fivergo_core::{media::encode, Artifact};
/// assert_eq!(encode(&Artifact::Text("hi".into())).unwrap(), b"hi");
/// ```
pub fn encode(artifact: &Artifact) -> Result<Vec<u8>, Error> {
    match artifact {
        Artifact::Image(img) => image::encode_png(img),
        Artifact::Audio(a) => audio::encode_wav(a),
        Artifact::Text(t) => Ok(t.as_bytes().to_vec()),
    }
}

/// The media type of a file by its first bytes: `image/png`, `image/jpeg`,
/// `image/webp`, `audio/wav`, `text/plain`, or `application/octet-stream`.
///
/// ```
/// use fivergo_core::media::media_type;
/// assert_eq!(media_type(b"\x89PNG\r\n\x1a\n...."), "image/png");
/// assert_eq!(media_type(b"plain words"), "text/plain");
/// ```
pub fn media_type(bytes: &[u8]) -> &'static str {
    let starts = |p: &[u8]| bytes.starts_with(p);
    match sniff(bytes) {
        Some(Modality::Image) if starts(b"\x89PNG") => "image/png",
        Some(Modality::Image) if starts(&[0xFF, 0xD8, 0xFF]) => "image/jpeg",
        Some(Modality::Image) => "image/webp",
        Some(Modality::Audio) => "audio/wav",
        Some(Modality::Text) => "text/plain",
        None => "application/octet-stream",
    }
}

/// Recognises a file by its first bytes.
///
/// ```
/// use fivergo_core::{media::sniff, Modality};
/// assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some(Modality::Image));
/// assert_eq!(sniff(b"RIFF\0\0\0\0WAVEfmt "), Some(Modality::Audio));
/// assert_eq!(sniff("plain words".as_bytes()), Some(Modality::Text));
/// assert_eq!(sniff(&[0, 159, 146, 150]), None);
/// ```
pub fn sniff(bytes: &[u8]) -> Option<Modality> {
    let starts = |p: &[u8]| bytes.starts_with(p);
    if starts(b"\x89PNG\r\n\x1a\n")
        || starts(&[0xFF, 0xD8, 0xFF])
        || (starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP"))
    {
        Some(Modality::Image)
    } else if starts(b"RIFF") && bytes.get(8..12) == Some(b"WAVE") {
        Some(Modality::Audio)
    } else if std::str::from_utf8(bytes).is_ok_and(|t| !t.contains('\0')) {
        Some(Modality::Text)
    } else {
        None
    }
}
