//! The one integration test binary: one module per area.

mod diagnostics;
mod go_test;
mod support;
