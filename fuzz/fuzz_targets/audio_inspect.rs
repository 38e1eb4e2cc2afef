//! Whole-file inspection (decode + levels, noise, silences, pitch, timbre) of
//! recordings of at most 2 s.
#![no_main]
use fivergo_core::media::{inspect, sniff};
use fivergo_core::Modality;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if sniff(data) != Some(Modality::Audio) {
        return;
    }
    if let Ok(found) = inspect(data, &fivergo_fuzz::small_policy()) {
        assert!(found.meta.duration_ms.is_some_and(|d| d <= 2_000));
    }
});
