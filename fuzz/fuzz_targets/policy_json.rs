//! Policy JSON from a host: a typed `invalid_policy` or a valid policy that survives
//! its own JSON round trip.
#![no_main]
use fivergo_core::Policy;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match Policy::from_json(text) {
        Ok(p) => {
            assert!(p.validate().is_ok());
            let again = Policy::from_json(&p.to_json()).expect("a valid policy's own JSON is valid");
            assert_eq!(again, p);
        }
        Err(e) => assert_eq!(e.code(), "invalid_policy"),
    }
});
