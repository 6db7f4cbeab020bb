//! The one integration test binary: one module per area.

mod context;
mod recipes;
mod support;

mod approve;
mod cli;
mod github;
mod llm;
