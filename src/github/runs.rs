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
    /// Held in memory: the analysis streams [`Self::download_job_log_to`] instead.
    pub async fn download_job_log(&self, repo: &str, job_id: u64) -> Result<String, GithubError> {
        let bytes = self
            .download_whole(&format!("repos/{repo}/actions/jobs/{job_id}/logs"))
            .await?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The run's logs archive (a zip; read it with [`crate::logs::read_zip_bytes`]).
    pub async fn download_run_logs_zip(
        &self,
        repo: &str,
        run_id: u64,
    ) -> Result<Vec<u8>, GithubError> {
        self.download_whole(&format!("repos/{repo}/actions/runs/{run_id}/logs"))
            .await
    }

    /// Streams one job's log into `dest`; past [`GithubClient::max_download`]
    /// bytes the rest is not read and the result says it was cut.
    pub async fn download_job_log_to(
        &self,
        repo: &str,
        job_id: u64,
        dest: &std::path::Path,
    ) -> Result<Downloaded, GithubError> {
        self.download_to(&format!("repos/{repo}/actions/jobs/{job_id}/logs"), dest)
            .await
    }

    /// Streams the run's logs archive into `dest` (see [`Self::download_job_log_to`]).
    pub async fn download_run_logs_zip_to(
        &self,
        repo: &str,
        run_id: u64,
        dest: &std::path::Path,
    ) -> Result<Downloaded, GithubError> {
        self.download_to(&format!("repos/{repo}/actions/runs/{run_id}/logs"), dest)
            .await
    }

    /// The whole body in memory; past the cap it is an error.
    async fn download_whole(&self, path: &str) -> Result<Vec<u8>, GithubError> {
        let mut builder = tempfile::Builder::new();
        builder.prefix("self-heal-dl-");
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
        let dir = builder.tempdir().map_err(|e| local_io(path, &e))?;
        let file = dir.path().join("body");
        let got = self.download_to(path, &file).await?;
        if got.cut {
            return Err(GithubError::TooLarge {
                what: format!("GET /{path}"),
                limit: self.max_download,
            });
        }
        std::fs::read(&file).map_err(|e| local_io(path, &e))
    }

    /// Follows the log endpoint's redirects (the token only to the API host) and
    /// streams the final body into a new file `dest` (mode 0600), at most
    /// [`GithubClient::max_download`] bytes of it.
    async fn download_to(
        &self,
        path: &str,
        dest: &std::path::Path,
    ) -> Result<Downloaded, GithubError> {
        let what = format!("GET /{path}");
        let mut current = self.url(path)?;
        // The API hop answers 302 with an empty body (a direct answer is held whole,
        // under the cap); the log itself comes from the blob host, streamed.
        let first = self.http.get(current.clone()).headers(self.headers());
        let resp = self
            .exchange(first, Replay::Safe, self.max_download, &what)
            .await?;
        let mut status = resp.status;
        let mut headers = resp.headers.clone();
        let mut direct = Some(resp.body);
        let mut from_blob_host = false;
        for _hop in 0..5 {
            if status.is_redirection() {
                let location = headers
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
                match self.stream_hop(&next, &what, dest).await? {
                    Hop::Redirect(s, h) => {
                        status = s;
                        headers = h;
                        direct = None;
                    }
                    Hop::Done(got) => return Ok(got),
                    Hop::Failed(s, body) => {
                        status = s;
                        direct = Some(body);
                    }
                }
                current = next;
                from_blob_host = true;
                continue;
            }
            let body = direct.take().unwrap_or_default();
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
                    &String::from_utf8_lossy(&body),
                    Permission::ActionsRead,
                ));
            }
            let cut = body.len() as u64 > self.max_download;
            let body = &body[..body.len().min(self.max_download as usize)];
            let mut f = new_private_file(dest).map_err(|e| local_io(path, &e))?;
            std::io::Write::write_all(&mut f, body).map_err(|e| local_io(path, &e))?;
            return Ok(Downloaded {
                bytes: body.len() as u64,
                cut,
            });
        }
        Err(GithubError::BadRedirect {
            what,
            reason: "too many redirects".into(),
        })
    }

    /// One hop to the blob host: a success is streamed into `dest` under the cap,
    /// retried from the start on a transport error or a 5xx/429 like every request.
    async fn stream_hop(
        &self,
        url: &reqwest::Url,
        what: &str,
        dest: &std::path::Path,
    ) -> Result<Hop, GithubError> {
        let mut attempts = 0u32;
        loop {
            attempts += 1;
            let retries_left = attempts <= self.retry.max_retries;
            let outcome = self.stream_once(url, what, dest).await;
            let retry = match &outcome {
                Err(StreamFailure::Transport(_)) => true,
                Ok(Hop::Failed(s, _)) => s.is_server_error() || *s == StatusCode::TOO_MANY_REQUESTS,
                _ => false,
            };
            if !(retry && retries_left) {
                return match outcome {
                    Ok(Hop::Failed(s, _)) if s.is_server_error() && attempts > 1 => {
                        Err(GithubError::Server {
                            what: what.into(),
                            status: s.as_u16(),
                            attempts,
                        })
                    }
                    Ok(hop) => Ok(hop),
                    Err(StreamFailure::Transport(e)) => Err(e),
                    Err(StreamFailure::Local(e)) => Err(local_io(what, &e)),
                };
            }
            tokio::time::sleep(crate::http::backoff(self.retry, attempts)).await;
        }
    }

    async fn stream_once(
        &self,
        url: &reqwest::Url,
        what: &str,
        dest: &std::path::Path,
    ) -> Result<Hop, StreamFailure> {
        let network = |e: reqwest::Error| {
            let e = e.without_url();
            StreamFailure::Transport(if e.is_timeout() {
                GithubError::Timeout { what: what.into() }
            } else {
                GithubError::Network {
                    what: what.into(),
                    reason: crate::http::error_chain(&e),
                }
            })
        };
        let mut resp = self.http.get(url.clone()).send().await.map_err(network)?;
        let status = resp.status();
        if status.is_redirection() {
            return Ok(Hop::Redirect(status, resp.headers().clone()));
        }
        if !status.is_success() {
            // An error page: a little of it is enough for the reason.
            let mut body = Vec::new();
            while let Some(chunk) = resp.chunk().await.map_err(network)? {
                body.extend_from_slice(&chunk);
                if body.len() > 64 * 1024 {
                    break;
                }
            }
            return Ok(Hop::Failed(status, body));
        }
        use tokio::io::AsyncWriteExt;
        let file = new_private_file(dest).map_err(StreamFailure::Local)?;
        let mut out = tokio::io::BufWriter::with_capacity(1 << 16, tokio::fs::File::from_std(file));
        let limit = self.max_download;
        let mut bytes = 0u64;
        let mut cut = false;
        while let Some(chunk) = resp.chunk().await.map_err(network)? {
            let room = (limit - bytes).min(chunk.len() as u64) as usize;
            out.write_all(&chunk[..room])
                .await
                .map_err(StreamFailure::Local)?;
            bytes += room as u64;
            if room < chunk.len() {
                // The cap: the rest is never read (the connection is dropped).
                cut = true;
                break;
            }
        }
        out.flush().await.map_err(StreamFailure::Local)?;
        Ok(Hop::Done(Downloaded { bytes, cut }))
    }
}

/// A log streamed to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Downloaded {
    /// Bytes written.
    pub bytes: u64,
    /// More was served past [`GithubClient::max_download`] and not read.
    pub cut: bool,
}

enum Hop {
    Redirect(StatusCode, reqwest::header::HeaderMap),
    Done(Downloaded),
    Failed(StatusCode, Vec<u8>),
}

enum StreamFailure {
    Transport(GithubError),
    Local(std::io::Error),
}

/// Creates (or empties, for a retry) `dest`, readable by its owner only.
fn new_private_file(dest: &std::path::Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(dest)
}

fn local_io(what: &str, e: &std::io::Error) -> GithubError {
    GithubError::BadResponse {
        what: what.trim_start_matches("GET ").to_string(),
        reason: format!("cannot write the download to a temporary file: {e}"),
    }
}
