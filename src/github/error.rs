//! Every GitHub failure as a one-line [`GithubError`] that names what to do: the
//! missing permission, the repository setting, the rate limit.

use crate::http::{HttpClientError, HttpError};
use reqwest::StatusCode;
use serde_json::Value;

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

pub(super) fn http_error(what: &str, e: HttpError) -> GithubError {
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
pub(super) fn api_message(text: &str) -> String {
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

pub(super) fn status_error(
    status: StatusCode,
    what: &str,
    text: &str,
    need: Permission,
) -> GithubError {
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
}
