//! Hostile input, as an attacker would send it: the holes of issue 10 (each a test of
//! its own), then a table of every input kind × every output channel. Every row ends
//! as the contract says: a one-line reason, the right exit code, no token in any
//! output, and the checkout byte-identical (every file, `.git/` included).

use crate::support::fake_github::{self, FakeGithub, FAILED_JOB_ID, REPO, RUN_ID};
use crate::support::fake_openai::{FakeOpenAi, Reply};
use crate::support::harness::{assert_same_tree, git, snapshot, Output, Test};
use self_heal::report::{Report, Status};
use serde_json::json;
use std::path::Path;

const TOKEN: &str = "ghs_hostileWorkflowToken0123456789";
const KEY: &str = "sk-hostile-test-key-0123456789";

/// Rows that hold only once wip/http is merged (one `Secrets` value that also masks
/// the token's encoded forms, one secret-file list for the edit policy and the
/// context). Flip to `true` after that merge: the rows below then run too.
const AFTER_SECRETS_MERGE: bool = true;

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
        crate::support::harness::commit_all(&t.repo(), "cfg");
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
    let r: Report = serde_json::from_value(out.report(&t.repo().join(".self-heal/runs/last.json")))
        .expect("a Report");
    assert_eq!(r.status, Status::NotFixed, "{r:?}");
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
    crate::support::harness::commit_all(&t.repo(), "vendor");
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
        actions_test(&self.t, &self.github.url, &self.event, llm)
    }
}

/// The binary with the environment the runner gives a container action.
fn actions_test(t: &Test, api_url: &str, event: &Path, llm: &FakeOpenAi) -> Test {
    Test::new()
        .current_dir(t.repo())
        .arg("run")
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", "workflow_run")
        .env("GITHUB_EVENT_PATH", event.to_str().unwrap())
        .env("GITHUB_API_URL", api_url)
        .env("GITHUB_REPOSITORY", REPO)
        .env("GITHUB_WORKSPACE", t.repo().to_str().unwrap())
        .env("RUNNER_TEMP", t.path("runner_temp").to_str().unwrap())
        .env("GITHUB_OUTPUT", t.path("output").to_str().unwrap())
        .env(
            "GITHUB_STEP_SUMMARY",
            t.path("summary.md").to_str().unwrap(),
        )
        .env("INPUT_GITHUB-TOKEN", TOKEN)
        .env("INPUT_OPENAI-API-KEY", KEY)
        .env("INPUT_OPENAI-BASE-URL", llm.base_url())
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

// ---------------------------------------------------------------------------------
// The table: every input kind × every output channel.
// ---------------------------------------------------------------------------------

/// Encoded forms of a secret that the runner masks too. They are only masked once
/// wip/http is merged: until [`AFTER_SECRETS_MERGE`] is flipped, rows plant the raw
/// form only (the channels are searched for every form in any case).
const ENCODED_FORMS: &[fn(&str) -> String] = &[
    |s| base64(format!("x-access-token:{s}").as_bytes()),
    |s| base64(s.as_bytes()),
    |s| base64(format!("{s}\n").as_bytes()),
];

fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Every form of every secret that must never show up in an output.
fn forbidden() -> Vec<String> {
    let mut v = Vec::new();
    for s in [TOKEN, KEY] {
        v.push(s.to_string());
        v.extend(ENCODED_FORMS.iter().map(|f| f(s)));
    }
    v
}

/// The secrets as a hostile log or server would carry them: raw always, encoded forms
/// once they are masked.
fn planted(secret: &str) -> String {
    let mut s = format!(
        "Authorization: token {secret}\nremote: https://x-access-token:{secret}@github.com/o/r.git\n"
    );
    if AFTER_SECRETS_MERGE {
        for f in ENCODED_FORMS {
            s.push_str(&format!("AUTHORIZATION: basic {}\n", f(secret)));
        }
    }
    s
}

/// A checkout, a `git` first on PATH that records its command lines, and a place for
/// the inputs (which may hold the token on purpose, so they are not an output).
struct World {
    t: Test,
    /// Pass `--report` outside the checkout (off where the checkout's config is tested).
    report_flag: bool,
    github: Option<FakeGithub>,
    event: Option<std::path::PathBuf>,
}

impl World {
    fn local() -> World {
        let t = Test::with_sample(SAMPLE);
        let w = World {
            t,
            report_flag: true,
            github: None,
            event: None,
        };
        w.install_git_recorder();
        w
    }

    fn actions() -> World {
        let a = ActionsRun::new(true);
        let bare = a.t.path("origin.git");
        std::fs::create_dir_all(&bare).unwrap();
        git(&bare, &["init", "-q", "--bare", "-b", "main"]);
        git(
            &a.t.repo(),
            &["remote", "add", "origin", bare.to_str().unwrap()],
        );
        git(&a.t.repo(), &["push", "-q", "origin", "main"]);
        let w = World {
            t: a.t,
            report_flag: false,
            github: Some(a.github),
            event: Some(a.event),
        };
        w.install_git_recorder();
        w
    }

    fn install_git_recorder(&self) {
        let bin = self.t.path("bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::create_dir_all(self.t.path("in")).unwrap();
        let real = which_git();
        let log = self.t.path("git-argv.log");
        let script = format!(
            "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{}'\nexec '{}' \"$@\"\n",
            log.display(),
            real
        );
        std::fs::write(bin.join("git"), script).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(bin.join("git"), std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    fn input(&self, name: &str, bytes: &[u8]) -> String {
        let p = self.t.path("in").join(name);
        std::fs::write(&p, bytes).unwrap();
        p.display().to_string()
    }

    fn path_env(&self) -> String {
        format!(
            "{}:{}",
            self.t.path("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        )
    }

    /// `run --log <log>` in the checkout against `fake`.
    fn run_local(&self, fake: &FakeOpenAi, log: &str, extra: &[&str]) -> Output {
        let report = self.t.path("out/report.json");
        let report: &[&str] = if self.report_flag {
            &["--report", report.to_str().unwrap()]
        } else {
            &[]
        };
        Test::new()
            .current_dir(self.t.repo())
            .args(["run", "--log", log])
            .args(report.iter().copied())
            .args(["--openai-base-url", &fake.base_url()])
            .args(extra.iter().copied())
            .env("OPENAI_API_KEY", KEY)
            .env("GITHUB_TOKEN", TOKEN)
            .env("PATH", self.path_env())
            .run()
    }

    fn run_actions(&self, fake: &FakeOpenAi) -> Output {
        let github = self.github.as_ref().unwrap();
        actions_test(&self.t, &github.url, self.event.as_ref().unwrap(), fake)
            .env("PATH", self.path_env())
            .run()
    }

    /// Every channel: stdout, stderr, every file written outside the inputs (report,
    /// patch, GITHUB_OUTPUT, summary, `.git/config`, git's recorded command lines), and
    /// what the model was sent.
    fn assert_no_secret(&self, row: &str, out: &Output, fake: &FakeOpenAi) {
        let forms = forbidden();
        let leak = |what: &str, text: &str| {
            for f in &forms {
                assert!(
                    !text.contains(f.as_str()),
                    "{row}: a secret form reached {what}"
                );
            }
        };
        // `::add-mask::` lines are the runner's instruction to mask: it never shows them.
        let shown: Vec<&str> = out
            .stdout
            .lines()
            .filter(|l| !l.starts_with("::add-mask::"))
            .collect();
        leak("stdout", &shown.join("\n"));
        leak("stderr", &out.stderr);
        for (path, bytes) in snapshot(self.t.dir.path()) {
            if path.starts_with("in") || path.as_os_str() == "event.json" {
                continue;
            }
            leak(
                &path.display().to_string(),
                &String::from_utf8_lossy(&bytes),
            );
        }
        for req in fake.requests() {
            let body = req.raw_body.replace("\\/", "/");
            leak("a model request", &body);
            for (k, v) in &req.headers {
                if k != "authorization" {
                    leak(&format!("model request header {k}"), v);
                }
            }
            // The key goes to the model as its credential, the token never does.
            assert!(
                !req.authorization().unwrap_or_default().contains(TOKEN),
                "{row}: the GitHub token was sent to the model"
            );
        }
    }
}

fn which_git() -> String {
    let out = std::process::Command::new("sh")
        .args(["-c", "command -v git"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A zip with these (name, content) entries, names taken as given.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default();
        for (name, bytes) in entries {
            z.start_file(*name, opts).unwrap();
            z.write_all(bytes).unwrap();
        }
        z.finish().unwrap();
    }
    buf.into_inner()
}

/// One row: what it feeds in, and the exit code the contract gives it.
struct Row {
    name: &'static str,
    code: i32,
    /// Part of the one-line reason (the report's, or stderr's last line).
    reason: &'static str,
    /// A fix is committed and pushed (new objects in `.git/objects` are expected).
    publishes: bool,
}

impl Row {
    fn new(name: &'static str, code: i32, reason: &'static str) -> Row {
        Row {
            name,
            code,
            reason,
            publishes: false,
        }
    }
}

fn ci_log_with(extra: &str) -> Vec<u8> {
    let log = std::fs::read_to_string(crate::support::harness::sample_dir(SAMPLE).join("ci.log"))
        .unwrap();
    // Also inside the failure lines, which reach the report, stdout, the prompt and the
    // PR: there only masking keeps the secrets out.
    let inline = one_line_forms();
    let log = log.replace("assert 3 == 4", &format!("assert 3 == 4 ({inline})"));
    format!("{}{extra}{log}", planted(TOKEN)).into_bytes()
}

/// The secrets on one line, as a failing assertion might print them.
fn one_line_forms() -> String {
    let mut forms = vec![format!("token={TOKEN}"), format!("key={KEY}")];
    if AFTER_SECRETS_MERGE {
        for f in ENCODED_FORMS {
            forms.push(format!("basic {}", f(TOKEN)));
        }
    }
    forms.join(" ")
}

fn check_row(w: &World, row: &Row, out: &Output, fake: &FakeOpenAi, before: &Snapshot) {
    assert_eq!(out.code, row.code, "{}: {out:?}", row.name);
    assert_ne!(out.code, 101, "{}: panicked", row.name);
    let report = std::fs::read_to_string(w.t.path("out/report.json"))
        .or_else(|_| std::fs::read_to_string(w.t.path("runner_temp/self-heal/report.json")))
        .ok()
        .map(|t| serde_json::from_str::<Report>(&t).expect("report.json is a Report"));
    let mut reasons = match &report {
        Some(r) => vec![r.reason.clone()],
        None => vec![out
            .stderr
            .trim()
            .lines()
            .last()
            .unwrap_or_default()
            .to_string()],
    };
    // What a refused attempt was told (and the next prompt carries).
    for a in report.iter().flat_map(|r| &r.attempts) {
        reasons.extend(a.error.clone());
    }
    for r in &reasons {
        assert!(!r.contains('\n'), "{}: {r}", row.name);
    }
    let reason = reasons.join(" | ");
    assert!(
        reason.contains(row.reason),
        "{}: reason {reason:?} lacks {:?}\n{out:?}",
        row.name,
        row.reason
    );
    w.assert_no_secret(row.name, out, fake);
    let mut after = snapshot(&w.t.repo());
    if row.publishes {
        // The fix commit's objects land in the object store, and the published fix is
        // remembered in the self-ignored `.self-heal/` (its text masked: checked above);
        // nothing else may change (working tree, index, refs, `.git/config`).
        after.retain(|p, _| {
            before.contains_key(p)
                || !(p.starts_with(".git/objects")
                    || p == std::path::Path::new(".self-heal/memory.json")
                    || p == std::path::Path::new(".self-heal/.gitignore"))
        });
    }
    assert_same_tree(before, &after, row.name);
}

type Snapshot = std::collections::BTreeMap<std::path::PathBuf, Vec<u8>>;

#[test]
fn hostile_logs_replies_and_settings_locally() {
    let zip_bad = b"PK\x03\x04this is not a zip at all".to_vec();
    let zip_paths = zip_of(&[("job/1_test.txt", b"ok\n"), ("../evil.txt", b"escape\n")]);
    let zip_abs = zip_of(&[("/etc/evil.txt", b"abs\n")]);
    let mut binary: Vec<u8> = (0..3_000_000u64).map(|i| (i * 7919 % 251) as u8).collect();
    binary.extend_from_slice(planted(TOKEN).as_bytes());
    let huge_line = {
        let mut v = planted(TOKEN).into_bytes();
        v.extend(std::iter::repeat_n(b'x', 20_000_000));
        v.extend_from_slice(TOKEN.as_bytes());
        v
    };
    let fix_with_secret = Reply::reply_edits(
        &format!("the log shows {TOKEN} and {KEY}"),
        &[(FIX_PATH, FIX_SEARCH, FIX_REPLACE)],
    );
    type Setup = (Row, Vec<u8>, &'static str, Vec<Reply>, Vec<&'static str>);
    let rows: Vec<Setup> = vec![
        (
            Row::new("token in the log, model echoes token and key, dry run", 0, "dry run"),
            ci_log_with(""),
            "ci.log",
            vec![fix_with_secret],
            vec!["--dry-run"],
        ),
        (
            Row::new("an edit writing the token into the code", 1, "credential"),
            ci_log_with(""),
            "ci.log",
            vec![Reply::reply_edits(
                "x",
                &[(FIX_PATH, FIX_SEARCH, &format!("{FIX_REPLACE}  # {TOKEN}"))],
            )],
            vec!["--yes", "--max-attempts", "1"],
        ),
        (
            Row::new("corrupt zip", 3, "zip"),
            zip_bad,
            "logs.zip",
            vec![],
            vec!["--yes"],
        ),
        (
            Row::new("zip entry with ..", 3, "unsafe path"),
            zip_paths,
            "logs.zip",
            vec![],
            vec!["--yes"],
        ),
        (
            Row::new("zip entry with an absolute path", 3, "unsafe path"),
            zip_abs,
            "logs.zip",
            vec![],
            vec!["--yes"],
        ),
        (
            Row::new("binary log", 0, "no failure"),
            binary,
            "ci.log",
            vec![],
            vec!["--yes"],
        ),
        (
            Row::new("a 20 MB line holding the token", 0, "no failure"),
            huge_line,
            "ci.log",
            vec![],
            vec!["--yes"],
        ),
        (
            Row::new("garbage reply holding the token", 1, "JSON"),
            ci_log_with(""),
            "ci.log",
            vec![Reply::garbage(&format!("no JSON here, but {TOKEN} {KEY}"))],
            vec!["--yes", "--max-attempts", "1"],
        ),
        (
            Row::new("edit outside the checkout", 1, "escapes"),
            ci_log_with(""),
            "ci.log",
            vec![Reply::reply_edits("x", &[("../outside.py", "", "x = 1\n")])],
            vec!["--yes", "--max-attempts", "1"],
        ),
        (
            Row::new("edit of .git/config", 1, "protected"),
            ci_log_with(""),
            "ci.log",
            vec![Reply::reply_edits("x", &[(".git/config", "", &format!("[url \"https://{TOKEN}@x/\"]\n"))])],
            vec!["--yes", "--max-attempts", "1"],
        ),
        (
            Row::new("new git hook", 1, "protected"),
            ci_log_with(""),
            "ci.log",
            vec![Reply::reply_edits("x", &[("pager/../.git/hooks/pre-commit", "", "#!/bin/sh\n")])],
            vec!["--yes", "--max-attempts", "1"],
        ),
        (
            Row::new("workflow edit", 1, "protected"),
            ci_log_with(""),
            "ci.log",
            vec![Reply::reply_edits("x", &[(".github/workflows/ci.yml", "", "on: push\n")])],
            vec!["--yes", "--max-attempts", "1"],
        ),
        (
            Row::new("edit through a committed symlink to .git", 1, "protected"),
            ci_log_with(""),
            "ci.log",
            vec![Reply::reply_edits("x", &[("gitdir/config", "[core]", "[core]\n\tfsmonitor = touch /tmp/pwned")])],
            vec!["--yes", "--max-attempts", "1"],
        ),
        (
            Row::new("absolute path and NUL", 1, "absolute"),
            ci_log_with(""),
            "ci.log",
            vec![Reply::reply_edits("x", &[("/etc/passwd", "", "x"), ("pager/a\u{0}b.py", "", "x")])],
            vec!["--yes", "--max-attempts", "1"],
        ),
        (
            Row::new("model 500s", 3, "500"),
            ci_log_with(""),
            "ci.log",
            (0..8).map(|_| Reply::error(500, &format!("upstream said {KEY}"), None)).collect(),
            vec!["--yes", "--max-attempts", "1"],
        ),
        (
            Row::new("401 echoing the key", 3, "401"),
            ci_log_with(""),
            "ci.log",
            vec![Reply::error(401, &format!("Incorrect API key provided: {KEY}"), Some("invalid_api_key"))],
            vec!["--yes", "--max-attempts", "1"],
        ),
        (
            Row::new("429 with Retry-After, then the fix (dry run)", 0, "dry run"),
            ci_log_with(""),
            "ci.log",
            vec![Reply::status(429).retry_after(1), right_fix("ceiling division")],
            vec!["--dry-run"],
        ),
        (
            Row::new("truncated body", 1, ""),
            ci_log_with(""),
            "ci.log",
            (0..8).map(|_| Reply::raw(200, "{\"id\":\"x\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"{\\\"diag")).collect(),
            vec!["--yes", "--max-attempts", "1"],
        ),
        (
            Row::new("max-attempts 0", 2, "max-attempts"),
            ci_log_with(""),
            "ci.log",
            vec![],
            vec!["--max-attempts", "0"],
        ),
        (
            Row::new("approve always with --yes", 2, "approve"),
            ci_log_with(""),
            "ci.log",
            vec![],
            vec!["--approve", "always", "--yes"],
        ),
        (
            Row::new("context-tokens 5", 2, "context-tokens"),
            ci_log_with(""),
            "ci.log",
            vec![],
            vec!["--context-tokens", "5"],
        ),
        (
            Row::new("allowed-paths bad glob", 2, "allowed-paths"),
            ci_log_with(""),
            "ci.log",
            vec![],
            vec!["--allowed-paths", "src/[a"],
        ),
    ];
    for (row, log, log_name, script, extra) in rows {
        let w = World::local();
        if row.name.contains("symlink to .git") {
            std::os::unix::fs::symlink(".git", w.t.repo().join("gitdir")).unwrap();
            git(&w.t.repo(), &["add", "gitdir"]);
            git(
                &w.t.repo(),
                &[
                    "-c",
                    "user.name=t",
                    "-c",
                    "user.email=t@t",
                    "commit",
                    "-qm",
                    "link",
                ],
            );
        }
        let before = snapshot(&w.t.repo());
        let fake = FakeOpenAi::start(script);
        let log = w.input(log_name, &log);
        let out = w.run_local(&fake, &log, &extra);
        check_row(&w, &row, &out, &fake, &before);
    }
}

#[test]
fn hostile_checkout_config_rows() {
    for (toml, reason) in [
        ("report = \".git/config\"\n", "report"),
        ("validation = \"vm\"\n", "validation"),
        ("max-attempts = [\n", "self-heal.toml"),
        ("github-token = \"stolen\"\nopenai-base-url = \"http://127.0.0.1:9/v1\"\nmax-attempts = \"x\"\n", "max-attempts"),
    ] {
        let mut w = World::local();
        w.report_flag = false;
        std::fs::create_dir_all(w.t.repo().join(".github")).unwrap();
        std::fs::write(w.t.repo().join(".github/self-heal.toml"), toml).unwrap();
        let before = snapshot(&w.t.repo());
        let fake = FakeOpenAi::start([right_fix("x")]);
        let log = w.input("ci.log", &ci_log_with(""));
        let out = w.run_local(&fake, &log, &["--yes"]);
        let row = Row::new(toml, 2, reason);
        check_row(&w, &row, &out, &fake, &before);
        assert_eq!(fake.request_count(), 0, "{toml}");
    }
}

#[test]
fn hostile_events_and_github_faults_in_actions() {
    // The happy path first: a PR is published, the token is in the job log, and every
    // channel (git's command lines, .git/config, outputs, summary) is checked.
    let w = World::actions();
    let github = w.github.as_ref().unwrap();
    let log = String::from_utf8(ci_log_with("")).unwrap();
    github.set_job_log(FAILED_JOB_ID, &log);
    let before = snapshot(&w.t.repo());
    let fake = FakeOpenAi::start([Reply::reply_edits(
        &format!("ceiling division; the log had {TOKEN}"),
        &[(FIX_PATH, FIX_SEARCH, FIX_REPLACE)],
    )]);
    let out = w.run_actions(&fake);
    let row = Row {
        publishes: true,
        ..Row::new("published PR with the token in the job log", 0, "")
    };
    check_row(&w, &row, &out, &fake, &before);
    assert_eq!(github.requests_to("create_pull").len(), 1, "{out:?}");
    assert!(
        out.stdout.contains("token=*** key=***"),
        "the failure line with the secrets is shown, masked: {out:?}"
    );
    let pr = github.requests_to("create_pull")[0].body.clone();
    for (i, f) in forbidden().iter().enumerate() {
        assert!(!pr.contains(f), "secret form {i} reached the PR body");
    }
    // What was pushed: the commit message and content, uncompressed by git itself.
    let pushed = git(
        &w.t.path("origin.git"),
        &["log", "--all", "-p", "--format=%H%n%B"],
    );
    for (i, f) in forbidden().iter().enumerate() {
        assert!(
            !pushed.contains(f),
            "secret form {i} reached the pushed commit"
        );
    }
    let argv = std::fs::read_to_string(w.t.path("git-argv.log")).unwrap_or_default();
    assert!(argv.contains("push"), "the recorder saw git's push: {argv}");

    // Malformed events and API faults: exit 2 or 3, nothing asked of the model.
    let cases: Vec<(&str, &str, i32, &str)> = vec![
        ("not JSON", "{not json {T}", 2, "not valid JSON"),
        ("an array", "[1,2,\"{T}\"]", 2, "not valid JSON"),
        (
            "workflow_run missing",
            "{\"action\":\"completed\",\"sender\":{\"login\":\"{T}\"}}",
            2,
            "workflow_run",
        ),
        (
            "run id a string",
            "{\"action\":\"completed\",\"workflow_run\":{\"id\":\"12; rm -rf /\"}}",
            2,
            "not valid JSON",
        ),
        ("5 MB of nesting", "", 2, "not valid JSON"),
    ];
    for (name, event, code, reason) in cases {
        let w = World::actions();
        let event = if event.is_empty() {
            "[".repeat(5_000_000)
        } else {
            event.to_string()
        };
        std::fs::write(w.event.as_ref().unwrap(), event.replace("{T}", TOKEN)).unwrap();
        let before = snapshot(&w.t.repo());
        let fake = FakeOpenAi::start([right_fix("x")]);
        let out = w.run_actions(&fake);
        check_row(&w, &Row::new(name, code, reason), &out, &fake, &before);
        assert_eq!(fake.request_count(), 0, "{name}");
    }
    for (name, route, status) in [
        ("jobs 500", "list_jobs", 500u16),
        ("run 404", "get_run", 404),
    ] {
        let w = World::actions();
        let github = w.github.as_ref().unwrap();
        for _ in 0..8 {
            github.inject(
                route,
                fake_github::Reply::json(
                    status,
                    json!({"message": format!("bad credentials {TOKEN}")}),
                ),
            );
        }
        let before = snapshot(&w.t.repo());
        let fake = FakeOpenAi::start([right_fix("x")]);
        let out = w.run_actions(&fake);
        check_row(&w, &Row::new(name, 3, ""), &out, &fake, &before);
        assert_eq!(fake.request_count(), 0, "{name}");
    }
}

/// Entries self-heal left in `tmp` for downloaded logs.
fn leftover_downloads(tmp: &Path) -> Vec<String> {
    std::fs::read_dir(tmp)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("self-heal-logs-") || n.starts_with("self-heal-dl-"))
                .collect()
        })
        .unwrap_or_default()
}

/// Issue 9 item 5: the remote logs are streamed to a private temporary
/// directory that is gone when the run ends, whether it repaired or failed.
#[test]
fn downloaded_logs_are_removed_after_a_repair_and_after_a_bad_archive() {
    let a = ActionsRun::new(true);
    let tmp = a.t.path("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let llm = FakeOpenAi::start([right_fix("ceiling division")]);
    let out = a
        .test(&llm)
        .env("TMPDIR", tmp.to_str().unwrap())
        .env("INPUT_DRY-RUN", "true")
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(llm.request_count() > 0, "the log was analysed: {out:?}");
    assert_eq!(
        leftover_downloads(&tmp),
        Vec::<String>::new(),
        "after a repair"
    );

    // No job log, and the run's archive is not a zip: a one-line error, nothing left.
    let a = ActionsRun::new(true);
    let tmp = a.t.path("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    a.github.inject("job_logs", fake_github::Reply::status(410));
    a.github
        .set_run_zip(b"PK\x03\x04 this is not really a zip archive".to_vec());
    let before = snapshot(&a.t.repo());
    let llm = FakeOpenAi::start([right_fix("x")]);
    let out = a.test(&llm).env("TMPDIR", tmp.to_str().unwrap()).run();
    assert_eq!(out.code, 3, "{out:?}");
    assert_eq!(llm.request_count(), 0, "nothing asked of the model");
    assert_eq!(
        leftover_downloads(&tmp),
        Vec::<String>::new(),
        "after an error"
    );
    assert_same_tree(&before, &snapshot(&a.t.repo()), "bad archive");
    assert!(!out.stderr.contains("panicked"), "{out:?}");
    let shown = out.stdout.replace(&format!("::add-mask::{TOKEN}"), "");
    assert!(
        !out.stderr.contains(TOKEN) && !shown.contains(TOKEN),
        "{out:?}"
    );
}
