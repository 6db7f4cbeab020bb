//! self-heal: repairs failing CI.
//!
//! The library is a pipeline of plain values (ARCHITECTURE.md):
//! logs → [`analyze::Analysis`] → repair attempts (recipe or LLM) → sandbox
//! validation → approval → publish → [`report::Report`]. Nothing here knows
//! about the command line; `main.rs` turns flags into a [`config::Config`].

pub mod analyze;
pub mod approve;
pub mod byte_search;
pub mod check;
pub mod config;
pub mod console;
pub mod coverage;
pub mod demo;
pub mod failure;
pub mod fsutil;
pub mod git;
pub mod github;
pub mod http;
pub mod lang;
pub mod llm;
pub mod localize;
pub mod logs;
pub mod progress;
pub mod repair;
pub mod report;
pub mod run;
pub mod secrets;
pub mod settings;
pub mod style;
pub mod syntax;
pub mod types;
pub mod validate;

#[cfg(test)]
mod layering;
