//! GitHub: event payloads, REST (runs, jobs, logs, pulls), publishing fixes, workflow commands.

pub mod client;
pub mod dispatch;
mod error;
pub mod event;
pub mod fetch;
mod models;
mod octo;
pub mod pr_body;
pub mod publish;
mod pulls;
pub mod reviews;
mod runs;
pub mod workflow_commands;

pub use client::{
    fingerprint_marker, GithubClient, GithubError, Job, NewPull, OpenedPull, Permission,
    PullRequest, RetryPolicy, Step,
};
pub use event::{resolve_trigger, skip_reason, EventError, Guards, RunRef, Trigger, WorkflowRun};
pub use fetch::{fetch_failed_logs, FailedJob, FailedStep, FetchedRun};
pub use pr_body::PrBody;
pub use publish::{
    publish, BotIdentity, FixCommit, PrContent, PublishError, PublishMode, PublishOutcome,
    PublishRequest,
};
