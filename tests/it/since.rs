//! "What changed" (issue 9, item 3): the diff since the last green run (or `since`)
//! of the files the failures implicate reaches the model and the PR body, cut at the
//! budget and masked. Real git repositories (a bare origin, a shallow clone), the fake
//! GitHub serving the workflow's run history, the fake model, real pytest.

use crate::support::fake_github::{self, FakeGithub, FAILED_JOB_ID, REPO, RUN_ID};
use crate::support::fake_openai::{FakeOpenAi, Reply};
use crate::support::harness::{copy_dir, git, sample_dir, Output, Test};
use self_heal::report::{Report, Status};
use serde_json::json;
use std::path::{Path, PathBuf};

const TOKEN: &str = "ghs_sinceWorkflowToken0123456789";
const KEY: &str = "sk-since-test-key-24680";
const GOOD: &str = "return (total_items + per_page - 1) // per_page";
const BROKEN: &str = "return total_items // per_page";
/// A line of the change nobody implicates: it must not reach the model.
const UNRELATED: &str = "an unrelated change to the notes";

fn commit(repo: &Path, msg: &str) -> String {
    git(repo, &["add", "-A"]);
    git(
        repo,
        &[
            "-c",
            "user.name=dev",
            "-c",
            "user.email=dev@example.com",
            "commit",
            "-qm",
            msg,
        ],
    );
    git(repo, &["rev-parse", "HEAD"]).trim().to_string()
}

/// py-logic-error in two commits: a green one (ceiling division) and the failing
/// one, which breaks `pager/core.py` (adding `extra` to it) and edits `notes.md`.
/// Returns (green sha, failed sha).
fn two_commits(repo: &Path, extra: &str) -> (String, String) {
    copy_dir(&sample_dir("py-logic-error"), repo);
    git(repo, &["init", "-q", "-b", "main"]);
    let core = repo.join("pager/core.py");
    let broken = std::fs::read_to_string(&core).unwrap();
    std::fs::write(&core, broken.replace(BROKEN, GOOD)).unwrap();
    std::fs::write(repo.join("notes.md"), "notes\n").unwrap();
    let green = commit(repo, "green");
    std::fs::write(&core, format!("{broken}{extra}")).unwrap();
    std::fs::write(repo.join("notes.md"), format!("notes\n{UNRELATED}\n")).unwrap();
    let failed = commit(repo, "break paging");
    (green, failed)
}

fn logic_fix() -> Reply {
    Reply::reply_edits(
        "page_count rounds down; use ceiling division.",
        &[("pager/core.py", BROKEN, GOOD)],
    )
}

struct Remote {
    t: Test,
    work: PathBuf,
    green: String,
    github: FakeGithub,
}

/// A bare origin holding both commits, a depth-1 clone of the failed one (so the
/// green commit must be fetched), and a fake GitHub whose run failed there.
fn remote() -> Remote {
    let t = Test::new();
    let src = t.path("src");
    let extra = format!("\n# deploy key for the docs: {TOKEN}\n");
    let (green, failed) = two_commits(&src, &extra);
    let bare = t.path("origin.git");
    git(
        t.dir.path(),
        &["clone", "-q", "--bare", src.to_str().unwrap(), "origin.git"],
    );
    let url = format!("file://{}", bare.display());
    git(
        t.dir.path(),
        &[
            "clone", "-q", "--depth", "1", "--branch", "main", &url, "work",
        ],
    );
    let work = t.path("work");
    assert_eq!(git(&work, &["rev-parse", "HEAD"]).trim(), failed);
    assert!(
        std::process::Command::new("git")
            .args(["cat-file", "-e", &format!("{green}^{{commit}}")])
            .current_dir(&work)
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap()
            .code()
            != Some(0),
        "the shallow clone lacks the green commit"
    );
    let github = FakeGithub::start();
    let log = std::fs::read_to_string(src.join("ci.log")).unwrap();
    github.set_job_log(FAILED_JOB_ID, &log);
    github.patch_run(|run| {
        run["head_sha"] = json!(failed);
        run["head_branch"] = json!("main");
        run["path"] = json!(".github/workflows/build.yml@main");
    });
    Remote {
        t,
        work,
        green,
        github,
    }
}

impl Remote {
    fn run(&self, llm: &FakeOpenAi, inputs: &[(&str, &str)]) -> Output {
        let mut ev = fake_github::fixture_json("events/workflow_run.completed.json");
        ev["workflow_run"]["id"] = json!(RUN_ID);
        ev["workflow_run"]["conclusion"] = json!("failure");
        ev["workflow_run"]["head_branch"] = json!("main");
        ev["workflow_run"]["head_sha"] = json!(git(&self.work, &["rev-parse", "HEAD"]).trim());
        ev["repository"]["full_name"] = json!(REPO);
        let event = self.t.path("event.json");
        std::fs::write(&event, serde_json::to_vec_pretty(&ev).unwrap()).unwrap();
        let runner_temp = self.t.path("runner_temp");
        std::fs::create_dir_all(&runner_temp).unwrap();
        let mut test = Test::new()
            .current_dir(self.work.clone())
            .arg("run")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_EVENT_NAME", "workflow_run")
            .env("GITHUB_EVENT_PATH", event.to_str().unwrap())
            .env("GITHUB_API_URL", &self.github.url)
            .env("GITHUB_REPOSITORY", REPO)
            .env("GITHUB_WORKSPACE", self.work.to_str().unwrap())
            .env("RUNNER_TEMP", runner_temp.to_str().unwrap())
            .env("INPUT_GITHUB-TOKEN", TOKEN)
            .env("INPUT_OPENAI-API-KEY", KEY)
            .env("INPUT_OPENAI-BASE-URL", llm.base_url())
            .env("INPUT_SINCE", "");
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
}

#[test]
fn the_diff_since_the_last_green_run_reaches_the_model_and_the_pull_request() {
    let r = remote();
    // Newest first on the fake: a later failure, a green run on another branch, and
    // the green run on main that the comparison must pick.
    r.github
        .add_workflow_run(RUN_ID - 1, "main", &"f".repeat(40), "failure");
    r.github
        .add_workflow_run(RUN_ID - 2, "feature", &"e".repeat(40), "success");
    r.github
        .add_workflow_run(RUN_ID - 3, "main", &r.green, "success");
    let llm = FakeOpenAi::start([logic_fix()]);
    let out = r.run(&llm, &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(r.report().status, Status::Fixed, "{:?}", r.report());

    let listed = r.github.requests_to("workflow_runs");
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert!(
        listed[0]
            .path
            .contains("/actions/workflows/build.yml/runs?branch=main&status=success"),
        "{}",
        listed[0].path
    );

    let prompt = llm.requests()[0].user_message();
    for part in [
        "## What changed since the last green run",
        &format!("the last green run {}", RUN_ID - 3),
        "+++ b/pager/core.py",
        &format!("-    {GOOD}"),
        &format!("+    {BROKEN}"),
        // The unrelated file is named, not shown.
        "notes.md",
    ] {
        assert!(prompt.contains(part), "prompt lacks {part:?}:\n{prompt}");
    }
    assert!(
        !prompt.contains(UNRELATED),
        "unimplicated diff sent:\n{prompt}"
    );
    assert!(!prompt.contains("+++ b/notes.md"), "{prompt}");
    for req in llm.requests() {
        assert!(
            !req.raw_body.contains(TOKEN),
            "token in the diff sent to the model"
        );
    }
    assert!(prompt.contains("deploy key for the docs: ***"), "{prompt}");

    let posts = r.github.requests_to("create_pull");
    assert_eq!(posts.len(), 1);
    let body = posts[0].json()["body"].as_str().unwrap().to_string();
    let section = body
        .split("### Changed since the last green run\n\n")
        .nth(1)
        .and_then(|s| s.split("\n### ").next())
        .unwrap_or_else(|| panic!("no section in the PR body:\n{body}"));
    assert!(
        section.contains(&format!(
            "the last green run {} ({})",
            RUN_ID - 3,
            &r.green[..7]
        )),
        "{section}"
    );
    assert!(section.contains(&format!("-    {GOOD}")), "{section}");
    assert!(!section.contains(UNRELATED), "{section}");
    assert!(!body.contains(TOKEN));
    let since = r.report().changed_since.expect("changed_since");
    assert_eq!(since.files, ["pager/core.py"]);
    assert_eq!(since.commit, r.green);
}

#[test]
fn without_a_green_run_it_says_so_in_one_line_and_goes_on() {
    let r = remote();
    r.github
        .add_workflow_run(RUN_ID - 1, "main", &"f".repeat(40), "failure");
    let llm = FakeOpenAi::start([logic_fix()]);
    let out = r.run(&llm, &[]);
    assert_eq!(out.code, 0, "{out:?}");
    let report = r.report();
    assert_eq!(report.status, Status::Fixed, "{report:?}");
    let since = report.changed_since.expect("changed_since");
    insta::assert_json_snapshot!("no-green-run", since);
    let note = since.note.as_str();
    assert!(!note.contains('\n'));
    let prompt = llm.requests()[0].user_message();
    assert!(!prompt.contains("## What changed"), "{prompt}");
    let body = r.github.requests_to("create_pull")[0].json()["body"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        body.contains("### Changed since the last green run\n\nNot compared with an earlier commit: no successful run"),
        "{body}"
    );
    assert!(
        out.stderr.contains(note) || out.stdout.contains(note),
        "{out:?}"
    );
}

/// The typed report a [`local_run`] wrote.
fn report(t: &Test, out: &Output) -> Report {
    serde_json::from_value(out.report(&t.path("report.json"))).expect("report.json is a Report")
}

/// `self-heal run --log` in a checkout, against the fake model.
fn local_run(t: &Test, repo: &Path, llm: &FakeOpenAi, extra: &[&str]) -> Output {
    Test::new()
        .current_dir(repo.to_path_buf())
        .args([
            "run",
            "--log",
            repo.join("ci.log").to_str().unwrap(),
            "--dry-run",
        ])
        .args(["--report", t.path("report.json").to_str().unwrap()])
        .args(["--openai-base-url", &llm.base_url()])
        .args(extra.iter().copied())
        .env("OPENAI_API_KEY", KEY)
        .run()
}

#[test]
fn locally_since_defaults_to_the_merge_base_and_a_huge_diff_is_cut() {
    let t = Test::new();
    let src = t.path("src");
    let filler: String = (0..3000).map(|i| format!("# filler line {i}\n")).collect();
    two_commits(&src, &filler);
    // A clone sets origin/HEAD; the failing commits sit on a branch of their own.
    git(&src, &["branch", "-q", "-f", "green", "HEAD~1"]);
    let bare = t.path("origin.git");
    git(
        t.dir.path(),
        &["clone", "-q", "--bare", src.to_str().unwrap(), "origin.git"],
    );
    git(&bare, &["symbolic-ref", "HEAD", "refs/heads/green"]);
    git(
        t.dir.path(),
        &["clone", "-q", bare.to_str().unwrap(), "work"],
    );
    let work = t.path("work");
    git(&work, &["checkout", "-q", "-b", "topic", "origin/main"]);
    let llm = FakeOpenAi::start([logic_fix()]);
    let out = local_run(&t, &work, &llm, &["--context-tokens", "200"]);
    assert_eq!(out.code, 0, "{out:?}");
    let prompt = llm.requests()[0].user_message();
    assert!(
        prompt.contains("Compared with the merge-base with origin/green"),
        "{prompt}"
    );
    assert!(
        prompt.contains("+    return total_items // per_page")
            || prompt.contains("+# filler line 0"),
        "{prompt}"
    );
    assert!(
        prompt.contains("[… diff cut here: over the budget of 800 characters]"),
        "{prompt}"
    );
    assert!(!prompt.contains("filler line 2999"), "{prompt}");
    assert!(!prompt.contains(UNRELATED), "{prompt}");
    let since = report(&t, &out).changed_since.expect("changed_since");
    assert!(since.truncated, "{since:?}");
}

#[test]
fn locally_an_explicit_since_is_used_and_a_bad_one_refused() {
    let t = Test::new();
    let repo = t.repo();
    two_commits(&repo, "");
    let llm = FakeOpenAi::start([logic_fix()]);
    let out = local_run(&t, &repo, &llm, &["--since", "HEAD~1"]);
    assert_eq!(out.code, 0, "{out:?}");
    let prompt = llm.requests()[0].user_message();
    assert!(
        prompt.contains("Compared with `HEAD~1` (the `since` setting)"),
        "{prompt}"
    );
    assert!(prompt.contains(&format!("-    {GOOD}")), "{prompt}");
    assert!(!prompt.contains(UNRELATED), "{prompt}");

    // No origin/HEAD and no `since`: one line, and the run goes on.
    let llm = FakeOpenAi::start([logic_fix()]);
    let out = local_run(&t, &repo, &llm, &[]);
    assert_eq!(out.code, 0, "{out:?}");
    let since = report(&t, &out).changed_since.expect("changed_since");
    insta::assert_json_snapshot!("default-branch-not-known", since);
    assert_eq!(llm.request_count(), 1);

    let before = git(&repo, &["status", "--porcelain"]);
    for bad in ["--output=/tmp/x", "a..b"] {
        let llm = FakeOpenAi::start([]);
        let out = local_run(&t, &repo, &llm, &[&format!("--since={bad}")]);
        assert_eq!(out.code, 2, "{bad}: {out:?}");
        assert!(out.stderr.contains("since"), "{}", out.stderr);
        assert_eq!(llm.request_count(), 0);
    }
    assert_eq!(git(&repo, &["status", "--porcelain"]), before);
}

/// A checkout without `origin/HEAD` (`git init` + `remote add` + fetch, a mirror,
/// actions/checkout): the branch's upstream, then `origin/main`, then `origin/master`.
#[test]
fn locally_without_origin_head_the_upstream_then_origin_main_or_master_is_the_base() {
    let t = Test::new();
    let src = t.path("src");
    two_commits(&src, "");
    git(&src, &["branch", "-q", "-f", "green", "HEAD~1"]);
    let bare = t.path("origin.git");
    git(
        t.dir.path(),
        &["clone", "-q", "--bare", src.to_str().unwrap(), "origin.git"],
    );
    // The fetched branches: `main` (the failing commit), `green` (the one before).
    let work = t.path("work");
    std::fs::create_dir_all(&work).unwrap();
    git(&work, &["init", "-q"]);
    git(&work, &["remote", "add", "origin", bare.to_str().unwrap()]);
    git(&work, &["fetch", "-q", "origin"]);
    let origin_head = std::process::Command::new("git")
        .args(["symbolic-ref", "-q", "refs/remotes/origin/HEAD"])
        .current_dir(&work)
        .output()
        .unwrap();
    assert!(!origin_head.status.success(), "origin/HEAD is set");
    let base_of = |work: &Path| {
        let llm = FakeOpenAi::start([logic_fix()]);
        let out = local_run(&t, work, &llm, &[]);
        assert_eq!(out.code, 0, "{out:?}");
        assert_eq!(llm.request_count(), 1);
        report(&t, &out).changed_since.expect("changed_since")
    };

    // The branch's upstream comes first: `topic` tracks `origin/green`.
    git(
        &work,
        &["checkout", "-q", "-b", "topic", "--track", "origin/green"],
    );
    git(&work, &["reset", "-q", "--hard", "origin/main"]);
    let since = base_of(&work);
    assert!(
        since.base.contains("the merge-base with origin/green"),
        "{since:?}"
    );
    assert!(since.diff.contains(GOOD), "{since:?}");

    // No upstream: origin/main.
    git(&work, &["branch", "-q", "--unset-upstream"]);
    let since = base_of(&work);
    assert!(
        since.base.contains("the merge-base with origin/main"),
        "{since:?}"
    );

    // Only origin/master: it is the base.
    git(
        &work,
        &["update-ref", "refs/remotes/origin/master", "origin/green"],
    );
    git(&work, &["update-ref", "-d", "refs/remotes/origin/main"]);
    let since = base_of(&work);
    assert!(
        since.base.contains("the merge-base with origin/master"),
        "{since:?}"
    );
}
