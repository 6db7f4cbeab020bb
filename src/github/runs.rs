//! Runs, jobs and their logs. The log endpoints answer 302 to a pre-signed URL on
//! another host, followed here without our headers (the token stays with the API).

use super::client::{Body, GithubClient};
use super::error::{status_error, GithubError, Permission};
use super::event::WorkflowRun;
use super::models::{Job, JobsPage};
use crate::http::Replay;
use reqwest::header::LOCATION;
use reqwest::{Method, StatusCode};

/// A successful run of a workflow: what "changed since the last green run" compares with.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize)]
pub struct GreenRun {
    pub id: u64,
    #[serde(default)]
    pub head_sha: String,
    #[serde(default)]
    pub html_url: Option<String>,
}

#[derive(serde::Deserialize)]
struct GreenRunsPage {
    #[serde(default)]
    workflow_runs: Vec<GreenRun>,
}

/// The workflow's file name from a run's `path` (`.github/workflows/ci.yml@refs/…`),
/// which the workflow-runs endpoint takes in place of the numeric id.
pub fn workflow_file(path: &str) -> Option<&str> {
    let path = path.split('@').next().unwrap_or(path);
    let name = path.rsplit('/').next().unwrap_or(path);
    let ok = (name.ends_with(".yml") || name.ends_with(".yaml"))
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    ok.then_some(name)
}

/// A query value: unreserved bytes kept, everything else `%XX` (branch names may hold `/`, `#`, `&`).
fn query_escape(v: &str) -> String {
    v.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

impl GithubClient {
    /// The newest successful run of `failed`'s workflow on its branch that came before
    /// it (a lower run id) at another commit; `None` when there is none in the last 100.
    pub async fn last_green_run(
        &self,
        repo: &str,
        failed: &WorkflowRun,
    ) -> Result<Option<GreenRun>, GithubError> {
        let (Some(file), Some(branch)) = (
            failed.path.as_deref().and_then(workflow_file),
            failed.head_branch.as_deref().filter(|b| !b.is_empty()),
        ) else {
            return Ok(None);
        };
        let branch = query_escape(branch);
        let page: GreenRunsPage = self
            .call_json(
                Method::GET,
                &format!(
                    "repos/{repo}/actions/workflows/{file}/runs?branch={branch}&status=success&per_page=100"
                ),
                Body::None,
                Permission::ActionsRead,
            )
            .await?;
        let failed_sha = failed.head_sha.as_deref().unwrap_or("");
        Ok(page.workflow_runs.into_iter().find(|r| {
            r.id < failed.id
                && !r.head_sha.is_empty()
                && !r.head_sha.eq_ignore_ascii_case(failed_sha)
        }))
    }

    pub async fn get_run(&self, repo: &str, run_id: u64) -> Result<WorkflowRun, GithubError> {
        self.call_json(
            Method::GET,
            &format!("repos/{repo}/actions/runs/{run_id}"),
            Body::None,
            Permission::ActionsRead,
        )
        .await
    }

    /// Jobs of the run's latest attempt, all pages.
    pub async fn list_jobs(&self, repo: &str, run_id: u64) -> Result<Vec<Job>, GithubError> {
        let mut jobs = Vec::new();
        // 1000 jobs is GitHub's own per-run limit (256 matrix jobs × attempts is below it).
        for page in 1..=10u32 {
            let p: JobsPage = self
                .call_json(
                    Method::GET,
                    &format!(
                        "repos/{repo}/actions/runs/{run_id}/jobs?filter=latest&per_page=100&page={page}"
                    ),
                    Body::None,
                    Permission::ActionsRead,
                )
                .await?;
            let got = p.jobs.len();
            jobs.extend(p.jobs);
            if got == 0 || jobs.len() as u64 >= p.total_count {
                break;
            }
        }
        Ok(jobs)
    }

    /// The plain-text log of one job (302 → pre-signed URL, fetched without the token).
    pub async fn download_job_log(&self, repo: &str, job_id: u64) -> Result<String, GithubError> {
        let bytes = self
            .download(&format!("repos/{repo}/actions/jobs/{job_id}/logs"))
            .await?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The run's logs archive (a zip; read it with [`crate::logs::read_zip_bytes`]).
    pub async fn download_run_logs_zip(
        &self,
        repo: &str,
        run_id: u64,
    ) -> Result<Vec<u8>, GithubError> {
        self.download(&format!("repos/{repo}/actions/runs/{run_id}/logs"))
            .await
    }

    async fn download(&self, path: &str) -> Result<Vec<u8>, GithubError> {
        let what = format!("GET /{path}");
        let mut current = self.url(path)?;
        let first = self.http.get(current.clone()).headers(self.headers());
        let resp = self
            .exchange(first, Replay::Safe, self.max_download, &what)
            .await?;
        let mut resp = resp;
        let mut from_blob_host = false;
        // The API hop carries the token; every later hop goes to a pre-signed URL
        // on another host and must not.
        for _hop in 0..5 {
            let status = resp.status;
            if status.is_redirection() {
                let location = resp
                    .headers
                    .get(LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .ok_or_else(|| GithubError::BadRedirect {
                        what: what.clone(),
                        reason: "no Location header".into(),
                    })?;
                let next = current
                    .join(location)
                    .map_err(|e| GithubError::BadRedirect {
                        what: what.clone(),
                        reason: e.to_string(),
                    })?;
                if !matches!(next.scheme(), "http" | "https") {
                    return Err(GithubError::BadRedirect {
                        what: what.clone(),
                        reason: format!("scheme {:?} is not http(s)", next.scheme()),
                    });
                }
                // No headers of ours: the token stays with the API host.
                resp = self
                    .exchange(
                        self.http.get(next.clone()),
                        Replay::Safe,
                        self.max_download,
                        &what,
                    )
                    .await?;
                current = next;
                from_blob_host = true;
                continue;
            }
            if matches!(status, StatusCode::NOT_FOUND | StatusCode::GONE) {
                return Err(GithubError::LogsExpired {
                    what: what.trim_start_matches("GET ").to_string(),
                    status: status.as_u16(),
                });
            }
            if from_blob_host && !status.is_success() {
                // Our token was not sent there, so a 401/403 is the signed URL expiring.
                return Err(GithubError::LogDownloadRefused {
                    what: what.trim_start_matches("GET ").to_string(),
                    status: status.as_u16(),
                });
            }
            if !status.is_success() {
                return Err(status_error(
                    status,
                    &what,
                    &resp.text(),
                    Permission::ActionsRead,
                ));
            }
            return Ok(resp.body);
        }
        Err(GithubError::BadRedirect {
            what,
            reason: "too many redirects".into(),
        })
    }
}
