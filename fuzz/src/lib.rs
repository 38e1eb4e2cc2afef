//! What the fuzz targets share: the small limits that keep whole-file inspection
//! fast enough to fuzz (images of at most 256 × 256 pixels, 2 s of audio).

use fivergo_core::media::MediaLimits;
use fivergo_core::Policy;

/// Images of at most 256² pixels and 2 s of audio; everything else the defaults.
pub fn small_limits() -> MediaLimits {
    MediaLimits {
        max_pixels: 256 * 256,
        max_decoded_bytes: 256 * 256 * 8,
        max_metadata_bytes: 64 * 1024,
        max_audio_seconds: 2,
        ..MediaLimits::default()
    }
}

/// The default policy with [`small_limits`].
pub fn small_policy() -> Policy {
    let mut p = Policy::default();
    p.media.limits = small_limits();
    p
}
