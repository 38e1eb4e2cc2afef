//! Header parsing and chunk walking of PNG, JPEG and WebP (`media::image::probe`):
//! never panics, and what it claims is checked consistently.
#![no_main]
use fivergo_core::media::{image::probe, MediaLimits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(h) = probe(data) {
        assert_eq!(h.pixels(), u64::from(h.width) * u64::from(h.height));
        assert!(h.decoded_bytes >= h.pixels().saturating_mul(4));
        let limits = MediaLimits::default();
        if h.check(&limits).is_ok() {
            assert!(h.pixels() <= limits.max_pixels && h.metadata_bytes <= limits.max_metadata_bytes);
        }
    }
});
