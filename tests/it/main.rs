//! The one integration test binary: one module per area.

mod support;
mod edits;
mod validate;
