//! Compiler and linter diagnostics of other ecosystems.

pub mod eval;
pub(crate) mod util;

use super::Failure;

/// Failures in cleaned log text (timestamps, ANSI and CR progress already removed).
pub fn parse(text: &str) -> Vec<Failure> {
    let _ = text;
    Vec::new()
}
