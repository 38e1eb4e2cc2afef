//! The 64-bit payload every invisible mark carries, with its integrity check.
//!
//! A payload is sent as a 96-bit codeword: the 64 payload bits followed by their
//! CRC-32. Each marking scheme repeats the codeword as its capacity allows and
//! decodes by soft combining; [`decode_hard`] and [`decode_soft`] accept a codeword only when the CRC holds,
//! so a random image or recording passes by chance with odds of 2⁻³² per try.

/// Bits in a codeword.
pub const CODEWORD_BITS: usize = 96;

/// The codeword of `payload`: 64 payload bits (most significant first) then CRC-32.
///
/// ```
/// use fivergo_core::watermark::payload::{encode, decode_hard, CODEWORD_BITS};
/// let bits = encode(0xDEAD_BEEF_0000_0042);
/// assert_eq!(bits.len(), CODEWORD_BITS);
/// assert_eq!(decode_hard(&bits), Some(0xDEAD_BEEF_0000_0042));
/// ```
pub fn encode(payload: u64) -> [bool; CODEWORD_BITS] {
    let mut bits = [false; CODEWORD_BITS];
    let crc = crc32(&payload.to_be_bytes());
    for (i, bit) in bits.iter_mut().enumerate() {
        *bit = if i < 64 {
            (payload >> (63 - i)) & 1 == 1
        } else {
            (crc >> (95 - i)) & 1 == 1
        };
    }
    bits
}

/// Decodes hard bits; `None` unless the CRC holds.
///
/// ```
/// use fivergo_core::watermark::payload::{decode_hard, encode};
/// let mut bits = encode(42);
/// assert_eq!(decode_hard(&bits), Some(42));
/// bits[3] = !bits[3]; // one flipped bit breaks the CRC
/// assert_eq!(decode_hard(&bits), None);
/// assert_eq!(decode_hard(&bits[..64]), None); // not a whole codeword
/// ```
pub fn decode_hard(bits: &[bool]) -> Option<u64> {
    if bits.len() != CODEWORD_BITS {
        return None;
    }
    let payload = bits[..64]
        .iter()
        .fold(0u64, |acc, &b| (acc << 1) | u64::from(b));
    let crc = bits[64..]
        .iter()
        .fold(0u32, |acc, &b| (acc << 1) | u32::from(b));
    (crc32(&payload.to_be_bytes()) == crc).then_some(payload)
}

/// Decodes soft bits (positive = 1, negative = 0, magnitude = certainty) and returns
/// the payload with a confidence in `0..=1`: the mean certainty relative to the mean
/// magnitude, so a clean read scores near 1 and noise near 0.
///
/// ```
/// use fivergo_core::watermark::payload::{encode, decode_soft};
/// let soft: Vec<f32> = encode(7).iter().map(|&b| if b { 0.8 } else { -1.1 }).collect();
/// let (payload, confidence) = decode_soft(&soft).unwrap();
/// assert_eq!(payload, 7);
/// assert!(confidence > 0.9);
/// ```
pub fn decode_soft(soft: &[f32]) -> Option<(u64, f32)> {
    if soft.len() != CODEWORD_BITS || soft.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let bits: Vec<bool> = soft.iter().map(|&v| v > 0.0).collect();
    let payload = decode_hard(&bits)?;
    let magnitude: f32 = soft.iter().map(|v| v.abs()).sum::<f32>() / CODEWORD_BITS as f32;
    if magnitude <= 0.0 {
        return None;
    }
    // Agreement of every bit's sign with its magnitude: 1 when all bits are equally
    // strong, lower when many bits sit near zero.
    let weakest_share =
        soft.iter().filter(|v| v.abs() < 0.25 * magnitude).count() as f32 / CODEWORD_BITS as f32;
    Some((payload, (1.0 - weakest_share).clamp(0.0, 1.0)))
}

/// CRC-32 (IEEE 802.3, reflected), bitwise: the codeword is 8 bytes, speed is moot.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_the_reference_value() {
        // R: W2
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn any_single_bit_flip_is_rejected() {
        // R: W2
        let bits = encode(0x0123_4567_89AB_CDEF);
        for i in 0..CODEWORD_BITS {
            let mut flipped = bits;
            flipped[i] = !flipped[i];
            assert_eq!(decode_hard(&flipped), None, "flip at {i}");
        }
    }

    #[test]
    fn random_bits_almost_never_pass() {
        // R: W2
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut passed = 0;
        for _ in 0..20_000 {
            let bits: Vec<bool> = (0..CODEWORD_BITS)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state & 1 == 1
                })
                .collect();
            passed += usize::from(decode_hard(&bits).is_some());
        }
        assert_eq!(passed, 0);
    }
}
