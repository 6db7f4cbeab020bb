//! The coverage stage (`validate::coverage::measure`) on the sample projects with the
//! real tools, as the repair runs it: a sandbox copy of a git checkout, the failing
//! tests under the ecosystem's coverage tool (and passing tests of the same files or
//! packages where the tool records each test), read back. The buggy lines of the
//! sample's expected fix must be among the lines a failing test executed, and the
//! checkout must come out exactly as it went in (no coverage file in the user's tree).

use crate::repair_ecosystems::{checkout, expected, fix, sources};
use crate::results::toolchain_env;
use self_heal::coverage::CoverageReport;
use self_heal::lang::coverage::ToolCache;
use self_heal::lang::grammar_for as for_path;
use self_heal::lang::Language;
use self_heal::syntax::ParsedFile;
use self_heal::validate::coverage::{measure, CoverageLimits, CoverageOutcome};
use self_heal::validate::{Runner, Sandbox, ValidationPlan};
use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

/// The sample's failing tests under coverage, on a checkout with its dependencies.
async fn run(
    sample: &str,
) -> (
    CoverageOutcome,
    serde_json::Value,
    crate::support::harness::Test,
) {
    // The toolchains' caches (Maven's repository, npm's, Gradle's home) are the
    // ones the samples were resolved into; every test sets the same values.
    for (k, v) in toolchain_env() {
        std::env::set_var(k, v);
    }
    let t = checkout(sample);
    let e = expected(sample);
    let before = sources(&t.repo());
    let plan = plan_of(&e);
    let limits = CoverageLimits {
        neighbour_time: Duration::from_secs(60),
        ..CoverageLimits::default()
    };
    let out = measure(
        &t.repo(),
        None,
        &plan,
        &Runner::Subprocess,
        &limits,
        &ToolCache::user(),
    )
    .await;
    assert_eq!(sources(&t.repo()), before, "the checkout is left as it was");
    assert!(!t.repo().join(".self-heal-coverage").exists());
    (out, e, t)
}

/// The validation plan of a sample's expected failure.
fn plan_of(e: &serde_json::Value) -> ValidationPlan {
    ValidationPlan {
        failing_tests: strings(&e["failing_tests"]),
        language: e["ecosystem"]
            .as_str()
            .and_then(Language::from_name)
            .or(Some(Language::named("python"))),
        test_command: e["command"].as_str().map(str::to_string),
        timeout: Duration::from_secs(600),
        ..ValidationPlan::default()
    }
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The lines the failing tests executed, per file.
fn failing_lines(report: &CoverageReport, failing: &[String]) -> Vec<(String, BTreeSet<u32>)> {
    let cov = report.split(|id| failing.iter().any(|f| f == id));
    let mut out: std::collections::BTreeMap<String, BTreeSet<u32>> = Default::default();
    for run in cov.failing {
        for (file, lines) in run.lines {
            out.entry(file).or_default().extend(lines);
        }
    }
    out.into_iter().collect()
}

/// The 1-based lines of the fix's `search` text in `path` of the checkout.
fn search_lines(repo: &Path, path: &str, search: &str) -> Vec<u32> {
    let text = std::fs::read_to_string(repo.join(path)).unwrap();
    let at = text
        .find(search)
        .unwrap_or_else(|| panic!("{search:?} not in {path}"));
    let first = text[..at].matches('\n').count() as u32 + 1;
    let n = search.trim_end_matches('\n').matches('\n').count() as u32;
    (first..=first + n).collect()
}

/// The lines of the sample's buggy functions (`localization.functions`, `path:Name`
/// with the name as `syntax` qualifies it), else of its fix's `search` texts (a
/// module-level line such as a pattern constant runs at import, in no test).
fn buggy_lines(e: &serde_json::Value, repo: &Path) -> Vec<(String, Vec<u32>)> {
    let functions = strings(&e["localization"]["functions"]);
    if functions.is_empty() {
        return fix(e)
            .into_iter()
            .map(|(path, search, _)| {
                let lines = search_lines(repo, &path, &search);
                (path, lines)
            })
            .collect();
    }
    functions
        .iter()
        .map(|f| {
            let (path, name) = f.split_once(':').unwrap();
            let text = std::fs::read_to_string(repo.join(path)).unwrap();
            let parsed = ParsedFile::parse(for_path(path).unwrap(), &text).unwrap();
            let func = parsed
                .functions
                .iter()
                .find(|x| x.qualified == name || x.name == name)
                .unwrap_or_else(|| panic!("no function {name} in {path}"));
            // The body: the signature line runs when the module loads.
            (
                (path.to_string()),
                (func.def_line + 1..=func.span.end_line).collect(),
            )
        })
        .collect()
}

/// Every buggy function has a line a failing test executed.
fn assert_buggy_lines_executed(
    sample: &str,
    out: &CoverageOutcome,
    e: &serde_json::Value,
    repo: &Path,
) {
    let report = out
        .report
        .as_ref()
        .unwrap_or_else(|| panic!("{sample}: no coverage: {}", out.note));
    let failing = strings(&e["failing_tests"]);
    let lines = failing_lines(report, &failing);
    for (path, want) in buggy_lines(e, repo) {
        let ran = lines
            .iter()
            .find(|(f, _)| *f == path)
            .map(|(_, l)| l.clone())
            .unwrap_or_default();
        assert!(
            want.iter().any(|l| ran.contains(l)),
            "{sample}: {path}:{want:?} not executed by the failing tests ({}); they ran {:?}",
            out.note,
            lines
                .iter()
                .map(|(f, l)| format!("{f}: {}", l.len()))
                .collect::<Vec<_>>()
        );
    }
}

/// Some line of each fix's `search` text was executed by a failing test.
fn assert_fix_lines_executed(
    sample: &str,
    out: &CoverageOutcome,
    e: &serde_json::Value,
    repo: &Path,
) {
    let report = out
        .report
        .as_ref()
        .unwrap_or_else(|| panic!("{sample}: no coverage: {}", out.note));
    let lines = failing_lines(report, &strings(&e["failing_tests"]));
    for (path, search, _) in fix(e) {
        let want = search_lines(repo, &path, &search);
        let ran = lines
            .iter()
            .find(|(f, _)| *f == path)
            .map(|(_, l)| l.clone())
            .unwrap_or_default();
        assert!(
            want.iter().any(|l| ran.contains(l)),
            "{sample}: {path}:{want:?} not executed by the failing tests ({}); they ran {lines:?}",
            out.note
        );
    }
}

/// The passing tests' records, for the samples whose tool records each test.
fn passing_records(report: &CoverageReport, failing: &[String]) -> usize {
    report
        .split(|id| failing.iter().any(|f| f == id))
        .passing
        .len()
}

#[tokio::test]
async fn python_per_test_coverage_of_the_failing_file_finds_the_buggy_lines() {
    for sample in [
        "py-ini-long-module",
        "py-template-window",
        "py-vendored-tokenizer",
    ] {
        let (out, e, t) = run(sample).await;
        if sample == "py-vendored-tokenizer" {
            // The parser builds its one `Lexer` when it is imported, during collection
            // and outside any test: `Lexer.__init__` ran, in no test's record, and
            // the failing test ran the lexer's other methods.
            let report = out.report.as_ref().expect(&out.note);
            let path = "calcpad/_vendor/tinylex/lexer.py";
            for (p, want) in buggy_lines(&e, &t.repo()) {
                assert!(
                    want.iter().any(|l| report.all[&p].contains(l)),
                    "{p}: {want:?}"
                );
            }
            for (p, search, _) in fix(&e) {
                let want = search_lines(&t.repo(), &p, &search);
                assert!(
                    want.iter().all(|l| report.all[&p].contains(l)),
                    "{p}: {want:?}"
                );
            }
            let ran = failing_lines(report, &strings(&e["failing_tests"]));
            assert!(
                ran.iter().any(|(f, l)| f == path && !l.is_empty()),
                "{ran:?}"
            );
        } else {
            assert_buggy_lines_executed(sample, &out, &e, &t.repo());
        }
        let report = out.report.as_ref().unwrap();
        assert!(
            passing_records(report, &strings(&e["failing_tests"])) > 0,
            "{sample}: the other tests of the failing file ran too: {}",
            out.note
        );
        assert!(out.note.contains("per test"), "{}", out.note);
    }
}

/// The sandbox the failure was just reproduced in is measured as it is: no second
/// copy of the checkout, and on this machine no second run of the setup command.
#[tokio::test]
async fn the_reproductions_sandbox_is_measured_without_a_new_copy_or_setup() {
    for (k, v) in toolchain_env() {
        std::env::set_var(k, v);
    }
    let t = checkout("py-logic-error");
    let e = expected("py-logic-error");
    let sandbox = Sandbox::create(&t.repo()).unwrap();
    // Gone from the checkout after the copy: only the sandbox still has the tests.
    std::fs::remove_dir_all(t.repo().join("tests")).unwrap();
    let plan = ValidationPlan {
        failing_tests: strings(&e["failing_tests"]),
        language: Some(Language::named("python")),
        // Already done in the reproduction's sandbox: running it again would fail.
        setup_command: Some("exit 7".into()),
        timeout: Duration::from_secs(600),
        ..ValidationPlan::default()
    };
    let limits = CoverageLimits::default();
    let tools = ToolCache::user();
    let out = measure(
        &t.repo(),
        Some(sandbox),
        &plan,
        &Runner::Subprocess,
        &limits,
        &tools,
    )
    .await;
    let report = out.report.as_ref().expect(&out.note);
    let ran = failing_lines(report, &plan.failing_tests);
    assert!(
        ran.iter()
            .any(|(f, l)| f == "pager/core.py" && !l.is_empty()),
        "{ran:?}"
    );
    // A fresh copy of the checkout has neither the tests nor a setup that works.
    let fresh = measure(&t.repo(), None, &plan, &Runner::Subprocess, &limits, &tools).await;
    assert!(fresh.report.is_none(), "{}", fresh.note);
    assert!(fresh.note.contains("setup"), "{}", fresh.note);
}

#[tokio::test]
async fn go_one_profile_per_test_over_every_package_of_the_module() {
    for sample in ["go-internal-parser", "go-wordfreq"] {
        let (out, e, t) = run(sample).await;
        assert_buggy_lines_executed(sample, &out, &e, &t.repo());
        let report = out.report.as_ref().unwrap();
        assert!(
            passing_records(report, &strings(&e["failing_tests"])) > 0,
            "{sample}: {}",
            out.note
        );
    }
}

/// A Go test binary whose test panics dies before it writes its cover profile. The
/// coverage run builds the failing package's tests with `-overlay` from a copy in
/// which each test recovers its panic (on the `{` line: no line moves), so the test
/// fails instead and its profile names the lexer that built the wrong line number
/// and had returned before the panic (on none of its frames). A `go` without
/// `-overlay` (older than 1.16) measures as before, and says so.
#[tokio::test]
async fn go_a_panicking_test_is_measured_by_recovering_its_panic() {
    let sample = "go-panic-lexer";
    let (out, e, t) = run(sample).await;
    assert!(
        out.note
            .contains("a panicking test was measured by recovering its panic"),
        "{}",
        out.note
    );
    assert_buggy_lines_executed(sample, &out, &e, &t.repo());
    let report = out.report.as_ref().unwrap();
    let failing = strings(&e["failing_tests"]);
    let ran = failing_lines(report, &failing);
    // The fix's lines (the `\r\n` branch of the lexer) ran in the failing test.
    assert_fix_lines_executed(sample, &out, &e, &t.repo());
    // ... and so did the line that panicked, in the caller's callee.
    assert!(
        ran.iter().any(|(f, l)| f == "errors.go" && l.contains(&29)),
        "{ran:?}"
    );
    assert!(passing_records(report, &failing) > 0, "{}", out.note);

    // A `go` that has no `-overlay`: the failing test's binary panics and writes no
    // profile, as before; the passing neighbours are still measured.
    let bin = tempfile::tempdir().unwrap();
    let real = which_go();
    let fake = bin.path().join("go");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh
for a in \"$@\"; do
  if [ \"$a\" = -overlay ]; then echo 'flag provided but not defined: -overlay' >&2; exit 2; fi
done
exec '{}' \"$@\"
",
            real.display()
        ),
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![bin.path().to_path_buf()];
    dirs.extend(std::env::split_paths(&path));
    std::env::set_var("PATH", std::env::join_paths(dirs).unwrap());
    let (old, _, _) = run(sample).await;
    std::env::set_var("PATH", path);
    assert!(
        old.note.contains("panicking tests are not measured"),
        "{}",
        old.note
    );
    let report = old.report.as_ref().expect(&old.note);
    assert!(failing_lines(report, &failing).is_empty(), "{}", old.note);
    assert!(passing_records(report, &failing) > 0, "{}", old.note);
}

/// The `go` on PATH.
fn which_go() -> std::path::PathBuf {
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|d| d.join("go"))
        .find(|p| p.is_file())
        .expect("go on PATH")
}

#[tokio::test]
async fn java_jacoco_agent_through_java_tool_options_in_maven_and_gradle_forks() {
    for sample in [
        "java-value-class",
        "java-custom-source-dirs",
        "java-multi-module",
        "java-gradle-hop",
    ] {
        let (out, e, t) = run(sample).await;
        assert!(out.note.contains("JaCoCo 0.8.15"), "{sample}: {}", out.note);
        if e["localization"]["functions"].is_null() {
            // The older samples name no function: their fix's lines must have run.
            assert_fix_lines_executed(sample, &out, &e, &t.repo());
        } else {
            assert_buggy_lines_executed(sample, &out, &e, &t.repo());
        }
    }
}

#[tokio::test]
async fn node_v8_coverage_for_node_test_and_mocha_and_jests_v8_provider() {
    for sample in ["js-long-module", "js-error-message", "js-mocha"] {
        let (out, e, t) = run(sample).await;
        if e["localization"]["functions"].is_null() {
            assert_fix_lines_executed(sample, &out, &e, &t.repo());
        } else {
            assert_buggy_lines_executed(sample, &out, &e, &t.repo());
        }
    }
}

#[tokio::test]
async fn a_missing_coverage_tool_is_one_line_and_no_report() {
    // The sample installs vitest without @vitest/coverage-v8.
    let (out, _, _) = run("ts-index-spec").await;
    assert!(out.report.is_none());
    assert_eq!(
        out.note,
        "no coverage: vitest's v8 coverage needs @vitest/coverage-v8, which the project does not install"
    );
}

#[tokio::test]
async fn rust_instrumented_per_test_and_the_backtrace_without_llvm_tools() {
    for sample in [
        "rust-src-tests-rs",
        "rust-multi-file-caller",
        "rust-integration-hop",
    ] {
        let (out, e, t) = run(sample).await;
        assert!(out.note.contains("per test"), "{sample}: {}", out.note);
        if e["localization"]["functions"].is_null() {
            assert_fix_lines_executed(sample, &out, &e, &t.repo());
        } else {
            assert_buggy_lines_executed(sample, &out, &e, &t.repo());
        }
    }
    // The buggy table is built by a `const fn`, at compile time: no run executes it,
    // and the failing tests' record shows the lookup into it they did execute.
    let (out, e, _) = run("rust-grammar-table").await;
    let report = out.report.as_ref().expect(&out.note);
    let ran = failing_lines(report, &strings(&e["failing_tests"]));
    let chars = ran
        .iter()
        .find(|(f, _)| f == "src/parse/chars.rs")
        .map(|(_, l)| l.clone());
    assert_eq!(chars.map(|l| l.contains(&31)), Some(true), "{ran:?}");
    assert!(
        passing_records(report, &strings(&e["failing_tests"])) > 0,
        "{}",
        out.note
    );
    // LLVM_COV names a tool that is not there (as cargo-llvm-cov reads it): the
    // panic's backtrace stands in, and names the line that panicked.
    std::env::set_var("LLVM_COV", "/nonexistent/llvm-cov");
    let (out, e, _) = run("rust-panic").await;
    std::env::remove_var("LLVM_COV");
    assert!(out.note.contains("the panic backtrace"), "{}", out.note);
    let frames: Vec<String> = out
        .frames
        .iter()
        .map(|f| format!("{}:{}", f.file, f.line))
        .collect();
    let at = strings(&e["locations"]);
    assert!(frames.iter().any(|f| at.contains(f)), "{frames:?} {at:?}");
}

/// The failure was reproduced in the sandbox, so its crates are built there already,
/// without instrumentation (cargo's fingerprint does not count the rustc wrapper): the
/// coverage run in that sandbox still measures them.
#[tokio::test]
async fn rust_coverage_in_the_sandbox_the_failure_was_reproduced_in() {
    for (k, v) in toolchain_env() {
        std::env::set_var(k, v);
    }
    let sample = "rust-integration-hop";
    let t = checkout(sample);
    let e = expected(sample);
    let sandbox = Sandbox::create(&t.repo()).unwrap();
    let built = std::process::Command::new("cargo")
        .args(["test", "--no-run", "--quiet"])
        .current_dir(&sandbox.root)
        .status()
        .unwrap();
    assert!(built.success());
    let out = measure(
        &t.repo(),
        Some(sandbox),
        &plan_of(&e),
        &Runner::Subprocess,
        &CoverageLimits::default(),
        &ToolCache::user(),
    )
    .await;
    assert!(out.note.contains("per test"), "{}", out.note);
    assert_fix_lines_executed(sample, &out, &e, &t.repo());
}

#[tokio::test]
async fn ruby_standard_coverage_in_every_ruby_process() {
    for sample in ["ruby-rspec-hop", "ruby-minitest"] {
        let (out, e, t) = run(sample).await;
        assert_fix_lines_executed(sample, &out, &e, &t.repo());
    }
}
