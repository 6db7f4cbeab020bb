//! A fake GitHub REST API on 127.0.0.1 serving the real payload shapes from
//! `fixtures/github-api/rest/`, plus a second listener (the "blob host") that the
//! log endpoints redirect to, as GitHub's pre-signed log URLs live on another host.
//! Runs in its own thread with its own tokio runtime, so sync tests that spawn the
//! binary can use it as well as async tests. Every request is recorded.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use axum::Router;
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use crate::support::harness::fixtures_dir;

pub fn fixture_json(rel: &str) -> Value {
    let path = fixtures_dir().join("github-api").join(rel);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// One request as the fake saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// Route key (`get_run`, `list_jobs`, `job_logs`, `run_logs`, `workflow_runs`, `list_pulls`,
    /// `create_pull`, `update_pull`, `get_pull`, `create_comment`, `dispatch`,
    /// `list_workflow_runs`, `list_pull_files`, `create_review`, `blob_job`,
    /// `blob_run`, `unknown`).
    pub route: String,
    pub method: String,
    /// Path and query.
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// When it arrived (to measure start-up, e.g. container start to first call).
    pub at: std::time::Instant,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// A scripted answer that replaces the normal one for one request of a route.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub delay: Duration,
}

impl Reply {
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: json!({"message": format!("injected {status}")}).to_string(),
            delay: Duration::ZERO,
        }
    }
    pub fn json(status: u16, body: Value) -> Reply {
        Reply {
            body: body.to_string(),
            ..Reply::status(status)
        }
    }
    pub fn header(mut self, k: &str, v: &str) -> Reply {
        self.headers.push((k.into(), v.into()));
        self
    }
    pub fn delay(mut self, d: Duration) -> Reply {
        self.delay = d;
        self
    }
}

pub const REPO: &str = "octo-org/octo-repo";
pub const RUN_ID: u64 = 30433642;
pub const FAILED_JOB_ID: u64 = 399444497;
pub const FAILED_JOB_NAME: &str = "test";
pub const FAILED_STEP: &str = "Run Tests";

struct FakeState {
    run: Value,
    jobs: Vec<Value>,
    job_logs: HashMap<u64, String>,
    /// Job logs generated while served: a head, then filler lines up to a length.
    generated_logs: HashMap<u64, (String, u64)>,
    run_zip: Vec<u8>,
    pulls: Vec<Value>,
    /// Runs served by `GET .../actions/workflows/{id}/runs`, newest first.
    workflow_runs: Vec<Value>,
    next_pr: u64,
    script: HashMap<String, VecDeque<Reply>>,
    requests: Vec<Recorded>,
    /// Runs started by `workflow_dispatch` (newest last), served by `list_workflow_runs`.
    dispatched_runs: Vec<Value>,
    /// Answer a dispatch asking `return_run_details` with the run (200), as GitHub
    /// does since 2026; false: 204 as before (and older GitHub Enterprise).
    dispatch_details: bool,
    /// `GET /pulls/{n}/files` answers, by PR number.
    pull_files: HashMap<u64, Value>,
    next_id: u64,
    blob_base: String,
    api_base: String,
}

type Shared = Arc<Mutex<FakeState>>;

pub struct FakeGithub {
    /// Base for `GITHUB_API_URL`.
    pub url: String,
    pub blob_url: String,
    state: Shared,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl FakeGithub {
    /// A run that failed on `main`: the fixture run (conclusion failure), the
    /// fixture job (success) plus a failed copy with a failed step, and a log for it.
    pub fn start() -> FakeGithub {
        let mut run = fixture_json("rest/workflow-run.json");
        run["id"] = json!(RUN_ID);
        run["status"] = json!("completed");
        run["conclusion"] = json!("failure");
        run["repository"]["full_name"] = json!(REPO);

        let page = fixture_json("rest/job-paginated.json");
        let ok_job = page["jobs"][0].clone();
        let mut failed = ok_job.clone();
        failed["id"] = json!(FAILED_JOB_ID);
        failed["name"] = json!(FAILED_JOB_NAME);
        failed["conclusion"] = json!("failure");
        if let Some(steps) = failed["steps"].as_array_mut() {
            for s in steps.iter_mut() {
                if s["name"] == json!(FAILED_STEP) {
                    s["conclusion"] = json!("failure");
                } else if s["number"].as_u64().unwrap_or(0) > 7 {
                    s["conclusion"] = json!("skipped");
                }
            }
        }
        let mut job_logs = HashMap::new();
        job_logs.insert(
            FAILED_JOB_ID,
            "2024-01-01T00:00:00.0000000Z ##[group]Run pytest -q\n\
             2024-01-01T00:00:01.0000000Z FAILED tests/test_calc.py::test_add - assert 3 == 4\n"
                .to_string(),
        );
        job_logs.insert(ok_job["id"].as_u64().unwrap_or(0), "all good\n".to_string());

        let api = std::net::TcpListener::bind("127.0.0.1:0").expect("bind api");
        let blob = std::net::TcpListener::bind("127.0.0.1:0").expect("bind blob");
        api.set_nonblocking(true).expect("nonblocking");
        blob.set_nonblocking(true).expect("nonblocking");
        let url = format!("http://{}", api.local_addr().expect("addr"));
        let blob_url = format!("http://{}", blob.local_addr().expect("addr"));

        let state: Shared = Arc::new(Mutex::new(FakeState {
            run,
            jobs: vec![ok_job, failed],
            job_logs,
            generated_logs: HashMap::new(),
            run_zip: Vec::new(),
            pulls: Vec::new(),
            workflow_runs: Vec::new(),
            next_pr: 100,
            script: HashMap::new(),
            requests: Vec::new(),
            dispatched_runs: Vec::new(),
            dispatch_details: true,
            pull_files: HashMap::new(),
            next_id: 7_000_000,
            blob_base: blob_url.clone(),
            api_base: url.clone(),
        }));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let st = state.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let api = tokio::net::TcpListener::from_std(api).expect("api listener");
                let blob = tokio::net::TcpListener::from_std(blob).expect("blob listener");
                let api_app = Router::new().fallback(api_handler).with_state(st.clone());
                let blob_app = Router::new().fallback(blob_handler).with_state(st);
                tokio::spawn(async move {
                    let _ = axum::serve(api, api_app).await;
                });
                tokio::spawn(async move {
                    let _ = axum::serve(blob, blob_app).await;
                });
                let _ = rx.await;
            });
        });
        FakeGithub {
            url,
            blob_url,
            state,
            shutdown: Some(tx),
            thread: Some(thread),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FakeState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Edits the run JSON served by `GET .../runs/{id}`.
    pub fn patch_run(&self, f: impl FnOnce(&mut Value)) {
        f(&mut self.lock().run);
    }

    /// Adds `n` successful jobs (to exercise pagination).
    pub fn add_ok_jobs(&self, n: u64) {
        let mut st = self.lock();
        let template = st.jobs[0].clone();
        for i in 0..n {
            let mut j = template.clone();
            j["id"] = json!(500_000 + i);
            j["name"] = json!(format!("extra {i}"));
            st.jobs.push(j);
        }
    }

    /// Adds another failed job whose step `step` (number 3) failed.
    pub fn add_failed_job(&self, id: u64, name: &str, step: &str, log: &str) {
        let mut st = self.lock();
        let mut j = st.jobs[1].clone();
        j["id"] = json!(id);
        j["name"] = json!(name);
        j["steps"] = json!([
            {"name": "Set up job", "status": "completed", "conclusion": "success", "number": 1},
            {"name": step, "status": "completed", "conclusion": "failure", "number": 3}
        ]);
        st.jobs.push(j);
        st.job_logs.insert(id, log.to_string());
    }

    pub fn set_job_log(&self, job_id: u64, text: &str) {
        self.lock().job_logs.insert(job_id, text.to_string());
    }

    /// Serves job `job_id`'s log as `head` then filler lines, `len` bytes in all,
    /// generated while sent (a log of hundreds of MiB is never held).
    pub fn set_generated_job_log(&self, job_id: u64, head: &str, len: u64) {
        self.lock()
            .generated_logs
            .insert(job_id, (head.to_string(), len));
    }

    pub fn set_run_zip(&self, bytes: Vec<u8>) {
        self.lock().run_zip = bytes;
    }

    /// Adds a pull request (the `pull-request.json` shape) and returns its number.
    pub fn add_pull(&self, head_ref: &str, body: &str, state: &str) -> u64 {
        let mut st = self.lock();
        let n = st.next_pr;
        st.next_pr += 1;
        let pr = make_pull(n, head_ref, "main", body, state, &st.api_base);
        st.pulls.push(pr);
        n
    }

    /// Edits the pull request `number` (e.g. its head sha or head repository).
    pub fn patch_pull(&self, number: u64, f: impl FnOnce(&mut Value)) {
        let mut st = self.lock();
        if let Some(p) = st.pulls.iter_mut().find(|p| p["number"] == json!(number)) {
            f(p);
        }
    }

    /// Adds an earlier run of the workflow (the `workflow-run-paginated.json` shape) on
    /// `branch` at `sha` that ended with `conclusion`; listed newest (highest id) first.
    pub fn add_workflow_run(&self, id: u64, branch: &str, sha: &str, conclusion: &str) {
        let mut run = fixture_json("rest/workflow-run-paginated.json")["workflow_runs"][0].clone();
        run["id"] = json!(id);
        run["head_branch"] = json!(branch);
        run["head_sha"] = json!(sha);
        run["status"] = json!("completed");
        run["conclusion"] = json!(conclusion);
        run["html_url"] = json!(format!("https://github.com/{REPO}/actions/runs/{id}"));
        let mut st = self.lock();
        st.workflow_runs.push(run);
        st.workflow_runs
            .sort_by_key(|r| std::cmp::Reverse(r["id"].as_u64().unwrap_or(0)));
    }

    pub fn pulls(&self) -> Vec<Value> {
        self.lock().pulls.clone()
    }

    /// The next request to `route` gets `reply` instead of the normal answer
    /// (queued: several injections answer successive requests).
    pub fn inject(&self, route: &str, reply: Reply) {
        self.lock()
            .script
            .entry(route.to_string())
            .or_default()
            .push_back(reply);
    }

    /// false: dispatches answer 204 without the run's details (its run is still
    /// created and listed by `GET /actions/workflows/{id}/runs`).
    pub fn set_dispatch_details(&self, on: bool) {
        self.lock().dispatch_details = on;
    }

    /// The runs dispatches started.
    pub fn dispatched_runs(&self) -> Vec<Value> {
        self.lock().dispatched_runs.clone()
    }

    /// What `GET /pulls/{number}/files` answers (the `diff-entry` array shape).
    pub fn set_pull_files(&self, number: u64, files: Value) {
        self.lock().pull_files.insert(number, files);
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.lock().requests.clone()
    }

    pub fn requests_to(&self, route: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.route == route)
            .collect()
    }
}

impl Drop for FakeGithub {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn make_pull(n: u64, head: &str, base: &str, body: &str, state: &str, api: &str) -> Value {
    let mut pr = fixture_json("rest/pull-request.json");
    pr["number"] = json!(n);
    pr["id"] = json!(n);
    pr["html_url"] = json!(format!("https://github.com/{REPO}/pull/{n}"));
    pr["url"] = json!(format!("{api}/repos/{REPO}/pulls/{n}"));
    pr["state"] = json!(state);
    pr["body"] = json!(body);
    pr["head"]["ref"] = json!(head);
    pr["base"]["ref"] = json!(base);
    // Branches of this repository (the fixture's are another's).
    pr["head"]["repo"]["full_name"] = json!(REPO);
    pr["base"]["repo"]["full_name"] = json!(REPO);
    pr
}

fn respond(status: u16, headers: &[(String, String)], body: impl Into<Body>) -> Response {
    let mut b = Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
    for (k, v) in headers {
        b = b.header(k.as_str(), v.as_str());
    }
    b.body(body.into())
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

fn json_reply(status: u16, v: &Value) -> Response {
    respond(
        status,
        &[("content-type".into(), "application/json".into())],
        v.to_string(),
    )
}

fn not_found() -> Response {
    json_reply(404, &fixture_json("rest/basic-error.json"))
}

fn query_param(uri: &Uri, key: &str) -> Option<String> {
    uri.query()?.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == key).then(|| v.replace("%3A", ":").replace("%2F", "/"))
    })
}

/// The route key of a request. One URL, two routes: a workflow's runs listed with
/// `event=workflow_dispatch` are the dispatch poll (`list_workflow_runs`); without
/// it, the history a "last green run" lookup reads (`workflow_runs`).
fn route_of_request(method: &Method, segs: &[&str], uri: &Uri) -> &'static str {
    match route_of(method, segs) {
        "workflow_runs" if query_param(uri, "event").as_deref() == Some("workflow_dispatch") => {
            "list_workflow_runs"
        }
        route => route,
    }
}

fn route_of(method: &Method, segs: &[&str]) -> &'static str {
    match (method.as_str(), segs) {
        ("GET", ["repos", _, _, "actions", "runs", _]) => "get_run",
        ("GET", ["repos", _, _, "actions", "runs", _, "jobs"]) => "list_jobs",
        ("GET", ["repos", _, _, "actions", "runs", _, "logs"]) => "run_logs",
        ("GET", ["repos", _, _, "actions", "jobs", _, "logs"]) => "job_logs",
        ("GET", ["repos", _, _, "actions", "workflows", _, "runs"]) => "workflow_runs",
        ("GET", ["repos", _, _, "pulls"]) => "list_pulls",
        ("POST", ["repos", _, _, "pulls"]) => "create_pull",
        ("PATCH", ["repos", _, _, "pulls", _]) => "update_pull",
        ("GET", ["repos", _, _, "pulls", _]) => "get_pull",
        ("POST", ["repos", _, _, "issues", _, "comments"]) => "create_comment",
        ("POST", ["repos", _, _, "actions", "workflows", _, "dispatches"]) => "dispatch",
        ("GET", ["repos", _, _, "pulls", _, "files"]) => "list_pull_files",
        ("POST", ["repos", _, _, "pulls", _, "reviews"]) => "create_review",
        // git's smart-HTTP discovery: recorded to see what git sends, then refused.
        ("GET", [.., "info", "refs"]) => "git_info_refs",
        ("GET", ["job", _]) => "blob_job",
        ("GET", ["run", _]) => "blob_run",
        _ => "unknown",
    }
}

fn record(
    st: &mut FakeState,
    route: &str,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
) -> Option<Reply> {
    st.requests.push(Recorded {
        route: route.to_string(),
        method: method.to_string(),
        path: uri
            .path_and_query()
            .map(|p| p.to_string())
            .unwrap_or_default(),
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect(),
        body: String::from_utf8_lossy(body).into_owned(),
        at: std::time::Instant::now(),
    });
    st.script.get_mut(route).and_then(|q| q.pop_front())
}

async fn scripted(reply: Reply) -> Response {
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    respond(reply.status, &reply.headers, reply.body)
}

async fn api_handler(
    State(state): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // GitHub Enterprise serves the API under `/api/v3`; accept both layouts.
    let path = uri.path();
    let path = path.strip_prefix("/api/v3").unwrap_or(path).to_string();
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let route = route_of_request(&method, &segs, &uri);
    let injected = {
        let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
        record(&mut st, route, &method, &uri, &headers, &body)
    };
    if let Some(reply) = injected {
        return scripted(reply).await;
    }
    let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
    match route {
        "get_run" => {
            if segs[5].parse::<u64>().ok() == st.run["id"].as_u64() {
                json_reply(200, &st.run)
            } else {
                not_found()
            }
        }
        "list_jobs" => {
            let per_page: usize = query_param(&uri, "per_page")
                .and_then(|v| v.parse().ok())
                .unwrap_or(30);
            let page: usize = query_param(&uri, "page")
                .and_then(|v| v.parse().ok())
                .unwrap_or(1);
            let jobs: Vec<Value> = st
                .jobs
                .iter()
                .skip(per_page * page.saturating_sub(1))
                .take(per_page)
                .cloned()
                .collect();
            json_reply(200, &json!({"total_count": st.jobs.len(), "jobs": jobs}))
        }
        "job_logs" => {
            let id = segs[5];
            let loc = format!(
                "{}/job/{id}?urlExpires=soon&urlSignature=abc%3D",
                st.blob_base
            );
            respond(
                302,
                &[
                    ("location".into(), loc),
                    ("content-type".into(), "text/html;charset=utf-8".into()),
                ],
                "",
            )
        }
        "run_logs" => {
            let id = segs[5];
            let loc = format!("{}/run/{id}.zip?urlSignature=abc", st.blob_base);
            respond(302, &[("location".into(), loc)], "")
        }
        "workflow_runs" => {
            // `status=success` filters on the conclusion, as GitHub does.
            let branch = query_param(&uri, "branch");
            let status = query_param(&uri, "status");
            let runs: Vec<Value> = st
                .workflow_runs
                .iter()
                .filter(|r| branch.as_ref().is_none_or(|b| r["head_branch"] == json!(b)))
                .filter(|r| {
                    status
                        .as_ref()
                        .is_none_or(|s| r["conclusion"] == json!(s) || r["status"] == json!(s))
                })
                .cloned()
                .collect();
            json_reply(
                200,
                &json!({"total_count": runs.len(), "workflow_runs": runs}),
            )
        }
        "list_pulls" => {
            let state_q = query_param(&uri, "state").unwrap_or_else(|| "open".into());
            let head_q = query_param(&uri, "head");
            let list: Vec<Value> = st
                .pulls
                .iter()
                .filter(|p| state_q == "all" || p["state"] == json!(state_q))
                .filter(|p| match &head_q {
                    Some(h) => {
                        let branch = h.split_once(':').map(|(_, b)| b).unwrap_or(h);
                        p["head"]["ref"] == json!(branch)
                    }
                    None => true,
                })
                .map(|p| {
                    // The list shape is `pull-request-simple`: no merge stats.
                    let mut s = p.clone();
                    if let Some(o) = s.as_object_mut() {
                        for k in ["merged", "mergeable", "comments", "commits", "additions"] {
                            o.remove(k);
                        }
                    }
                    s
                })
                .collect();
            json_reply(200, &Value::Array(list))
        }
        "create_pull" => {
            let req: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let (Some(head), Some(base)) = (req["head"].as_str(), req["base"].as_str()) else {
                return json_reply(422, &fixture_json("rest/validation-error.json"));
            };
            let n = st.next_pr;
            st.next_pr += 1;
            let mut pr = make_pull(
                n,
                head,
                base,
                req["body"].as_str().unwrap_or(""),
                "open",
                &st.api_base,
            );
            pr["title"] = req["title"].clone();
            pr["draft"] = req["draft"].clone();
            st.pulls.push(pr.clone());
            json_reply(201, &pr)
        }
        "update_pull" => {
            let req: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let n: u64 = segs[4].parse().unwrap_or(0);
            match st.pulls.iter_mut().find(|p| p["number"] == json!(n)) {
                Some(p) => {
                    for k in ["title", "body"] {
                        if !req[k].is_null() {
                            p[k] = req[k].clone();
                        }
                    }
                    json_reply(200, p)
                }
                None => not_found(),
            }
        }
        "create_comment" => {
            let req: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let n = segs[4];
            let mut c = fixture_json("rest/issue-comment.json");
            c["body"] = req["body"].clone();
            c["html_url"] = json!(format!("https://github.com/{REPO}/pull/{n}#issuecomment-1"));
            json_reply(201, &c)
        }
        "dispatch" => {
            let req: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let id = st.next_id;
            st.next_id += 1;
            let html_url = format!("https://github.com/{REPO}/actions/runs/{id}");
            let run = json!({
                "id": id,
                "workflow_id": segs[5],
                "head_branch": req["ref"],
                "event": "workflow_dispatch",
                "status": "queued",
                "html_url": html_url,
                "created_at": "2099-01-01T00:00:00Z",
            });
            st.dispatched_runs.push(run);
            if st.dispatch_details && req["return_run_details"] == json!(true) {
                json_reply(
                    200,
                    &json!({
                        "workflow_run_id": id,
                        "run_url": format!("{}/repos/{REPO}/actions/runs/{id}", st.api_base),
                        "html_url": html_url,
                    }),
                )
            } else {
                respond(204, &[], "")
            }
        }
        "list_workflow_runs" => {
            let branch = query_param(&uri, "branch");
            let event = query_param(&uri, "event");
            let runs: Vec<Value> = st
                .dispatched_runs
                .iter()
                .rev()
                .filter(|r| r["workflow_id"] == json!(segs[5]))
                .filter(|r| branch.as_ref().is_none_or(|b| r["head_branch"] == json!(b)))
                .filter(|r| event.as_ref().is_none_or(|e| r["event"] == json!(e)))
                .cloned()
                .collect();
            json_reply(
                200,
                &json!({"total_count": runs.len(), "workflow_runs": runs}),
            )
        }
        "get_pull" => {
            let n: u64 = segs[4].parse().unwrap_or(0);
            match st.pulls.iter().find(|p| p["number"] == json!(n)) {
                Some(p) => json_reply(200, p),
                None => not_found(),
            }
        }
        "list_pull_files" => {
            let n: u64 = segs[4].parse().unwrap_or(0);
            match st.pull_files.get(&n) {
                Some(files) => json_reply(200, files),
                None => json_reply(200, &json!([])),
            }
        }
        "create_review" => {
            let req: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let n = segs[4];
            let id = st.next_id;
            st.next_id += 1;
            json_reply(
                200,
                &json!({
                    "id": id,
                    "body": req["body"],
                    "state": "COMMENTED",
                    "commit_id": req["commit_id"],
                    "html_url": format!("https://github.com/{REPO}/pull/{n}#pullrequestreview-{id}"),
                }),
            )
        }
        _ => not_found(),
    }
}

async fn blob_handler(
    State(state): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let route = route_of_request(&method, &segs, &uri);
    let injected = {
        let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
        record(&mut st, route, &method, &uri, &headers, &body)
    };
    if let Some(reply) = injected {
        return scripted(reply).await;
    }
    let st = state.lock().unwrap_or_else(|e| e.into_inner());
    match route {
        "blob_job" => {
            let id: u64 = segs[1].parse().unwrap_or(0);
            if let Some((head, len)) = st.generated_logs.get(&id) {
                return respond(
                    200,
                    &[("content-type".into(), "text/plain".into())],
                    Body::new(Generated::new(head, *len)),
                );
            }
            match st.job_logs.get(&id) {
                Some(text) => respond(
                    200,
                    &[("content-type".into(), "text/plain".into())],
                    text.clone(),
                ),
                None => respond(404, &[], "BlobNotFound"),
            }
        }
        "blob_run" if !st.run_zip.is_empty() => respond(
            200,
            &[("content-type".into(), "application/zip".into())],
            st.run_zip.clone(),
        ),
        _ => respond(404, &[], "BlobNotFound"),
    }
}

/// A body of `left` bytes: the head, then lines of filler, made chunk by chunk.
struct Generated {
    head: Option<Bytes>,
    filler: Bytes,
    left: u64,
}

impl Generated {
    fn new(head: &str, len: u64) -> Generated {
        // Long lines (64 KiB; the reader keeps the first 16 KiB of each): the bytes
        // are what counts here, and a debug build analyses few lines fast.
        let line = format!("{}\n", "filler ".repeat(9362));
        Generated {
            head: Some(Bytes::from(head.to_string())),
            filler: Bytes::from(line.repeat(16)),
            left: len,
        }
    }
}

impl axum::body::HttpBody for Generated {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        if self.left == 0 {
            return std::task::Poll::Ready(None);
        }
        let chunk = self.head.take().unwrap_or_else(|| self.filler.clone());
        let n = chunk.len().min(self.left.try_into().unwrap_or(usize::MAX));
        self.left -= n as u64;
        std::task::Poll::Ready(Some(Ok(http_body::Frame::data(chunk.slice(..n)))))
    }
}
