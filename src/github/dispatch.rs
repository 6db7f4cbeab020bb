//! Checks on a fix branch pushed with `GITHUB_TOKEN`: GitHub starts no workflow for
//! such pushes and pull requests, so the fix PR would show no checks. The one event
//! that token may start is `workflow_dispatch`: dispatch the failed run's workflow on
//! the fix branch and find the run it started.
//!
//! Whether the workflow accepts `workflow_dispatch` is read from its file as of the
//! failed commit (the fix branch's parent, and a fix never touches
//! `.github/workflows/`, so it is exactly the file that will run). The API's workflow
//! object does not list triggers, so `GET /actions/workflows/{id}` could not tell.
//! When the file cannot be read the dispatch is tried and GitHub's answer decides.

use super::client::{query_escape, Body, GithubClient};
use super::error::{api_message, status_error, GithubError, Permission};
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde_json::json;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long to look for the run a dispatch started (GitHub creates it within seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Polling {
    pub attempts: u32,
    pub interval: Duration,
}

impl Default for Polling {
    fn default() -> Polling {
        Polling {
            attempts: 6,
            interval: Duration::from_secs(2),
        }
    }
}

/// What the workflow file says about `workflow_dispatch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DispatchTrigger {
    Accepted,
    Missing,
    /// No file to read (a dynamic workflow, a path outside the checkout).
    Unknown,
}

/// The run a dispatch started, as far as it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dispatched {
    /// The run's page; None when it was not found within [`Polling`].
    pub html_url: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RunDetails {
    #[serde(default)]
    html_url: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ListedRun {
    #[serde(default)]
    html_url: Option<String>,
    #[serde(default)]
    head_branch: Option<String>,
    #[serde(default)]
    event: Option<String>,
    #[serde(default)]
    created_at: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RunsPage {
    #[serde(default)]
    workflow_runs: Vec<ListedRun>,
}

/// The workflow reference the dispatch and runs endpoints take: the run's
/// `workflow_id`, else the file name of its `path` (`.github/workflows/ci.yml@main`).
pub fn workflow_ref(workflow_id: Option<u64>, path: Option<&str>) -> Option<String> {
    if let Some(id) = workflow_id.filter(|id| *id > 0) {
        return Some(id.to_string());
    }
    let path = workflow_path(path?)?;
    path.rsplit('/').next().map(str::to_string)
}

/// The repository path of the workflow file (`path` without its `@ref`).
pub fn workflow_path(path: &str) -> Option<&str> {
    let p = path.split('@').next().unwrap_or(path).trim();
    (p.starts_with(".github/workflows/") && !p.contains("..")).then_some(p)
}

/// Whether a workflow file's `on:` names `workflow_dispatch`, in any of its forms
/// (`on: workflow_dispatch`, a flow or block sequence, a block mapping). A line
/// scan of the top-level `on` key, not a YAML parser: what it cannot place is
/// [`DispatchTrigger::Unknown`], and then GitHub's answer to the dispatch decides.
pub fn dispatch_trigger(yaml: &str) -> DispatchTrigger {
    let strip = |l: &str| -> String {
        // A ` #` starts a comment outside quotes; triggers are bare words.
        match l.find(" #") {
            Some(i) => l[..i].to_string(),
            None if l.trim_start().starts_with('#') => String::new(),
            None => l.to_string(),
        }
    };
    let names_it = |s: &str| {
        s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .any(|w| w == "workflow_dispatch")
    };
    let mut lines = yaml.lines().map(strip).peekable();
    while let Some(line) = lines.next() {
        if line.starts_with([' ', '\t']) || line.trim().is_empty() {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim().trim_matches(['"', '\'']);
        if key != "on" && key != "true" {
            continue;
        }
        let value = value.trim();
        if !value.is_empty() {
            return if names_it(value) {
                DispatchTrigger::Accepted
            } else if value.starts_with(['[', '{']) && !value.ends_with([']', '}']) {
                // A flow collection over several lines: not ours to parse.
                DispatchTrigger::Unknown
            } else {
                DispatchTrigger::Missing
            };
        }
        // Block form: the first indented line sets the children's indentation.
        let mut indent = None;
        while let Some(next) = lines.peek() {
            if next.trim().is_empty() {
                lines.next();
                continue;
            }
            if !next.starts_with([' ', '\t']) {
                break;
            }
            let here = next.len() - next.trim_start().len();
            let child = *indent.get_or_insert(here);
            let text = next.trim_start().trim_start_matches("- ").trim();
            let name = text
                .split(':')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches(['"', '\'']);
            if here == child && name == "workflow_dispatch" {
                return DispatchTrigger::Accepted;
            }
            lines.next();
        }
        return DispatchTrigger::Missing;
    }
    DispatchTrigger::Unknown
}

/// `YYYY-MM-DDTHH:MM:SSZ` for a time (the runs list's `created` filter).
pub fn iso8601(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

impl GithubClient {
    /// Dispatches `workflow` on `branch` and returns the run it started. Asks GitHub
    /// for the run's details in the answer (`return_run_details`); a server that
    /// answers 204 (or rejects the parameter, older GitHub Enterprise) gets the run
    /// looked up instead: the newest `workflow_dispatch` run of the workflow on the
    /// branch created since just before the dispatch, polled within `polling`.
    pub async fn dispatch_on_branch(
        &self,
        repo: &str,
        workflow: &str,
        branch: &str,
        polling: Polling,
    ) -> Result<Dispatched, GithubError> {
        let path = format!(
            "repos/{repo}/actions/workflows/{}/dispatches",
            query_escape(workflow)
        );
        let what = format!("POST /{path}");
        // Clock skew between the runner and GitHub: a fresh fix branch has no other
        // dispatched runs, so a generous window cannot pick someone else's.
        let since = SystemTime::now()
            .checked_sub(Duration::from_secs(120))
            .unwrap_or(UNIX_EPOCH);
        let mut body = json!({ "ref": branch, "inputs": {}, "return_run_details": true });
        for _ in 0..2 {
            let resp = self.send(Method::POST, &path, Body::Json(&body)).await?;
            let status = resp.status;
            let text = resp.text();
            if status == StatusCode::OK {
                let details: Option<RunDetails> = serde_json::from_str(&text).ok();
                if let Some(url) = details.and_then(|d| d.html_url).filter(|u| !u.is_empty()) {
                    return Ok(Dispatched {
                        html_url: Some(url),
                    });
                }
                break;
            }
            if status.is_success() {
                break;
            }
            let unsupported = matches!(
                status,
                StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY
            ) && text.contains("return_run_details");
            if unsupported && body.get("return_run_details").is_some() {
                if let Some(o) = body.as_object_mut() {
                    o.remove("return_run_details");
                }
                continue;
            }
            if status == StatusCode::UNPROCESSABLE_ENTITY {
                return Err(GithubError::Validation {
                    what,
                    message: api_message(&text),
                });
            }
            return Err(status_error(status, &what, &text, Permission::ActionsWrite));
        }
        for attempt in 0..polling.attempts.max(1) {
            if attempt > 0 {
                tokio::time::sleep(polling.interval).await;
            }
            if let Some(url) = self
                .find_dispatched_run(repo, workflow, branch, since)
                .await?
            {
                return Ok(Dispatched {
                    html_url: Some(url),
                });
            }
        }
        Ok(Dispatched { html_url: None })
    }

    /// The newest `workflow_dispatch` run of `workflow` on `branch` created since `since`.
    async fn find_dispatched_run(
        &self,
        repo: &str,
        workflow: &str,
        branch: &str,
        since: SystemTime,
    ) -> Result<Option<String>, GithubError> {
        let since = iso8601(since);
        let path = format!(
            "repos/{repo}/actions/workflows/{}/runs?branch={}&event=workflow_dispatch&created={}&per_page=20",
            query_escape(workflow),
            query_escape(branch),
            query_escape(&format!(">={since}"))
        );
        let page: RunsPage = self
            .call_json(Method::GET, &path, Body::None, Permission::ActionsRead)
            .await?;
        // The list is newest first; the filters are checked again, as a server may
        // ignore a query parameter it does not know.
        Ok(page
            .workflow_runs
            .into_iter()
            .filter(|r| r.head_branch.as_deref() == Some(branch))
            .filter(|r| r.event.as_deref() == Some("workflow_dispatch"))
            .filter(|r| r.created_at.as_deref().is_none_or(|c| c >= since.as_str()))
            .find_map(|r| r.html_url.filter(|u| !u.is_empty())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triggers_in_every_form() {
        use DispatchTrigger::*;
        for (yaml, want) in [
            ("on: workflow_dispatch\njobs: {}\n", Accepted),
            ("on: [push, workflow_dispatch]\n", Accepted),
            ("\"on\": [push]\n", Missing),
            (
                "on:\n  push:\n    branches: [main]\n  workflow_dispatch:\n",
                Accepted,
            ),
            ("on:\n  - push\n  - workflow_dispatch\n", Accepted),
            (
                "on:\n  push:\n    paths:\n      - workflow_dispatch\njobs:\n",
                Missing,
            ),
            (
                "on:\n  pull_request: # workflow_dispatch later\njobs:\n",
                Missing,
            ),
            ("on: [push,\n  workflow_dispatch]\n", Unknown),
            ("name: x\njobs: {}\n", Unknown),
        ] {
            assert_eq!(dispatch_trigger(yaml), want, "{yaml}");
        }
    }

    #[test]
    fn workflow_refs() {
        assert_eq!(
            workflow_ref(None, Some(".github/workflows/build.yml@main")).as_deref(),
            Some("build.yml")
        );
        assert_eq!(
            workflow_ref(Some(159038), Some("x")).as_deref(),
            Some("159038")
        );
        assert_eq!(workflow_ref(None, Some("dynamic/pages/x")), None);
    }

    #[test]
    fn iso_dates() {
        assert_eq!(iso8601(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(
            iso8601(UNIX_EPOCH + Duration::from_secs(1_764_633_600 + 3661)),
            "2025-12-02T01:01:01Z"
        );
    }
}
