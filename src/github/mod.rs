//! GitHub: event payloads, REST (runs, jobs, logs, pulls), the failed run, publishing a
//! fix (branch, pull request, review of suggestions, dry-run comment), workflow commands.

pub mod checks;
pub mod client;
pub mod comment;
pub mod dispatch;
mod error;
pub mod event;
pub mod failed_run;
pub mod fetch;
mod models;
mod octo;
pub mod pr_body;
pub mod publish;
pub mod publish_fix;
mod pulls;
pub mod reviews;
mod runs;
pub mod suggest;
pub mod workflow_commands;

pub use client::{
    fingerprint_marker, GithubClient, GithubError, Job, NewPull, OpenedPull, Permission,
    PullRequest, RetryPolicy, Step,
};
pub use event::{resolve_trigger, skip_reason, EventError, Guards, RunRef, Trigger, WorkflowRun};
pub use failed_run::{short_sha, FailedRun};
pub use fetch::{fetch_failed_logs, FailedJob, FailedStep, FetchedRun};
pub use pr_body::PrBody;
pub use publish::{
    publish, BotIdentity, FixCommit, PrContent, PublishError, PublishMode, PublishOutcome,
    PublishRequest,
};
