//! Files the media tests make themselves: PNGs of zeros of any size (a gigabyte of
//! zeros deflates in milliseconds), PNG chunks, JPEGs whose header claims another
//! size, WebPs and WAV headers as written.

/// A zlib stream of `len` zero bytes, made of self-contained 1 MiB deflate blocks
/// (full flush) repeated, so a gigabyte of zeros costs milliseconds to make.
pub(crate) fn zlib_zeros(len: u64) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    const UNIT: u64 = 1 << 20;
    let deflate = |n: u64, flush: FlushCompress| {
        let mut c = Compress::new(Compression::best(), false);
        let input = vec![0u8; n as usize];
        let mut out = Vec::with_capacity(64 * 1024);
        c.compress_vec(&input, &mut out, flush).unwrap();
        // A finishing call may need more room for the last block.
        while matches!(flush, FlushCompress::Finish)
            && c.total_in() == n
            && out.len() == out.capacity()
        {
            out.reserve(64 * 1024);
            c.compress_vec(&[], &mut out, flush).unwrap();
        }
        out
    };
    let unit = deflate(UNIT, FlushCompress::Full);
    let mut z = vec![0x78, 0xDA];
    for _ in 0..len / UNIT {
        z.extend_from_slice(&unit);
    }
    z.extend(deflate(len % UNIT, FlushCompress::Finish));
    // Adler-32 of zeros: A = 1, B = len mod 65521.
    let adler = (((len % 65_521) as u32) << 16) | 1;
    z.extend(adler.to_be_bytes());
    z
}

pub(crate) fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend((data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend(crc.to_be_bytes());
}

pub(crate) fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG of zeros (black, or transparent with alpha): `color` is the PNG colour
/// type (0 grey, 2 RGB, 6 RGBA), `ancillary` chunks go before IDAT.
pub(crate) fn png_zeros(
    width: u32,
    height: u32,
    depth: u8,
    color: u8,
    ancillary: &[(&[u8; 4], Vec<u8>)],
) -> Vec<u8> {
    let channels: u64 = match color {
        0 => 1,
        2 => 3,
        4 => 2,
        _ => 4,
    };
    let row = 1 + (u64::from(width) * channels * u64::from(depth)).div_ceil(8);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(width.to_be_bytes());
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([depth, color, 0, 0, 0]);
    png_chunk(&mut out, b"IHDR", &ihdr);
    for (kind, data) in ancillary {
        png_chunk(&mut out, kind, data);
    }
    png_chunk(&mut out, b"IDAT", &zlib_zeros(row * u64::from(height)));
    png_chunk(&mut out, b"IEND", &[]);
    out
}

/// A real 16×16 baseline JPEG whose frame header claims `width × height`: the
/// entropy-coded data ends long before the claimed pixels.
pub(crate) fn jpeg_claiming(width: u16, height: u16) -> Vec<u8> {
    let img = image::RgbImage::from_fn(16, 16, |x, y| {
        image::Rgb([(x * 16) as u8, (y * 16) as u8, 90])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&img)
        .unwrap();
    let sof = out.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    out[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    out[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    out
}

/// A lossless WebP of one colour, `width × height`.
pub(crate) fn webp_solid(width: u32, height: u32) -> Vec<u8> {
    let rgba = vec![0u8; width as usize * height as usize * 4];
    let mut out = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut out)
        .encode(&rgba, width, height, image::ExtendedColorType::Rgba8)
        .unwrap();
    out
}

/// A WAV header as written, with `data` bytes following it and the data chunk
/// declaring `declared` bytes.
pub(crate) fn wav_raw(channels: u16, rate: u32, bits: u16, declared: u32, data: &[u8]) -> Vec<u8> {
    let align = channels.saturating_mul(bits / 8);
    let mut out = b"RIFF".to_vec();
    out.extend(36u32.saturating_add(declared).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend(16u32.to_le_bytes());
    out.extend(1u16.to_le_bytes());
    out.extend(channels.to_le_bytes());
    out.extend(rate.to_le_bytes());
    out.extend(rate.saturating_mul(u32::from(align)).to_le_bytes());
    out.extend(align.to_le_bytes());
    out.extend(bits.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend(declared.to_le_bytes());
    out.extend_from_slice(data);
    out
}

/// A JPEG claiming `width × height` whose frame is marked progressive (SOF2) and
/// whose one scan is a DC scan: the decoder keeps every coefficient.
pub(crate) fn progressive_jpeg_claiming(width: u16, height: u16) -> Vec<u8> {
    let mut out = jpeg_claiming(width, height);
    let sof = out.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    out[sof + 1] = 0xC2;
    let sos = out.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
    let n = usize::from(out[sos + 4]);
    // Ss = 0, Se = 0 (DC only), Ah = Al = 0.
    out[sos + 5 + 2 * n..sos + 8 + 2 * n].copy_from_slice(&[0, 0, 0]);
    out
}
