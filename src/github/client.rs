//! The REST client core: base URL, auth header, one request through the shared
//! retry layer ([`crate::http::send`]) with its give-ups mapped to [`GithubError`].
//! The endpoints are in `runs.rs` (runs, jobs, logs) and `pulls.rs` (pulls,
//! comments, dispatch).
//!
//! JSON calls go through octocrab (typed routes and bodies, its error type) on our
//! transport, see `octo.rs`; the log downloads, `POST /pulls` and dispatch use
//! [`GithubClient::send`] directly. Either way every request passes the shared
//! retry layer, and every failure becomes a one-line [`GithubError`] naming the
//! missing permission.

use super::error::{http_error, status_error};
pub use super::error::{GithubError, Permission};
pub use super::models::{
    fingerprint_marker, IssueComment, Job, NewPull, OpenedPull, PullRequest, Step,
};
use crate::http::{GaveUp, Replay, SendOptions};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION};
use reqwest::{Method, StatusCode, Url};
use serde_json::Value;
use std::time::{Duration, SystemTime};

pub use crate::http::RetryPolicy;

/// GitHub's defaults: 3 retries, 1 s first backoff, rate-limit waits up to 2 minutes.
pub const DEFAULT_RETRY: RetryPolicy = RetryPolicy {
    max_retries: 3,
    backoff: Duration::from_millis(1000),
    max_wait: Duration::from_secs(120),
};

pub const DEFAULT_API_URL: &str = "https://api.github.com";
/// Cap on one log download (streamed to a file): a job log past it is cut and
/// the rest not read; a run's zip past it cannot be read and is refused.
pub const DEFAULT_MAX_DOWNLOAD: u64 = 256 * 1024 * 1024;

#[derive(Clone)]
pub struct GithubClient {
    pub(super) http: reqwest::Client,
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

pub(super) enum Body<'a> {
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

    pub(super) fn url(&self, path: &str) -> Result<Url, GithubError> {
        self.base
            .join(path.trim_start_matches('/'))
            .map_err(|_| GithubError::BadBaseUrl(format!("{}{path}", self.base)))
    }

    pub(super) fn headers(&self) -> HeaderMap {
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
    pub(super) async fn send(
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
    pub(super) async fn exchange(
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
    pub(super) async fn call(
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

    pub(super) async fn call_json<T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Body<'_>,
        need: Permission,
    ) -> Result<T, GithubError> {
        // Typed through octocrab, sent through our transport (see `octo.rs`).
        let what = format!("{method} /{path}");
        let url = self.url(path)?;
        let octo = self.octocrab()?;
        let json = match body {
            Body::None => None,
            Body::Json(v) => Some(v),
        };
        let result: Result<Value, octocrab::Error> = match method {
            Method::GET => octo.get(url.as_str(), None::<&()>).await,
            Method::PATCH => octo.patch(url.as_str(), json).await,
            Method::POST => octo.post(url.as_str(), json).await,
            other => {
                return Err(GithubError::BadResponse {
                    what,
                    reason: format!("method {other} is not sent through octocrab"),
                })
            }
        };
        let value = result.map_err(|e| super::octo::from_octocrab(e, &what, need))?;
        serde_json::from_value(value).map_err(|e| GithubError::BadResponse {
            what,
            reason: e.to_string(),
        })
    }

    pub(super) fn clone_settings(&self) -> GithubClient {
        self.clone()
    }

    /// Our headers for `url`: the token only when it is the API host.
    pub(super) fn headers_for(&self, url: &Url) -> HeaderMap {
        let mut h = self.headers();
        if url.host_str() != self.base.host_str()
            || url.port_or_known_default() != self.base.port_or_known_default()
        {
            h.remove(AUTHORIZATION);
        }
        h
    }
}

/// API bodies are small; the cap only guards against a misbehaving server.
const API_BODY_LIMIT: u64 = 32 * 1024 * 1024;

pub(super) fn query_escape(s: &str) -> String {
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
    fn debug_hides_token() {
        let http = crate::http::build_client(Duration::from_secs(5), false).expect("http client");
        let c = GithubClient::new(http, None, "ghs_secret123").expect("client");
        assert!(!format!("{c:?}").contains("ghs_secret123"));
    }
}
