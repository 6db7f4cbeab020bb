//! The one integration test binary: one module per area.

mod llm;
mod support;
