//! The one integration test binary: one module per area.

mod analyze;
mod support;
mod logs;
