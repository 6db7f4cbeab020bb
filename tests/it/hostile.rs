//! Hostile input, as an attacker would send it: the holes of issue 10 (each a test of
//! its own), then a table of every input kind × every output channel. Every row ends
//! as the contract says: a one-line reason, the right exit code, no token in any
//! output, and the checkout byte-identical (every file, `.git/` included).

use crate::support::fake_github::{self, FakeGithub, FAILED_JOB_ID, REPO, RUN_ID};
use crate::support::fake_openai::{FakeOpenAi, Reply};
use crate::support::harness::{assert_same_tree, git, snapshot, Output, Test};
use serde_json::json;
use std::path::Path;

const TOKEN: &str = "ghs_hostileWorkflowToken0123456789";
const KEY: &str = "sk-hostile-test-key-0123456789";

/// Rows that hold only once wip/http is merged (one `Secrets` value that also masks
/// the token's encoded forms, one secret-file list for the edit policy and the
/// context). Flip to `true` after that merge: the rows below then run too.
const AFTER_SECRETS_MERGE: bool = false;

/// Secret files the edit policy refuses but the context still reads (issue 10 item 8).
const PENDING_SECRET_FILES: &[&str] = &[".htpasswd", ".git-credentials"];

/// The sample used throughout: its bug is fixed by one edit of `pager/core.py`.
const SAMPLE: &str = "py-logic-error";
const FIX_PATH: &str = "pager/core.py";
const FIX_SEARCH: &str = "return total_items // per_page";
const FIX_REPLACE: &str = "return (total_items + per_page - 1) // per_page";

fn right_fix(diagnosis: &str) -> Reply {
    Reply::reply_edits(diagnosis, &[(FIX_PATH, FIX_SEARCH, FIX_REPLACE)])
}

/// `self-heal run` on the sample's own CI log, the report outside the checkout.
fn local_run(t: &Test, fake: Option<&FakeOpenAi>, extra: &[&str]) -> Output {
    let mut test = Test::new()
        .current_dir(t.repo())
        .args(["run", "--log", "ci.log"])
        .args(["--report", t.path("out/report.json").to_str().unwrap()])
        .args(extra.iter().copied());
    if let Some(fake) = fake {
        test = test
            .args(["--openai-base-url", &fake.base_url()])
            .env("OPENAI_API_KEY", KEY);
    }
    test.run()
}

fn one_line_error(out: &Output) -> &str {
    let err = out.stderr.trim();
    assert_eq!(err.lines().count(), 1, "one line: {out:?}");
    err
}

// ---------------------------------------------------------------------------------
// The holes of issue 10.
// ---------------------------------------------------------------------------------

/// Hole 2: `.github/self-heal.toml` comes with the code under repair; it may only
/// name a report inside `.self-heal/`.
#[test]
fn the_checkout_config_cannot_choose_where_the_report_is_written() {
    for report in [
        ".git/config",
        "../outside/x.json",
        "/tmp/self-heal-hostile-abs.json",
        ".self-heal/../.git/config",
        "report.json",
    ] {
        let t = Test::with_sample(SAMPLE);
        std::fs::create_dir_all(t.repo().join(".github")).unwrap();
        std::fs::write(
            t.repo().join(".github/self-heal.toml"),
            format!("report = {report:?}\n"),
        )
        .unwrap();
        git(&t.repo(), &["add", "-A"]);
        git(
            &t.repo(),
            &[
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "commit",
                "-qm",
                "cfg",
            ],
        );
        let before = snapshot(&t.repo());
        let out = Test::new()
            .current_dir(t.repo())
            .args(["run", "--log", "ci.log", "--yes"])
            .run();
        assert_eq!(out.code, 2, "{report}: {out:?}");
        let err = one_line_error(&out);
        assert!(
            err.contains("report") && err.contains(".self-heal/"),
            "{err}"
        );
        assert_same_tree(&before, &snapshot(&t.repo()), report);
        assert!(!t.path("outside").exists(), "{report}: wrote outside");
        assert!(!Path::new("/tmp/self-heal-hostile-abs.json").exists());
    }
}

#[test]
fn the_checkout_config_may_name_a_report_inside_self_heal_and_the_user_anywhere() {
    let t = Test::with_sample(SAMPLE);
    std::fs::create_dir_all(t.repo().join(".github")).unwrap();
    std::fs::write(
        t.repo().join(".github/self-heal.toml"),
        "report = \".self-heal/runs/last.json\"\n",
    )
    .unwrap();
    let out = Test::new()
        .current_dir(t.repo())
        .args(["run", "--log", "ci.log", "--dry-run"])
        .run();
    assert_eq!(out.code, 1, "no model: not fixed, {out:?}");
    let r = out.report(&t.repo().join(".self-heal/runs/last.json"));
    assert_eq!(r["status"], "not_fixed");
    // The user's own flag still chooses freely, even over the file.
    let elsewhere = t.path("mine/report.json");
    let out = Test::new()
        .current_dir(t.repo())
        .args(["run", "--log", "ci.log", "--dry-run", "--report"])
        .arg(elsewhere.to_str().unwrap())
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    out.report(&elsewhere);
}

#[test]
fn a_committed_self_heal_symlink_is_refused() {
    let t = Test::with_sample(SAMPLE);
    std::fs::create_dir_all(t.path("outside")).unwrap();
    std::os::unix::fs::symlink("../outside", t.repo().join(".self-heal")).unwrap();
    let before = snapshot(&t.repo());
    let out = Test::new()
        .current_dir(t.repo())
        .args(["run", "--log", "ci.log", "--yes"])
        .run();
    assert_eq!(out.code, 2, "{out:?}");
    assert!(one_line_error(&out).contains("symlink"), "{out:?}");
    assert_same_tree(&before, &snapshot(&t.repo()), "symlinked .self-heal");
    assert_eq!(std::fs::read_dir(t.path("outside")).unwrap().count(), 0);
}

/// Hole 3: a new file under a committed directory symlink that leaves the checkout is
/// refused at the attempt (the sandbox leaves such links out), and the model is told.
#[test]
fn an_edit_through_a_committed_symlinked_directory_is_refused_at_the_attempt() {
    let t = Test::with_sample(SAMPLE);
    std::fs::create_dir_all(t.path("outside")).unwrap();
    std::fs::write(t.path("outside/keep.txt"), "outside\n").unwrap();
    std::os::unix::fs::symlink("../outside", t.repo().join("vendor")).unwrap();
    git(&t.repo(), &["add", "-A"]);
    git(
        &t.repo(),
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "vendor",
        ],
    );
    let outside_before = snapshot(&t.path("outside"));
    // The right fix plus a file through the link: validates in the sandbox, where the
    // link does not exist.
    let sneaky = Reply::reply_edits(
        "fix, and a helper",
        &[
            (FIX_PATH, FIX_SEARCH, FIX_REPLACE),
            ("vendor/evil.py", "", "print('written outside')\n"),
        ],
    );
    let fake = FakeOpenAi::start([sneaky, right_fix("ceiling division")]);
    let out = local_run(&t, Some(&fake), &["--yes"]);
    assert_eq!(out.code, 0, "the second attempt fixes it: {out:?}");
    assert_eq!(fake.request_count(), 2, "{out:?}");
    let r = out.report(&t.path("out/report.json"));
    let first = r["attempts"][0]["error"].as_str().unwrap_or_default();
    assert!(
        first.contains("vendor/evil.py") && first.contains("escapes"),
        "{r}"
    );
    let retry = fake.requests()[1].user_message();
    assert!(
        retry.contains("vendor/evil.py") && retry.contains("escapes"),
        "the reason is fed back: {retry}"
    );
    assert_same_tree(
        &outside_before,
        &snapshot(&t.path("outside")),
        "outside the checkout",
    );
}

struct ActionsRun {
    t: Test,
    github: FakeGithub,
    event: std::path::PathBuf,
}

impl ActionsRun {
    /// A workspace (a git checkout when `git_repo`) and a fake GitHub whose failed
    /// job log is the sample's CI log, and a workflow_run event naming it.
    fn new(git_repo: bool) -> ActionsRun {
        let t = if git_repo {
            Test::with_sample(SAMPLE)
        } else {
            let t = Test::new();
            crate::support::harness::copy_dir(
                &crate::support::harness::sample_dir(SAMPLE),
                &t.repo(),
            );
            t
        };
        let github = FakeGithub::start();
        let log = std::fs::read_to_string(t.repo().join("ci.log")).unwrap();
        github.set_job_log(FAILED_JOB_ID, &log);
        let head = if git_repo {
            git(&t.repo(), &["rev-parse", "HEAD"]).trim().to_string()
        } else {
            "0123456789abcdef0123456789abcdef01234567".to_string()
        };
        let sha = head.clone();
        github.patch_run(|run| {
            run["head_sha"] = json!(sha);
            run["head_branch"] = json!("main");
        });
        let mut ev = fake_github::fixture_json("events/workflow_run.completed.json");
        ev["workflow_run"]["id"] = json!(RUN_ID);
        ev["workflow_run"]["conclusion"] = json!("failure");
        ev["workflow_run"]["head_branch"] = json!("main");
        ev["workflow_run"]["head_sha"] = json!(head);
        ev["repository"]["full_name"] = json!(REPO);
        let event = t.path("event.json");
        std::fs::write(&event, serde_json::to_vec_pretty(&ev).unwrap()).unwrap();
        std::fs::create_dir_all(t.path("runner_temp")).unwrap();
        ActionsRun { t, github, event }
    }

    fn test(&self, llm: &FakeOpenAi) -> Test {
        Test::new()
            .current_dir(self.t.repo())
            .arg("run")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_EVENT_NAME", "workflow_run")
            .env("GITHUB_EVENT_PATH", self.event.to_str().unwrap())
            .env("GITHUB_API_URL", &self.github.url)
            .env("GITHUB_REPOSITORY", REPO)
            .env("GITHUB_WORKSPACE", self.t.repo().to_str().unwrap())
            .env("RUNNER_TEMP", self.t.path("runner_temp").to_str().unwrap())
            .env("GITHUB_OUTPUT", self.t.path("output").to_str().unwrap())
            .env(
                "GITHUB_STEP_SUMMARY",
                self.t.path("summary.md").to_str().unwrap(),
            )
            .env("INPUT_GITHUB-TOKEN", TOKEN)
            .env("INPUT_OPENAI-API-KEY", KEY)
            .env("INPUT_OPENAI-BASE-URL", llm.base_url())
    }
}

/// Hole 5: in Actions, a workspace that is no git checkout stops before anything is
/// asked of the model or validated.
#[test]
fn in_actions_a_workspace_that_is_not_a_git_checkout_stops_first() {
    let a = ActionsRun::new(false);
    let before = snapshot(&a.t.repo());
    let llm = FakeOpenAi::start([right_fix("ceiling division")]);
    let out = a.test(&llm).run();
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("not a git checkout"), "{out:?}");
    assert_eq!(llm.request_count(), 0, "nothing asked of the model");
    assert!(
        a.github.requests_to("job_logs").is_empty(),
        "no log fetched either"
    );
    assert_same_tree(&before, &snapshot(&a.t.repo()), "not a git checkout");
}

/// Hole 6: an invalid value is exit 2 even when `--yes` would decide approval.
#[test]
fn an_invalid_approve_with_yes_is_a_usage_error() {
    let t = Test::with_sample("py-name-error");
    let before = snapshot(&t.repo());
    let out = local_run(&t, None, &["--approve", "always", "--yes"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(one_line_error(&out).contains("approve"), "{out:?}");
    assert_same_tree(&before, &snapshot(&t.repo()), "--approve always --yes");
}

/// Hole 7: a full stderr never panics; the exit code is the one the run earns.
#[test]
fn a_full_stderr_never_panics() {
    let t = Test::with_sample(SAMPLE);
    let bin = env!("CARGO_BIN_EXE_self-heal");
    for args in [
        vec!["run", "--log", "nope.log"],
        vec!["run", "--log", "ci.log", "--dry-run"],
        vec!["run", "--max-attempts", "0", "--log", "ci.log"],
        vec!["analyze", "nope.log"],
    ] {
        let piped = std::process::Command::new(bin)
            .args(&args)
            .current_dir(t.repo())
            .env("NO_COLOR", "1")
            .env_remove("GITHUB_ACTIONS")
            .env_remove("OPENAI_API_KEY")
            .env_remove("GITHUB_TOKEN")
            .output()
            .unwrap();
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let status = std::process::Command::new(bin)
            .args(&args)
            .current_dir(t.repo())
            .env("NO_COLOR", "1")
            .env_remove("GITHUB_ACTIONS")
            .env_remove("OPENAI_API_KEY")
            .env_remove("GITHUB_TOKEN")
            .stdout(std::process::Stdio::null())
            .stderr(full)
            .status()
            .unwrap();
        assert_ne!(status.code(), Some(101), "{args:?} panicked");
        assert_eq!(status.code(), piped.status.code(), "{args:?}");
    }
}

/// Issue 10 item 8: a file the edit policy refuses as a secret is never shown to the
/// model either, whatever the log names as the failing file.
#[test]
fn secret_files_the_policy_refuses_are_never_shown_to_the_model() {
    use self_heal::analyze::{Analysis, Failure, FailureKind};
    let marker = "hostile-secret-file-content-7f3a";
    let mut names: Vec<&str> = vec![".env", ".netrc", "deploy.pem", "pager/.npmrc"];
    if AFTER_SECRETS_MERGE {
        names.extend(PENDING_SECRET_FILES);
    }
    for name in names {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, format!("{marker}\n")).unwrap();
        let policy = self_heal::repair::PathPolicy::new(&[], true).unwrap();
        assert!(
            policy.check(dir.path(), name).is_err(),
            "{name}: the edit policy refuses it"
        );
        let analysis = Analysis {
            failures: vec![Failure {
                kind: FailureKind::TestFailure,
                tool: "pytest".into(),
                test: Some(format!("{name}::test_x")),
                file: Some(name.to_string()),
                line: Some(1),
                message: "AssertionError".into(),
                ..Default::default()
            }],
            ..Analysis::default()
        };
        let ctx = self_heal::repair::context::gather(dir.path(), &analysis, 100_000);
        for f in &ctx.files {
            assert!(
                !f.numbered.contains(marker),
                "{name} was shown to the model as {}",
                f.path
            );
        }
    }
}
