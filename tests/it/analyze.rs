//! Log analysis on real logs: the BugSwarm fixtures scored against their
//! recorded failing tests, plus the whole pipeline (read → analyze → excerpt).

use crate::support::bugswarm;
use self_heal::analyze::{analyze, analyze_reader, analyze_text, AnalyzeOptions, FailureKind};
use self_heal::logs::LogFile;

#[test]
fn own_name_matches_both_notations() {
    use bugswarm::own_name;
    assert_eq!(
        own_name("tests.test_core::test_sys[ok 2:30pm now-x]"),
        "test_sys"
    );
    assert_eq!(
        own_name("tests/test_core.py::test_sys[ok 2:30pm now-x]"),
        "test_sys"
    );
    assert_eq!(
        own_name("(tests.bert_corrector_test)"),
        "bert_corrector_test"
    );
    assert_eq!(
        own_name("tests/bert_corrector_test.py"),
        "bert_corrector_test"
    );
    assert_eq!(own_name("noAssert(com.x.Java1_3ValidatorTest)"), "noAssert");
    assert_eq!(own_name("com.x.Test.putBytes"), "putBytes");
    assert_eq!(own_name("a › b › c d"), "c d");
    assert_eq!(
        own_name("Lookup should lookup seed:"),
        "Lookup should lookup seed"
    );
}

#[test]
fn bugswarm_recall_and_precision() {
    let (groups, total, misses) = bugswarm::evaluate();
    let table = bugswarm::markdown(&groups, &total);
    println!("{table}");
    for m in &misses {
        println!("{m}");
    }
    assert_eq!(total.logs, 41, "every fixture log is scored");
    assert!(
        total.recall() >= 0.95,
        "recall {:.3} < 0.95\n{table}\n{}",
        total.recall(),
        misses.join("\n")
    );
    assert!(
        total.precision() >= 0.95,
        "precision {:.3} < 0.95\n{table}\n{}",
        total.precision(),
        misses.join("\n")
    );
}

#[test]
fn python_fixtures_point_at_code() {
    // Every pytest/unittest fixture yields failures with a file and line.
    for c in bugswarm::cases()
        .iter()
        .filter(|c| c.log.starts_with("python/"))
    {
        let path = bugswarm::fixtures_dir()
            .join("ci-logs/bugswarm")
            .join(&c.log);
        let logs = self_heal::logs::read_path(&path).expect("readable");
        let a = analyze(&logs, &AnalyzeOptions::default());
        assert_eq!(a.language.as_deref(), Some("python"), "{}", c.log);
        assert!(!a.failures.is_empty(), "{}", c.log);
        for f in &a.failures {
            assert!(f.file.is_some(), "{}: {f:?}", c.log);
            let file = f.file.as_deref().unwrap_or_default();
            assert!(
                !file.starts_with("/home/runner/work/"),
                "{}: runner prefix kept: {file}",
                c.log
            );
        }
        assert!(a.command.is_some(), "{}: failed step's command", c.log);
    }
}

const PYTEST_LOG: &str = "\
2024-01-01T00:00:00.0000000Z ##[group]Run python -m pytest -q
2024-01-01T00:00:00.0000000Z \x1b[36;1mpython -m pytest -q\x1b[0m
2024-01-01T00:00:00.0000000Z shell: /usr/bin/bash -e {0}
2024-01-01T00:00:00.0000000Z env:
2024-01-01T00:00:00.0000000Z   pythonLocation: /opt/hostedtoolcache/Python/3.11.4/x64
2024-01-01T00:00:00.0000000Z ##[endgroup]
2024-01-01T00:00:01.0000000Z F.                                                                       [100%]
2024-01-01T00:00:01.0000000Z =================================== FAILURES ===================================
2024-01-01T00:00:01.0000000Z ___________________________________ test_add ___________________________________
2024-01-01T00:00:01.0000000Z 
2024-01-01T00:00:01.0000000Z     def test_add():
2024-01-01T00:00:01.0000000Z >       assert add(1, 2) == 3
2024-01-01T00:00:01.0000000Z 
2024-01-01T00:00:01.0000000Z tests/test_calc.py:4: 
2024-01-01T00:00:01.0000000Z _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _
2024-01-01T00:00:01.0000000Z 
2024-01-01T00:00:01.0000000Z     def add(a, b):
2024-01-01T00:00:01.0000000Z >       return a - b
2024-01-01T00:00:01.0000000Z E       AssertionError: wrong
2024-01-01T00:00:01.0000000Z 
2024-01-01T00:00:01.0000000Z /home/runner/work/calc/calc/calc.py:2: AssertionError
2024-01-01T00:00:01.0000000Z =========================== short test summary info ============================
2024-01-01T00:00:01.0000000Z FAILED tests/test_calc.py::test_add - AssertionError: wrong
2024-01-01T00:00:01.0000000Z 1 failed, 1 passed in 0.02s
2024-01-01T00:00:01.0000000Z ##[error]Process completed with exit code 1.
2024-01-01T00:00:01.0000000Z Post job cleanup.
2024-01-01T00:00:01.0000000Z [command]/usr/bin/git version
";

#[test]
fn analyze_single_job_log() {
    let a = analyze_text(PYTEST_LOG, &AnalyzeOptions::default());
    assert_eq!(a.language.as_deref(), Some("python"));
    assert_eq!(a.command.as_deref(), Some("python -m pytest -q"));
    assert_eq!(a.step.as_deref(), Some("Run python -m pytest -q"));
    assert_eq!(a.failures.len(), 1, "{:?}", a.failures);
    let f = &a.failures[0];
    assert_eq!(f.kind, FailureKind::TestFailure);
    assert_eq!(f.test.as_deref(), Some("tests/test_calc.py::test_add"));
    assert_eq!((f.file.as_deref(), f.line), (Some("calc.py"), Some(2)));
    assert!(a
        .context
        .starts_with("step: Run python -m pytest -q\ncommand: python -m pytest -q"));
    assert!(a.context.contains("tests/test_calc.py::test_add"));
    assert!(a.context.contains(">       return a - b"));
    assert!(!a.context.contains("git version"), "post-job noise dropped");
    // The streaming entry point agrees with the in-memory one.
    let s = analyze_reader(PYTEST_LOG.as_bytes(), &AnalyzeOptions::default()).unwrap();
    assert_eq!(s, a);
}

#[test]
fn workdir_marks_paths_outside_the_checkout() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("tests")).unwrap();
    std::fs::write(dir.path().join("tests/test_calc.py"), "").unwrap();
    let opts = AnalyzeOptions {
        workdir: Some(dir.path().to_path_buf()),
        ..Default::default()
    };
    let a = analyze_text(PYTEST_LOG, &opts);
    // calc.py is not in this checkout: kept, but marked.
    assert_eq!(a.failures[0].file.as_deref(), Some("calc.py"));
    assert!(a.failures[0].outside_repo);
    std::fs::write(dir.path().join("calc.py"), "").unwrap();
    let a = analyze_text(PYTEST_LOG, &opts);
    assert!(!a.failures[0].outside_repo);
}

#[test]
fn step_files_pick_job_step_and_command() {
    let logs = vec![
        LogFile {
            job: Some("test".into()),
            step: Some("Set up job".into()),
            text: "Current runner version: '2.300.0'\n".into(),
        },
        LogFile {
            job: Some("test".into()),
            step: Some("Run tests".into()),
            text: self_heal::logs::clean_text(PYTEST_LOG),
        },
    ];
    let a = analyze(&logs, &AnalyzeOptions::default());
    assert_eq!(a.job.as_deref(), Some("test"));
    assert_eq!(a.step.as_deref(), Some("Run tests"));
    assert_eq!(a.command.as_deref(), Some("python -m pytest -q"));
}

#[test]
fn excerpt_respects_budget_and_keeps_every_failure() {
    let mut log = String::from("##[group]Run pytest\npytest\nshell: bash\n##[endgroup]\n");
    for i in 0..40 {
        log.push_str(&format!(
            "FAILED tests/test_many.py::test_{i} - AssertionError: value {i} was wrong in a fairly long message\n"
        ));
    }
    // One failure repeated many times collapses to one entry with a count.
    for _ in 0..500 {
        log.push_str("FAILED tests/test_rep.py::test_same - boom\n");
    }
    log.push_str("##[error]Process completed with exit code 1.\n");
    let small = AnalyzeOptions {
        budget_tokens: 300,
        ..Default::default()
    };
    let a = analyze_text(&log, &small);
    assert_eq!(a.failures.len(), 41);
    assert!(excerpt_tokens(&a.context) <= 300, "{}", a.context.len());
    assert!(a.context.starts_with("step: Run pytest\ncommand: pytest"));
    assert!(a.context.contains("… and "), "says how many did not fit");
    let big = analyze_text(&log, &AnalyzeOptions::default());
    assert!(excerpt_tokens(&big.context) <= 1500);
    for i in 0..40 {
        assert!(
            big.context.contains(&format!("test_{i}:")),
            "test_{i} missing"
        );
    }
    assert!(big.context.contains("test_same: boom"));
}

fn excerpt_tokens(s: &str) -> usize {
    self_heal::analyze::excerpt::tokens(s)
}

#[test]
fn no_failure_shows_end_of_failed_step() {
    let log = "##[group]Run ./build.sh\n./build.sh\nshell: bash\n##[endgroup]\nstep one ok\nsomething odd happened\n##[error]Process completed with exit code 7.\n";
    let a = analyze_text(log, &AnalyzeOptions::default());
    assert_eq!(a.command.as_deref(), Some("./build.sh"));
    assert!(a.context.contains("exit code: 7"));
    assert!(
        a.context.contains("something odd happened"),
        "{}",
        a.context
    );
}

#[test]
fn java_paths_resolve_into_the_checkout() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("core/src/main/java/com/acme");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("Calc.java"), "class Calc {}").unwrap();
    let log = "\
##[group]Run mvn -B test
mvn -B test
shell: /usr/bin/bash -e {0}
##[endgroup]
[ERROR] com.acme.CalcTest.adds  Time elapsed: 0.006 s  <<< FAILURE!
org.opentest4j.AssertionFailedError: expected: <4> but was: <3>
\tat com.acme.Calc.add(Calc.java:7)
\tat com.acme.CalcTest.adds(CalcTest.java:12)

[INFO] BUILD FAILURE
##[error]Process completed with exit code 1.
";
    let opts = AnalyzeOptions {
        workdir: Some(dir.path().to_path_buf()),
        ..Default::default()
    };
    let a = analyze_text(log, &opts);
    assert_eq!(a.language.as_deref(), Some("java"));
    assert_eq!(a.command.as_deref(), Some("mvn -B test"));
    let f = &a.failures[0];
    assert_eq!(f.test.as_deref(), Some("com.acme.CalcTest#adds"));
    assert_eq!(
        f.file.as_deref(),
        Some("core/src/main/java/com/acme/Calc.java")
    );
    assert_eq!(f.line, Some(7));
    assert!(!f.outside_repo);
}

fn kinds(log: &str) -> Vec<FailureKind> {
    analyze_text(log, &AnalyzeOptions::default())
        .failures
        .iter()
        .map(|f| f.kind)
        .collect()
}

#[test]
fn triage_of_step_failures() {
    let pip = "\
##[group]Run pip install -r requirements.txt
pip install -r requirements.txt
shell: /usr/bin/bash -e {0}
##[endgroup]
Collecting numpy==9.9.9
ERROR: Could not find a version that satisfies the requirement numpy==9.9.9 (from versions: 1.26.4)
ERROR: No matching distribution found for numpy==9.9.9
##[error]Process completed with exit code 1.
";
    assert_eq!(kinds(pip), vec![FailureKind::Dependency]);

    let npm = "##[group]Run npm ci\nnpm ci\nshell: bash\n##[endgroup]\nnpm ERR! code ERESOLVE\nnpm ERR! ERESOLVE unable to resolve dependency tree\n##[error]Process completed with exit code 1.\n";
    assert_eq!(kinds(npm), vec![FailureKind::Dependency]);

    let maven = "##[group]Run mvn -B verify\nmvn -B verify\nshell: bash\n##[endgroup]\n[ERROR] Failed to execute goal on project app: Could not resolve dependencies for project com.acme:app:jar:1.0: Could not find artifact com.acme:lib:jar:9.9 in central\n##[error]Process completed with exit code 1.\n";
    assert_eq!(kinds(maven), vec![FailureKind::Dependency]);

    let cancelled = "##[group]Run pytest\npytest\nshell: bash\n##[endgroup]\ntests/test_a.py ....\n##[error]The operation was canceled.\n";
    assert_eq!(kinds(cancelled), vec![FailureKind::Infra]);

    let disk = "##[group]Run make\nmake\nshell: bash\n##[endgroup]\ncc: fatal error: write error: No space left on device\n##[error]Process completed with exit code 2.\n";
    assert_eq!(kinds(disk), vec![FailureKind::Infra]);

    let timeout = "##[group]Run ./long.sh\n./long.sh\nshell: bash\n##[endgroup]\nstill going\n##[error]The job running on runner GitHub Actions 3 has exceeded the maximum execution time of 360 minutes.\n";
    assert_eq!(kinds(timeout), vec![FailureKind::Timeout]);

    // A missing module while installing is the install's problem...
    let install_import = "##[group]Run pip install -e . && python -c 'import app'\npip install -e . && python -c 'import app'\nshell: bash\n##[endgroup]\nTraceback (most recent call last):\n  File \"<string>\", line 1, in <module>\nModuleNotFoundError: No module named 'yaml'\n##[error]Process completed with exit code 1.\n";
    assert_eq!(kinds(install_import), vec![FailureKind::Dependency]);
    // ...but during test collection it is the code's (a test failure).
    let collect = "##[group]Run pytest\npytest\nshell: bash\n##[endgroup]\n==================================== ERRORS ====================================\n_______________ ERROR collecting tests/test_a.py _______________\ntests/test_a.py:1: in <module>\n    import app.nope\nE   ModuleNotFoundError: No module named 'app.nope'\n=========================== short test summary info ============================\nERROR tests/test_a.py\n=============================== 1 error in 0.1s ===============================\n##[error]Process completed with exit code 2.\n";
    assert_eq!(kinds(collect), vec![FailureKind::TestFailure]);
}

#[test]
fn generic_fallback_keeps_error_lines_with_context() {
    let log = "\
##[group]Run ./scripts/build.sh
./scripts/build.sh
shell: /usr/bin/bash -e {0}
##[endgroup]
step one ok
configuring
checking things
make[1]: *** [Makefile:12: all] Error 1
make: *** [all] Error 2
done with errors
##[error]Process completed with exit code 2.
";
    let a = analyze_text(log, &AnalyzeOptions::default());
    assert_eq!(a.failures.len(), 1);
    assert_eq!(a.failures[0].tool, "ci");
    assert!(
        a.context
            .contains("make[1]: *** [Makefile:12: all] Error 1"),
        "{}",
        a.context
    );
    assert!(
        a.context.contains("checking things"),
        "context window: {}",
        a.context
    );
    assert!(a.context.contains("exit code: 2"));
    assert!(
        !a.context.contains("step one ok"),
        "only a small window: {}",
        a.context
    );
    assert!(
        a.failures[0].message.contains("Error 2"),
        "last error line is the message"
    );
}

#[test]
fn weak_findings_yield_to_strong_ones() {
    // A traceback in a passing test's log output is not the failure when pytest names one.
    let log = "\
Traceback (most recent call last):
  File \"/home/runner/work/a/a/app/server.py\", line 3, in run
ConnectionError: retrying
FAILED tests/test_a.py::test_real - assert 1 == 2
##[error]Process completed with exit code 1.
";
    let a = analyze_text(log, &AnalyzeOptions::default());
    assert_eq!(a.failures.len(), 1, "{:?}", a.failures);
    assert_eq!(
        a.failures[0].test.as_deref(),
        Some("tests/test_a.py::test_real")
    );
}

#[test]
fn travis_style_log() {
    let log = "travis_fold:start:install\r\x1b[0K$ pip install -e .\nSuccessfully installed app\ntravis_fold:end:install\r\x1b[0K\n$ pytest -q\nF\n=================================== FAILURES ===================================\n___________________________________ test_a ___________________________________\n/home/travis/build/acme/app/tests/test_a.py:3: in test_a\n    assert f() == 2\n/home/travis/build/acme/app/app/core.py:7: in f\n    return 1 / 0\nE   ZeroDivisionError: division by zero\n=========================== short test summary info ============================\nFAILED tests/test_a.py::test_a - ZeroDivisionError: division by zero\n1 failed in 0.01s\n\nThe command \"pytest -q\" exited with 1.\n";
    let a = analyze_text(log, &AnalyzeOptions::default());
    assert_eq!(a.command.as_deref(), Some("pytest -q"));
    let f = &a.failures[0];
    assert_eq!((f.file.as_deref(), f.line), (Some("app/core.py"), Some(7)));
    assert!(a.context.contains("exit code: 1"));
}

/// The Go, Rust, JavaScript/TypeScript and Java samples: each real CI log
/// analyses to exactly the failing tests and the file:line expected.json names.
#[test]
fn every_other_ecosystem_sample_log_names_its_failing_tests_and_lines() {
    let root = crate::support::harness::manifest_dir().join("sample_projects");
    let mut seen = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        let dir = root.join(&name);
        let Ok(text) = std::fs::read_to_string(dir.join("expected.json")) else {
            continue;
        };
        let exp: serde_json::Value = serde_json::from_str(&text).unwrap();
        let Some(eco) = exp["ecosystem"].as_str() else {
            continue;
        };
        let strs = |k: &str| -> Vec<String> {
            let mut v: Vec<String> = exp[k]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap().to_string())
                .collect();
            v.sort();
            v
        };
        let log = std::fs::read_to_string(dir.join("ci.log")).unwrap();
        let a = analyze_text(
            &log,
            &AnalyzeOptions {
                workdir: Some(dir.clone()),
                ..Default::default()
            },
        );
        assert_eq!(a.language.as_deref(), Some(eco), "{name}: {a:#?}");
        let mut tests: Vec<String> = a.failures.iter().filter_map(|f| f.test.clone()).collect();
        tests.sort();
        assert_eq!(tests, strs("failing_tests"), "{name}: {:#?}", a.failures);
        // A Go parent failing through its subtest has no line of its own.
        let mut locs: Vec<String> = a
            .failures
            .iter()
            .filter(|f| f.file.is_some())
            .map(|f| {
                format!(
                    "{}:{}",
                    f.file.as_deref().unwrap_or("?"),
                    f.line.unwrap_or(0)
                )
            })
            .collect();
        locs.sort();
        assert_eq!(locs, strs("locations"), "{name}: {:#?}", a.failures);
        assert!(
            a.failures
                .iter()
                .all(|f| !f.outside_repo && f.kind.is_fixable()),
            "{name}: {:#?}",
            a.failures
        );
        assert_eq!(a.command.as_deref(), exp["command"].as_str(), "{name}");
        seen.push((eco.to_string(), name));
    }
    for eco in ["go", "rust", "javascript", "java"] {
        let n = seen.iter().filter(|(e, _)| e == eco).count();
        assert!(n >= 3, "at least three {eco} samples: {seen:?}");
    }
}

/// Other reporters' real output on the samples (captured by
/// scripts/regen-sample-logs-eco.sh): node:test's spec reporter with a suite,
/// its TAP, and cargo nextest.
#[test]
fn other_reporters_real_output_names_the_failing_test_and_line() {
    let data = crate::support::harness::manifest_dir().join("tests/it/data/results");
    let cases = [
        (
            "js-node-test.spec.txt",
            "js-node-test",
            "node",
            "initials > splits hyphenated names",
            "test/initials.test.js:11",
        ),
        (
            "js-node-spec.tap",
            "js-node-spec",
            "node",
            "skips comments and blank lines",
            "src/config.js:8",
        ),
        (
            "rust-panic.nextest.txt",
            "rust-panic",
            "cargo",
            "ring::tests::overwrites_the_oldest_when_full",
            "src/ring.rs:33",
        ),
    ];
    for (file, sample, tool, test, loc) in cases {
        let text = std::fs::read_to_string(data.join(file)).unwrap();
        let a = analyze_text(
            &text,
            &AnalyzeOptions {
                workdir: Some(crate::support::harness::sample_dir(sample)),
                ..Default::default()
            },
        );
        let got: Vec<(String, Option<String>, String)> = a
            .failures
            .iter()
            .map(|f| {
                (
                    f.tool.clone(),
                    f.test.clone(),
                    format!(
                        "{}:{}",
                        f.file.as_deref().unwrap_or("?"),
                        f.line.unwrap_or(0)
                    ),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![(tool.to_string(), Some(test.to_string()), loc.to_string())],
            "{file}: {:#?}",
            a.failures
        );
    }
}
