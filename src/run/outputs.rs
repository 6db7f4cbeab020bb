//! The files a run leaves: the report, the patch beside it, and in Actions the step
//! outputs and the job summary.

use crate::config::Config;
use crate::report::workflow::{write_to_workflow, WorkflowFiles};
use crate::report::{Report, WriteError};
use std::path::PathBuf;

/// What [`write_outputs`] wrote, and the workflow commands to print in Actions.
pub struct Written {
    /// The report as written: every secret masked.
    pub report: Report,
    pub report_path: PathBuf,
    pub patch_path: PathBuf,
    pub workflow_commands: Vec<String>,
}

/// Writes the report (secrets masked), the patch beside it, and in Actions the step
/// outputs and the job summary.
pub fn write_outputs(
    cfg: &Config,
    report: &Report,
    run_url: Option<&str>,
) -> Result<Written, WriteError> {
    // Nothing written or printed may carry a token, whatever a log or the model said.
    let report = report.masked(&cfg.secrets);
    let patch_path = report.write_with_patch(&cfg.report)?;
    let workflow_commands = if cfg.in_actions {
        let files = WorkflowFiles {
            output: cfg.github_output.as_deref(),
            summary: cfg.step_summary.as_deref(),
            report_path: &cfg.report,
            patch_path: &patch_path,
            run_url,
        };
        write_to_workflow(&report, &files, &cfg.secrets.runner_masks())
            .map_err(WriteError::Workflow)?
    } else {
        Vec::new()
    };
    Ok(Written {
        report,
        report_path: cfg.report.clone(),
        patch_path,
        workflow_commands,
    })
}
