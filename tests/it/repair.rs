//! The repair loop end to end: the real binary on a copy of each sample project, its
//! real CI log, a fake OpenAI-compatible server on 127.0.0.1, and real pytest runs.

use crate::support::context::{TestContext, KEY, TOKEN};
use crate::support::fake_openai::{FakeOpenAi, Reply};
use crate::support::harness::{sample_dir, snapshot_sources, Output, Test};
use self_heal::report::{AttemptSource, Status};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

struct Sample {
    name: String,
    expected: Value,
}

impl Sample {
    fn load(name: &str) -> Sample {
        let text =
            std::fs::read_to_string(sample_dir(name).join("expected.json")).expect("expected.json");
        Sample {
            name: name.to_string(),
            expected: serde_json::from_str(&text).expect("expected.json is JSON"),
        }
    }

    fn all() -> Vec<Sample> {
        let mut names: Vec<String> =
            std::fs::read_dir(crate::support::harness::manifest_dir().join("sample_projects"))
                .expect("sample_projects")
                .filter_map(|e| e.ok())
                .filter(|e| e.path().join("expected.json").is_file())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
        // The other ecosystems' samples (expected.json names one) are repaired by
        // the real toolchain in repair_ecosystems.rs; these are pytest's.
        names.retain(|n| {
            let e = Sample::load(n).expected;
            // The format and lint samples are fixed by their own tool (tests/it/recipes.rs);
            // the localization samples are repaired in tests/it/localization.rs.
            e["ecosystem"].as_str().is_none_or(|x| x == "python")
                && e["recipe_name"].is_null()
                && e["localization"].is_null()
        });
        names.sort();
        assert!(names.len() >= 10, "at least ten sample projects: {names:?}");
        names.iter().map(|n| Sample::load(n)).collect()
    }

    fn recipe(&self) -> bool {
        self.expected["recipe"].as_bool().unwrap_or(false)
    }

    /// (path, search, replace) of the expected fix.
    fn fix(&self) -> Vec<(String, String, String)> {
        self.expected["fix"]
            .as_array()
            .expect("fix")
            .iter()
            .map(|e| {
                (
                    e["path"].as_str().unwrap().to_string(),
                    e["search"].as_str().unwrap().to_string(),
                    e["replace"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    fn reply(&self, diagnosis: &str) -> Reply {
        let fix = self.fix();
        let edits: Vec<(&str, &str, &str)> = fix
            .iter()
            .map(|(p, s, r)| (p.as_str(), s.as_str(), r.as_str()))
            .collect();
        Reply::reply_edits(diagnosis, &edits).usage(900, 60)
    }

    fn failing_tests(&self) -> Vec<String> {
        self.expected["failing_tests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect()
    }
}

/// `self-heal run` on the sample's own CI log against the fake model.
fn run(t: &Test, fake: Option<&FakeOpenAi>, extra: &[&str]) -> Output {
    let log = t.repo().join("ci.log");
    let mut test = Test::new()
        .current_dir(t.repo())
        .args([
            "run",
            "--log",
            log.to_str().unwrap(),
            "--workdir",
            t.repo().to_str().unwrap(),
        ])
        .args(["--report", t.path("report.json").to_str().unwrap()])
        .args(extra.iter().copied());
    if let Some(fake) = fake {
        test = test
            .args(["--openai-base-url", &fake.base_url()])
            .env("OPENAI_API_KEY", KEY);
    }
    test.run()
}

/// The typed report a run wrote.
fn report(t: &Test, out: &Output) -> self_heal::report::Report {
    serde_json::from_value(out.report(&t.path("report.json"))).expect("report.json is a Report")
}

/// The tree after applying the expected fix by plain string replacement.
fn expected_tree(
    sample: &Sample,
    t: &Test,
) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    let mut tree = snapshot_sources(&t.repo());
    for (path, search, replace) in sample.fix() {
        let key = Path::new(&path).to_path_buf();
        let before = String::from_utf8(tree[&key].clone()).unwrap();
        assert_eq!(
            before.matches(&search).count(),
            1,
            "{}: expected fix must match once",
            sample.name
        );
        tree.insert(key, before.replacen(&search, &replace, 1).into_bytes());
    }
    tree
}

fn pytest_passes(dir: &Path) -> bool {
    Command::new("python3")
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .current_dir(dir)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("python3 -m pytest (run scripts/install-test-deps.sh)")
        .status
        .success()
}

#[test]
fn every_sample_is_fixed_by_the_right_edit_and_pytest_proves_it() {
    for sample in Sample::all() {
        let ctx = TestContext::new(&sample.name, [sample.reply("the root cause")]);
        assert!(
            !pytest_passes(&ctx.repo()),
            "{}: the sample must fail before",
            sample.name
        );
        let expected = expected_tree(&sample, &ctx.test);
        let run = ctx.run(&["--yes"]);
        let r = &run.report;
        assert_eq!(r.status, Status::Fixed, "{}: {run:?}", sample.name);
        assert_eq!(run.output.code, 0, "{}: {run:?}", sample.name);
        crate::support::harness::assert_same_tree(
            &expected,
            &snapshot_sources(&ctx.repo()),
            &sample.name,
        );
        assert!(
            pytest_passes(&ctx.repo()),
            "{}: pytest passes after the fix",
            sample.name
        );
        let attempt = r.attempts.last().expect("an attempt");
        assert!(attempt.validation.passed, "{}", sample.name);
        assert!(!r.patch.is_empty());
        if sample.recipe() {
            assert_eq!(
                attempt.source,
                AttemptSource::Recipe,
                "{}: recipes come before the model",
                sample.name
            );
            assert_eq!(
                ctx.model.request_count(),
                0,
                "{}: no model request for a recipe fix",
                sample.name
            );
            assert_eq!(r.llm.requests, 0);
        } else {
            assert_eq!(attempt.source, AttemptSource::Llm, "{}", sample.name);
            assert_eq!(
                ctx.model.request_count(),
                1,
                "{}: one request per attempt",
                sample.name
            );
            assert_eq!((r.llm.requests, r.llm.prompt_tokens), (1, 900));
            // What the model was sent: the failing test and the buggy line, as data.
            let sent = ctx.model.requests()[0].user_message();
            for test in sample.failing_tests() {
                let name = test.rsplit("::").next().unwrap();
                assert!(
                    sent.contains(name),
                    "{}: prompt names the failing test {name}",
                    sample.name
                );
            }
            let (path, search, _) = &sample.fix()[0];
            let buggy = search
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap()
                .trim();
            assert!(
                sent.contains(buggy),
                "{}: prompt holds the buggy line {buggy:?}",
                sample.name
            );
            assert!(
                sent.contains(path.as_str()),
                "{}: prompt names {path}",
                sample.name
            );
            assert!(!sent.contains(KEY), "the key never reaches the prompt");
        }
    }
}

#[test]
fn a_wrong_edit_then_the_right_one_takes_two_requests_and_the_second_sees_the_first_result() {
    for sample in Sample::all().into_iter().filter(|s| !s.recipe()) {
        let (path, search, _) = sample.fix()[0].clone();
        // A plausible but wrong edit: it applies, and the tests still fail.
        let wrong = Reply::reply_edits(
            "first guess",
            &[(
                path.as_str(),
                search.as_str(),
                &format!("{search}\n# self-heal wrong guess marker"),
            )],
        );
        let ctx = TestContext::new(&sample.name, [wrong, sample.reply("second guess")]);
        let run = ctx.run(&["--yes"]);
        let r = &run.report;
        assert_eq!(r.status, Status::Fixed, "{}: {run:?}", sample.name);
        assert_eq!(ctx.model.request_count(), 2, "{}", sample.name);
        let passed: Vec<bool> = r.attempts.iter().map(|a| a.validation.passed).collect();
        assert_eq!(passed, [false, true], "{}", sample.name);
        let second = ctx.model.requests()[1].user_message();
        assert!(
            second.contains("self-heal wrong guess marker"),
            "{}: retry shows the rejected edit",
            sample.name
        );
        // The first attempt's real pytest output is fed back.
        let evidence = r.attempts[0]
            .validation
            .output_tail
            .lines()
            .find(|l| l.contains("FAILED") || l.contains("Error"))
            .expect("pytest output");
        assert!(
            second.contains(evidence.trim()),
            "{}: retry carries {evidence:?}",
            sample.name
        );
        assert!(pytest_passes(&ctx.repo()));
    }
}

/// Failure cases on one model-only sample: the status, reason, attempts and exit code
/// as a snapshot, and the tree byte-for-byte as it was (including .git).
#[test]
fn bad_replies_and_api_errors_leave_the_tree_unchanged() {
    let sample = Sample::load("py-logic-error");
    let (path, _, replace) = sample.fix()[0].clone();
    let cases: Vec<(&str, Vec<Reply>)> = vec![
        (
            "garbage",
            vec![Reply::garbage("I think the bug is in the pager, good luck")],
        ),
        (
            "search-does-not-match",
            vec![Reply::reply_edits(
                "x",
                &[(
                    path.as_str(),
                    "this text is not in the file",
                    replace.as_str(),
                )],
            )],
        ),
        (
            "workflow-edit",
            vec![Reply::reply_edits(
                "x",
                &[(".github/workflows/x.yml", "", "on: push\n")],
            )],
        ),
        (
            "outside-the-repo",
            vec![Reply::reply_edits(
                "x",
                &[("../outside.py", "", "print('pwned')\n")],
            )],
        ),
        ("500-forever", (0..8).map(|_| Reply::status(500)).collect()),
        ("401", vec![Reply::status(401)]),
    ];
    for (name, script) in cases {
        let ctx = TestContext::new(&sample.name, script);
        let before = crate::support::harness::snapshot(&ctx.repo());
        let run = ctx.run(&["--yes", "--max-attempts", "1"]);
        crate::assert_run_snapshot!(format!("bad-reply-{name}"), run);
        assert!(!run.report.reason.contains('\n'), "{name}: one-line reason");
        let after = crate::support::harness::snapshot(&ctx.repo());
        crate::support::harness::assert_same_tree(&before, &after, name);
        assert!(!ctx.test.dir.path().join("outside.py").exists(), "{name}");
        assert!(
            !run.output.stdout.contains(KEY) && !run.output.stderr.contains(KEY),
            "{name}: key never printed"
        );
    }
}

#[test]
fn rate_limited_then_success_is_fixed_after_waiting() {
    let sample = Sample::load("py-assertion-error");
    let ctx = TestContext::new(
        &sample.name,
        [
            Reply::status(429).retry_after(1),
            sample.reply("fixed after 429"),
        ],
    );
    let run = ctx.run(&["--yes"]);
    assert_eq!(run.report.status, Status::Fixed, "{run:?}");
    assert_eq!(ctx.model.request_count(), 2, "the 429 was retried once");
    assert_eq!(
        run.report.llm.requests, 2,
        "every HTTP request sent, the retried one too (issue 12)"
    );
    assert!(pytest_passes(&ctx.repo()));
}

#[test]
fn dry_run_validates_and_reports_the_patch_but_changes_nothing() {
    let sample = Sample::load("py-index-error");
    let ctx = TestContext::new(&sample.name, [sample.reply("off by one")]);
    let before = crate::support::harness::snapshot(&ctx.repo());
    let run = ctx.run(&["--dry-run", "--yes"]);
    crate::assert_run_snapshot!("dry-run-py-index-error", run);
    let after = crate::support::harness::snapshot(&ctx.repo());
    let changed: Vec<_> = after
        .keys()
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert!(
        changed.iter().all(|p| p.starts_with(".self-heal")),
        "only self-heal's own state may change: {changed:?}"
    );
    assert!(!pytest_passes(&ctx.repo()), "the tree still fails");
}

/// The same loop on a failed run the fake GitHub serves (`--repo --run-id`): the log
/// is fetched with the token from the API, never sent to the log host, and never
/// reaches the report or the model.
#[test]
fn a_remote_run_repairs_the_failed_run_github_serves() {
    let sample = Sample::load("py-index-error");
    let ctx = TestContext::new(&sample.name, [sample.reply("off by one")]).with_github();
    let run = ctx.run_remote(&["--dry-run", "--yes"]);
    assert_eq!(run.report.status, Status::Proposed, "{run:?}");
    crate::assert_run_snapshot!("remote-dry-run-py-index-error", run);
    assert_eq!(
        run.github_routes(),
        REMOTE_ROUTES,
        "{:?}",
        run.github_requests
    );
    for request in &run.github_requests {
        let expected = (!request.route.starts_with("blob_")).then(|| format!("Bearer {TOKEN}"));
        assert_eq!(
            request.header("authorization"),
            expected.as_deref(),
            "{}",
            request.path
        );
    }
    assert_eq!(run.model_requests.len(), 1);
    let sent = run.model_requests[0].user_message();
    for test in sample.failing_tests() {
        assert!(
            sent.contains(&test),
            "the fetched log reached the model: {sent}"
        );
    }
    let report = serde_json::to_string(&run.report).unwrap();
    for request in &run.model_requests {
        assert!(!request.raw_body.contains(TOKEN), "token sent to the model");
    }
    assert!(!report.contains(TOKEN) && !run.output.stdout.contains(TOKEN));
    assert!(!run.output.stderr.contains(TOKEN));
}

/// What a remote run asks GitHub, in order: the run, its jobs, the failed job's log
/// (redirected to the log host), and the workflow's last green run on the branch.
const REMOTE_ROUTES: &[&str] = &[
    "get_run",
    "list_jobs",
    "job_logs",
    "blob_job",
    "workflow_runs",
];

#[test]
fn without_a_terminal_the_prompt_declines_and_the_fix_stays_pending() {
    let sample = Sample::load("py-type-error");
    let ctx = TestContext::new(&sample.name, [sample.reply("int + str")]);
    let before = snapshot_sources(&ctx.repo());
    let run = ctx.run(&[]);
    assert_eq!(run.report.status, Status::Proposed, "{run:?}");
    crate::assert_run_snapshot!("no-terminal-py-type-error", run);
    crate::support::harness::assert_same_tree(&before, &snapshot_sources(&ctx.repo()), "sources");
    let pending =
        std::fs::read_to_string(ctx.repo().join(".self-heal/pending.json")).expect("pending.json");
    assert!(pending.contains("str(amount)"), "{pending}");
    assert_eq!(
        std::fs::read_to_string(ctx.repo().join(".self-heal/.gitignore"))
            .unwrap()
            .trim(),
        "*"
    );
}

#[test]
fn without_a_model_and_without_a_recipe_the_reason_says_how_to_configure_one() {
    let t = Test::with_sample("py-logic-error");
    let before = snapshot_sources(&t.repo());
    let out = run(&t, None, &["--yes"]);
    let r = report(&t, &out);
    assert_eq!(r.status, Status::NotFixed, "{out:?}");
    assert_eq!(out.code, 1);
    let reason = r.reason.as_str();
    for hint in ["openai-api-key", "openai-base-url", "github-token"] {
        assert!(reason.contains(hint), "{reason}");
    }
    crate::support::harness::assert_same_tree(&before, &snapshot_sources(&t.repo()), "sources");
}

#[test]
fn a_recurring_failure_gets_the_earlier_fix_as_a_hint() {
    let sample = Sample::load("py-zero-division");
    let t = Test::with_sample(&sample.name);
    let fake = FakeOpenAi::start([
        sample.reply("guard the empty list MEMO-1"),
        sample.reply("again"),
    ]);
    // Declined (no terminal): proposed, kept pending, and remembered. A dry run
    // would remember nothing.
    let first = run(&t, Some(&fake), &[]);
    assert_eq!(report(&t, &first).status, Status::Proposed, "{first:?}");
    assert!(!fake.requests()[0].user_message().contains("MEMO-1"));
    let second = run(&t, Some(&fake), &["--dry-run", "--yes"]);
    assert_eq!(report(&t, &second).status, Status::Proposed, "{second:?}");
    let sent = fake.requests()[1].user_message();
    assert!(
        sent.contains("MEMO-1"),
        "the second request carries the remembered fix"
    );
}

#[test]
fn secrets_in_the_log_never_reach_the_model_or_the_output() {
    let sample = Sample::load("py-assertion-error");
    let t = Test::with_sample(&sample.name);
    let secret = "ghp_secretsecretsecret0123";
    let log = std::fs::read_to_string(t.repo().join("ci.log")).unwrap();
    let leaked = log.replacen(
        "##[endgroup]",
        &format!("  GITHUB_TOKEN: {secret}\n2026-11-28T00:00:00.0000000Z ##[endgroup]"),
        1,
    );
    std::fs::write(t.repo().join("ci.log"), leaked).unwrap();
    let fake = FakeOpenAi::start([sample.reply("greeting punctuation")]);
    let log_path = t.repo().join("ci.log");
    // The validation command is the model's code's playground: it dumps what it can see.
    let seen = t.path("seen-by-validation.txt");
    let test_command = format!("env > {} ; python -m pytest -q", seen.display());
    let out = Test::new()
        .current_dir(t.repo())
        .args(["run", "--log", log_path.to_str().unwrap(), "--yes"])
        .args(["--report", t.path("report.json").to_str().unwrap()])
        .args(["--openai-base-url", &fake.base_url()])
        .args(["--test-command", &test_command])
        .env("OPENAI_API_KEY", KEY)
        .env("GITHUB_TOKEN", secret)
        // A secret under a name with no marker word in it.
        .env("MY_COPY", format!("prefix-{secret}"))
        .run();
    assert_eq!(report(&t, &out).status, Status::Fixed, "{out:?}");
    for req in fake.requests() {
        let body = req.body.to_string();
        assert!(!body.contains(secret), "the GitHub token reached the model");
        assert!(!body.contains(KEY), "the key reached the prompt");
    }
    let env_seen = std::fs::read_to_string(&seen).expect("the validation command ran");
    assert!(env_seen.contains("PATH="), "{env_seen}");
    assert!(
        !env_seen.contains(secret) && !env_seen.contains(KEY),
        "a secret reached validation:\n{env_seen}"
    );
    let report_text = std::fs::read_to_string(t.path("report.json")).unwrap();
    assert!(
        !report_text.contains(secret)
            && !out.stdout.contains(secret)
            && !out.stderr.contains(secret)
    );
}

/// git and actions/checkout print the token as the base64 of `x-access-token:<token>`
/// (the basic-auth header); that form is a secret like the raw value.
#[test]
fn the_basic_auth_form_of_the_token_never_reaches_the_model_or_the_output() {
    let sample = Sample::load("py-assertion-error");
    let t = Test::with_sample(&sample.name);
    let secret = "ghs_basicAuthFormToken0123456789";
    let basic = self_heal::secrets::base64(format!("x-access-token:{secret}").as_bytes());
    let log = std::fs::read_to_string(t.repo().join("ci.log")).unwrap();
    // Next to the assertion, where the excerpt the model sees is taken from.
    let leaked = log.replacen(
        "E       AssertionError",
        &format!("E       AUTHORIZATION: basic {basic}\n2026-11-28T00:00:00.3098769Z E       AssertionError"),
        1,
    );
    assert_ne!(leaked, log);
    std::fs::write(t.repo().join("ci.log"), leaked).unwrap();
    let fake = FakeOpenAi::start([sample.reply("greeting punctuation")]);
    let out = Test::new()
        .current_dir(t.repo())
        .args(["run", "--log", t.repo().join("ci.log").to_str().unwrap()])
        .args([
            "--dry-run",
            "--report",
            t.path("report.json").to_str().unwrap(),
        ])
        .args(["--openai-base-url", &fake.base_url()])
        .env("OPENAI_API_KEY", KEY)
        .env("GITHUB_TOKEN", secret)
        .run();
    let requests = fake.requests();
    assert!(!requests.is_empty(), "the model was asked: {out:?}");
    for req in requests {
        let body = req.body.to_string();
        assert!(
            body.contains("AUTHORIZATION: basic"),
            "the line was in the excerpt"
        );
        assert!(
            !body.contains(&basic),
            "the basic-auth token reached the model"
        );
    }
    let report_text = std::fs::read_to_string(t.path("report.json")).unwrap();
    assert!(!report_text.contains(&basic), "in report.json");
    assert!(!out.stdout.contains(&basic) && !out.stderr.contains(&basic));
}

/// A dummy key for a local server (`test`) is no secret: masking it would turn the
/// failing command `pytest` into `py***` in the prompt and the report.
#[test]
fn a_dummy_key_does_not_mask_ordinary_words() {
    let sample = Sample::load("py-assertion-error");
    let t = Test::with_sample(&sample.name);
    let fake = FakeOpenAi::start([sample.reply("greeting punctuation")]);
    let out = Test::new()
        .current_dir(t.repo())
        .args(["run", "--log", t.repo().join("ci.log").to_str().unwrap()])
        .args([
            "--dry-run",
            "--report",
            t.path("report.json").to_str().unwrap(),
        ])
        .args(["--openai-base-url", &fake.base_url()])
        .env("OPENAI_API_KEY", "test")
        .run();
    assert_eq!(report(&t, &out).status, Status::Proposed, "{out:?}");
    let requests = fake.requests();
    assert!(!requests.is_empty(), "{out:?}");
    let user = requests[0].user_message();
    assert!(user.contains("test_greeting"), "{user}");
    assert!(!user.contains("***"), "{user}");
    let report_text = std::fs::read_to_string(t.path("report.json")).unwrap();
    assert!(report_text.contains("pytest"), "{report_text}");
    assert!(!report_text.contains("***"), "{report_text}");
}

/// A log that points at a credential file: the model is not shown it (what the
/// fake server received says so) and its edit of it is refused, tree unchanged.
#[test]
fn a_credential_file_named_by_the_log_is_neither_shown_nor_edited() {
    let sample = Sample::load("py-assertion-error");
    let t = Test::with_sample(&sample.name);
    for (name, text) in [
        (
            ".git-credentials",
            "https://x-access-token:CREDSECRET@github.com\n",
        ),
        (".htpasswd", "admin:$apr1$CREDSECRET\n"),
    ] {
        std::fs::write(t.repo().join(name), text).unwrap();
    }
    let log = std::fs::read_to_string(t.repo().join("ci.log")).unwrap();
    let pointed = log.replace(
        "tests/test_core.py:5: AssertionError",
        ".git-credentials:1: AssertionError\n2026-11-28T00:00:00.3962968Z .htpasswd:1: AssertionError",
    );
    assert_ne!(pointed, log);
    std::fs::write(t.repo().join("ci.log"), pointed).unwrap();
    let before = snapshot_sources(&t.repo());
    let fake = FakeOpenAi::start([
        Reply::reply_edits("rotate", &[(".git-credentials", "https", "x")]),
        Reply::reply_edits("rotate", &[(".htpasswd", "admin", "x")]),
    ]);
    let out = run(&t, Some(&fake), &["--yes", "--max-attempts", "2"]);
    let requests = fake.requests();
    assert!(!requests.is_empty(), "{out:?}");
    for req in &requests {
        assert!(
            !req.body.to_string().contains("CREDSECRET"),
            "a credential file was shown to the model"
        );
    }
    assert_ne!(report(&t, &out).status, Status::Fixed, "{out:?}");
    assert_eq!(snapshot_sources(&t.repo()), before, "the tree changed");
}

#[test]
fn demo_fixes_its_embedded_sample_without_any_key() {
    let out = Test::new().args(["demo"]).run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("status: fixed"), "{}", out.stdout);
    // Its samples have no history: no "Not compared with an earlier commit" noise.
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(!all.contains("Not compared"), "{all}");
    assert!(
        out.stdout.contains("subtotal"),
        "the diff shows the fix: {}",
        out.stdout
    );
    assert!(
        out.stdout.contains("needs a model"),
        "the model sample is skipped and says why"
    );
    // The Go sample, proven by the real `go build` (install-test-deps puts go on PATH).
    let go = out
        .stdout
        .split("== go-undefined")
        .nth(1)
        .unwrap_or_else(|| panic!("{}", out.stdout));
    let go = go.split("\n== ").next().unwrap();
    assert!(go.contains("ran: go build ./..."), "{go}");
    assert!(go.contains("+\treturn total / float64"), "{go}");
    assert!(
        go.contains("status: fixed (deterministic fix (go-undefined) validated"),
        "{go}"
    );
}

#[test]
fn demo_with_a_model_also_repairs_the_model_sample() {
    let logic = Sample::load("py-logic-error");
    let fake = FakeOpenAi::start([logic.reply("page count rounds down")]);
    let out = Test::new()
        .args(["demo", "--openai-base-url", &fake.base_url()])
        .env("OPENAI_API_KEY", KEY)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stdout.matches("status: fixed").count(),
        3,
        "{}",
        out.stdout
    );
    assert_eq!(fake.request_count(), 1);
}

#[test]
fn corrupt_and_hostile_zips_are_clear_errors() {
    let t = Test::with_sample("py-logic-error");
    let before = snapshot_sources(&t.repo());
    std::fs::write(t.path("logs.zip"), b"PK\x03\x04 this is not really a zip").unwrap();
    let out = Test::new()
        .current_dir(t.repo())
        .args([
            "run",
            "--log",
            t.path("logs.zip").to_str().unwrap(),
            "--yes",
        ])
        .args(["--report", t.path("report.json").to_str().unwrap()])
        .run();
    assert_eq!(out.code, 3, "{out:?}");
    let r = report(&t, &out);
    assert_eq!(r.status, Status::Error);
    assert!(r.reason.as_str().contains("zip"), "{}", r.reason);
    crate::support::harness::assert_same_tree(&before, &snapshot_sources(&t.repo()), "sources");

    // A zip whose entry climbs out of the extraction root.
    let file = std::fs::File::create(t.path("evil.zip")).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    zip.start_file("../../evil.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    std::io::Write::write_all(&mut zip, b"FAILED tests/x.py::y - boom").unwrap();
    zip.finish().unwrap();
    let out = Test::new()
        .current_dir(t.repo())
        .args(["analyze", t.path("evil.zip").to_str().unwrap()])
        .run();
    assert_ne!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("unsafe path"), "{out:?}");
    assert_eq!(out.stderr.trim().lines().count(), 1, "{out:?}");
}

#[test]
fn self_heal_state_never_shows_up_in_git_status() {
    let t = Test::with_sample("py-logic-error");
    let repo = t.repo();
    let out = Test::new()
        .current_dir(repo.clone())
        .args(["run", "--log", "ci.log", "--yes"])
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        repo.join(".self-heal/report.json").is_file(),
        "default report path"
    );
    let status = crate::support::harness::git(&repo, &["status", "--porcelain"]);
    assert_eq!(
        status, "",
        "the checkout stays clean: .self-heal/ ignores itself"
    );
}
