//! Run → failed jobs → their logs.

use super::client::{GithubClient, GithubError, Job};
use super::event::WorkflowRun;
use crate::logs::{LogFile, Source};

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
#[derive(Debug)]
pub struct FetchedRun {
    pub run: WorkflowRun,
    pub failed_jobs: Vec<FailedJob>,
    /// The downloaded logs, on disk; `None` once analysed (the files are gone then).
    pub logs: Option<FetchedLogs>,
    /// Non-fatal problems (a job log that failed before the zip fallback worked).
    pub warnings: Vec<String>,
}

/// The failed jobs' logs, streamed to files in a private temporary directory
/// (mode 0700, files 0600; only log bytes, never a header) that is removed
/// when this is dropped, whichever way the run ends.
#[derive(Debug)]
pub struct FetchedLogs {
    pub dir: tempfile::TempDir,
    /// What to analyse, in order (see [`crate::analyze::analyze_sources`]).
    pub sources: Vec<Source>,
    /// Job logs cut at [`GithubClient::max_download`], one line each.
    pub cuts: Vec<String>,
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

    let mut builder = tempfile::Builder::new();
    builder.prefix("self-heal-logs-");
    // Only we may list or read the downloads (the default follows the umask).
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
    let dir = builder.tempdir().map_err(|e| GithubError::BadResponse {
        what: "the run's logs".into(),
        reason: format!("cannot create a temporary directory: {e}"),
    })?;
    let mut sources = Vec::new();
    let mut cuts = Vec::new();
    let mut warnings = Vec::new();
    let mut missing: Vec<&FailedJob> = Vec::new();
    let mut first_error: Option<GithubError> = None;
    for job in &failed_jobs {
        let path = dir.path().join(format!("job-{}.log", job.id));
        match client.download_job_log_to(repo, job.id, &path).await {
            Ok(got) => {
                let label = format!("job {:?} log", job.name);
                if got.cut {
                    cuts.push(format!(
                        "{label}: downloaded only the first {} bytes (the cap on a log download); the rest was not analysed",
                        got.bytes
                    ));
                }
                sources.push(Source {
                    path,
                    label,
                    job: Some(job.name.clone()),
                    step: job.failed_steps.first().map(|s| s.name.clone()),
                    only_jobs: None,
                });
            }
            // A bad token will not get better with the zip; stop here.
            Err(e @ GithubError::Unauthorized { .. }) => return Err(e),
            Err(e) => {
                let _ = std::fs::remove_file(&path);
                warnings.push(format!("job {:?}: {e}", job.name));
                missing.push(job);
                first_error.get_or_insert(e);
            }
        }
    }

    if !missing.is_empty() {
        match run_zip_source(client, repo, run_id, &missing, dir.path()).await {
            Ok(Some(found)) => sources.push(found),
            Ok(None) => {
                if sources.is_empty() {
                    if let Some(e) = first_error {
                        return Err(e);
                    }
                }
            }
            Err(zip_err) => {
                warnings.push(format!("run logs archive: {zip_err}"));
                if sources.is_empty() {
                    return Err(first_error.unwrap_or(zip_err));
                }
            }
        }
    }

    Ok(FetchedRun {
        run,
        failed_jobs,
        logs: Some(FetchedLogs { dir, sources, cuts }),
        warnings,
    })
}

/// Streams the run's zip to `dir` and checks its directory: the source reads
/// only the given jobs' entries, or all of them when none match (renamed
/// matrix entries), rather than nothing. `None` when the archive holds no log.
async fn run_zip_source(
    client: &GithubClient,
    repo: &str,
    run_id: u64,
    jobs: &[&FailedJob],
    dir: &std::path::Path,
) -> Result<Option<Source>, GithubError> {
    let what = format!("run {run_id} logs archive");
    let path = dir.join(format!("run-{run_id}.zip"));
    let got = client.download_run_logs_zip_to(repo, run_id, &path).await?;
    if got.cut {
        // A zip's directory is at its end: a cut archive cannot be read.
        let _ = std::fs::remove_file(&path);
        return Err(GithubError::TooLarge {
            what,
            limit: client.max_download,
        });
    }
    let names = crate::logs::stream::zip_jobs(&path).map_err(|e| GithubError::BadResponse {
        what: what.clone(),
        reason: e.to_string(),
    })?;
    if names.is_empty() {
        return Ok(None);
    }
    let wanted: Vec<String> = jobs.iter().map(|j| j.name.clone()).collect();
    let any = names
        .iter()
        .any(|n| n.as_deref().is_some_and(|n| wanted.iter().any(|w| w == n)));
    Ok(Some(Source {
        path,
        label: what,
        job: None,
        step: None,
        only_jobs: any.then_some(wanted),
    }))
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
