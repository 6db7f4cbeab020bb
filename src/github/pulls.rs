//! Pull requests, their comments, and workflow dispatch.

use super::client::{query_escape, Body, GithubClient};
use super::error::{api_message, status_error, GithubError, Permission};
use super::event::WorkflowRun;
use super::models::{fingerprint_marker, IssueComment, NewPull, OpenedPull, PullRequest};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

impl GithubClient {
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
