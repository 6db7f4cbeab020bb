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
