//! `GITHUB_EVENT_PATH` payloads, parsed with our own structs.
//!
//! octocrab's `Run` model has no `pull_requests` and the event's `workflow_run`
//! is untyped there, so we keep the few fields we need, every one optional:
//! webhook examples from 2020 lack `actor`, `run_attempt` and `path`.

use serde::Deserialize;
use serde_json::Value;

/// A user or bot as it appears in payloads (`actor`, `triggering_actor`, `sender`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Actor {
    #[serde(default)]
    pub login: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct RepoRef {
    #[serde(default)]
    pub full_name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct BranchRef {
    #[serde(default, rename = "ref")]
    pub git_ref: Option<String>,
    #[serde(default)]
    pub sha: Option<String>,
    /// The repository of the branch (a fork's for a fork's pull request).
    #[serde(default)]
    pub repo: Option<RepoRef>,
}

/// An entry of `workflow_run.pull_requests` (empty for PRs from forks).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct RunPullRequest {
    pub number: u64,
    #[serde(default)]
    pub head: Option<BranchRef>,
    #[serde(default)]
    pub base: Option<BranchRef>,
}

/// A workflow run: the `workflow_run` of the event and the body of
/// `GET /repos/{o}/{r}/actions/runs/{id}` share this shape.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct WorkflowRun {
    pub id: u64,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub head_branch: Option<String>,
    #[serde(default)]
    pub head_sha: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub conclusion: Option<String>,
    #[serde(default)]
    pub event: Option<String>,
    #[serde(default)]
    pub run_attempt: Option<u64>,
    #[serde(default)]
    pub actor: Option<Actor>,
    #[serde(default)]
    pub triggering_actor: Option<Actor>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub pull_requests: Vec<RunPullRequest>,
    #[serde(default)]
    pub path: Option<String>,
    /// The workflow's id, for the dispatch and runs-of-a-workflow endpoints.
    #[serde(default)]
    pub workflow_id: Option<u64>,
    #[serde(default)]
    pub html_url: Option<String>,
    #[serde(default)]
    pub display_title: Option<String>,
    #[serde(default)]
    pub repository: Option<RepoRef>,
    /// The repository the head commit lives in: a fork for a fork's pull request.
    #[serde(default)]
    pub head_repository: Option<RepoRef>,
}

fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct WorkflowInfo {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub path: Option<String>,
}

/// The parts of any event payload we look at.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EventPayload {
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub workflow_run: Option<WorkflowRun>,
    /// An object in `workflow_run` events, the workflow's path (a string) in
    /// `workflow_dispatch` events: kept untyped and read by [`EventPayload::workflow_info`].
    #[serde(default)]
    pub workflow: Option<Value>,
    /// `workflow_dispatch` inputs: strings, or booleans/numbers for typed inputs.
    #[serde(default)]
    pub inputs: Option<serde_json::Map<String, Value>>,
    #[serde(default)]
    pub repository: Option<RepoRef>,
    #[serde(default)]
    pub sender: Option<Actor>,
}

impl EventPayload {
    pub fn workflow_info(&self) -> Option<WorkflowInfo> {
        match self.workflow.as_ref()? {
            Value::String(path) => Some(WorkflowInfo {
                name: None,
                path: Some(path.clone()),
            }),
            v @ Value::Object(_) => serde_json::from_value(v.clone()).ok(),
            _ => None,
        }
    }
}

/// The loop guards (docs/settings.md `branch-prefix`, `exclude-workflows`) and our bot logins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guards {
    pub branch_prefix: String,
    /// Workflow names or file names (`ci.yml`) or paths (`.github/workflows/ci.yml`).
    pub exclude_workflows: Vec<String>,
    pub bot_logins: Vec<String>,
}

impl Default for Guards {
    fn default() -> Guards {
        Guards {
            branch_prefix: "self-heal/".to_string(),
            exclude_workflows: Vec::new(),
            bot_logins: default_bot_logins(),
        }
    }
}

/// Logins whose runs are never repaired: pushes by our own bot would otherwise loop.
pub fn default_bot_logins() -> Vec<String> {
    vec![
        "github-actions[bot]".to_string(),
        "self-heal[bot]".to_string(),
    ]
}

/// The run to repair, with what the event told us about it (the rest comes from the API).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunRef {
    pub run_id: u64,
    pub head_branch: Option<String>,
    pub head_sha: Option<String>,
    pub workflow_name: Option<String>,
    pub pr_numbers: Vec<u64>,
    pub html_url: Option<String>,
    pub repository: Option<String>,
    /// `dry-run` input of a `workflow_dispatch` event, when given.
    pub dispatch_dry_run: Option<bool>,
    /// True when only the id is known (CLI flag, dispatch): apply [`skip_reason`]
    /// to the run fetched from the API before repairing.
    pub needs_guard_check: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trigger {
    Repair(RunRef),
    /// Not an error: status `skipped`, exit 0, with this reason.
    Skip(String),
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EventError {
    #[error("event payload is not valid JSON: {0}")]
    Malformed(String),
    #[error("workflow_run event without a workflow_run object")]
    MissingWorkflowRun,
    #[error("workflow_dispatch event without a run-id input: add `run-id` to the dispatch inputs or pass --run-id")]
    MissingRunId,
    #[error("run-id input {0:?} is not a positive number")]
    BadRunId(String),
    // The caller adds the offline way (`--log`) where it applies.
    #[error("no run to repair: pass --run-id or run on a workflow_run event")]
    NoRun,
}

/// Decides what to do from the event (`GITHUB_EVENT_NAME`, the `GITHUB_EVENT_PATH`
/// content) and a run id from the CLI/inputs, which wins over the event.
pub fn resolve_trigger(
    event_name: Option<&str>,
    event_json: Option<&str>,
    cli_run_id: Option<u64>,
    guards: &Guards,
) -> Result<Trigger, EventError> {
    let payload = match event_json.map(str::trim).filter(|s| !s.is_empty()) {
        Some(text) => Some(
            serde_json::from_str::<EventPayload>(text)
                .map_err(|e| EventError::Malformed(e.to_string()))?,
        ),
        None => None,
    };
    let name = event_name.map(str::trim).filter(|s| !s.is_empty());

    match (name, payload) {
        (Some("workflow_run"), Some(p)) => {
            let run = p.workflow_run.clone().ok_or(EventError::MissingWorkflowRun)?;
            if let Some(id) = cli_run_id.filter(|id| *id != run.id) {
                // An explicit run id names another run: the event tells us nothing about it.
                return Ok(Trigger::Repair(bare_ref(id, p.repository.as_ref())));
            }
            if let Some(action) = p.action.as_deref().filter(|a| *a != "completed") {
                return Ok(Trigger::Skip(format!(
                    "workflow_run event action is {action:?}, not \"completed\""
                )));
            }
            let workflow_name = run_workflow_name(&run, p.workflow_info().as_ref());
            if let Some(reason) = skip_reason_with(&run, workflow_name.as_deref(), guards) {
                return Ok(Trigger::Skip(reason));
            }
            let mut r = run_ref(&run, workflow_name);
            if r.repository.is_none() {
                r.repository = p.repository.and_then(|r| r.full_name);
            }
            Ok(Trigger::Repair(r))
        }
        (Some("workflow_dispatch"), payload) => {
            let inputs = payload.as_ref().and_then(|p| p.inputs.clone());
            let dry_run = inputs
                .as_ref()
                .and_then(|i| i.get("dry-run").or_else(|| i.get("dry_run")))
                .and_then(value_bool);
            let id = match cli_run_id {
                Some(id) => id,
                None => dispatch_run_id(inputs.as_ref())?.ok_or(EventError::MissingRunId)?,
            };
            let mut r = bare_ref(id, payload.as_ref().and_then(|p| p.repository.as_ref()));
            r.dispatch_dry_run = dry_run;
            Ok(Trigger::Repair(r))
        }
        (other, payload) => match cli_run_id {
            Some(id) => Ok(Trigger::Repair(bare_ref(
                id,
                payload.as_ref().and_then(|p| p.repository.as_ref()),
            ))),
            None => match other {
                Some(ev) => Ok(Trigger::Skip(format!(
                    "event {ev:?} is not supported: self-heal reacts to workflow_run and workflow_dispatch"
                ))),
                None => Err(EventError::NoRun),
            },
        },
    }
}

/// Why a run must not be repaired, if it must not. Use it on the run fetched
/// from the API when the trigger only carried an id.
pub fn skip_reason(run: &WorkflowRun, guards: &Guards) -> Option<String> {
    skip_reason_with(run, run.name.as_deref(), guards)
}

fn skip_reason_with(
    run: &WorkflowRun,
    workflow_name: Option<&str>,
    guards: &Guards,
) -> Option<String> {
    match run.conclusion.as_deref() {
        Some("failure") => {}
        Some(other) => return Some(format!("run {} concluded {other:?}, not failure", run.id)),
        None => return Some(format!("run {} has not completed", run.id)),
    }
    let prefix = guards.branch_prefix.as_str();
    if !prefix.is_empty() {
        let on_fix_branch = run
            .head_branch
            .iter()
            .chain(
                run.pull_requests
                    .iter()
                    .filter_map(|p| p.head.as_ref().and_then(|h| h.git_ref.as_ref())),
            )
            .find(|b| b.starts_with(prefix));
        if let Some(b) = on_fix_branch {
            return Some(format!(
                "run {} is on {b:?}, a {prefix:?} branch (loop guard)",
                run.id
            ));
        }
    }
    let actors = [run.actor.as_ref(), run.triggering_actor.as_ref()];
    for login in actors
        .into_iter()
        .flatten()
        .filter_map(|a| a.login.as_deref())
    {
        if guards
            .bot_logins
            .iter()
            .any(|b| b.eq_ignore_ascii_case(login))
        {
            return Some(format!(
                "run {} was started by {login}, our own bot (loop guard)",
                run.id
            ));
        }
    }
    if let Some(hit) = excluded(run, workflow_name, &guards.exclude_workflows) {
        return Some(format!("workflow {hit:?} is in exclude-workflows"));
    }
    // A fork's code must not run with this repository's secrets, nor be pushed to it.
    let name = |r: &Option<RepoRef>| r.as_ref().and_then(|r| r.full_name.clone());
    if let (Some(head), Some(base)) = (name(&run.head_repository), name(&run.repository)) {
        if !head.eq_ignore_ascii_case(&base) {
            return Some(format!(
                "run {} built code from the fork {head}; forks are not repaired",
                run.id
            ));
        }
    }
    None
}

fn excluded(run: &WorkflowRun, name: Option<&str>, list: &[String]) -> Option<String> {
    // `path` is `.github/workflows/ci.yml` or, in newer payloads, `...ci.yml@main`.
    let path = run
        .path
        .as_deref()
        .map(|p| p.split('@').next().unwrap_or(p));
    let file = path.and_then(|p| p.rsplit('/').next());
    let candidates = [name, path, file];
    list.iter()
        .map(|e| e.trim())
        .filter(|e| !e.is_empty())
        .find(|e| {
            candidates
                .iter()
                .flatten()
                .any(|c| c.eq_ignore_ascii_case(e))
        })
        .map(str::to_string)
}

fn run_workflow_name(run: &WorkflowRun, workflow: Option<&WorkflowInfo>) -> Option<String> {
    run.name.clone().filter(|n| !n.is_empty()).or_else(|| {
        workflow
            .and_then(|w| w.name.clone())
            .filter(|n| !n.is_empty())
    })
}

fn run_ref(run: &WorkflowRun, workflow_name: Option<String>) -> RunRef {
    RunRef {
        run_id: run.id,
        head_branch: run.head_branch.clone(),
        head_sha: run.head_sha.clone(),
        workflow_name,
        pr_numbers: run.pull_requests.iter().map(|p| p.number).collect(),
        html_url: run.html_url.clone(),
        repository: run.repository.as_ref().and_then(|r| r.full_name.clone()),
        dispatch_dry_run: None,
        needs_guard_check: false,
    }
}

fn bare_ref(run_id: u64, repo: Option<&RepoRef>) -> RunRef {
    RunRef {
        run_id,
        repository: repo.and_then(|r| r.full_name.clone()),
        needs_guard_check: true,
        ..RunRef::default()
    }
}

fn dispatch_run_id(
    inputs: Option<&serde_json::Map<String, Value>>,
) -> Result<Option<u64>, EventError> {
    let Some(v) = inputs.and_then(|i| ["run-id", "run_id", "runId"].iter().find_map(|k| i.get(*k)))
    else {
        return Ok(None);
    };
    match v {
        Value::Number(n) => n
            .as_u64()
            .filter(|n| *n > 0)
            .map(Some)
            .ok_or_else(|| EventError::BadRunId(n.to_string())),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => parse_run_id(s)
            .map(Some)
            .ok_or_else(|| EventError::BadRunId(s.clone())),
        other => Err(EventError::BadRunId(other.to_string())),
    }
}

/// Accepts `123` or a run URL (`.../actions/runs/123`, optionally `/attempts/2`).
pub fn parse_run_id(s: &str) -> Option<u64> {
    let s = s.trim();
    if let Ok(n) = s.parse::<u64>() {
        return (n > 0).then_some(n);
    }
    let after = s.split("/actions/runs/").nth(1)?;
    after
        .split(['/', '?', '#'])
        .next()?
        .parse::<u64>()
        .ok()
        .filter(|n| *n > 0)
}

fn value_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Some(true),
            "false" | "no" | "0" | "" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_id_from_url_or_number() {
        assert_eq!(parse_run_id("42"), Some(42));
        assert_eq!(
            parse_run_id("https://github.com/o/r/actions/runs/77/attempts/2"),
            Some(77)
        );
        assert_eq!(parse_run_id("0"), None);
        assert_eq!(parse_run_id("abc"), None);
    }

    #[test]
    fn dispatch_numeric_input_and_bool_dry_run() {
        let json = r#"{"inputs": {"run_id": 9, "dry-run": true}}"#;
        let t = resolve_trigger(
            Some("workflow_dispatch"),
            Some(json),
            None,
            &Guards::default(),
        );
        match t {
            Ok(Trigger::Repair(r)) => {
                assert_eq!(r.run_id, 9);
                assert_eq!(r.dispatch_dry_run, Some(true));
                assert!(r.needs_guard_check);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn null_pull_requests_tolerated() {
        let run: WorkflowRun =
            serde_json::from_str(r#"{"id": 1, "pull_requests": null, "conclusion": "failure"}"#)
                .expect("parses");
        assert!(run.pull_requests.is_empty());
        assert_eq!(skip_reason(&run, &Guards::default()), None);
    }
}
