//! WAV files: decoding untrusted bytes within limits and 16-bit encoding (hound).

use crate::error::Error;
use crate::generator::Audio;
use crate::media::MediaLimits;
use std::cell::Cell;

fn unreadable(reason: impl Into<String>) -> Error {
    Error::AssetUnreadable {
        reason: reason.into(),
    }
}

/// A `Read` over a byte slice that reports how far it got, so the decoder knows how
/// many bytes really follow the header.
struct Tracked<'a> {
    data: &'a [u8],
    pos: &'a Cell<usize>,
}

impl std::io::Read for Tracked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let start = self.pos.get().min(self.data.len());
        let n = buf.len().min(self.data.len() - start);
        buf[..n].copy_from_slice(&self.data[start..start + n]);
        self.pos.set(start + n);
        Ok(n)
    }
}

fn hound_error(e: hound::Error) -> Error {
    match e {
        hound::Error::IoError(_) => unreadable("the audio data ends before the length its header declares (truncated file)"),
        hound::Error::FormatError(m) => unreadable(format!("not a valid WAV file: {m}")),
        hound::Error::Unsupported | hound::Error::TooWide | hound::Error::InvalidSampleFormat | hound::Error::UnfinishedSample => {
            unreadable("unsupported WAV encoding: only PCM (8, 16, 24, 32-bit integer) and 32-bit float are read")
        }
    }
}

/// Decodes WAV bytes into 16-bit interleaved [`Audio`] within `limits` (A3).
///
/// Reads PCM integer samples of 8, 16, 24 or 32 bits and 32-bit IEEE float, any
/// channel count up to [`MediaLimits::max_channels`]. Conversion to 16 bits: 8-bit
/// samples are shifted up by 8 bits; 24- and 32-bit samples are rounded to the
/// nearest 16-bit value (saturating); floats are clamped to `[-1, 1]` and scaled by
/// 32767 (non-finite values become 0).
///
/// Untrusted headers are checked before anything is allocated:
/// - more channels than allowed → [`Error::MediaTooLarge`] `channels`; a sample
///   rate outside [`MediaLimits::min_sample_rate_hz`] to
///   [`MediaLimits::max_sample_rate_hz`] → [`Error::SampleRateOutOfRange`]; a header
///   duration over [`MediaLimits::max_audio_seconds`] → `MediaTooLarge` `seconds`;
///   more 16-bit samples than [`MediaLimits::max_decoded_bytes`] holds →
///   `MediaTooLarge` `decoded_bytes`;
/// - a data chunk declaring more bytes than the file holds (a truncated file or a
///   lying header) → [`Error::AssetUnreadable`]: the file is refused rather than
///   half-read, and the sample buffer is never sized from the header alone (its
///   capacity is capped by the bytes actually present);
/// - zero channels, compressed or unknown encodings, garbage →
///   `AssetUnreadable`.
///
/// ```
/// use fivergo_core::{media::{audio::{decode_wav, encode_wav}, MediaLimits}, Audio};
/// let tone = Audio { sample_rate: 8000, channels: 1,
///     samples: (0..8000).map(|i| ((i as f32 * 0.3).sin() * 8000.0) as i16).collect() };
/// let bytes = encode_wav(&tone).unwrap();
/// assert_eq!(decode_wav(&bytes, &MediaLimits::default()).unwrap(), tone);
/// let err = decode_wav(&bytes[..bytes.len() - 10], &MediaLimits::default()).unwrap_err();
/// assert_eq!(err.code(), "asset_unreadable");
/// ```
pub fn decode_wav(bytes: &[u8], limits: &MediaLimits) -> Result<Audio, Error> {
    if bytes.len() as u64 > limits.max_bytes {
        return Err(Error::MediaTooLarge {
            what: "bytes".into(),
            limit: limits.max_bytes,
            actual: bytes.len() as u64,
        });
    }
    let pos = Cell::new(0);
    let mut reader = hound::WavReader::new(Tracked {
        data: bytes,
        pos: &pos,
    })
    .map_err(hound_error)?;
    let spec = reader.spec();
    if spec.channels == 0 {
        return Err(unreadable("the file declares zero channels"));
    }
    if spec.channels > limits.max_channels {
        return Err(Error::MediaTooLarge {
            what: "channels".into(),
            limit: u64::from(limits.max_channels),
            actual: u64::from(spec.channels),
        });
    }
    if spec.sample_rate < limits.min_sample_rate_hz || spec.sample_rate > limits.max_sample_rate_hz
    {
        return Err(Error::SampleRateOutOfRange {
            sample_rate_hz: spec.sample_rate,
            min_hz: limits.min_sample_rate_hz,
            max_hz: limits.max_sample_rate_hz,
        });
    }
    let int = spec.sample_format == hound::SampleFormat::Int;
    if !matches!(
        (int, spec.bits_per_sample),
        (true, 8 | 16 | 24 | 32) | (false, 32)
    ) {
        return Err(unreadable(format!(
            "unsupported WAV encoding: {}-bit {}; only PCM (8, 16, 24, 32-bit integer) and 32-bit float are read",
            spec.bits_per_sample,
            if int { "integer" } else { "float" }
        )));
    }
    // The header's claims, checked before the data: duration, then the 16-bit
    // buffer they would need.
    let claimed = u64::from(reader.len());
    let frames = u64::from(reader.duration());
    let rate = u64::from(spec.sample_rate);
    let max_seconds = u64::from(limits.max_audio_seconds);
    if frames > max_seconds * rate {
        return Err(Error::MediaTooLarge {
            what: "seconds".into(),
            limit: max_seconds,
            actual: frames.div_ceil(rate),
        });
    }
    if claimed * 2 > limits.max_decoded_bytes {
        return Err(Error::MediaTooLarge {
            what: "decoded_bytes".into(),
            limit: limits.max_decoded_bytes,
            actual: claimed * 2,
        });
    }
    let bytes_per_sample = u64::from(spec.bits_per_sample.div_ceil(8));
    let available = (bytes.len() - pos.get().min(bytes.len())) as u64;
    if claimed * bytes_per_sample > available {
        return Err(unreadable(format!(
            "the header declares {} bytes of audio but only {available} follow it: the file is truncated or its header is wrong",
            claimed * bytes_per_sample
        )));
    }
    let data_start = pos.get().min(bytes.len());
    let capacity = claimed.min(available / bytes_per_sample.max(1));
    let mut samples = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
    // hound reads and validates the first sample; how far it read is the container
    // size (24-bit samples may sit in 3 or 4 bytes). The rest is converted straight
    // from the bytes, which is several times faster than sample-by-sample reads.
    let first = if int {
        reader.samples::<i32>().next().map(|r| r.map(drop))
    } else {
        reader.samples::<f32>().next().map(|r| r.map(drop))
    };
    if let Some(Err(e)) = first {
        return Err(hound_error(e));
    }
    let container = pos.get().saturating_sub(data_start);
    let data = usize::try_from(claimed)
        .ok()
        .and_then(|c| c.checked_mul(container))
        .and_then(|len| bytes.get(data_start..data_start + len))
        .ok_or_else(|| {
            unreadable("the audio data ends before the length its header declares (truncated file)")
        })?;
    let round_shift = |v: i32, shift: u32| {
        ((i64::from(v) + (1i64 << (shift - 1))) >> shift)
            .clamp(i64::from(i16::MIN), i64::from(i16::MAX)) as i16
    };
    match (int, spec.bits_per_sample, container) {
        (_, _, 0) => {}
        (true, 8, 1) => samples.extend(data.iter().map(|&b| (i16::from(b) - 128) << 8)),
        (true, 16, 2) => samples.extend(
            data.chunks_exact(2)
                .map(|c| i16::from_le_bytes([c[0], c[1]])),
        ),
        (true, 24, 3 | 4) => samples.extend(
            data.chunks_exact(container)
                .map(|c| round_shift(i32::from_le_bytes([0, c[0], c[1], c[2]]) >> 8, 8)),
        ),
        (true, 32, 4) => samples.extend(
            data.chunks_exact(4)
                .map(|c| round_shift(i32::from_le_bytes([c[0], c[1], c[2], c[3]]), 16)),
        ),
        (false, 32, 4) => samples.extend(data.chunks_exact(4).map(|c| {
            let v = f32::from_le_bytes([c[0], c[1], c[2], c[3]]);
            if v.is_finite() {
                (v.clamp(-1.0, 1.0) * f32::from(i16::MAX)).round() as i16
            } else {
                0
            }
        })),
        _ => {
            return Err(unreadable(format!(
                "unsupported WAV encoding: {}-bit samples in {container}-byte containers",
                spec.bits_per_sample
            )))
        }
    }
    Ok(Audio {
        sample_rate: spec.sample_rate,
        channels: spec.channels,
        samples,
    })
}

/// Encodes [`Audio`] as a 16-bit PCM WAV file.
///
/// Audio without channels or sample rate, whose samples do not fill whole frames, or
/// too long for a WAV file (4 GiB) is refused with [`Error::AssetUnreadable`].
///
/// ```
/// use fivergo_core::{media::audio::encode_wav, Audio};
/// let bytes = encode_wav(&Audio { sample_rate: 16_000, channels: 2, samples: vec![0; 320] }).unwrap();
/// assert_eq!(&bytes[..4], b"RIFF");
/// assert_eq!(bytes.len(), 44 + 640);
/// ```
pub fn encode_wav(audio: &Audio) -> Result<Vec<u8>, Error> {
    if audio.channels == 0 || audio.sample_rate == 0 {
        return Err(unreadable(
            "cannot encode audio without channels or sample rate",
        ));
    }
    if audio.samples.len() % usize::from(audio.channels) != 0 {
        return Err(unreadable(
            "cannot encode audio whose samples do not fill whole frames",
        ));
    }
    let data_bytes = audio.samples.len() as u64 * 2;
    let byte_rate = u64::from(audio.sample_rate) * 2 * u64::from(audio.channels);
    if data_bytes > u64::from(u32::MAX) - 1024
        || byte_rate > u64::from(u32::MAX)
        || audio.channels > i16::MAX as u16
    {
        return Err(unreadable(
            "the recording does not fit a 16-bit WAV file (length, rate or channels)",
        ));
    }
    let spec = hound::WavSpec {
        channels: audio.channels,
        sample_rate: audio.sample_rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut cursor = std::io::Cursor::new(Vec::with_capacity(data_bytes as usize + 80));
    let encode = |e: hound::Error| unreadable(format!("cannot encode WAV: {e}"));
    {
        let mut writer = hound::WavWriter::new(&mut cursor, spec).map_err(encode)?;
        let mut samples = writer.get_i16_writer(audio.samples.len() as u32);
        for &s in &audio.samples {
            samples.write_sample(s);
        }
        samples.flush().map_err(encode)?;
        writer.finalize().map_err(encode)?;
    }
    Ok(cursor.into_inner())
}
