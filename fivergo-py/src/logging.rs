//! The core's log records in Python's `logging`.
//!
//! The core reports every command on the `tracing` target `fivergo::command`
//! (command, partition, outcome, attempts, duration); with no `tracing` subscriber
//! those become `log` records, which [`pyo3_log`] hands to the Python logger named
//! after the target with `::` as `.`: `fivergo.command`. Success is `DEBUG`, a refusal
//! `INFO`, a store or internal failure `WARNING`: one record per command (its span
//! is `TRACE` on `fivergo::span`, below this bridge's `DEBUG` filter).
//!
//! Each Python logger's level is read the first time the core logs to it and kept,
//! so a command whose record nobody wants never takes the GIL; after changing the
//! logging configuration at run time, `fivergo.refresh_logging()` forgets those
//! levels. `tracing`'s own span records (`tracing::span`) are not forwarded.

use pyo3::prelude::*;
use std::sync::OnceLock;

/// Forgets the cached logger levels (set once, by the first module initialisation
/// of the process).
static RESET: OnceLock<pyo3_log::ResetHandle> = OnceLock::new();

/// Installs the bridge from Rust's `log` to Python's `logging`. A second
/// initialisation in one process (another interpreter) keeps the first bridge.
pub fn install(py: Python<'_>) -> PyResult<()> {
    let logger = pyo3_log::Logger::new(py, pyo3_log::Caching::LoggersAndLevels)?
        .filter(log::LevelFilter::Debug)
        .filter_target("tracing".to_owned(), log::LevelFilter::Off);
    if let Ok(handle) = logger.install() {
        let _ = RESET.set(handle);
    }
    Ok(())
}

/// Re-reads the levels of the Python loggers the engine logs to (`fivergo.command`
/// ...): call it after changing the logging configuration at run time, as levels are
/// read once per logger, the first time the engine logs there.
#[pyfunction]
pub fn refresh_logging() {
    if let Some(handle) = RESET.get() {
        handle.reset();
    }
}
