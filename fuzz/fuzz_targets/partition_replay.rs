//! A snapshot and an event log from storage, deserialized and replayed through
//! `Partition::apply`: refused by serde or folded in, never a panic; the result
//! serializes and reads back identically.
#![no_main]
use chrono::{DateTime, Utc};
use fivergo_core::{Event, Partition, Policy, SellerId};
use libfuzzer_sys::fuzz_target;
use serde::Deserialize;

#[derive(Deserialize)]
struct Log {
    #[serde(default)]
    snapshot: Option<Partition>,
    #[serde(default)]
    events: Vec<Event>,
}

fuzz_target!(|data: &[u8]| {
    let log: Log = if let Ok(events) = serde_json::from_slice::<Vec<Event>>(data) {
        Log { snapshot: None, events }
    } else if let Ok(log) = serde_json::from_slice::<Log>(data) {
        log
    } else {
        return;
    };
    let mut p = log.snapshot.unwrap_or_else(|| Partition::new(SellerId::from("fuzz")));
    for e in &log.events {
        p.apply(e);
    }
    let policy = Policy::default();
    let _ = p.next_due(&policy);
    let _ = p.models_in_order();
    let _ = p.published_ids();
    let now: DateTime<Utc> = DateTime::UNIX_EPOCH;
    let _ = p.context(&policy, now);
    let json = serde_json::to_string(&p).expect("a partition serializes");
    let back: Partition = serde_json::from_str(&json).expect("a partition's own JSON reads back");
    assert_eq!(back, p);
});
