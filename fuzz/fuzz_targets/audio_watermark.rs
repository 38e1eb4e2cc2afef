//! Audio watermark detection (W2) on whatever recording of at most 2 s arbitrary
//! bytes decode to.
#![no_main]
use fivergo_core::media::audio::decode_wav;
use fivergo_core::watermark::audio::{detect, AudioMarkStyle};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(a) = decode_wav(data, &fivergo_fuzz::small_limits()) {
        let _ = detect(&a, &AudioMarkStyle::default());
    }
});
