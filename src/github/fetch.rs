//! Run → failed jobs → their logs.

use super::client::{GithubClient, GithubError, Job};
use super::event::WorkflowRun;
use crate::logs::LogFile;

/// A step that failed inside a failed job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedStep {
    pub name: String,
    pub number: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedJob {
    pub id: u64,
    pub name: String,
    pub html_url: Option<String>,
    pub failed_steps: Vec<FailedStep>,
}

/// What the API told us about a failed run: only failed jobs, only their logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedRun {
    pub run: WorkflowRun,
    pub failed_jobs: Vec<FailedJob>,
    pub logs: Vec<LogFile>,
    /// Non-fatal problems (a job log that failed before the zip fallback worked).
    pub warnings: Vec<String>,
}

/// Conclusions that mean the job broke (a cancelled job did not fail by itself).
fn job_failed(job: &Job) -> bool {
    matches!(job.conclusion.as_deref(), Some("failure" | "timed_out"))
}

/// Fetches the run, its failed jobs (latest attempt) and their logs: per job,
/// falling back to the run's zip when a job log cannot be had.
pub async fn fetch_failed_logs(
    client: &GithubClient,
    repo: &str,
    run_id: u64,
) -> Result<FetchedRun, GithubError> {
    let run = client.get_run(repo, run_id).await?;
    let jobs = client.list_jobs(repo, run_id).await?;
    let failed_jobs: Vec<FailedJob> = jobs
        .iter()
        .filter(|j| job_failed(j))
        .map(|j| FailedJob {
            id: j.id,
            name: j.name.clone(),
            html_url: j.html_url.clone(),
            failed_steps: j
                .steps
                .iter()
                .filter(|s| matches!(s.conclusion.as_deref(), Some("failure" | "timed_out")))
                .map(|s| FailedStep {
                    name: s.name.clone(),
                    number: s.number,
                })
                .collect(),
        })
        .collect();

    let mut logs = Vec::new();
    let mut warnings = Vec::new();
    let mut missing: Vec<&FailedJob> = Vec::new();
    let mut first_error: Option<GithubError> = None;
    for job in &failed_jobs {
        match client.download_job_log(repo, job.id).await {
            Ok(text) => logs.push(LogFile {
                job: Some(job.name.clone()),
                step: job.failed_steps.first().map(|s| s.name.clone()),
                text,
            }),
            // A bad token will not get better with the zip; stop here.
            Err(e @ GithubError::Unauthorized { .. }) => return Err(e),
            Err(e) => {
                warnings.push(format!("job {:?}: {e}", job.name));
                missing.push(job);
                first_error.get_or_insert(e);
            }
        }
    }

    if !missing.is_empty() {
        match run_zip_logs(client, repo, run_id, &missing).await {
            Ok(found) if !found.is_empty() => logs.extend(found),
            Ok(_) => {
                if logs.is_empty() {
                    if let Some(e) = first_error {
                        return Err(e);
                    }
                }
            }
            Err(zip_err) => {
                warnings.push(format!("run logs archive: {zip_err}"));
                if logs.is_empty() {
                    return Err(first_error.unwrap_or(zip_err));
                }
            }
        }
    }

    Ok(FetchedRun {
        run,
        failed_jobs,
        logs,
        warnings,
    })
}

async fn run_zip_logs(
    client: &GithubClient,
    repo: &str,
    run_id: u64,
    jobs: &[&FailedJob],
) -> Result<Vec<LogFile>, GithubError> {
    let bytes = client.download_run_logs_zip(repo, run_id).await?;
    let files = crate::logs::read_zip_bytes(&bytes).map_err(|e| GithubError::BadResponse {
        what: format!("run {run_id} logs archive"),
        reason: e.to_string(),
    })?;
    Ok(select_job_logs(files, jobs))
}

/// Keeps the archive entries of the given jobs. The zip names jobs by display
/// name; if none match (renamed matrix entries), everything is kept rather than nothing.
pub fn select_job_logs(files: Vec<LogFile>, jobs: &[&FailedJob]) -> Vec<LogFile> {
    let wanted = |f: &LogFile| {
        f.job
            .as_deref()
            .is_some_and(|j| jobs.iter().any(|job| job.name == j))
    };
    if files.iter().any(wanted) {
        files.into_iter().filter(wanted).collect()
    } else {
        files
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(job: &str) -> LogFile {
        LogFile {
            job: Some(job.into()),
            step: None,
            text: job.into(),
        }
    }

    #[test]
    fn select_keeps_failed_jobs_or_all() {
        let job = FailedJob {
            id: 1,
            name: "test".into(),
            html_url: None,
            failed_steps: vec![],
        };
        let got = select_job_logs(vec![log("build"), log("test")], &[&job]);
        assert_eq!(got, vec![log("test")]);
        let got = select_job_logs(vec![log("a"), log("b")], &[&job]);
        assert_eq!(got.len(), 2);
    }
}
