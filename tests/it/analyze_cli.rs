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

/// The failures `analyze --json` reports for the Go, Rust, JavaScript/TypeScript
/// and Java samples (the excerpt is left out: it has its own tests).
#[test]
fn json_failures_of_every_other_ecosystem_sample() {
    for sample in [
        "go-build-error",
        "go-subtest-table",
        "go-wordfreq",
        "java-compile-error",
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
