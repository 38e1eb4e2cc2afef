//! Decoding untrusted image bytes under hard limits, and PNG encoding.

use super::header::{probe, ImageHeader, ImageKind};
use crate::error::Error;
use crate::generator::Image;
use crate::media::MediaLimits;
use image::metadata::Orientation;
use image::{ColorType, ImageDecoder, ImageError, ImageFormat, ImageReader};
use std::io::Cursor;

/// Decodes a PNG, JPEG or WebP file into 8-bit RGBA, with every limit checked from
/// the file's header before any pixel is decoded (SPEC A3).
///
/// [`probe`](super::probe) reads the header and walks the chunks first: more pixels
/// than `limits.max_pixels`, a decoder that would hold more than
/// `limits.max_decoded_bytes` (the RGBA pixels plus a progressive JPEG's
/// coefficients or WebP's planes), or more metadata than
/// `limits.max_metadata_bytes` (PNG text, colour profile and private chunks, JPEG
/// APPn segments, WebP ICCP/EXIF/XMP) is [`Error::MediaTooLarge`] with `what` set to
/// `pixels`, `decoded_bytes` or `metadata_bytes`, so a decompression bomb (a small
/// file whose header claims 100000 × 100000) is refused without allocating its
/// claimed size. A file over `limits.max_bytes` is refused the same way with
/// `what: "bytes"`.
///
/// Pixels are decoded straight into the RGBA buffer (16-bit PNGs are reduced to 8
/// bits row by row; PNG text and colour-profile chunks are skipped, never inflated),
/// so the peak is the RGBA image plus the decoder's working buffers. A truncated or
/// corrupt file, a zero-sized image or an unknown format is [`Error::AssetUnreadable`]
/// with the reason. Any colour type (grey, palette, 16-bit, with or without alpha) is
/// converted to RGBA8; the EXIF orientation is applied. Never panics.
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
    let format = match image::guess_format(bytes).ok() {
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
    let header = probe(bytes)?;
    header.check(limits)?;
    let (rgba, orientation) = match header.kind {
        ImageKind::Png => decode_png(bytes, &header, limits)?,
        ImageKind::Jpeg | ImageKind::WebP => decode_other(bytes, format, &header, limits)?,
    };
    let (width, height) = (header.width, header.height);
    let Some(buffer) = image::RgbaImage::from_raw(width, height, rgba) else {
        return Err(unreadable(&format!(
            "the {} decoder returned a wrong number of pixels",
            header.kind.name()
        )));
    };
    let mut dynamic = image::DynamicImage::ImageRgba8(buffer);
    if let Some(o) = orientation {
        dynamic.apply_orientation(o);
    }
    let rgba = match dynamic {
        image::DynamicImage::ImageRgba8(b) => b,
        other => other.into_rgba8(),
    };
    let (width, height) = rgba.dimensions();
    Ok(Image {
        width,
        height,
        rgba: rgba.into_raw(),
    })
}

/// The RGBA buffer of a checked header: `width × height × 4` bytes.
fn rgba_buffer(header: &ImageHeader) -> Result<Vec<u8>, Error> {
    usize::try_from(header.pixels() * 4)
        .map(|n| vec![0u8; n])
        .map_err(|_| too_large_for_address_space(header))
}

fn too_large_for_address_space(header: &ImageHeader) -> Error {
    Error::MediaTooLarge {
        what: "decoded_bytes".into(),
        limit: usize::MAX as u64,
        actual: header.decoded_bytes,
    }
}

/// PNG through the `png` crate: text and colour-profile chunks are skipped (never
/// inflated), 16-bit samples are reduced to 8 and palettes expanded while decoding,
/// into the front of the RGBA buffer, which is then widened in place.
fn decode_png(
    bytes: &[u8],
    header: &ImageHeader,
    limits: &MediaLimits,
) -> Result<(Vec<u8>, Option<Orientation>), Error> {
    let fail = |e: png::DecodingError| describe_png(e, header, limits);
    let max = usize::try_from(limits.max_decoded_bytes).unwrap_or(usize::MAX);
    let mut decoder = png::Decoder::new_with_limits(Cursor::new(bytes), png::Limits { bytes: max });
    decoder.set_ignore_text_chunk(true);
    decoder.set_ignore_iccp_chunk(true);
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(fail)?;
    let orientation = reader
        .info()
        .exif_metadata
        .as_deref()
        .and_then(Orientation::from_exif_chunk);
    let (color, _) = reader.output_color_type();
    let channels = color.samples();
    let mut rgba = rgba_buffer(header)?;
    let native = header.pixels() as usize * channels;
    if reader.output_buffer_size() != Some(native) {
        return Err(unreadable(
            "the PNG file is corrupt (its size changed while decoding)",
        ));
    }
    reader.next_frame(&mut rgba[..native]).map_err(fail)?;
    widen_in_place(&mut rgba, channels);
    Ok((rgba, orientation))
}

/// JPEG and WebP through the `image` crate's decoders, straight into the front of
/// the RGBA buffer, then widened in place.
fn decode_other(
    bytes: &[u8],
    format: ImageFormat,
    header: &ImageHeader,
    limits: &MediaLimits,
) -> Result<(Vec<u8>, Option<Orientation>), Error> {
    let kind = header.kind.name();
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(image_limits(limits));
    let mut decoder = match reader.into_decoder() {
        Ok(d) => d,
        Err(ImageError::Limits(_)) => return Err(limits_refusal(header, limits)),
        Err(e) => return Err(describe(kind, e)),
    };
    if decoder.dimensions() != (header.width, header.height) {
        return Err(unreadable(&format!(
            "the {kind} file is corrupt (its header and its decoder disagree on the size)"
        )));
    }
    let channels = match decoder.color_type() {
        ColorType::L8 => 1,
        ColorType::La8 => 2,
        ColorType::Rgb8 => 3,
        ColorType::Rgba8 => 4,
        other => {
            return Err(unreadable(&format!(
                "the {kind} file uses an unsupported colour type ({other:?})"
            )))
        }
    };
    let orientation = decoder.orientation().ok();
    let mut rgba = rgba_buffer(header)?;
    let native = header.pixels() as usize * channels;
    if decoder.total_bytes() != native as u64 {
        return Err(unreadable(&format!(
            "the {kind} file is corrupt (its size changed while decoding)"
        )));
    }
    match decoder.read_image(&mut rgba[..native]) {
        Ok(()) => {}
        Err(ImageError::Limits(_)) => return Err(limits_refusal(header, limits)),
        Err(e) => return Err(describe(kind, e)),
    }
    widen_in_place(&mut rgba, channels);
    Ok((rgba, orientation))
}

/// Turns `channels`-byte pixels (grey, grey + alpha, RGB) packed at the front of
/// `buf` into RGBA filling it, last pixel first so nothing is overwritten unread.
fn widen_in_place(buf: &mut [u8], channels: usize) {
    let n = buf.len() / 4;
    match channels {
        1 => (0..n).rev().for_each(|i| {
            let g = buf[i];
            buf[4 * i..4 * i + 4].copy_from_slice(&[g, g, g, 255]);
        }),
        2 => (0..n).rev().for_each(|i| {
            let (g, a) = (buf[2 * i], buf[2 * i + 1]);
            buf[4 * i..4 * i + 4].copy_from_slice(&[g, g, g, a]);
        }),
        3 => (0..n).rev().for_each(|i| {
            let (r, g, b) = (buf[3 * i], buf[3 * i + 1], buf[3 * i + 2]);
            buf[4 * i..4 * i + 4].copy_from_slice(&[r, g, b, 255]);
        }),
        _ => {}
    }
}

/// The `image` decoders' own caps, from the same policy: no side over the pixel
/// limit and no allocation over the decoded-bytes limit (a second line behind the
/// header check).
fn image_limits(limits: &MediaLimits) -> image::Limits {
    let side = u32::try_from(limits.max_pixels).unwrap_or(u32::MAX);
    let mut l = image::Limits::default();
    l.max_image_width = Some(side);
    l.max_image_height = Some(side);
    l.max_alloc = Some(limits.max_decoded_bytes);
    l
}

/// A decoder that hit its allocation cap although the header passed: reported as
/// the decoded-bytes limit with the header's estimate.
fn limits_refusal(header: &ImageHeader, limits: &MediaLimits) -> Error {
    Error::MediaTooLarge {
        what: "decoded_bytes".into(),
        limit: limits.max_decoded_bytes,
        actual: header
            .decoded_bytes
            .max(limits.max_decoded_bytes.saturating_add(1)),
    }
}

fn describe_png(e: png::DecodingError, header: &ImageHeader, limits: &MediaLimits) -> Error {
    match e {
        png::DecodingError::LimitsExceeded => limits_refusal(header, limits),
        png::DecodingError::IoError(io) => describe("PNG", ImageError::IoError(io)),
        other => {
            let text = other.to_string();
            if text.to_ascii_lowercase().contains("eof")
                || text.to_ascii_lowercase().contains("end of")
                || text.contains("truncated")
            {
                unreadable(&format!("the PNG file is truncated ({text})"))
            } else {
                unreadable(&format!("the PNG file is corrupt ({text})"))
            }
        }
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
