//! Decoding untrusted image bytes under hard limits, and PNG encoding.

use crate::error::Error;
use crate::generator::Image;
use crate::media::MediaLimits;
use image::{ImageDecoder, ImageError, ImageFormat, ImageReader};
use std::io::Cursor;

/// Bytes per pixel of the widest colour type the enabled decoders produce (16-bit
/// RGBA): the decoder's own buffer is at most this many bytes per pixel.
const WIDEST_PIXEL_BYTES: u64 = 8;
/// Allocation headroom for decoder state beyond the pixel buffer (zlib window, JPEG
/// tables, WebP planes).
const DECODER_OVERHEAD_BYTES: u64 = 32 * 1024 * 1024;

/// Decodes a PNG, JPEG or WebP file into 8-bit RGBA, with the limits set before any
/// pixel is decoded.
///
/// The image's dimensions are read from its header first: more pixels than
/// `limits.max_pixels` is [`Error::MediaTooLarge`] with `what: "pixels"`, so a
/// decompression bomb (a small file whose header claims 100000 × 100000) is refused
/// without allocating its claimed size; the decoder also runs under an allocation cap
/// (`image::Limits::max_alloc`) derived from the same limit. A file over
/// `limits.max_bytes` is refused the same way with `what: "bytes"`. A truncated or
/// corrupt file, a zero-sized image or an unknown format is
/// [`Error::AssetUnreadable`] with the reason. Any colour type (grey, 16-bit, with or
/// without alpha) is converted to RGBA8; the EXIF orientation of JPEG and WebP files
/// is applied. Never panics.
///
/// ```
/// use fivergo_core::{media::{image::{decode, encode_png}, MediaLimits}, Image};
/// let png = encode_png(&Image::filled(3, 2, [10, 20, 30, 255])).unwrap();
/// let img = decode(&png, &MediaLimits::default()).unwrap();
/// assert_eq!((img.width, img.height, img.pixel(2, 1)), (3, 2, [10, 20, 30, 255]));
/// assert_eq!(decode(b"not an image", &MediaLimits::default()).unwrap_err().code(), "asset_unreadable");
/// ```
pub fn decode(bytes: &[u8], limits: &MediaLimits) -> Result<Image, Error> {
    if bytes.len() as u64 > limits.max_bytes {
        return Err(Error::MediaTooLarge {
            what: "bytes".into(),
            limit: limits.max_bytes,
            actual: bytes.len() as u64,
        });
    }
    if bytes.is_empty() {
        return Err(unreadable("the file is empty"));
    }
    // The decoders are written to return errors on hostile input; this is the last
    // line of defence so that a decoder bug cannot take the host down.
    match std::panic::catch_unwind(|| decode_inner(bytes, limits)) {
        Ok(result) => result,
        Err(_) => Err(unreadable(
            "the image decoder failed on this file (corrupt data)",
        )),
    }
}

fn decode_inner(bytes: &[u8], limits: &MediaLimits) -> Result<Image, Error> {
    let format = image::guess_format(bytes).ok();
    let format = match format {
        Some(f @ (ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP)) => f,
        Some(other) => {
            return Err(unreadable(&format!(
                "{} images are not supported: expected PNG, JPEG or WebP",
                other.extensions_str().first().unwrap_or(&"this kind of")
            )))
        }
        None => {
            return Err(unreadable(
                "unknown image format: expected PNG, JPEG or WebP",
            ))
        }
    };
    let kind = format_name(format);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(image_limits(limits));
    let mut decoder = match reader.into_decoder() {
        Ok(d) => d,
        Err(ImageError::Limits(_)) => {
            return Err(too_many_pixels(limits, header_pixels(bytes, format)))
        }
        Err(e) => return Err(describe(kind, e)),
    };
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(unreadable(&format!(
            "the {kind} image has no pixels ({width}×{height})"
        )));
    }
    let pixels = u64::from(width) * u64::from(height);
    if pixels > limits.max_pixels {
        return Err(too_many_pixels(limits, Some(pixels)));
    }
    let orientation = decoder.orientation().ok();
    let mut dynamic = match image::DynamicImage::from_decoder(decoder) {
        Ok(d) => d,
        Err(ImageError::Limits(_)) => return Err(too_many_pixels(limits, Some(pixels))),
        Err(e) => return Err(describe(kind, e)),
    };
    if let Some(o) = orientation {
        dynamic.apply_orientation(o);
    }
    let rgba = dynamic.into_rgba8();
    let (width, height) = rgba.dimensions();
    Ok(Image {
        width,
        height,
        rgba: rgba.into_raw(),
    })
}

/// The decoder limits derived from the policy: no side may exceed the pixel limit
/// (a 1-pixel-high strip is the widest legal image) and allocations are capped at the
/// widest pixel buffer the limit allows plus decoder state.
fn image_limits(limits: &MediaLimits) -> image::Limits {
    let side = u32::try_from(limits.max_pixels).unwrap_or(u32::MAX);
    let mut l = image::Limits::default();
    l.max_image_width = Some(side);
    l.max_image_height = Some(side);
    l.max_alloc = Some(
        limits
            .max_pixels
            .saturating_mul(WIDEST_PIXEL_BYTES)
            .saturating_add(DECODER_OVERHEAD_BYTES),
    );
    l
}

fn too_many_pixels(limits: &MediaLimits, actual: Option<u64>) -> Error {
    Error::MediaTooLarge {
        what: "pixels".into(),
        limit: limits.max_pixels,
        // A header refused before its size could be read: report "over the limit".
        actual: actual.unwrap_or(limits.max_pixels.saturating_add(1)),
    }
}

/// Width × height from a PNG header (used only to report a refused bomb's size).
fn header_pixels(bytes: &[u8], format: ImageFormat) -> Option<u64> {
    if format != ImageFormat::Png || bytes.get(12..16) != Some(b"IHDR") {
        return None;
    }
    let w = u32::from_be_bytes(bytes.get(16..20)?.try_into().ok()?);
    let h = u32::from_be_bytes(bytes.get(20..24)?.try_into().ok()?);
    Some(u64::from(w) * u64::from(h))
}

fn format_name(format: ImageFormat) -> &'static str {
    match format {
        ImageFormat::Png => "PNG",
        ImageFormat::Jpeg => "JPEG",
        ImageFormat::WebP => "WebP",
        _ => "image",
    }
}

fn describe(kind: &str, e: ImageError) -> Error {
    let reason = match &e {
        ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            format!("the {kind} file is truncated")
        }
        ImageError::IoError(io) => format!("the {kind} file could not be read ({io})"),
        ImageError::Unsupported(u) => format!("the {kind} file uses an unsupported feature ({u})"),
        _ => {
            let text = e.to_string();
            if text.to_ascii_lowercase().contains("eof")
                || text.to_ascii_lowercase().contains("end of")
            {
                format!("the {kind} file is truncated ({text})")
            } else {
                format!("the {kind} file is corrupt ({text})")
            }
        }
    };
    unreadable(&reason)
}

fn unreadable(reason: &str) -> Error {
    Error::AssetUnreadable {
        reason: reason.into(),
    }
}

/// Encodes an image as an 8-bit RGBA PNG (fast compression).
///
/// A buffer whose length is not `width × height × 4`, or an image with no pixels, is
/// [`Error::InvalidInput`].
///
/// ```
/// use fivergo_core::{media::image::encode_png, Image};
/// let png = encode_png(&Image::filled(2, 2, [0, 0, 0, 255])).unwrap();
/// assert!(png.starts_with(b"\x89PNG"));
/// let broken = Image { width: 2, height: 2, rgba: vec![0; 3] };
/// assert_eq!(encode_png(&broken).unwrap_err().code(), "invalid_input");
/// ```
pub fn encode_png(img: &Image) -> Result<Vec<u8>, Error> {
    let expected = u64::from(img.width) * u64::from(img.height) * 4;
    if img.rgba.len() as u64 != expected {
        return Err(Error::invalid(
            "image",
            format!(
                "rgba holds {} bytes; a {}×{} image needs {expected}",
                img.rgba.len(),
                img.width,
                img.height
            ),
        ));
    }
    if expected == 0 {
        return Err(Error::invalid(
            "image",
            format!("a {}×{} image has no pixels", img.width, img.height),
        ));
    }
    let mut out = Vec::new();
    let encoder = image::codecs::png::PngEncoder::new_with_quality(
        &mut out,
        image::codecs::png::CompressionType::Fast,
        image::codecs::png::FilterType::Adaptive,
    );
    image::ImageEncoder::write_image(
        encoder,
        &img.rgba,
        img.width,
        img.height,
        image::ExtendedColorType::Rgba8,
    )
    .map_err(|e| Error::invalid("image", format!("PNG encoding failed: {e}")))?;
    Ok(out)
}
