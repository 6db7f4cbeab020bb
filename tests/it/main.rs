//! The one integration test binary: one module per area.

mod edits;
mod support;
mod validate;
