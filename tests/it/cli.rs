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
