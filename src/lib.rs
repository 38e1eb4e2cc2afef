//! # fivergo
//!
//! AI creation models for freelancers, as an embeddable engine. This crate is the
//! facade over [`fivergo_core`], where every rule lives; it re-exports it whole and
//! owns the workspace's examples, benches and cross-crate tests.
//!
//! ```
//! use fivergo::*;
//! let policy = Policy::default();
//! assert_eq!(policy.monthly_fee().to_string(), "25.00 USD");
//! ```
pub use fivergo_core::*;
