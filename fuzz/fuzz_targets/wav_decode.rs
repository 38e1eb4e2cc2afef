//! WAV header parsing and decoding at the default limits: a typed error or whole
//! frames at an accepted rate.
#![no_main]
use fivergo_core::media::{audio::decode_wav, MediaLimits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = MediaLimits::default();
    match decode_wav(data, &limits) {
        Ok(a) => {
            assert!(a.channels >= 1 && a.channels <= limits.max_channels);
            assert!((limits.min_sample_rate_hz..=limits.max_sample_rate_hz).contains(&a.sample_rate));
            assert_eq!(a.samples.len() % usize::from(a.channels), 0);
        }
        Err(e) => assert!(matches!(e.code(), "asset_unreadable" | "media_too_large" | "sample_rate_out_of_range"), "{e:?}"),
    }
});
