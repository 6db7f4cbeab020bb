//! The one integration test binary: one module per area.

mod support;

mod action_container;
mod action_run;
mod analyze;
mod analyze_cli;
mod approve;
mod approve_browser;
mod check;
mod cli;
mod context;
mod coverage;
mod coverage_runs;
mod crashes;
mod cut_input;
mod diagnostics;
mod docker_validation;
mod docs;
mod edits;
mod fuzz_logs;
mod github;
mod go_test;
mod hostile;
mod llm;
mod local_model;
mod localization;
mod logs;
mod model_limits;
mod recipes;
mod repair;
mod repair_ecosystems;
mod results;
mod since;
mod style;
mod validate;
mod venv;
