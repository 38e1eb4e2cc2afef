//! Decoding untrusted image bytes under small limits: a typed error or an image
//! within the limits, never a panic, a hang or an allocation past the limits.
#![no_main]
use fivergo_core::media::image::decode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = fivergo_fuzz::small_limits();
    match decode(data, &limits) {
        Ok(img) => {
            assert_eq!(img.rgba.len() as u64, u64::from(img.width) * u64::from(img.height) * 4);
            assert!(u64::from(img.width) * u64::from(img.height) <= limits.max_pixels);
        }
        Err(e) => assert!(matches!(e.code(), "asset_unreadable" | "media_too_large"), "{e:?}"),
    }
});
