//! `self-heal analyze` output of the real binary on the sample projects' real CI logs,
//! as golden snapshots (text and JSON).

use crate::support::harness::{sample_dir, Test};

fn analyze(sample: &str, json: bool) -> String {
    let log = sample_dir(sample).join("ci.log");
    let mut t = Test::new().args([
        "analyze",
        log.to_str().unwrap(),
        "--workdir",
        sample_dir(sample).to_str().unwrap(),
    ]);
    if json {
        t = t.arg("--json");
    }
    let out = t.run();
    assert_eq!(out.code, 0, "{out:?}");
    out.stdout
}

#[test]
fn text_output_of_every_python_sample() {
    for sample in [
        "py-assertion-error",
        "py-attribute-error",
        "py-import-error",
        "py-index-error",
        "py-logic-error",
        "py-missing-module",
        "py-name-error",
        "py-syntax-error",
        "py-type-error",
        "py-zero-division",
    ] {
        insta::assert_snapshot!(sample, analyze(sample, false));
    }
}

#[test]
fn json_output_has_the_contract_fields() {
    let text = analyze("py-name-error", true);
    let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    for field in ["language", "failures", "context", "job", "step", "command"] {
        assert!(v.get(field).is_some(), "missing {field}: {text}");
    }
    assert_eq!(v["language"], "python");
    assert_eq!(v["command"], "python -m pytest -q");
    let f = &v["failures"][0];
    assert_eq!(f["kind"], "test_failure");
    assert_eq!(f["tool"], "pytest");
    assert_eq!(f["test"], "tests/test_cart.py::test_cart_total");
    assert!(f["file"].is_string() && f["line"].is_u64(), "{f}");
    assert!(f["message"].as_str().unwrap().contains("NameError"), "{f}");
    insta::assert_snapshot!("py-name-error-json", text);
}

/// A FIFO would block `analyze` forever (nothing ever writes to it): it is
/// refused up front with a one-line reason, as is a device like /dev/zero.
#[test]
fn fifo_and_device_logs_are_refused_not_read() {
    let t = Test::new();
    let fifo = t.path("pipe.log");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    for p in [fifo.to_str().unwrap(), "/dev/zero"] {
        let out = Test::new().args(["analyze", p]).run();
        assert_ne!(out.code, 0, "{out:?}");
        assert!(out.stderr.contains("not a regular file"), "{out:?}");
        assert_eq!(out.stderr.trim().lines().count(), 1, "{out:?}");
    }
}

/// `-` streams standard input explicitly.
#[test]
fn dash_reads_the_log_from_stdin() {
    let log = std::fs::read_to_string(sample_dir("py-name-error").join("ci.log")).unwrap();
    let out = Test::new()
        .args(["analyze", "-", "--json"])
        .stdin(&log)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(
        v["failures"][0]["test"],
        "tests/test_cart.py::test_cart_total"
    );
}

/// Without --workdir, paths are relative to the project the log belongs to,
/// not to the current directory (run from the project's parent folder).
#[test]
fn paths_are_relative_to_the_project_from_a_parent_folder() {
    let parent = sample_dir("py-name-error").parent().unwrap().to_path_buf();
    let out = Test::new()
        .args(["analyze", "py-name-error/ci.log", "--json"])
        .current_dir(parent)
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(v["failures"][0]["file"], "cart/core.py", "{}", out.stdout);
    assert_eq!(
        v["failures"][0]["test"],
        "tests/test_cart.py::test_cart_total"
    );
}

/// The failures `analyze --json` reports for the Go, Rust, JavaScript/TypeScript
/// and Java samples (the excerpt is left out: it has its own tests).
#[test]
fn json_failures_of_every_other_ecosystem_sample() {
    for sample in [
        "go-build-error",
        "go-subtest-table",
        "go-wordfreq",
        "java-compile-error",
        "java-gradle-hop",
        "java-junit4",
        "java-junit5-hop",
        "js-jest-hop",
        "js-mocha",
        "js-node-spec",
        "js-node-test",
        "js-vitest",
        "rust-compile-error",
        "rust-integration-hop",
        "rust-panic",
        "ruby-minitest",
        "ruby-rspec-hop",
        "ts-type-error",
    ] {
        let v: serde_json::Value = serde_json::from_str(&analyze(sample, true)).expect("JSON");
        let summary = serde_json::json!({
            "language": v["language"],
            "command": v["command"],
            "failures": v["failures"],
        });
        insta::assert_snapshot!(
            format!("{sample}-failures"),
            serde_json::to_string_pretty(&summary).unwrap()
        );
    }
}
