//! Compiler/linter parsers against reviewdog/errorformat's fixtures (`TOOL.in` → `TOOL.ok`),
//! and hostile input for every parser of ours.

use crate::go_test::fixtures_dir;
use proptest::prelude::*;
use self_heal::analyze::diagnostics::eval::{diagnostics_fixtures, parse_all, ToolScore};
use self_heal::analyze::{diagnostics, FailureKind};
use self_heal::lang::go::log as go;
use self_heal::lang::rust::log as rust;

fn scores() -> Vec<(String, ToolScore)> {
    let dir = fixtures_dir().join("compiler-diagnostics");
    diagnostics_fixtures(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
}

#[test]
fn diagnostics_file_line_accuracy_per_tool() {
    let scores = scores();
    let mut total = ToolScore::default();
    for (tool, s) in &scores {
        eprintln!(
            "{tool:15} expected {:3} (+{} without file) found {:3} file:line {:3} message {:3} column {:3}/{:3}",
            s.expected, s.unlocated, s.found, s.location_ok, s.message_ok, s.column_ok, s.column_expected
        );
        total.column_expected += s.column_expected;
        total.column_ok += s.column_ok;
        total.expected += s.expected;
        total.location_ok += s.location_ok;
        total.message_ok += s.message_ok;
        // Every tool must be understood at all, not only carried by the big ones.
        assert!(
            s.expected == 0 || s.location_ok > 0,
            "{tool}: nothing located"
        );
    }
    let tools: Vec<&str> = scores.iter().map(|(t, _)| t.as_str()).collect();
    for t in [
        "cargo-check",
        "clippy",
        "tsc",
        "eslint",
        "eslint-compact",
        "mypy",
        "flake8",
        "pep8",
        "black",
        "isort",
        "govet",
        "golangci-lint",
        "dotnet",
        "msbuild",
    ] {
        assert!(tools.contains(&t), "fixture {t} missing: {tools:?}");
    }
    let loc = total.location_ok as f64 / total.expected as f64;
    let msg = total.message_ok as f64 / total.expected as f64;
    eprintln!(
        "overall: {} diagnostics, file:line {loc:.3}, message {msg:.3}",
        total.expected
    );
    assert!(
        total.expected > 80,
        "the .ok files hold ~90 located diagnostics"
    );
    assert!(loc >= 0.95, "file:line right for {loc:.3}");
    assert!(msg >= 0.90, "message right for {msg:.3}");
    let col = total.column_ok as f64 / total.column_expected as f64;
    eprintln!("columns: {} given, {col:.3} right", total.column_expected);
    assert!(total.column_expected > 60, "most .ok lines give a column");
    assert!(col >= 0.95, "file:line:col right for {col:.3}");
}

#[test]
fn diagnostics_report_each_finding_once() {
    // The three parsers split the work by file type, so their union has no duplicates.
    for (tool, s) in scores() {
        assert!(
            s.found <= s.expected + s.unlocated,
            "{tool}: {} found for {} expected",
            s.found,
            s.expected + s.unlocated
        );
    }
}

#[test]
fn diagnostics_kinds_and_tools() {
    let dir = fixtures_dir().join("compiler-diagnostics");
    let read = |t: &str| std::fs::read_to_string(dir.join(format!("{t}.in"))).expect("fixture");
    let cases = [
        ("tsc", "tsc", FailureKind::CompileError),
        ("eslint", "eslint", FailureKind::Lint),
        ("flake8", "flake8", FailureKind::Lint),
        ("isort", "isort", FailureKind::Format),
        ("golangci-lint", "golangci-lint", FailureKind::Lint),
        ("govet", "go vet", FailureKind::Lint),
        ("cargo-check", "rustc", FailureKind::Lint),
        ("dotnet", "dotnet", FailureKind::Lint),
    ];
    for (fixture, tool, kind) in cases {
        let f = parse_all(&read(fixture));
        assert!(!f.is_empty(), "{fixture}");
        let first = &f[0];
        assert_eq!(
            (first.tool.as_str(), first.kind),
            (tool, kind),
            "{fixture}: {first:?}"
        );
    }
    let black = parse_all(&read("black"));
    assert!(black.iter().any(|f| f.kind == FailureKind::Format
        && f.file
            .as_deref()
            .is_some_and(|p| p.ends_with("num_guess.py"))));
}

fn all_parsers(s: &str) -> usize {
    go::parse(s).len() + rust::parse(s).len() + diagnostics::parse(s).len()
}

/// Lines that look like what the parsers look for, to mix into random input.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("=== RUN   TestA\n".to_string()),
        Just("--- FAIL: TestA (0.00s)\n".to_string()),
        Just("FAIL\tex/m\t0.1s\n".to_string()),
        Just("panic: boom\n".to_string()),
        Just("# ex/m [ex/m.test]\n".to_string()),
        Just("\tx_test.go:1: \n".to_string()),
        Just("{\"Action\":\"output\",\"Package\":\"p\",\"Output\":\"--- FAIL: T\"}\n".to_string()),
        Just("thread 'a' panicked at 'x\n".to_string()),
        Just("thread 'a' panicked at src/a.rs:1:1:\n".to_string()),
        Just("error[E0001]: x\n  --> src/a.rs:1:1\n".to_string()),
        Just("test a ... FAILED\n".to_string()),
        Just("test result: FAILED.\n".to_string()),
        Just("a.ts(1,2): error TS1: x\n  more\n".to_string()),
        Just("/p/x.js\n  1:2  error  m  r\n".to_string()),
        Just("a.py:1:2: E1 m\n".to_string()),
        Just("a.py:1: note: n\n".to_string()),
        Just("Diff in a.rs:1:\n".to_string()),
        "[ -~\t]{0,80}\n",
        ".{0,40}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn parsers_never_panic_on_arbitrary_text(s in "\\PC{0,2000}") {
        let _ = all_parsers(&s);
    }

    #[test]
    fn parsers_never_panic_on_log_like_text(parts in proptest::collection::vec(fragment(), 0..60)) {
        let text = parts.concat();
        let _ = all_parsers(&text);
    }

    #[test]
    fn parsers_never_panic_on_lossy_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..4000)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = all_parsers(&text);
    }
}

#[test]
fn huge_single_line_is_handled() {
    // 20 MB without a newline, shaped like each parser's favourite prefix.
    for prefix in [
        "--- FAIL: ",
        "thread 'a' panicked at '",
        "a.ts(1,2): error TS1: ",
        "x.go:1: ",
        "a.py:1:2: E1 ",
        "    ",
    ] {
        let mut s = String::with_capacity(20 << 20);
        s.push_str(prefix);
        while s.len() < 20 << 20 {
            s.push_str("ab(c): d.go:1 ");
        }
        let f = parse_all(&s);
        assert!(
            f.iter().all(|f| f.message.len() <= 600),
            "messages are clipped"
        );
    }
}

#[test]
fn a_million_identical_failures_are_capped() {
    let text = "main.go:1:1: x (errcheck)\n".repeat(1_000_000);
    let f = go::parse(&text);
    assert!(!f.is_empty() && f.len() <= 10_000, "{}", f.len());
    let text = "test a::b ... FAILED\n".repeat(200_000);
    let f = rust::parse(&text);
    assert_eq!(f.len(), 1, "a repeated test name is one failure");
}

#[test]
fn many_distinct_failures_stay_linear() {
    // Pairing tests with panics and parents with subtests must not compare every pair:
    // 40k distinct names would take minutes if it did.
    let mut rust_log = String::new();
    let mut go_log = String::new();
    for i in 0..40_000 {
        rust_log.push_str(&format!("test t{i} ... FAILED\n"));
        go_log.push_str(&format!("--- FAIL: TestX/sub{i} (0.00s)\n"));
    }
    for i in 0..40_000 {
        rust_log.push_str(&format!(
            "---- t{i} stdout ----\nthread 't{i}' panicked at src/a.rs:{}:1:\nboom\n",
            i + 1
        ));
    }
    rust_log.push_str("test result: FAILED.\n");
    go_log.push_str("FAIL\tex/m\t0.1s\n");
    let r = rust::parse(&rust_log);
    assert_eq!(r.len(), 10_000, "capped at the failure limit");
    assert_eq!(r[9_999].line, Some(10_000), "each test keeps its own panic");
    let g = go::parse(&go_log);
    assert_eq!(g.len(), 10_000);
}

/// Runs `cargo <args>` in `dir` and returns stdout and stderr together, as a CI log shows them.
fn cargo_output(dir: &std::path::Path, args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let mut s = String::from_utf8_lossy(&out.stderr).into_owned();
    s.push_str(&String::from_utf8_lossy(&out.stdout));
    s
}

fn write_crate(dir: &std::path::Path, lib: &str) {
    std::fs::create_dir_all(dir.join("src")).expect("mkdir");
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"sample\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    )
    .expect("write manifest");
    std::fs::write(dir.join("src/lib.rs"), lib).expect("write lib");
}

#[test]
fn rust_parser_reads_real_cargo_test_output() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let lib = "pub fn add(a: i32, b: i32) -> i32 {\n    a - b\n}\n\n#[cfg(test)]\nmod tests {\n    use super::*;\n\n    #[test]\n    fn adds() {\n        assert_eq!(add(2, 2), 4);\n    }\n\n    #[test]\n    fn fine() {\n        assert_eq!(add(2, 0), 2);\n    }\n}\n";
    write_crate(tmp.path(), lib);
    let log = cargo_output(tmp.path(), &["test", "--offline"]);
    let f = rust::parse(&log);
    assert_eq!(f.len(), 1, "{f:?}\n{log}");
    assert_eq!(f[0].kind, FailureKind::TestFailure);
    assert_eq!(f[0].test.as_deref(), Some("tests::adds"));
    assert_eq!(f[0].file.as_deref(), Some("src/lib.rs"));
    assert_eq!(f[0].line, Some(11));
    assert!(f[0].message.contains("left == right"), "{}", f[0].message);
}

#[test]
fn rust_parser_reads_real_rustc_errors_and_rustfmt_diffs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write_crate(
        tmp.path(),
        "pub fn f() -> i32 {\n    let unused = 1;\n    \"one\"\n}\n",
    );
    let log = cargo_output(tmp.path(), &["build", "--offline"]);
    let f = rust::parse(&log);
    assert_eq!(f.len(), 1, "the warning yields to the error: {f:?}\n{log}");
    assert_eq!(f[0].kind, FailureKind::CompileError);
    assert!(
        f[0].message.starts_with("error[E0308]: mismatched types"),
        "{}",
        f[0].message
    );
    assert_eq!(
        (f[0].file.as_deref(), f[0].line),
        (Some("src/lib.rs"), Some(3))
    );

    let short = cargo_output(
        tmp.path(),
        &["build", "--offline", "--message-format", "short"],
    );
    let f = rust::parse(&short);
    assert_eq!(f.len(), 1, "{f:?}\n{short}");
    assert_eq!(f[0].line, Some(3));

    write_crate(tmp.path(), "pub fn f()->i32{1}\n");
    let fmt = cargo_output(tmp.path(), &["fmt", "--check"]);
    if fmt.contains("is not installed") || fmt.contains("no such command") {
        panic!("rustfmt is needed for this test: rustup component add rustfmt\n{fmt}");
    }
    let f = rust::parse(&fmt);
    assert_eq!(f.len(), 1, "{f:?}\n{fmt}");
    assert_eq!(f[0].kind, FailureKind::Format);
    assert!(f[0]
        .file
        .as_deref()
        .is_some_and(|p| p.ends_with("src/lib.rs")));
    assert_eq!(f[0].line, Some(1));
}

#[test]
fn rust_parser_reads_real_clippy_output() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write_crate(
        tmp.path(),
        "pub fn empty(v: &[u8]) -> bool {\n    v.len() == 0\n}\n",
    );
    let log = cargo_output(tmp.path(), &["clippy", "--offline", "--", "-D", "warnings"]);
    if log.contains("no such command") {
        panic!("clippy is needed for this test: rustup component add clippy\n{log}");
    }
    let f = rust::parse(&log);
    assert_eq!(f.len(), 1, "{f:?}\n{log}");
    assert_eq!(
        (f[0].tool.as_str(), f[0].kind),
        ("clippy", FailureKind::Lint)
    );
    assert_eq!(
        (f[0].file.as_deref(), f[0].line),
        (Some("src/lib.rs"), Some(2))
    );
}

/// Warnings are context, never the failure: reviewdog's warnings-only cargo check,
/// clippy, dotnet and msbuild outputs in a failed step give no compiler failure (they
/// did: `clippy.in` gave two `Lint` failures, `dotnet.in` three), while the
/// diagnostics' own locations stay readable for the fixture eval.
#[test]
fn compiler_warnings_alone_are_no_failure() {
    let dir = fixtures_dir().join("compiler-diagnostics");
    for fixture in ["cargo-check", "clippy", "dotnet", "msbuild"] {
        let text = std::fs::read_to_string(dir.join(format!("{fixture}.in"))).expect("fixture");
        let failures: Vec<_> = rust::parse(&text)
            .into_iter()
            .chain(diagnostics::parse(&text))
            .collect();
        assert!(failures.is_empty(), "{fixture}: {failures:?}");
        let located =
            rust::diagnostics_located(&text).len() + diagnostics::diagnostics_located(&text).len();
        assert!(located >= 2, "{fixture}: the warnings are still located");
        let log = format!(
            "##[group]Run build\nbuild\n##[endgroup]\n{text}\n##[error]Process completed with exit code 1.\n"
        );
        let a = self_heal::analyze::analyze_text(&log, &Default::default());
        assert!(
            a.failures.iter().all(|f| f.kind != FailureKind::Lint
                && f.kind != FailureKind::CompileError
                && !f.message.contains("warning")),
            "{fixture}: {:?}",
            a.failures
        );
    }
}

/// The same unused import, built by real cargo three ways: plain (a warning, no
/// failure), with `RUSTFLAGS=-Dwarnings` and with `#![deny(warnings)]` (rustc prints
/// `error:`, and that is the failure, at the import).
#[test]
fn rust_warnings_are_failures_only_when_the_build_denies_them() {
    let build = |lib: &str, rustflags: Option<&str>| {
        let tmp = tempfile::tempdir().expect("tempdir");
        write_crate(tmp.path(), lib);
        let mut cmd = std::process::Command::new(env!("CARGO"));
        cmd.args(["build", "--offline"])
            .current_dir(tmp.path())
            .env("CARGO_TARGET_DIR", tmp.path().join("target"))
            .env("CARGO_TERM_COLOR", "never")
            .env_remove("RUSTFLAGS");
        if let Some(f) = rustflags {
            cmd.env("RUSTFLAGS", f);
        }
        let out = cmd.output().expect("cargo runs");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let plain = build("use std::collections::HashMap;\npub fn f() {}\n", None);
    assert!(plain.contains("warning: unused import"), "{plain}");
    assert!(rust::parse(&plain).is_empty(), "{:?}", rust::parse(&plain));
    for (log, line) in [
        (
            build(
                "use std::collections::HashMap;\npub fn f() {}\n",
                Some("-Dwarnings"),
            ),
            1,
        ),
        (
            build(
                "#![deny(warnings)]\nuse std::collections::HashMap;\npub fn f() {}\n",
                None,
            ),
            2,
        ),
    ] {
        let f = rust::parse(&log);
        assert_eq!(f.len(), 1, "{f:?}\n{log}");
        assert!(f[0].message.contains("unused import"), "{f:?}");
        assert_eq!(
            (f[0].file.as_deref(), f[0].line),
            (Some("src/lib.rs"), Some(line)),
            "{log}"
        );
    }
}
