//! PostgreSQL restarted under load (issue 10): commands in flight fail with a typed
//! `store_unavailable`, later ones succeed once the server is back (the pool
//! replaces broken connections), and nothing acknowledged is lost or half-written.
//!
//! The server is the one `scripts/test.sh` started: it sets `FIVERGO_TEST_PG_CTL`
//! (the `pg_ctl` command of that server). Against a server it did not start, the
//! test fails and says so.

use fivergo::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod support;

#[test]
fn a_postgres_restart_mid_run_gives_typed_errors_then_every_command_succeeds_and_nothing_is_lost() {
    // R: S2
    let ctl = std::env::var("FIVERGO_TEST_PG_CTL").unwrap_or_else(|_| {
        panic!("FIVERGO_TEST_PG_CTL is not set: this test restarts the test PostgreSQL and needs the pg_ctl command of the server scripts/test.sh started")
    });
    let url = support::pg_url("restart");
    let hub = Hub::builder()
        .clock(ManualClock::at("2027-01-04T00:00:00Z".parse().unwrap()))
        .open(&format!("{url}&pool_size=4"))
        .unwrap();
    for s in ["ana", "bea", "cid", "dan"] {
        hub.register_seller(s, SellerLevel::Level2, false).unwrap();
    }
    let stop = Arc::new(AtomicBool::new(false));
    let threads: Vec<_> = ["ana", "bea", "cid", "dan"]
        .into_iter()
        .map(|s| {
            let (hub, stop) = (hub.clone(), stop.clone());
            std::thread::spawn(move || {
                let (mut acked, mut unavailable, mut after_restart) = (0u64, 0u64, 0u64);
                let mut other = Vec::new();
                while !stop.load(Ordering::SeqCst) {
                    match hub.credit_balance(s, Money::parse("1", Currency::Usd).unwrap()) {
                        Ok(_) => {
                            acked += 1;
                            if unavailable > 0 {
                                after_restart += 1;
                            }
                        }
                        Err(r) if r.code() == "store_unavailable" => unavailable += 1,
                        Err(r) => other.push(r.code()),
                    }
                }
                (s, acked, unavailable, after_restart, other)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(700));
    let mut words = ctl.split_whitespace();
    let status = std::process::Command::new(words.next().unwrap())
        .args(words)
        .args(["-w", "-t", "60", "-m", "fast", "restart"])
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "pg_ctl restart failed");
    // Give the commands time to find the server back.
    let until = Instant::now() + Duration::from_secs(2);
    while Instant::now() < until {
        std::thread::sleep(Duration::from_millis(50));
    }
    stop.store(true, Ordering::SeqCst);
    let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let unavailable: u64 = results.iter().map(|r| r.2).sum();
    assert!(
        unavailable > 0,
        "the restart was seen by commands in flight: {results:?}"
    );
    for (s, acked, unavailable, after_restart, other) in results {
        assert!(
            other.is_empty(),
            "{s}: only store_unavailable while the server was away, got {other:?}"
        );
        assert!(
            after_restart > 0,
            "{s}: commands succeed again after the restart"
        );
        let balance = hub.seller(s).unwrap().balance.amount();
        let stored = u64::try_from(balance.trunc().mantissa()).unwrap();
        // A commit whose answer was lost counts as unavailable but is stored: never
        // fewer than acknowledged, never more than acknowledged plus those.
        assert!(
            stored >= acked && stored <= acked + unavailable,
            "{s}: {stored} stored, {acked} acknowledged, {unavailable} unavailable"
        );
        let log: Vec<_> = hub
            .events_since(Cursor::default(), usize::MAX)
            .unwrap()
            .events
            .into_iter()
            .filter(|r| r.partition.as_str() == s)
            .collect();
        assert_eq!(
            log.len() as u64,
            stored + 1,
            "{s}: one event per whole command"
        );
        assert_eq!(
            Partition::replay(s.into(), log.iter().map(|r| &r.event)),
            hub.admin().partition(s).unwrap(),
            "{s}: nothing half-written"
        );
    }
}
