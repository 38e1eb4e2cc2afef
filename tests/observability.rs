//! What a host's logs see of the engine: one record per command on target
//! `fivergo::command`, naming the command, its partition and its outcome. With no
//! `tracing` subscriber installed the records reach the `log` crate (the path the
//! Python binding forwards to `logging`); a subscriber sees the same as span + event.

use fivergo::*;
use std::sync::Mutex;

static RECORDS: Mutex<Vec<(log::Level, String, String)>> = Mutex::new(Vec::new());

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, record: &log::Record) {
        let line = record.args().to_string();
        RECORDS
            .lock()
            .unwrap()
            .push((record.level(), record.target().to_owned(), line));
    }
    fn flush(&self) {}
}

fn records_naming(partition: &str) -> Vec<(log::Level, String)> {
    RECORDS
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, target, line)| {
            target == "fivergo::command" && line.contains(&format!("partition=\"{partition}\""))
        })
        .map(|(level, _, line)| (*level, line.clone()))
        .collect()
}

// R: E1
// A registration and a refused registration, as the host's log sees them.
#[test]
fn every_command_logs_its_name_partition_and_outcome() {
    log::set_logger(&Capture).ok();
    log::set_max_level(log::LevelFilter::Trace);
    let hub = Hub::builder().build().unwrap();
    hub.register_seller("logged-ana", SellerLevel::Level2, false)
        .unwrap();
    let refused = hub
        .register_seller("logged-ana", SellerLevel::Level2, false)
        .unwrap_err();
    assert_eq!(refused.code(), "already_exists");

    let lines = records_naming("logged-ana");
    assert_eq!(lines.len(), 2, "{lines:?}");
    let (ok_level, ok_line) = &lines[0];
    assert_eq!(*ok_level, log::Level::Debug);
    assert!(ok_line.contains("register_seller ok"), "{ok_line}");
    assert!(ok_line.contains("outcome=\"ok\""), "{ok_line}");
    assert!(ok_line.contains("events=1"), "{ok_line}");
    assert!(ok_line.contains("attempts=1"), "{ok_line}");
    assert!(ok_line.contains("duration_us="), "{ok_line}");
    let (refused_level, refused_line) = &lines[1];
    assert_eq!(*refused_level, log::Level::Info);
    assert!(
        refused_line.contains("outcome=\"already_exists\""),
        "{refused_line}"
    );
}
