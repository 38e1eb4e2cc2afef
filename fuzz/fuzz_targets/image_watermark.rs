//! Invisible-watermark detection (W2) on whatever image arbitrary bytes decode to.
#![no_main]
use fivergo_core::media::image::decode;
use fivergo_core::watermark::invisible::{detect, InvisibleStyle};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(img) = decode(data, &fivergo_fuzz::small_limits()) {
        let _ = detect(&img, &InvisibleStyle::default());
    }
});
