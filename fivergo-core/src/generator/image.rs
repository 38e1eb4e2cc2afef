//! Reference generator (in progress).
