//! Whole-file inspection (decode + every measure) of images of at most 256² pixels.
#![no_main]
use fivergo_core::media::{inspect, sniff};
use fivergo_core::Modality;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if sniff(data) != Some(Modality::Image) {
        return;
    }
    if let Ok(found) = inspect(data, &fivergo_fuzz::small_policy()) {
        assert_eq!(found.modality, Modality::Image);
        assert!(found.meta.style_vector.is_some_and(|v| v.iter().all(|x| x.is_finite())));
    }
});
