//! A small typed REST client for the endpoints self-heal uses.
//!
//! Why reqwest directly, with our own models, instead of octocrab:
//! - the log endpoints answer 302 to a pre-signed URL on another host; we follow
//!   it ourselves, without the `Authorization` header and only to http(s), which
//!   needs redirects off on the client (see [`crate::http::build_client`]);
//! - rate limits must honour `Retry-After` and `x-ratelimit-reset` with a capped
//!   wait, and 5xx must back off; octocrab's default retry resends at once;
//! - octocrab's `Run` lacks `pull_requests`, which the loop guard and the PR
//!   comment need; our [`WorkflowRun`] is shared with the event payload;
//! - every failure becomes a one-line [`GithubError`] naming the missing
//!   permission, which a generic client's error type does not carry.

use super::event::WorkflowRun;
use crate::http::{GaveUp, HttpClientError, HttpError, Replay, SendOptions};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, LOCATION};
use reqwest::{Method, StatusCode, Url};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::time::{Duration, SystemTime};

/// The permission a call needs, named the way a workflow's `permissions:` block spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    ActionsRead,
    ActionsWrite,
    ContentsWrite,
    PullRequestsWrite,
    PullRequestsRead,
}

impl Permission {
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::ActionsRead => "actions: read",
            Permission::ActionsWrite => "actions: write",
            Permission::ContentsWrite => "contents: write",
            Permission::PullRequestsWrite => "pull-requests: write",
            Permission::PullRequestsRead => "pull-requests: read",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum GithubError {
    #[error(transparent)]
    Client(#[from] HttpClientError),
    #[error("invalid GitHub API URL {0:?}")]
    BadBaseUrl(String),
    #[error("GitHub rejected the token (401 on {what}): it is missing, invalid or expired")]
    Unauthorized { what: String },
    #[error("GitHub denied {what} (403): the token needs `{}` permission{}", permission.as_str(), api_suffix(message))]
    Forbidden {
        what: String,
        permission: Permission,
        message: String,
    },
    #[error("GitHub refused to create the pull request (403): enable the repository setting Settings → Actions → General → \"Allow GitHub Actions to create and approve pull requests\", and grant `pull-requests: write` (or use a `pr-token`){}", api_suffix(message))]
    PrCreationForbidden { message: String },
    #[error("logs expired or not found for {what} (HTTP {status}): GitHub keeps logs for a limited time")]
    LogsExpired { what: String, status: u16 },
    #[error("the log download for {what} was refused by the storage host (HTTP {status}): its signed URL may have expired; retry the run")]
    LogDownloadRefused { what: String, status: u16 },
    #[error(
        "not found (404): {what}: check the repository, the run id and the token's access{}",
        api_suffix(message)
    )]
    NotFound { what: String, message: String },
    #[error("rate limited by GitHub on {what}: retry in {wait_secs} s is beyond the {max_secs} s wait limit")]
    RateLimited {
        what: String,
        wait_secs: u64,
        max_secs: u64,
    },
    #[error(
        "GitHub's secondary rate limit stopped {what}: wait a few minutes before the next run{}",
        api_suffix(message)
    )]
    SecondaryRateLimit { what: String, message: String },
    #[error("GitHub server error {status} on {what} after {attempts} attempts")]
    Server {
        what: String,
        status: u16,
        attempts: u32,
    },
    #[error("request timed out: {what}")]
    Timeout { what: String },
    #[error("cannot reach GitHub for {what}: {reason}")]
    Network { what: String, reason: String },
    #[error("GitHub rejected {what} (422): {message}")]
    Validation { what: String, message: String },
    #[error("no commits between {base} and {head}: the branch carries no change to propose")]
    NoCommitsBetween { base: String, head: String },
    #[error("GitHub answered {status} on {what}{}", api_suffix(message))]
    Status {
        what: String,
        status: u16,
        message: String,
    },
    #[error("unexpected response from {what}: {reason}")]
    BadResponse { what: String, reason: String },
    #[error("download from {what} exceeds the {limit} byte limit")]
    TooLarge { what: String, limit: u64 },
    #[error("refusing to follow the redirect of {what}: {reason}")]
    BadRedirect { what: String, reason: String },
}

fn api_suffix(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(" (API said: {message})")
    }
}

pub use crate::http::RetryPolicy;

/// GitHub's defaults: 3 retries, 1 s first backoff, rate-limit waits up to 2 minutes.
pub const DEFAULT_RETRY: RetryPolicy = RetryPolicy {
    max_retries: 3,
    backoff: Duration::from_millis(1000),
    max_wait: Duration::from_secs(120),
};

/// A pull request, the fields we use from the `pull-request` shapes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct PullRequest {
    pub number: u64,
    #[serde(default)]
    pub html_url: String,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub draft: Option<bool>,
    #[serde(default)]
    pub head: Option<super::event::BranchRef>,
    #[serde(default)]
    pub base: Option<super::event::BranchRef>,
}

impl PullRequest {
    pub fn head_ref(&self) -> Option<&str> {
        self.head.as_ref().and_then(|h| h.git_ref.as_deref())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct IssueComment {
    pub id: u64,
    #[serde(default)]
    pub html_url: String,
    #[serde(default)]
    pub body: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Step {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub number: u64,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub conclusion: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Job {
    pub id: u64,
    #[serde(default)]
    pub run_id: Option<u64>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub conclusion: Option<String>,
    #[serde(default)]
    pub html_url: Option<String>,
    #[serde(default)]
    pub steps: Vec<Step>,
}

#[derive(Debug, Deserialize)]
struct JobsPage {
    #[serde(default)]
    total_count: u64,
    #[serde(default)]
    jobs: Vec<Job>,
}

/// What `POST /pulls` takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewPull {
    pub title: String,
    /// Branch name in the same repository.
    pub head: String,
    pub base: String,
    pub body: String,
    pub draft: bool,
}

/// The pull request `create_pull` ended with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedPull {
    pub pr: PullRequest,
    /// True when GitHub said one already exists for the head and we reuse it.
    pub reused: bool,
}

/// The marker a self-heal PR body carries so later runs find it.
pub fn fingerprint_marker(fingerprint: &str) -> String {
    format!("<!-- self-heal:fingerprint={fingerprint} -->")
}

pub const DEFAULT_API_URL: &str = "https://api.github.com";
/// Job logs are text, run archives zips; beyond this something is wrong.
pub const DEFAULT_MAX_DOWNLOAD: u64 = 256 * 1024 * 1024;

pub struct GithubClient {
    http: reqwest::Client,
    base: Url,
    token: String,
    pub retry: RetryPolicy,
    pub max_download: u64,
    /// Cap on an API answer (JSON); logs have [`Self::max_download`].
    pub max_body: u64,
}

impl std::fmt::Debug for GithubClient {
    // Hand-written so the token never reaches a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GithubClient")
            .field("base", &self.base.as_str())
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

enum Body<'a> {
    None,
    Json(&'a Value),
}

impl GithubClient {
    /// `api_url` is `GITHUB_API_URL` (GHES: `https://HOST/api/v3`); `None` → api.github.com.
    pub fn new(
        http: reqwest::Client,
        api_url: Option<&str>,
        token: &str,
    ) -> Result<GithubClient, GithubError> {
        let raw = api_url
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or(DEFAULT_API_URL);
        let with_slash = if raw.ends_with('/') {
            raw.to_string()
        } else {
            format!("{raw}/")
        };
        let base = Url::parse(&with_slash).map_err(|_| GithubError::BadBaseUrl(raw.into()))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(GithubError::BadBaseUrl(raw.into()));
        }
        Ok(GithubClient {
            http,
            base,
            token: token.to_string(),
            retry: DEFAULT_RETRY,
            max_download: DEFAULT_MAX_DOWNLOAD,
            max_body: API_BODY_LIMIT,
        })
    }

    /// Builds the shared rustls client (redirects off) and the API client.
    pub fn from_env_values(
        api_url: Option<&str>,
        token: &str,
        timeout: Duration,
    ) -> Result<GithubClient, GithubError> {
        let https = api_url.is_none_or(|u| u.starts_with("https://"));
        GithubClient::new(crate::http::build_client(timeout, https)?, api_url, token)
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> GithubClient {
        self.retry = retry;
        self
    }

    fn url(&self, path: &str) -> Result<Url, GithubError> {
        self.base
            .join(path.trim_start_matches('/'))
            .map_err(|_| GithubError::BadBaseUrl(format!("{}{path}", self.base)))
    }

    fn headers(&self) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            ACCEPT,
            HeaderValue::from_static("application/vnd.github+json"),
        );
        h.insert(
            "X-GitHub-Api-Version",
            HeaderValue::from_static("2022-11-28"),
        );
        if !self.token.is_empty() {
            if let Ok(mut v) = HeaderValue::from_str(&format!("Bearer {}", self.token)) {
                v.set_sensitive(true);
                h.insert(AUTHORIZATION, v);
            }
        }
        h
    }

    /// Sends one API request under [`crate::http::send`]'s rules; returns the final
    /// response whatever its status, or the error the retries ended with.
    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Body<'_>,
    ) -> Result<crate::http::Response, GithubError> {
        let url = self.url(path)?;
        let what = format!("{method} {}", url.path());
        let mut req = self
            .http
            .request(method.clone(), url)
            .headers(self.headers());
        if let Body::Json(v) = body {
            req = req.json(v);
        }
        self.exchange(req, Replay::of(&method), self.max_body, &what)
            .await
    }

    /// One request through the shared retry layer, its give-ups mapped to our errors.
    async fn exchange(
        &self,
        req: reqwest::RequestBuilder,
        replay: Replay,
        body_limit: u64,
        what: &str,
    ) -> Result<crate::http::Response, GithubError> {
        let req = req.build().map_err(|e| GithubError::Network {
            what: what.into(),
            reason: crate::http::error_chain(&e.without_url()),
        })?;
        let opts = SendOptions {
            retry: self.retry,
            // Resending a POST after a 5xx may duplicate the PR or comment; rate
            // limits are retried for every call, as GitHub answers them before
            // doing anything.
            replay,
            body_limit,
            exchange_timeout: None,
            final_429_marker: None,
        };
        let resp = crate::http::send(&self.http, req, &opts)
            .await
            .map_err(|e| http_error(what, e))?;
        let rate_limited = resp.status == StatusCode::TOO_MANY_REQUESTS
            || (resp.status == StatusCode::FORBIDDEN && resp.gave_up.is_some());
        match resp.gave_up {
            Some(GaveUp::WaitTooLong(wait)) => Err(GithubError::RateLimited {
                what: what.into(),
                wait_secs: wait.as_secs().max(1),
                max_secs: self.retry.max_wait.as_secs(),
            }),
            Some(GaveUp::RetriesExhausted) if rate_limited => {
                let wait = crate::http::server_delay(&resp.headers, SystemTime::now())
                    .unwrap_or_else(|| crate::http::backoff(self.retry, resp.attempts));
                Err(GithubError::RateLimited {
                    what: what.into(),
                    wait_secs: wait.as_secs().max(1),
                    max_secs: self.retry.max_wait.as_secs(),
                })
            }
            Some(GaveUp::RetriesExhausted) if resp.status.is_server_error() => {
                Err(GithubError::Server {
                    what: what.into(),
                    status: resp.status.as_u16(),
                    attempts: resp.attempts,
                })
            }
            _ => Ok(resp),
        }
    }

    /// Sends and maps every non-2xx status to an error; returns the body text.
    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Body<'_>,
        need: Permission,
    ) -> Result<String, GithubError> {
        let what = format!("{method} /{path}");
        let resp = self.send(method, path, body).await?;
        let status = resp.status;
        let text = resp.text();
        if status.is_success() {
            return Ok(text);
        }
        Err(status_error(status, &what, &text, need))
    }

    async fn call_json<T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Body<'_>,
        need: Permission,
    ) -> Result<T, GithubError> {
        let what = format!("{method} /{path}");
        let text = self.call(method, path, body, need).await?;
        serde_json::from_str(&text).map_err(|e| GithubError::BadResponse {
            what,
            reason: e.to_string(),
        })
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

    /// `GET /pulls`; `head` is `owner:branch`, `state` `open|closed|all`.
    pub async fn list_pulls(
        &self,
        repo: &str,
        head: Option<&str>,
        state: &str,
    ) -> Result<Vec<PullRequest>, GithubError> {
        let mut all = Vec::new();
        for page in 1..=10u32 {
            let mut path = format!("repos/{repo}/pulls?state={state}&per_page=100&page={page}");
            if let Some(h) = head {
                path.push_str("&head=");
                path.push_str(&query_escape(h));
            }
            let got: Vec<PullRequest> = self
                .call_json(Method::GET, &path, Body::None, Permission::PullRequestsRead)
                .await?;
            let n = got.len();
            all.extend(got);
            if n < 100 {
                break;
            }
        }
        Ok(all)
    }

    /// The open PRs a run belongs to: the run's `pull_requests`, or, as that list is
    /// empty for PRs from forks, the open PRs whose head is the run's `head_sha`.
    pub async fn pulls_for_run(
        &self,
        repo: &str,
        run: &WorkflowRun,
    ) -> Result<Vec<u64>, GithubError> {
        if !run.pull_requests.is_empty() {
            return Ok(run.pull_requests.iter().map(|p| p.number).collect());
        }
        let Some(sha) = run.head_sha.as_deref().filter(|s| !s.is_empty()) else {
            return Ok(Vec::new());
        };
        Ok(self
            .list_pulls(repo, None, "open")
            .await?
            .into_iter()
            .filter(|p| p.head.as_ref().and_then(|h| h.sha.as_deref()) == Some(sha))
            .map(|p| p.number)
            .collect())
    }

    /// The open self-heal PR whose body carries this fingerprint's marker, if any.
    pub async fn find_pull_by_fingerprint(
        &self,
        repo: &str,
        fingerprint: &str,
    ) -> Result<Option<PullRequest>, GithubError> {
        let marker = fingerprint_marker(fingerprint);
        Ok(self
            .list_pulls(repo, None, "open")
            .await?
            .into_iter()
            .find(|p| p.body.as_deref().is_some_and(|b| b.contains(&marker))))
    }

    /// Opens a PR; if GitHub says one already exists for `head`, returns that one.
    pub async fn create_pull(&self, repo: &str, new: &NewPull) -> Result<OpenedPull, GithubError> {
        let path = format!("repos/{repo}/pulls");
        let what = format!("POST /{path}");
        let body = serde_json::to_value(new).map_err(|e| GithubError::BadResponse {
            what: what.clone(),
            reason: e.to_string(),
        })?;
        let resp = self.send(Method::POST, &path, Body::Json(&body)).await?;
        let status = resp.status;
        let text = resp.text();
        if status.is_success() {
            let pr = serde_json::from_str(&text).map_err(|e| GithubError::BadResponse {
                what,
                reason: e.to_string(),
            })?;
            return Ok(OpenedPull { pr, reused: false });
        }
        if status == StatusCode::UNPROCESSABLE_ENTITY {
            let lower = text.to_ascii_lowercase();
            if lower.contains("a pull request already exists") {
                let owner = repo.split('/').next().unwrap_or(repo);
                let head = format!("{owner}:{}", new.head);
                let existing = self.list_pulls(repo, Some(&head), "open").await?;
                return match existing
                    .into_iter()
                    .find(|p| p.head_ref() == Some(new.head.as_str()))
                {
                    Some(pr) => Ok(OpenedPull { pr, reused: true }),
                    None => Err(GithubError::Validation {
                        what,
                        message: format!(
                            "a pull request already exists for {head} but none is open"
                        ),
                    }),
                };
            }
            if lower.contains("no commits between") {
                return Err(GithubError::NoCommitsBetween {
                    base: new.base.clone(),
                    head: new.head.clone(),
                });
            }
        }
        if status == StatusCode::FORBIDDEN {
            return Err(GithubError::PrCreationForbidden {
                message: api_message(&text),
            });
        }
        Err(status_error(
            status,
            &what,
            &text,
            Permission::PullRequestsWrite,
        ))
    }

    pub async fn update_pull(
        &self,
        repo: &str,
        number: u64,
        title: Option<&str>,
        body: Option<&str>,
    ) -> Result<PullRequest, GithubError> {
        let mut patch = serde_json::Map::new();
        if let Some(t) = title {
            patch.insert("title".into(), json!(t));
        }
        if let Some(b) = body {
            patch.insert("body".into(), json!(b));
        }
        self.call_json(
            Method::PATCH,
            &format!("repos/{repo}/pulls/{number}"),
            Body::Json(&Value::Object(patch)),
            Permission::PullRequestsWrite,
        )
        .await
    }

    /// Comments on a PR (PRs are issues for comments).
    pub async fn create_issue_comment(
        &self,
        repo: &str,
        number: u64,
        body: &str,
    ) -> Result<IssueComment, GithubError> {
        self.call_json(
            Method::POST,
            &format!("repos/{repo}/issues/{number}/comments"),
            Body::Json(&json!({ "body": body })),
            Permission::PullRequestsWrite,
        )
        .await
    }

    /// Starts `workflow` (file name or id) on `git_ref`: the way to get CI on a
    /// branch pushed with `GITHUB_TOKEN`, whose pushes trigger no workflow.
    pub async fn dispatch_workflow(
        &self,
        repo: &str,
        workflow: &str,
        git_ref: &str,
        inputs: &serde_json::Map<String, Value>,
    ) -> Result<(), GithubError> {
        self.call(
            Method::POST,
            &format!("repos/{repo}/actions/workflows/{workflow}/dispatches"),
            Body::Json(&json!({ "ref": git_ref, "inputs": inputs })),
            Permission::ActionsWrite,
        )
        .await
        .map(|_| ())
    }
}

/// API bodies are small; the cap only guards against a misbehaving server.
const API_BODY_LIMIT: u64 = 32 * 1024 * 1024;

fn http_error(what: &str, e: HttpError) -> GithubError {
    match e {
        HttpError::Timeout { .. } => GithubError::Timeout { what: what.into() },
        HttpError::TooLarge { limit } => GithubError::TooLarge {
            what: what.into(),
            limit,
        },
        HttpError::Unreachable { message, .. } | HttpError::Build(message) => {
            GithubError::Network {
                what: what.into(),
                reason: message,
            }
        }
    }
}

/// The `message` of a GitHub error body, plus the `errors[].message` details.
fn api_message(text: &str) -> String {
    let Ok(v) = serde_json::from_str::<Value>(text) else {
        return text
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(200)
            .collect();
    };
    let mut parts: Vec<String> = Vec::new();
    if let Some(m) = v.get("message").and_then(Value::as_str) {
        parts.push(m.to_string());
    }
    if let Some(errs) = v.get("errors").and_then(Value::as_array) {
        for e in errs {
            if let Some(m) = e.get("message").and_then(Value::as_str) {
                parts.push(m.to_string());
            } else if let (Some(f), Some(c)) = (
                e.get("field").and_then(Value::as_str),
                e.get("code").and_then(Value::as_str),
            ) {
                parts.push(format!("{f} {c}"));
            }
        }
    }
    parts.join("; ")
}

fn status_error(status: StatusCode, what: &str, text: &str, need: Permission) -> GithubError {
    let message = api_message(text);
    match status.as_u16() {
        401 => GithubError::Unauthorized { what: what.into() },
        // A secondary rate limit sent without Retry-After/x-ratelimit headers.
        403 if message.to_ascii_lowercase().contains("rate limit") => {
            GithubError::SecondaryRateLimit {
                what: what.into(),
                message,
            }
        }
        403 => GithubError::Forbidden {
            what: what.into(),
            permission: need,
            message,
        },
        404 => GithubError::NotFound {
            what: what.into(),
            message,
        },
        422 => GithubError::Validation {
            what: what.into(),
            message,
        },
        s if status.is_server_error() => GithubError::Server {
            what: what.into(),
            status: s,
            attempts: 1,
        },
        s => GithubError::Status {
            what: what.into(),
            status: s,
            message,
        },
    }
}

fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b':' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_message_joins_details() {
        let body = r#"{"message":"Validation Failed","errors":[{"resource":"PullRequest","code":"custom","message":"No commits between main and x"}]}"#;
        assert_eq!(
            api_message(body),
            "Validation Failed; No commits between main and x"
        );
    }

    #[test]
    fn forbidden_names_the_permission() {
        let e = status_error(
            StatusCode::FORBIDDEN,
            "GET /x",
            r#"{"message":"Resource not accessible by integration"}"#,
            Permission::ActionsRead,
        );
        let s = e.to_string();
        assert!(s.contains("`actions: read`"), "{s}");
        assert!(s.contains("Resource not accessible"), "{s}");
    }

    #[test]
    fn secondary_rate_limit_is_not_a_permission_problem() {
        let e = status_error(
            StatusCode::FORBIDDEN,
            "GET /x",
            r#"{"message":"You have exceeded a secondary rate limit."}"#,
            Permission::ActionsRead,
        );
        assert!(matches!(e, GithubError::SecondaryRateLimit { .. }), "{e}");
        assert!(!e.to_string().contains("actions: read"));
    }

    #[test]
    fn debug_hides_token() {
        let http = crate::http::build_client(Duration::from_secs(5), false).expect("http client");
        let c = GithubClient::new(http, None, "ghs_secret123").expect("client");
        assert!(!format!("{c:?}").contains("ghs_secret123"));
    }
}
