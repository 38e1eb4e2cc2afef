//! Reading what an image file claims before any pixel is decoded: its size, what
//! the decoder will hold for it and how much metadata it carries (SPEC A3).
//!
//! The walk reads only headers and chunk or segment lengths, so it costs
//! microseconds whatever the file claims; the limits of
//! [`MediaLimits`](crate::media::MediaLimits) are checked against its answer before a
//! decoder allocates anything.

use crate::error::Error;
use crate::media::MediaLimits;

/// Bytes per pixel of the decoded image ([`Image`](crate::Image) is 8-bit RGBA).
const RGBA_BYTES: u64 = 4;
/// A progressive JPEG (or one whose components arrive in separate scans) keeps every
/// DCT coefficient of the image until the last scan: 64 `i16` per 8×8 block.
const JPEG_BLOCK_BYTES: u64 = 64 * 2;
/// WebP decoders hold the colour planes (lossy YUV 4:2:0, 1.5 bytes a pixel) or the
/// lossless ARGB words beside the output, and an alpha plane: 4 bytes a pixel bounds
/// both.
const WEBP_WORKING_BYTES: u64 = 4;

/// The formats [`decode`](super::decode) reads.
///
/// ```
/// use fivergo_core::media::image::ImageKind;
/// assert_eq!(ImageKind::WebP.name(), "WebP");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    /// PNG (first frame of an animated PNG).
    Png,
    /// Baseline or progressive JPEG.
    Jpeg,
    /// Lossy or lossless WebP (first frame of an animated WebP).
    WebP,
}

impl ImageKind {
    /// The format's name in messages: `PNG`, `JPEG`, `WebP`.
    pub fn name(self) -> &'static str {
        match self {
            ImageKind::Png => "PNG",
            ImageKind::Jpeg => "JPEG",
            ImageKind::WebP => "WebP",
        }
    }
}

/// What an image file's header claims, read without decoding a pixel.
///
/// ```
/// use fivergo_core::{media::image::{encode_png, probe, ImageKind}, Image};
/// let png = encode_png(&Image::filled(30, 20, [0, 0, 0, 255])).unwrap();
/// let h = probe(&png).unwrap();
/// assert_eq!((h.kind, h.width, h.height), (ImageKind::Png, 30, 20));
/// assert_eq!(h.decoded_bytes, 30 * 20 * 4);
/// assert_eq!(probe(b"\x89PNG\r\n\x1a\n").unwrap_err().code(), "asset_unreadable");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageHeader {
    /// The file's format.
    pub kind: ImageKind,
    /// Width in pixels, as claimed.
    pub width: u32,
    /// Height in pixels, as claimed.
    pub height: u32,
    /// Bytes the decoder holds at its peak: the 8-bit RGBA pixels plus its working
    /// buffers (a progressive JPEG's coefficients, WebP's planes).
    pub decoded_bytes: u64,
    /// Bytes of metadata before the pixels: PNG ancillary chunks (text, colour
    /// profile, EXIF, private chunks; not animation frames), JPEG APPn and comment
    /// segments, WebP ICCP, EXIF and XMP chunks.
    pub metadata_bytes: u64,
}

impl ImageHeader {
    /// Width × height.
    ///
    /// ```
    /// use fivergo_core::media::image::{ImageHeader, ImageKind};
    /// let h = ImageHeader { kind: ImageKind::Png, width: 6000, height: 4000, decoded_bytes: 0, metadata_bytes: 0 };
    /// assert_eq!(h.pixels(), 24_000_000);
    /// ```
    pub fn pixels(&self) -> u64 {
        u64::from(self.width) * u64::from(self.height)
    }

    /// Checks the claims against `limits`, in the order a UI explains them: pixels,
    /// decoded bytes, metadata bytes ([`Error::MediaTooLarge`] with `what` set to
    /// each), then a zero-sized image ([`Error::AssetUnreadable`]).
    ///
    /// ```
    /// use fivergo_core::{media::{image::{encode_png, probe}, MediaLimits}, Image};
    /// let png = encode_png(&Image::filled(30, 20, [0, 0, 0, 255])).unwrap();
    /// let tight = MediaLimits { max_decoded_bytes: 1000, ..MediaLimits::default() };
    /// let err = probe(&png).unwrap().check(&tight).unwrap_err();
    /// assert_eq!(err.details()["what"], "decoded_bytes");
    /// assert_eq!(err.details()["actual"], 2400);
    /// ```
    pub fn check(&self, limits: &MediaLimits) -> Result<(), Error> {
        let over = |what: &str, limit: u64, actual: u64| {
            Err(Error::MediaTooLarge {
                what: what.into(),
                limit,
                actual,
            })
        };
        if self.pixels() > limits.max_pixels {
            return over("pixels", limits.max_pixels, self.pixels());
        }
        if self.decoded_bytes > limits.max_decoded_bytes {
            return over(
                "decoded_bytes",
                limits.max_decoded_bytes,
                self.decoded_bytes,
            );
        }
        if self.metadata_bytes > limits.max_metadata_bytes {
            return over(
                "metadata_bytes",
                limits.max_metadata_bytes,
                self.metadata_bytes,
            );
        }
        if self.width == 0 || self.height == 0 {
            return Err(unreadable(format!(
                "the {} image has no pixels ({}×{})",
                self.kind.name(),
                self.width,
                self.height
            )));
        }
        Ok(())
    }
}

fn unreadable(reason: String) -> Error {
    Error::AssetUnreadable { reason }
}

/// Reads the header of a PNG, JPEG or WebP file and walks its chunks or segments up
/// to the pixel data, without decoding (SPEC A3). Never panics and never allocates
/// in proportion to what the file claims.
///
/// A file that is none of the three, or whose header is cut short or malformed, is
/// [`Error::AssetUnreadable`]. Metadata past the end of a truncated file is not
/// counted; the decoder reports the truncation.
///
/// ```
/// use fivergo_core::media::image::probe;
/// // A PNG signature and a header claiming 100000 × 100000 pixels: 33 bytes.
/// let mut bomb = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
/// bomb.extend(100_000u32.to_be_bytes());
/// bomb.extend(100_000u32.to_be_bytes());
/// bomb.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
/// let h = probe(&bomb).unwrap();
/// assert_eq!(h.pixels(), 10_000_000_000);
/// assert_eq!(h.check(&Default::default()).unwrap_err().code(), "media_too_large");
/// ```
pub fn probe(bytes: &[u8]) -> Result<ImageHeader, Error> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        png(bytes)
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        jpeg(bytes)
    } else if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        webp(bytes)
    } else {
        Err(unreadable(
            "unknown image format: expected PNG, JPEG or WebP".into(),
        ))
    }
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn le24(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 3)?;
    Some(u32::from(s[0]) | u32::from(s[1]) << 8 | u32::from(s[2]) << 16)
}

fn png(bytes: &[u8]) -> Result<ImageHeader, Error> {
    let bad = |what: &str| unreadable(format!("the PNG file is corrupt ({what})"));
    if bytes.get(12..16) != Some(b"IHDR") {
        return Err(if bytes.len() < 16 {
            unreadable("the PNG file is truncated (no header)".into())
        } else {
            bad("the first chunk is not IHDR")
        });
    }
    let (width, height) = match (be32(bytes, 16), be32(bytes, 20)) {
        (Some(w), Some(h)) => (w, h),
        _ => {
            return Err(unreadable(
                "the PNG file is truncated (in its header)".into(),
            ))
        }
    };
    let mut metadata = 0u64;
    let mut at = 8usize;
    // Walk every chunk present: length, type, data, CRC.
    while let (Some(len), Some(kind)) = (be32(bytes, at), bytes.get(at + 4..at + 8)) {
        if len > i32::MAX as u32 {
            return Err(bad("a chunk length exceeds 2³¹ − 1"));
        }
        if kind == b"IEND" {
            break;
        }
        // Ancillary chunks have a lowercase first letter; animation frames (fcTL,
        // fdAT, acTL) are skipped by the decoder, not kept as metadata.
        let animation = matches!(kind, b"fcTL" | b"fdAT" | b"acTL");
        if kind[0].is_ascii_lowercase() && !animation {
            metadata = metadata.saturating_add(u64::from(len));
        }
        at = at.saturating_add(12).saturating_add(len as usize);
    }
    Ok(ImageHeader {
        kind: ImageKind::Png,
        width,
        height,
        // PNG sides reach 2³² − 1: the product of both times 4 overflows u64.
        decoded_bytes: (u64::from(width) * u64::from(height)).saturating_mul(RGBA_BYTES),
        metadata_bytes: metadata,
    })
}

/// One component of a JPEG frame: horizontal and vertical sampling factors.
#[derive(Clone, Copy, Default)]
struct Component {
    h: u8,
    v: u8,
}

fn jpeg(bytes: &[u8]) -> Result<ImageHeader, Error> {
    let bad = |what: &str| unreadable(format!("the JPEG file is corrupt ({what})"));
    let mut at = 2usize;
    let mut metadata = 0u64;
    let mut frame: Option<(u32, u32, bool, Vec<Component>)> = None;
    let mut first_scan_components = None;
    while at < bytes.len() {
        if bytes[at] != 0xFF {
            return Err(bad("a marker is expected between segments"));
        }
        // Fill bytes: any number of 0xFF before the marker code.
        while bytes.get(at) == Some(&0xFF) {
            at += 1;
        }
        let Some(&marker) = bytes.get(at) else { break };
        at += 1;
        // Markers without a length.
        if matches!(marker, 0x01 | 0xD0..=0xD7) {
            continue;
        }
        if marker == 0xD9 || marker == 0x00 {
            return Err(bad("the image ends before its first scan"));
        }
        let Some(len) = be16(bytes, at) else { break };
        if len < 2 {
            return Err(bad("a segment length is below 2"));
        }
        let body = bytes
            .get(at + 2..(at + usize::from(len)).min(bytes.len()))
            .unwrap_or(&[]);
        match marker {
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                if frame.is_some() {
                    return Err(bad("a second frame header"));
                }
                let (Some(h), Some(w), Some(&n)) = (be16(body, 1), be16(body, 3), body.get(5))
                else {
                    return Err(unreadable(
                        "the JPEG file is truncated (in its frame header)".into(),
                    ));
                };
                let comps: Vec<Component> = (0..usize::from(n))
                    .map_while(|i| {
                        body.get(6 + 3 * i + 1).map(|&s| Component {
                            h: (s >> 4).max(1),
                            v: (s & 15).max(1),
                        })
                    })
                    .collect();
                if comps.len() != usize::from(n) || n == 0 {
                    return Err(bad("the frame header lists its components wrongly"));
                }
                let progressive = matches!(marker, 0xC2 | 0xC6 | 0xCA | 0xCE);
                frame = Some((u32::from(w), u32::from(h), progressive, comps));
            }
            0xDA => {
                first_scan_components = body.first().copied();
                break;
            }
            0xE0..=0xEF | 0xFE => metadata = metadata.saturating_add(u64::from(len)),
            _ => {}
        }
        at += usize::from(len);
    }
    let Some((width, height, progressive, comps)) = frame else {
        return Err(unreadable(
            "the JPEG file is truncated (no frame header before its data)".into(),
        ));
    };
    let out = (u64::from(width) * u64::from(height)).saturating_mul(RGBA_BYTES);
    // Coefficients are kept for the whole image when scans are progressive or do not
    // carry every component at once.
    let separate_scans = first_scan_components.is_some_and(|n| usize::from(n) < comps.len());
    let coefficients = if progressive || separate_scans {
        let h_max = u64::from(comps.iter().map(|c| c.h).max().unwrap_or(1));
        let v_max = u64::from(comps.iter().map(|c| c.v).max().unwrap_or(1));
        let mcus_x = u64::from(width).div_ceil(8 * h_max);
        let mcus_y = u64::from(height).div_ceil(8 * v_max);
        comps
            .iter()
            .map(|c| mcus_x * mcus_y * u64::from(c.h) * u64::from(c.v) * JPEG_BLOCK_BYTES)
            .sum()
    } else {
        0
    };
    Ok(ImageHeader {
        kind: ImageKind::Jpeg,
        width,
        height,
        decoded_bytes: out.saturating_add(coefficients),
        metadata_bytes: metadata,
    })
}

fn webp(bytes: &[u8]) -> Result<ImageHeader, Error> {
    let bad = |what: &str| unreadable(format!("the WebP file is corrupt ({what})"));
    let truncated = || unreadable("the WebP file is truncated (in its header)".into());
    let mut at = 12usize;
    let mut size = None;
    let mut metadata = 0u64;
    while let (Some(kind), Some(len)) = (bytes.get(at..at + 4), le32(bytes, at + 4)) {
        let body = bytes.get(at + 8..).unwrap_or(&[]);
        match kind {
            b"VP8X" => {
                let (Some(w), Some(h)) = (le24(body, 4), le24(body, 7)) else {
                    return Err(truncated());
                };
                size.get_or_insert((w + 1, h + 1));
            }
            b"VP8 " => {
                if body.get(3..6) != Some(&[0x9D, 0x01, 0x2A]) {
                    return Err(bad("the VP8 start code is missing"));
                }
                let (Some(w), Some(h)) = (body.get(6..8), body.get(8..10)) else {
                    return Err(truncated());
                };
                let w = u32::from(u16::from_le_bytes([w[0], w[1]]) & 0x3FFF);
                let h = u32::from(u16::from_le_bytes([h[0], h[1]]) & 0x3FFF);
                size.get_or_insert((w, h));
            }
            b"VP8L" => {
                if body.first() != Some(&0x2F) {
                    return Err(bad("the VP8L signature is missing"));
                }
                let Some(bits) = le32(body, 1) else {
                    return Err(truncated());
                };
                size.get_or_insert(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1));
            }
            b"ICCP" | b"EXIF" | b"XMP " => metadata = metadata.saturating_add(u64::from(len)),
            _ => {}
        }
        // Chunks are padded to an even length.
        at = at
            .saturating_add(8)
            .saturating_add(len as usize)
            .saturating_add(len as usize & 1);
    }
    let Some((width, height)) = size else {
        return Err(truncated());
    };
    let pixels = u64::from(width) * u64::from(height);
    Ok(ImageHeader {
        kind: ImageKind::WebP,
        width,
        height,
        decoded_bytes: pixels.saturating_mul(RGBA_BYTES + WEBP_WORKING_BYTES),
        metadata_bytes: metadata,
    })
}
