//! The one integration test binary: one module per area.

mod analyze;
mod fuzz_logs;
mod logs;
mod support;
