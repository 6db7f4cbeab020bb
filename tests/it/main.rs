//! The one integration test binary: one module per area.

mod analyze;
mod logs;
mod support;
