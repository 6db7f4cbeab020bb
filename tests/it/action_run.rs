//! `self-heal run` as the Action runs it, in-process fakes only: event file → fake
//! GitHub API → fake model → fix validated with real pytest → branch pushed to a real
//! bare repository → pull request on the fake → outputs, summary and annotations.

use crate::support::context::Run;
use crate::support::fake_github::{self, FakeGithub, FAILED_JOB_ID, REPO, RUN_ID};
use crate::support::fake_openai::{FakeOpenAi, Reply};
use crate::support::harness::{
    assert_same_tree, copy_dir, git, sample_dir, snapshot, Output, Test,
};
use self_heal::report::{Report, Status};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

const TOKEN: &str = "ghs_fakeWorkflowToken0123456789";
const KEY: &str = "sk-actions-test-key-987654";

struct Workflow {
    t: Test,
    bare: PathBuf,
    head: String,
    github: FakeGithub,
}

impl Workflow {
    /// A checkout of `sample` whose origin is a bare repo, and a fake GitHub whose
    /// failed job log is the sample's real CI log.
    fn new(sample: &str) -> Workflow {
        Workflow::with_files(sample, &[])
    }

    /// [`Workflow::new`] with extra files committed in the checkout (a workflow file).
    fn with_files(sample: &str, files: &[(&str, &str)]) -> Workflow {
        let t = Test::new();
        let bare = t.path("origin.git");
        std::fs::create_dir_all(&bare).unwrap();
        git(&bare, &["init", "-q", "--bare", "-b", "main"]);
        copy_dir(&sample_dir(sample), &t.repo());
        for (rel, text) in files {
            let path = t.repo().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let repo = t.repo();
        git(&repo, &["init", "-q", "-b", "main"]);
        git(&repo, &["add", "-A"]);
        git(
            &repo,
            &[
                "-c",
                "user.name=dev",
                "-c",
                "user.email=dev@example.com",
                "commit",
                "-qm",
                "sample",
            ],
        );
        git(&repo, &["remote", "add", "origin", bare.to_str().unwrap()]);
        git(&repo, &["push", "-q", "origin", "main"]);
        let head = git(&repo, &["rev-parse", "HEAD"]).trim().to_string();
        let github = FakeGithub::start();
        let log = std::fs::read_to_string(repo.join("ci.log")).unwrap();
        github.set_job_log(FAILED_JOB_ID, &log);
        let sha = head.clone();
        github.patch_run(|run| {
            run["head_sha"] = json!(sha);
            run["head_branch"] = json!("main");
        });
        Workflow {
            t,
            bare,
            head,
            github,
        }
    }

    fn event(&self, conclusion: &str, branch: &str) -> PathBuf {
        let mut ev = fake_github::fixture_json("events/workflow_run.completed.json");
        ev["workflow_run"]["id"] = json!(RUN_ID);
        ev["workflow_run"]["conclusion"] = json!(conclusion);
        ev["workflow_run"]["head_branch"] = json!(branch);
        ev["workflow_run"]["head_sha"] = json!(self.head);
        ev["repository"]["full_name"] = json!(REPO);
        let path = self.t.path("event.json");
        std::fs::write(&path, serde_json::to_vec_pretty(&ev).unwrap()).unwrap();
        path
    }

    /// The binary with the environment the runner gives a container action.
    fn run(&self, event: &Path, llm: &FakeOpenAi, inputs: &[(&str, &str)]) -> Output {
        let runner_temp = self.t.path("runner_temp");
        std::fs::create_dir_all(&runner_temp).unwrap();
        let mut test = Test::new()
            .current_dir(self.t.repo())
            .arg("run")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_EVENT_NAME", "workflow_run")
            .env("GITHUB_EVENT_PATH", event.to_str().unwrap())
            .env("GITHUB_API_URL", &self.github.url)
            .env("GITHUB_REPOSITORY", REPO)
            .env("GITHUB_WORKSPACE", self.t.repo().to_str().unwrap())
            .env("RUNNER_TEMP", runner_temp.to_str().unwrap())
            .env("GITHUB_OUTPUT", self.t.path("output").to_str().unwrap())
            .env(
                "GITHUB_STEP_SUMMARY",
                self.t.path("summary.md").to_str().unwrap(),
            )
            .env("INPUT_GITHUB-TOKEN", TOKEN)
            .env("INPUT_OPENAI-API-KEY", KEY)
            .env("INPUT_OPENAI-BASE-URL", llm.base_url())
            // Declared inputs arrive even when empty; they must count as unset.
            .env("INPUT_TEST-COMMAND", "")
            .env("INPUT_DRY-RUN", "false");
        for (k, v) in inputs {
            test = test.env(k, v);
        }
        test.run()
    }

    /// The typed report the run wrote where the Action writes it.
    fn report(&self) -> Report {
        let text = std::fs::read_to_string(self.t.path("runner_temp/self-heal/report.json"))
            .expect("report");
        serde_json::from_str(&text).expect("report.json is a Report")
    }

    /// The run's output and typed report, the checkout's commit (which differs from
    /// run to run: the commit time is in it) masked as `[head]` for snapshots.
    fn ending(&self, out: Output) -> Run {
        Run::read(
            out,
            &self.t.path("runner_temp/self-heal/report.json"),
            self.t.dir.path(),
        )
        .mask(&self.head, "[head]")
        .mask(&self.head[..7], "[head]")
        .mask(&self.github.url, "[github]")
    }

    /// `name=value` and heredoc outputs of GITHUB_OUTPUT.
    fn outputs(&self) -> std::collections::BTreeMap<String, String> {
        let text = std::fs::read_to_string(self.t.path("output")).unwrap_or_default();
        let mut out = std::collections::BTreeMap::new();
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            if let Some((name, delim)) = line.split_once("<<") {
                let mut value = Vec::new();
                for l in lines.by_ref() {
                    if l == delim {
                        break;
                    }
                    value.push(l);
                }
                out.insert(name.to_string(), value.join("\n"));
            } else if let Some((name, value)) = line.split_once('=') {
                out.insert(name.to_string(), value.to_string());
            }
        }
        out
    }
}

fn logic_fix() -> Reply {
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(sample_dir("py-logic-error").join("expected.json")).unwrap(),
    )
    .unwrap();
    let e = &expected["fix"][0];
    Reply::reply_edits(
        "page_count rounds down, so a partial last page is lost. Use ceiling division.",
        &[(
            e["path"].as_str().unwrap(),
            e["search"].as_str().unwrap(),
            e["replace"].as_str().unwrap(),
        )],
    )
    .usage(1200, 80)
}

#[test]
fn failed_run_becomes_a_validated_pull_request() {
    let w = Workflow::new("py-logic-error");
    let before = snapshot(&w.t.repo());
    let llm = FakeOpenAi::start([logic_fix()]);
    let out = w.run(&w.event("failure", "main"), &llm, &[]);
    assert_eq!(out.code, 0, "{out:?}");
    let report = w.report();
    assert_eq!(report.status, Status::Fixed, "{report:?}");

    // The branch is really pushed: one signed-off bot commit on top of the failed sha.
    let branch = format!("self-heal/{RUN_ID}-{}", &w.head[..7]);
    let sha = git(&w.bare, &["rev-parse", &format!("refs/heads/{branch}")])
        .trim()
        .to_string();
    let meta = git(&w.bare, &["log", "-1", "--format=%an <%ae>|%P", &sha]);
    assert_eq!(
        meta.trim(),
        format!(
            "self-heal[bot] <self-heal[bot]@users.noreply.github.com>|{}",
            w.head
        )
    );
    let msg = git(&w.bare, &["log", "-1", "--format=%B", &sha]);
    assert!(msg.contains("Signed-off-by: self-heal[bot]"), "{msg}");
    let files = git(&w.bare, &["diff", "--name-only", &w.head, &sha]);
    assert_eq!(files.trim(), "pager/core.py");

    // The PR request the fake received.
    let posts = w.github.requests_to("create_pull");
    assert_eq!(posts.len(), 1);
    let pr = posts[0].json();
    assert_eq!(pr["head"], json!(branch));
    assert_eq!(pr["base"], json!("main"));
    let body = pr["body"].as_str().unwrap();
    for part in [
        "ceiling division",
        "test_page_count_partial_last_page",
        "```diff",
        "python -m pytest",
        "self-heal:fingerprint=",
    ] {
        assert!(body.contains(part), "PR body lacks {part:?}:\n{body}");
    }
    assert!(body.contains(&format!("{RUN_ID}")), "links the failed run");

    // Outputs, summary, annotations, masks.
    let outputs = w.outputs();
    assert_eq!(outputs["status"], "fixed");
    assert_eq!(outputs["branch"], branch);
    assert_eq!(outputs["pr-number"], "100");
    assert!(outputs["pr-url"].ends_with("/pull/100"), "{outputs:?}");
    assert!(outputs["diagnosis"].contains("ceiling division"));
    assert!(Path::new(&outputs["report"]).is_file());
    let patch = std::fs::read_to_string(&outputs["patch"]).expect("patch file");
    assert!(patch.contains("+++ b/pager/core.py"), "{patch}");
    let summary = std::fs::read_to_string(w.t.path("summary.md")).unwrap();
    assert!(
        summary.contains("fixed") && summary.contains("pager/core.py"),
        "{summary}"
    );
    assert!(out.stdout.contains("::add-mask::"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("::error file=tests/test_pager.py,line=9"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("::group::"), "{}", out.stdout);

    // The checkout is untouched in Actions: the fix lives on the branch. (The commit's
    // objects are written to the object store; refs, index and files stay as they were;
    // self-heal's own git-ignored `.self-heal/` holds its memory.)
    let without_objects = |t: std::collections::BTreeMap<PathBuf, Vec<u8>>| {
        t.into_iter()
            .filter(|(p, _)| !p.starts_with(".git/objects") && !p.starts_with(".self-heal"))
            .collect()
    };
    assert_same_tree(
        &without_objects(before),
        &without_objects(snapshot(&w.t.repo())),
        "checkout",
    );

    // A fix published as a PR is remembered like an applied one: the same fingerprint
    // (the one in the PR body) with its outcome and edits.
    let memory: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(w.t.repo().join(".self-heal/memory.json"))
            .expect("memory.json after publishing"),
    )
    .expect("memory is JSON");
    let text = memory.to_string();
    let fingerprint = body
        .split("self-heal:fingerprint=")
        .nth(1)
        .and_then(|s| s.split(|c: char| !c.is_ascii_alphanumeric()).next())
        .expect("fingerprint in the PR body");
    assert!(text.contains(fingerprint), "{text}");
    assert!(text.contains("\"fixed\""), "{text}");
    assert!(text.contains("pager/core.py"), "{text}");

    // The token never lands on disk, in output, or at the model.
    let config = std::fs::read_to_string(w.t.repo().join(".git/config")).unwrap();
    assert!(
        !config.contains(TOKEN) && !config.contains("extraheader"),
        "{config}"
    );
    let report_text = serde_json::to_string(&report).expect("a report serialises");
    let stdout_masked = out
        .stdout
        .replace(&format!("::add-mask::{TOKEN}"), "")
        .replace(&format!("::add-mask::{KEY}"), "");
    for (what, text) in [
        ("report", report_text.as_str()),
        ("stdout", stdout_masked.as_str()),
        ("stderr", out.stderr.as_str()),
    ] {
        assert!(!text.contains(TOKEN), "token in {what}");
        assert!(!text.contains(KEY), "key in {what}");
    }
    for req in llm.requests() {
        assert!(!req.raw_body.contains(TOKEN), "token sent to the model");
    }
    // The API saw the token; the log host behind the 302 never did.
    let api = w.github.requests_to("job_logs");
    assert_eq!(
        api[0].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    for blob in w.github.requests_to("blob_job") {
        assert_eq!(
            blob.header("authorization"),
            None,
            "token forwarded to the log host"
        );
    }
}

#[test]
fn dry_run_publishes_nothing_and_summarises_the_proposal() {
    let w = Workflow::new("py-logic-error");
    let llm = FakeOpenAi::start([logic_fix()]);
    let out = w.run(
        &w.event("failure", "main"),
        &llm,
        &[("INPUT_DRY-RUN", "true")],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(w.report().status, Status::Proposed);
    assert!(w.github.requests_to("create_pull").is_empty());
    let branches = git(&w.bare, &["branch", "--list"]);
    assert!(!branches.contains("self-heal/"), "{branches}");
    let summary = std::fs::read_to_string(w.t.path("summary.md")).unwrap();
    assert!(
        summary.contains("+++ b/pager/core.py"),
        "the summary holds the proposed diff: {summary}"
    );
    assert_eq!(w.outputs()["status"], "proposed");
}

#[test]
fn loop_guards_skip_with_exit_zero() {
    for (conclusion, branch, name) in [
        ("success", "main", "skipped-successful-run"),
        (
            "failure",
            "self-heal/123-abc",
            "skipped-run-on-a-fix-branch",
        ),
    ] {
        let w = Workflow::new("py-logic-error");
        let llm = FakeOpenAi::start([]);
        let run = w.ending(w.run(&w.event(conclusion, branch), &llm, &[]));
        assert_eq!(run.report.status, Status::Skipped, "{run:?}");
        crate::assert_outcome_snapshot!(name, run);
        assert_eq!(llm.request_count(), 0);
        assert!(
            w.github.requests_to("get_run").is_empty(),
            "skipped before any API call"
        );
        assert_eq!(w.outputs()["status"], "skipped");
    }
}

#[test]
fn expired_logs_and_bad_events_are_clear_errors() {
    let w = Workflow::new("py-logic-error");
    w.github.inject("job_logs", fake_github::Reply::status(410));
    w.github.inject("run_logs", fake_github::Reply::status(410));
    let llm = FakeOpenAi::start([]);
    let run = w.ending(w.run(&w.event("failure", "main"), &llm, &[]));
    assert_eq!(run.report.status, Status::Error, "{run:?}");
    crate::assert_outcome_snapshot!("expired-logs", run);

    let bad = w.t.path("bad-event.json");
    std::fs::write(&bad, "{ not json").unwrap();
    let out = w.run(&bad, &llm, &[]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(out.stderr.trim().lines().count(), 1, "{out:?}");
}

#[test]
fn dry_run_on_a_pull_request_build_comments_the_proposal_when_asked() {
    let w = Workflow::new("py-logic-error");
    let event = w.event("failure", "main");
    let mut ev: Value = serde_json::from_slice(&std::fs::read(&event).unwrap()).unwrap();
    ev["workflow_run"]["pull_requests"] =
        json!([{"number": 7, "head": {"ref": "feature", "sha": w.head}}]);
    std::fs::write(&event, serde_json::to_vec(&ev).unwrap()).unwrap();
    let llm = FakeOpenAi::start([logic_fix()]);
    let out = w.run(
        &event,
        &llm,
        &[("INPUT_DRY-RUN", "true"), ("INPUT_COMMENT", "true")],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(w.report().status, Status::Proposed);
    let comments = w.github.requests_to("create_comment");
    assert_eq!(comments.len(), 1, "one comment on the PR");
    assert!(
        comments[0].path.ends_with("/issues/7/comments"),
        "{}",
        comments[0].path
    );
    let body = comments[0].json()["body"].as_str().unwrap().to_string();
    assert!(
        body.contains("dry run") && body.contains("```diff") && body.contains("pager/core.py"),
        "{body}"
    );
    assert!(
        w.github.requests_to("create_pull").is_empty(),
        "a dry run opens no PR"
    );
}

#[test]
fn publish_branch_pushes_and_opens_no_pull_request() {
    let w = Workflow::new("py-logic-error");
    let llm = FakeOpenAi::start([logic_fix()]);
    let out = w.run(
        &w.event("failure", "main"),
        &llm,
        &[("INPUT_PUBLISH", "branch")],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(w.report().status, Status::Fixed);
    assert!(w.github.requests_to("create_pull").is_empty());
    let outputs = w.outputs();
    let branch = format!("self-heal/{RUN_ID}-{}", &w.head[..7]);
    assert_eq!(outputs["branch"], branch);
    assert_eq!(outputs["pr-number"], "");
    assert_eq!(outputs["pr-url"], "");
    git(
        &w.bare,
        &["rev-parse", "--verify", &format!("refs/heads/{branch}")],
    );
}

#[test]
fn forks_dispatch_dry_runs_and_foreign_checkouts_are_handled() {
    // A fork's run: skipped before anything is fetched.
    let w = Workflow::new("py-logic-error");
    let event = w.event("failure", "main");
    let mut ev: Value = serde_json::from_slice(&std::fs::read(&event).unwrap()).unwrap();
    ev["workflow_run"]["head_repository"]["full_name"] = json!("someone/fork");
    ev["workflow_run"]["repository"]["full_name"] = json!(REPO);
    std::fs::write(&event, serde_json::to_vec(&ev).unwrap()).unwrap();
    let llm = FakeOpenAi::start([]);
    let run = w.ending(w.run(&event, &llm, &[]));
    assert_eq!(run.report.status, Status::Skipped, "{run:?}");
    crate::assert_outcome_snapshot!("skipped-fork-run", run);

    // workflow_dispatch with its own dry-run input: validated, nothing published.
    let w = Workflow::new("py-logic-error");
    let dispatch = w.t.path("dispatch.json");
    let ev = json!({"inputs": {"run-id": RUN_ID.to_string(), "dry-run": "true"}, "repository": {"full_name": REPO}});
    std::fs::write(&dispatch, ev.to_string()).unwrap();
    let llm = FakeOpenAi::start([logic_fix()]);
    let out = w.run(
        &dispatch,
        &llm,
        &[("GITHUB_EVENT_NAME", "workflow_dispatch")],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(w.report().status, Status::Proposed, "{:?}", w.report());
    assert!(
        w.github.requests_to("create_pull").is_empty(),
        "the dispatch asked for a dry run"
    );

    // The checkout is not the commit that failed: stop before asking the model.
    let w = Workflow::new("py-logic-error");
    w.github
        .patch_run(|run| run["head_sha"] = json!("0123456789abcdef0123456789abcdef01234567"));
    let llm = FakeOpenAi::start([]);
    let run = w.ending(w.run(&w.event("failure", "main"), &llm, &[]));
    assert_eq!(run.report.status, Status::Error, "{run:?}");
    crate::assert_outcome_snapshot!("checkout-not-the-failed-commit", run);
    assert_eq!(llm.request_count(), 0);
}

#[test]
fn a_dispatch_checkout_of_another_commit_is_moved_to_the_failed_one() {
    let w = Workflow::new("py-logic-error");
    // The workspace is one commit ahead of the run that failed (a dispatch checks out
    // the default branch).
    std::fs::write(w.t.repo().join("NOTES.md"), "later work\n").unwrap();
    git(&w.t.repo(), &["add", "-A"]);
    git(
        &w.t.repo(),
        &[
            "-c",
            "user.name=dev",
            "-c",
            "user.email=dev@example.com",
            "commit",
            "-qm",
            "later",
        ],
    );
    let llm = FakeOpenAi::start([logic_fix()]);
    let out = w.run(&w.event("failure", "main"), &llm, &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(w.report().status, Status::Fixed, "{:?}", w.report());
    assert!(
        out.stderr.contains("checked out the failed commit"),
        "{}",
        out.stderr
    );
    let branch = format!("self-heal/{RUN_ID}-{}", &w.head[..7]);
    let parent = git(
        &w.bare,
        &["log", "-1", "--format=%P", &format!("refs/heads/{branch}")],
    );
    assert_eq!(
        parent.trim(),
        w.head,
        "the fix sits on the commit that failed"
    );
}

/// Compares `actual` with the committed file `rel`, or rewrites it with `UPDATE_GOLDEN=1`.
fn golden(rel: &str, actual: &str) {
    let path = crate::support::harness::manifest_dir().join(rel);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{rel}: {e} (UPDATE_GOLDEN=1 writes it)"));
    assert!(
        expected == actual,
        "{rel} is not what the code writes now; if the change is intended, \
         `UPDATE_GOLDEN=1 cargo test --test it golden` rewrites it.\n\
         --- committed\n{expected}\n--- now\n{actual}"
    );
}

/// What changes from run to run: the commit sha (dates), sandbox paths, test timings.
fn stable(text: &str, w: &Workflow) -> String {
    let mut out = text
        .replace(&w.head, "8d2f1c0b5e7a49d3a6c1f0e2b4d6a8c0e1f3a5b7")
        .replace(&w.head[..7], "8d2f1c0")
        .replace(&w.github.url, "https://api.github.com");
    let tmp = w.t.dir.path().to_string_lossy().into_owned();
    out = out.replace(&tmp, "/home/runner/work");
    let timing = regex::Regex::new(r"in \d+\.\d+s").unwrap();
    let sandbox = regex::Regex::new(r"/tmp/[^\s/]*self-heal[^\s/]*").unwrap();
    let out = timing.replace_all(&out, "in 0.02s");
    sandbox
        .replace_all(&out, "/tmp/self-heal-sandbox")
        .into_owned()
}

/// docs/examples/: the job summary and the PR body of a real repair (the recipe fix
/// of the py-name-error sample, validated with real pytest), as docs/how-it-works.md shows them.
#[test]
fn golden_job_summary_and_pr_body_examples() {
    let w = Workflow::new("py-name-error");
    // No reply scripted: the recipe fixes it, and a model request would fail the run.
    let llm = FakeOpenAi::start([]);
    let out = w.run(&w.event("failure", "main"), &llm, &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(w.report().status, Status::Fixed, "{:?}", w.report());
    assert!(llm.requests().is_empty(), "the recipe needs no model");

    let header = |what: &str| {
        format!(
            "<!-- {what} written by self-heal for the py-name-error sample; kept by \
             tests/it/action_run.rs (UPDATE_GOLDEN=1 rewrites it) -->\n\n"
        )
    };
    let summary = std::fs::read_to_string(w.t.path("summary.md")).unwrap();
    golden(
        "docs/examples/job-summary.md",
        &format!("{}{}", header("The job summary"), stable(&summary, &w)),
    );
    let posts = w.github.requests_to("create_pull");
    assert_eq!(posts.len(), 1);
    let pr = posts[0].json();
    golden(
        "docs/examples/pr-body.md",
        &format!(
            "{}# {}\n\n{}",
            header("The pull request (title and body)"),
            pr["title"].as_str().unwrap(),
            stable(pr["body"].as_str().unwrap(), &w)
        ),
    );
}

// ------------------------------------------------ the fix PR's checks (workflow_dispatch)

/// The fixture run's workflow: `.github/workflows/build.yml`, id 159038.
const WORKFLOW_FILE: &str = ".github/workflows/build.yml";
const WORKFLOW_ID: &str = "159038";

fn fix_branch(w: &Workflow) -> String {
    format!("self-heal/{RUN_ID}-{}", &w.head[..7])
}

fn pr_body(w: &Workflow) -> String {
    let posts = w.github.requests_to("create_pull");
    assert_eq!(posts.len(), 1, "one PR opened");
    posts[0].json()["body"].as_str().unwrap().to_string()
}

#[test]
fn a_pr_pushed_with_the_workflow_token_gets_its_ci_dispatched_and_linked() {
    let w = Workflow::with_files(
        "py-logic-error",
        &[(
            WORKFLOW_FILE,
            "name: build\non:\n  push:\n    branches: [main]\n  workflow_dispatch:\njobs: {}\n",
        )],
    );
    let llm = FakeOpenAi::start([logic_fix()]);
    let out = w.run(&w.event("failure", "main"), &llm, &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(w.report().status, Status::Fixed, "{:?}", w.report());

    // The dispatch: the failed run's workflow, on the fix branch, asking for the run.
    let dispatches = w.github.requests_to("dispatch");
    assert_eq!(dispatches.len(), 1, "{:?}", w.github.requests());
    assert!(
        dispatches[0]
            .path
            .ends_with(&format!("/actions/workflows/{WORKFLOW_ID}/dispatches")),
        "{}",
        dispatches[0].path
    );
    let sent = dispatches[0].json();
    assert_eq!(sent["ref"], json!(fix_branch(&w)));
    assert_eq!(sent["return_run_details"], json!(true));
    assert_eq!(
        dispatches[0].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    // Dispatched after the push (the ref must exist) and before the PR, which links it.
    let routes: Vec<String> = w.github.requests().into_iter().map(|r| r.route).collect();
    let at = |r: &str| routes.iter().position(|x| x == r).unwrap();
    assert!(at("dispatch") < at("create_pull"), "{routes:?}");
    let run_url = w.github.dispatched_runs()[0]["html_url"]
        .as_str()
        .unwrap()
        .to_string();
    let body = pr_body(&w);
    assert!(body.contains("### Checks"), "{body}");
    assert!(body.contains(&format!("[the CI run]({run_url})")), "{body}");
    assert!(
        w.github.requests_to("list_workflow_runs").is_empty(),
        "the dispatch answer named the run: no polling"
    );

    // The output, the job summary and the report carry the run.
    assert_eq!(w.outputs()["ci-run-url"], run_url);
    let summary = std::fs::read_to_string(w.t.path("summary.md")).unwrap();
    assert!(
        summary.contains(&format!("Checks on the fix: [the CI run]({run_url})")),
        "{summary}"
    );
    assert_eq!(
        w.report().pr.and_then(|pr| pr.ci_run_url).as_deref(),
        Some(run_url.as_str())
    );
}

#[test]
fn without_run_details_the_dispatched_run_is_found_in_the_workflow_runs() {
    let w = Workflow::with_files(
        "py-logic-error",
        &[(WORKFLOW_FILE, "on: [push, workflow_dispatch]\njobs: {}\n")],
    );
    w.github.set_dispatch_details(false);
    // The first listing is from before GitHub created the run: polled again.
    w.github.inject(
        "list_workflow_runs",
        fake_github::Reply::json(200, json!({"total_count": 0, "workflow_runs": []})),
    );
    let llm = FakeOpenAi::start([logic_fix()]);
    let out = w.run(&w.event("failure", "main"), &llm, &[]);
    assert_eq!(out.code, 0, "{out:?}");
    let lists = w.github.requests_to("list_workflow_runs");
    assert_eq!(lists.len(), 2, "polled until the run was listed");
    let branch = fix_branch(&w);
    for list in &lists {
        assert!(
            list.path.starts_with(&format!(
                "/repos/{REPO}/actions/workflows/{WORKFLOW_ID}/runs?"
            )),
            "{}",
            list.path
        );
        assert!(
            list.path.contains(&format!("branch={branch}")),
            "{}",
            list.path
        );
        assert!(
            list.path.contains("event=workflow_dispatch"),
            "{}",
            list.path
        );
        assert!(list.path.contains("created=%3E%3D20"), "{}", list.path);
    }
    let run_url = w.github.dispatched_runs()[0]["html_url"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(pr_body(&w).contains(&run_url));
    assert_eq!(w.outputs()["ci-run-url"], run_url);
}

#[test]
fn a_workflow_without_workflow_dispatch_gets_the_how_to_in_the_pr_body() {
    let w = Workflow::with_files(
        "py-logic-error",
        &[(WORKFLOW_FILE, "on:\n  push:\n  pull_request:\njobs: {}\n")],
    );
    let llm = FakeOpenAi::start([logic_fix()]);
    let out = w.run(&w.event("failure", "main"), &llm, &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(w.report().status, Status::Fixed);
    assert!(
        w.github.requests_to("dispatch").is_empty(),
        "the file says a dispatch would be refused"
    );
    let body = pr_body(&w);
    for part in [
        "### Checks",
        "No checks ran on this branch",
        "`.github/workflows/build.yml` has no `workflow_dispatch` trigger",
        "`pr-token`",
        "add `workflow_dispatch:`",
    ] {
        assert!(body.contains(part), "PR body lacks {part:?}:\n{body}");
    }
    assert_eq!(w.outputs()["ci-run-url"], "");
    assert!(
        w.report().pr.expect("a pr").ci_run_url.is_none(),
        "{:?}",
        w.report()
    );
    let warnings: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.contains("no CI started"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", out.stderr);
}

#[test]
fn a_refused_dispatch_still_opens_the_pr_with_one_warning() {
    // No workflow file in the checkout: the dispatch is tried and GitHub decides.
    let w = Workflow::new("py-logic-error");
    w.github.inject(
        "dispatch",
        fake_github::Reply::json(
            403,
            json!({"message": "Resource not accessible by integration"}),
        ),
    );
    let llm = FakeOpenAi::start([logic_fix()]);
    let out = w.run(&w.event("failure", "main"), &llm, &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(w.report().status, Status::Fixed, "{:?}", w.report());
    assert_eq!(w.github.requests_to("dispatch").len(), 1);
    let body = pr_body(&w);
    assert!(body.contains("could not dispatch"), "{body}");
    assert!(body.contains("actions: write"), "{body}");
    assert!(body.contains("`pr-token`"), "{body}");
    assert_eq!(w.outputs()["ci-run-url"], "");
    assert_eq!(w.outputs()["pr-number"], "100");
    let warnings: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.contains("no CI started"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", out.stderr);
    assert!(warnings[0].contains("403"), "{}", warnings[0]);
    assert!(!out.stderr.contains(TOKEN));
}

#[test]
fn with_a_pr_token_nothing_is_dispatched() {
    let w = Workflow::with_files(
        "py-logic-error",
        &[(WORKFLOW_FILE, "on: [push, workflow_dispatch]\n")],
    );
    let llm = FakeOpenAi::start([logic_fix()]);
    let out = w.run(
        &w.event("failure", "main"),
        &llm,
        &[("INPUT_PR-TOKEN", "ghp_fakePersonalToken0123456789")],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(w.github.requests_to("dispatch").is_empty());
    assert!(!pr_body(&w).contains("### Checks"));
    assert_eq!(w.outputs()["ci-run-url"], "");
}

// ------------------------------------------------ publish: suggest (a review on the PR)

/// A failed build of pull request `feature` (same repository) at the checkout's head,
/// whose diff covers `pr_patch` of pager/core.py.
fn pr_build(w: &Workflow, pr_patch: &str) -> (PathBuf, u64) {
    let n = w.github.add_pull("feature", "A feature", "open");
    let head = w.head.clone();
    w.github.patch_pull(n, |p| p["head"]["sha"] = json!(head));
    w.github.set_pull_files(
        n,
        json!([{"filename": "pager/core.py", "status": "modified", "patch": pr_patch}]),
    );
    let event = w.event("failure", "feature");
    let mut ev: Value = serde_json::from_slice(&std::fs::read(&event).unwrap()).unwrap();
    ev["workflow_run"]["event"] = json!("pull_request");
    ev["workflow_run"]["pull_requests"] =
        json!([{"number": n, "head": {"ref": "feature", "sha": w.head}}]);
    std::fs::write(&event, serde_json::to_vec(&ev).unwrap()).unwrap();
    (event, n)
}

const SUGGEST: &[(&str, &str)] = &[("INPUT_PUBLISH", "suggest")];

#[test]
fn publish_suggest_reviews_the_pull_request_with_a_suggestion_per_hunk() {
    let w = Workflow::new("py-logic-error");
    // The PR's diff covers pager/core.py lines 4-9, so the fix's line 8 is inside it.
    let (event, n) = pr_build(
        &w,
        "@@ -4,5 +4,6 @@\n def page_count(total_items, per_page):\n+    \"\"\"Number of pages.\"\"\"\n",
    );
    let llm = FakeOpenAi::start([logic_fix()]);
    let run = w.ending(w.run(&event, &llm, SUGGEST));
    assert_eq!(run.report.status, Status::Proposed, "{run:?}");
    assert_eq!(n, 100, "the pull request the snapshot names");
    crate::assert_outcome_snapshot!("suggest-one-suggestion", run);

    let reviews = w.github.requests_to("create_review");
    assert_eq!(reviews.len(), 1, "{:?}", w.github.requests());
    assert!(
        reviews[0].path.ends_with(&format!("/pulls/{n}/reviews")),
        "{}",
        reviews[0].path
    );
    let review = reviews[0].json();
    assert_eq!(
        review["commit_id"],
        json!(w.head),
        "on the failed, validated commit"
    );
    assert_eq!(review["event"], "COMMENT");
    let comments = review["comments"].as_array().unwrap();
    assert_eq!(comments.len(), 1, "{review}");
    let c = &comments[0];
    assert_eq!(c["path"], "pager/core.py");
    assert_eq!(c["line"], 8);
    assert_eq!(c["side"], "RIGHT");
    assert!(c.get("start_line").is_none(), "one line: {c}");
    assert_eq!(
        c["body"],
        "```suggestion\n    return (total_items + per_page - 1) // per_page\n```\n"
    );
    let body = review["body"].as_str().unwrap();
    for part in [
        "ceiling division",
        "test_page_count_partial_last_page",
        "python -m pytest",
        "Result: **passed**",
        &format!("run {RUN_ID}"),
        "1 suggestion(s) below",
    ] {
        assert!(body.contains(part), "review body lacks {part:?}:\n{body}");
    }
    assert!(!body.contains("Outside this pull request"), "{body}");

    // Nothing pushed, no PR opened; the outputs name the reviewed PR.
    assert!(w.github.requests_to("create_pull").is_empty());
    let branches = git(&w.bare, &["branch", "--list"]);
    assert!(!branches.contains("self-heal/"), "{branches}");
    let outputs = w.outputs();
    assert_eq!(outputs["status"], "proposed");
    assert_eq!(outputs["pr-number"], n.to_string());
    assert!(
        outputs["pr-url"].contains(&format!("/pull/{n}#pullrequestreview-")),
        "{outputs:?}"
    );
    assert_eq!(outputs["branch"], "feature");
    for req in w.github.requests() {
        assert!(!req.body.contains(TOKEN), "token sent in {}", req.route);
    }
}

#[test]
fn a_hunk_outside_the_pr_diff_goes_into_the_review_body() {
    let w = Workflow::new("py-logic-error");
    // The PR touched only line 12: the fix's line 8 cannot be a suggestion.
    let (event, n) = pr_build(&w, "@@ -12,1 +12,1 @@\n-    \"\"\"x\"\"\"\n+    \"\"\"The items shown on the 1-based page.\"\"\"\n");
    let llm = FakeOpenAi::start([logic_fix()]);
    let run = w.ending(w.run(&event, &llm, SUGGEST));
    assert_eq!(run.report.status, Status::Proposed, "{run:?}");
    assert_eq!(n, 100, "the pull request the snapshot names");
    crate::assert_outcome_snapshot!("suggest-hunk-outside-the-diff", run);
    let reviews = w.github.requests_to("create_review");
    assert_eq!(reviews.len(), 1);
    let review = reviews[0].json();
    assert_eq!(review["comments"], json!([]), "{review}");
    let body = review["body"].as_str().unwrap();
    assert!(
        body.contains("### Outside this pull request's diff"),
        "{body}"
    );
    assert!(body.contains("```diff\n--- a/pager/core.py\n+++ b/pager/core.py\n@@ -8,1 +8,1 @@\n-    return total_items // per_page\n+    return (total_items + per_page - 1) // per_page\n"), "{body}");
}

#[test]
fn publish_suggest_refuses_a_run_without_a_pull_request_before_any_model_call() {
    let w = Workflow::new("py-logic-error");
    let llm = FakeOpenAi::start([logic_fix()]);
    let run = w.ending(w.run(&w.event("failure", "main"), &llm, SUGGEST));
    assert_eq!(run.report.status, Status::Skipped, "{run:?}");
    crate::assert_outcome_snapshot!("suggest-without-a-pull-request", run);
    assert_eq!(llm.request_count(), 0, "refused before the model was asked");
    assert!(w.github.requests_to("create_review").is_empty());
    assert!(w.github.requests_to("create_pull").is_empty());
    assert_eq!(w.outputs()["status"], "skipped");
}

#[test]
fn publish_suggest_refuses_a_pull_request_from_a_fork() {
    let w = Workflow::new("py-logic-error");
    let (event, n) = pr_build(&w, "@@ -1,14 +1,14 @@\n");
    w.github.patch_pull(n, |p| {
        p["head"]["repo"]["full_name"] = json!("someone/fork")
    });
    let llm = FakeOpenAi::start([logic_fix()]);
    let run = w.ending(w.run(&event, &llm, SUGGEST));
    assert_eq!(run.report.status, Status::Skipped, "{run:?}");
    assert_eq!(n, 100, "the pull request the snapshot names");
    crate::assert_outcome_snapshot!("suggest-pull-request-from-a-fork", run);
    assert_eq!(llm.request_count(), 0);
    assert!(w.github.requests_to("create_review").is_empty());
}
