//! The one integration test binary: one module per area.

mod diagnostics;
mod go_test;
mod support;

mod analyze;
mod approve;
mod cli;
mod context;
mod edits;
mod github;
mod llm;
mod logs;
mod recipes;
mod validate;
