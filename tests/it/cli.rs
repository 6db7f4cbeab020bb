//! Command-line behaviour of the real binary: usage errors, config errors.

use crate::support::harness::Test;

#[test]
fn bad_setting_is_a_one_line_usage_error() {
    let t = Test::new();
    let out = t
        .args(["run", "--max-attempts", "zero", "--log", "x.log"])
        .run();
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(out.stderr.trim().lines().count(), 1, "{out:?}");
    assert!(out.stderr.contains("max-attempts"), "{out:?}");
}

#[test]
fn bad_action_input_with_dash_is_reported_with_its_variable() {
    let t = Test::new();
    let out = t
        .args(["run", "--log", "x.log"])
        .env("INPUT_DRY-RUN", "perhaps")
        .run();
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("INPUT_DRY-RUN"), "{out:?}");
}

#[test]
fn run_without_logs_or_run_id_explains_what_is_missing() {
    let t = Test::new();
    let out = t.args(["run"]).run();
    assert_ne!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("--log") || out.stderr.contains("--log"),
        "{out:?}"
    );
}

#[test]
fn a_missing_log_is_a_usage_error() {
    let out = Test::new().args(["run", "--log", "nope.log"]).run();
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("nope.log"), "{out:?}");
}

#[test]
fn settings_that_make_no_sense_in_actions_are_usage_errors() {
    let t = Test::new();
    std::fs::write(
        t.path("ci.log"),
        "FAILED tests/test_x.py::test_y - assert 1 == 2\n",
    )
    .unwrap();
    // Nobody can click a page on the runner.
    let out = Test::new()
        .args(["run", "--log", "x.log"])
        .env("GITHUB_ACTIONS", "true")
        .env("INPUT_APPROVE", "web")
        .run();
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("approve"), "{out:?}");
    // Local logs cannot be published as a PR: there is no run to attach it to.
    let out = t
        .args(["run", "--log", "ci.log"])
        .env("GITHUB_ACTIONS", "true")
        .run();
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("publish"), "{out:?}");
}

#[test]
fn the_checkout_config_cannot_approve_or_redirect_the_key() {
    let t = Test::with_sample("py-logic-error");
    let repo = t.repo();
    std::fs::create_dir_all(repo.join(".github")).unwrap();
    std::fs::write(
        repo.join(".github/self-heal.toml"),
        "yes = true\nopenai-base-url = \"http://127.0.0.1:9/v1\"\n",
    )
    .unwrap();
    // No key and no model URL from the file: not_fixed with the "configure a model" reason,
    // and `yes` from the file is not an approval.
    let out = Test::new()
        .current_dir(repo.clone())
        .args(["run", "--log", "ci.log"])
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains("no model configured"), "{}", out.stdout);
}

fn help(args: &[&str]) -> String {
    let out = Test::new().args(args).arg("--help").run();
    assert_eq!(out.code, 0, "{out:?}");
    out.stdout
}

#[test]
fn each_command_lists_only_its_own_flags() {
    for (name, args) in [
        ("help-run", &["run"][..]),
        ("help-check", &["check"]),
        ("help-analyze", &["analyze"]),
        ("help-approve-ui", &["approve-ui"]),
        ("help-demo", &["demo"]),
    ] {
        insta::assert_snapshot!(name, help(args));
    }
    let demo = help(&["demo"]);
    for flag in [
        "--run-id",
        "--publish",
        "--pr-token",
        "--log ",
        "--yes",
        "--report",
    ] {
        assert!(!demo.contains(flag), "demo --help lists {flag}:\n{demo}");
    }
    let run = help(&["run"]);
    for flag in ["--run-id", "--publish", "--pr-token", "--log ", "--yes"] {
        assert!(run.contains(flag), "run --help lacks {flag}:\n{run}");
    }
    // `check` is the pre-flight of a run: the same flags.
    assert_eq!(
        help(&["check"])
            .split_once("Options:")
            .map(|(_, o)| o.to_string()),
        run.split_once("Options:").map(|(_, o)| o.to_string())
    );
}

#[test]
fn every_positional_argument_is_described() {
    let analyze = help(&["analyze"]);
    let args = analyze
        .split_once("Arguments:")
        .and_then(|(_, rest)| rest.split("\n\n").next())
        .unwrap_or_else(|| panic!("no Arguments section:\n{analyze}"));
    for line in args.lines().filter(|l| !l.trim().is_empty()) {
        let (_, description) = line.trim().split_once("  ").unwrap_or(("", ""));
        assert!(!description.trim().is_empty(), "undescribed: {line:?}");
    }
}

#[test]
fn plain_run_names_the_missing_log_once() {
    let out = Test::new().args(["run"]).run();
    assert_eq!(out.code, 2, "{out:?}");
    insta::assert_snapshot!("plain-run-error", out.stderr);
    assert_eq!(out.stderr.matches("--log").count(), 1, "{}", out.stderr);
}

#[test]
fn ignored_keys_of_the_checkout_config_are_warned_about_by_name() {
    let t = Test::with_sample("py-logic-error");
    let repo = t.repo();
    std::fs::create_dir_all(repo.join(".github")).unwrap();
    std::fs::write(
        repo.join(".github/self-heal.toml"),
        "openai_api_key = \"sk-from-the-checkout-1234\"\nmax_atempts = 2\nopenai-base-url = \"http://127.0.0.1:9/v1\"\nmax-attempts = 1\n",
    )
    .unwrap();
    let out = Test::new()
        .current_dir(repo.clone())
        .args(["run", "--log", "ci.log", "--dry-run"])
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    let warnings: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("self-heal: warning: .github/self-heal.toml"))
        .collect();
    insta::assert_snapshot!("ignored-config-keys", warnings.join("\n"));
    assert!(
        !out.stderr.contains("sk-from-the-checkout"),
        "{}",
        out.stderr
    );
    // The same keys are WARN lines of `check`, which still passes on them.
    let check = Test::new()
        .current_dir(repo)
        .args(["check", "--log", "ci.log"])
        .run();
    let warn: Vec<&str> = check
        .stdout
        .lines()
        .filter(|l| l.starts_with("WARN config: "))
        .collect();
    assert_eq!(warn.len(), 3, "{check:?}");
    assert!(
        warn[0].contains("`max_atempts` is ignored: not a self-heal setting"),
        "{warn:?}"
    );
}

/// A PATH with sh, bash, git and a Python that has no pytest (a venv without pip).
fn path_without_pytest(t: &Test) -> String {
    let bin = t.path("tools");
    std::fs::create_dir_all(&bin).unwrap();
    for tool in ["bash", "sh", "git"] {
        let found = which::which(tool).unwrap_or_else(|_| panic!("{tool} on PATH"));
        std::os::unix::fs::symlink(found, bin.join(tool)).unwrap();
    }
    // The interpreter itself, not a shim (pyenv's shims are scripts that need more).
    let real = std::process::Command::new("python3")
        .args([
            "-c",
            "import os, sys; print(os.path.realpath(sys.executable))",
        ])
        .output()
        .expect("python3");
    let venv = t.path("venv");
    let made = std::process::Command::new(String::from_utf8_lossy(&real.stdout).trim())
        .args(["-m", "venv", "--without-pip"])
        .arg(&venv)
        .status()
        .expect("python3 -m venv");
    assert!(made.success());
    format!("{}:{}", venv.join("bin").display(), bin.display())
}

#[test]
fn demo_without_pytest_names_the_cause_and_no_path_it_deletes() {
    let t = Test::new();
    let out = Test::new()
        .args(["demo"])
        .env("PATH", path_without_pytest(&t))
        .run();
    assert_ne!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .contains("the Python module `pytest` is not installed on this machine"),
        "{out:?}"
    );
    // No go on this PATH either: the Go sample says so instead of failing.
    assert!(
        out.stdout
            .contains("== go-undefined: skipped (needs go on PATH)"),
        "{out:?}"
    );
    for wrong in ["no model configured", "validation failed"] {
        assert!(!out.stdout.contains(wrong), "{wrong:?}: {}", out.stdout);
    }
    // Every temp dir of the demo is gone: none of them may be printed.
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(!all.contains("self-heal-demo-"), "{all}");
    assert!(!all.contains("report: "), "{all}");
    assert!(all.contains("SELF_HEAL_DEMO_KEEP=1 keeps them"), "{all}");
}

#[test]
fn a_kept_demo_shows_its_dir_and_report() {
    let out = Test::new()
        .args(["demo"])
        .env("SELF_HEAL_DEMO_KEEP", "1")
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    let kept: Vec<&str> = out
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("kept "))
        .collect();
    let reports: Vec<&str> = out
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("report: "))
        .collect();
    // One per sample that ran: the Python and the Go recipe samples.
    assert_eq!(kept.len(), 2, "{}", out.stdout);
    assert_eq!(reports.len(), kept.len(), "{}", out.stdout);
    for (report, kept) in reports.iter().zip(&kept) {
        assert!(report.starts_with(kept), "{report} in {kept}");
        assert!(std::path::Path::new(report).is_file(), "{report}");
    }
    for dir in kept {
        std::fs::remove_dir_all(dir).unwrap();
    }
}

/// `run --log ci.log --dry-run` on the `py-name-error` sample (fixed by a recipe).
fn dry_run_of_the_name_error(t: &Test, extra: &[&str]) -> crate::support::harness::Output {
    Test::new()
        .current_dir(t.repo())
        .args(["run", "--log", "ci.log", "--dry-run", "--yes"])
        .args(["--report", t.path("report.json").to_str().unwrap()])
        .args(extra)
        .run()
}

#[test]
fn without_a_terminal_a_slow_command_gets_a_line_at_least_every_ten_seconds() {
    let t = Test::with_sample("py-name-error");
    let out = dry_run_of_the_name_error(
        &t,
        &[
            "--test-command",
            "echo suite-started; sleep 12; python3 -m pytest -q",
        ],
    );
    assert_eq!(out.code, 0, "{out:?}");
    let running: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.contains("(running "))
        .collect();
    assert!(!running.is_empty(), "no periodic line:\n{}", out.stderr);
    assert!(
        running[0].starts_with("self-heal: attempt 1: recipe ")
            && running[0].ends_with("; last output: suite-started)"),
        "{running:?}"
    );
    assert!(!out.stderr.contains('\x1b'), "{:?}", out.stderr);
}

/// Issue 20, item 10: while the model's edit is validated (the suite may run for
/// minutes), the periodic line names the validation, not the model.
#[test]
fn while_the_models_edit_is_validated_the_line_says_so_not_asking_the_model() {
    let llm = crate::support::fake_openai::FakeOpenAi::start([crate::style::logic_fix()]);
    let t = Test::with_sample("py-logic-error");
    let out = Test::new()
        .current_dir(t.repo())
        .args(["run", "--log", "ci.log", "--dry-run", "--yes"])
        .args(["--report", t.path("report.json").to_str().unwrap()])
        .args(["--openai-base-url", &llm.base_url()])
        .args([
            "--test-command",
            "echo suite-started; sleep 12; python3 -m pytest -q",
        ])
        .env("OPENAI_API_KEY", "sk-progress-test-123456")
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(llm.request_count(), 1);
    let lines: Vec<&str> = out.stderr.lines().collect();
    let asking = lines
        .iter()
        // The model and its timeout follow the count (model_limits.rs checks them).
        .position(|l| {
            l.starts_with("self-heal: attempt 1: asking the model (model attempt 1 of 3; ")
        });
    let validating = lines.iter().position(|l| {
        *l == "self-heal: attempt 1: validating the model's edit (model attempt 1 of 3)"
    });
    assert!(
        matches!((asking, validating), (Some(a), Some(v)) if a < v),
        "the step's two phases in order:\n{}",
        out.stderr
    );
    let running: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.contains("(running "))
        .collect();
    assert!(!running.is_empty(), "no periodic line:\n{}", out.stderr);
    for l in &running {
        assert!(
            l.starts_with("self-heal: attempt 1: validating the model's edit (model attempt 1 of 3) (running "),
            "{running:?}"
        );
    }
    assert!(
        running
            .iter()
            .any(|l| l.ends_with("; last output: suite-started)")),
        "{running:?}"
    );
}

#[test]
fn in_actions_each_attempt_is_a_group_with_the_commands_output() {
    let t = Test::with_sample("py-name-error");
    let out = Test::new()
        .current_dir(t.repo())
        .args(["run", "--log", "ci.log", "--dry-run", "--publish", "none"])
        .args(["--report", t.path("report.json").to_str().unwrap()])
        .env("GITHUB_ACTIONS", "true")
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    let groups: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("::group::"))
        .collect();
    assert_eq!(
        groups,
        [
            "::group::self-heal: reproducing the failure in a sandbox",
            "::group::self-heal: attempt 1: recipe python-did-you-mean"
        ],
        "{}",
        out.stdout
    );
    // Each group: stop-commands (the output is the project's), the output, resume, end.
    for block in out.stdout.split("::group::").skip(1) {
        let lines: Vec<&str> = block.lines().collect();
        let token = lines[1]
            .strip_prefix("::stop-commands::")
            .unwrap_or_else(|| panic!("{block}"));
        let end = lines
            .iter()
            .position(|l| *l == "::endgroup::")
            .unwrap_or_else(|| panic!("unclosed group:\n{block}"));
        assert_eq!(lines[end - 1], format!("::{token}::"), "{block}");
        assert!(
            lines[2..end - 1]
                .iter()
                .any(|l| l.contains(" in ") && (l.contains("passed") || l.contains("failed"))),
            "the pytest output is streamed into the group:\n{block}"
        );
    }
    assert_eq!(
        out.stdout.matches("::endgroup::").count(),
        2,
        "{}",
        out.stdout
    );
}

#[test]
fn on_a_terminal_a_live_line_shows_the_step_its_time_and_the_latest_output() {
    // `script` gives the binary a pseudo-terminal as stderr, as a user's shell does.
    let t = Test::with_sample("py-name-error");
    let bin = env!("CARGO_BIN_EXE_self-heal");
    let report = t.path("report.json");
    let cmd = format!(
        "{bin} run --log ci.log --dry-run --yes --report {} --test-command \
         'echo suite-started; sleep 2; python3 -m pytest -q'",
        report.display()
    );
    let out = std::process::Command::new("script")
        .args(["-qefc", &cmd, "/dev/null"])
        .current_dir(t.repo())
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("CI")
        .output()
        .expect("script (util-linux)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    // indicatif redraws the line in place: a frame is the text after a carriage return.
    let live = text
        .split(['\r', '\n'])
        .find(|frame| {
            frame.contains("attempt 1: recipe python-did-you-mean [")
                && frame.contains("] suite-started")
        })
        .unwrap_or_else(|| panic!("no live line with step, time and output:\n{text:?}"));
    assert!(live.contains("s] "), "elapsed time: {live:?}");
    // NO_COLOR holds on a terminal too: the spinner and the output are not coloured.
    assert!(
        !text.contains("\x1b[36m") && !text.contains("\x1b[2m"),
        "{text:?}"
    );
}
