//! The one integration test binary: one module per area.

mod support;

mod approve;
mod cli;
mod context;
mod edits;
mod github;
mod llm;
mod recipes;
mod validate;
