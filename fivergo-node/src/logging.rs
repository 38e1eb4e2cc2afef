//! The core's command logs on stderr.
//!
//! The core emits a `tracing` event for every command (target `fivergo::command`,
//! fields `command`, `partition`, `outcome`, `attempts`, `duration_us`; refusals at
//! `INFO`, store and internal failures at `WARN`, successes at `DEBUG`). When the
//! environment variable `FIVERGO_LOG` is set as the addon loads (`info`, `debug`,
//! `fivergo::command=debug`, any `tracing_subscriber::EnvFilter` directive), the
//! binding installs a subscriber that writes those events to stderr, one line each;
//! otherwise it installs nothing and the events cost a check each.

/// The environment variable holding the filter.
pub const FIVERGO_LOG: &str = "FIVERGO_LOG";

/// Installs the stderr subscriber if `FIVERGO_LOG` is set and no other subscriber is;
/// returns whether it did. An unreadable filter is reported once on stderr.
pub fn install_from_env() -> bool {
    let Some(filter) = std::env::var_os(FIVERGO_LOG) else {
        return false;
    };
    let filter = filter.to_string_lossy();
    let filter = match tracing_subscriber::EnvFilter::try_new(filter.as_ref()) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("fivergo: ignoring {FIVERGO_LOG}={filter}: {e}");
            return false;
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init()
        .is_ok()
}

#[cfg(not(test))]
#[napi_derive::module_init]
fn init() {
    install_from_env();
}
