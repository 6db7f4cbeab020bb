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
        assert_eq!(a.language.map(|l| l.name()), Some("python"), "{}", c.log);
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
    assert_eq!(a.language.map(|l| l.name()), Some("python"));
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
            "FAILED tests/test_many.py::test_{i} - AssertionError: value {i} was wrong\n"
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
    // Every failure is named, in the summary (`test_3: ...`) or in the
    // log's own lines quoted under it (`test_3 - ...`).
    let named = |t: &str| {
        big.context.contains(&format!("{t}:")) || big.context.contains(&format!("{t} - "))
    };
    for i in 0..40 {
        assert!(
            named(&format!("test_{i}")),
            "test_{i} missing:\n{}",
            big.context
        );
    }
    assert!(named("test_same"));
    // The repeated line is quoted once.
    assert_eq!(
        big.context.matches("test_same - boom").count(),
        1,
        "{}",
        big.context
    );
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
    assert_eq!(a.language.map(|l| l.name()), Some("java"));
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
    // With room to spare the step's other lines come too; with little room
    // the error lines come first.
    assert!(a.context.contains("step one ok"), "{}", a.context);
    let tight = analyze_text(
        log,
        &AnalyzeOptions {
            budget_tokens: 70,
            ..Default::default()
        },
    );
    assert!(
        tight.context.contains("make: *** [all] Error 2") && !tight.context.contains("step one ok"),
        "{}",
        tight.context
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

/// The excerpt quotes a Go subtest's own lines (`expected X but actual Y`),
/// not only a one-line summary.
#[test]
fn excerpt_quotes_go_test_output_verbatim() {
    let log = "=== RUN   TestParse\n=== RUN   TestParse/empty\n    parse_test.go:21: expected \"a\" but actual \"\"\n    parse_test.go:22: input was: \"\"\n--- FAIL: TestParse (0.00s)\n    --- FAIL: TestParse/empty (0.00s)\nFAIL\nFAIL\texample.com/p\t0.01s\n";
    let a = analyze_text(log, &AnalyzeOptions::default());
    assert!(!a.failures.is_empty());
    for l in [
        "parse_test.go:21: expected \"a\" but actual \"\"",
        "parse_test.go:22: input was: \"\"",
        "--- FAIL: TestParse/empty",
    ] {
        assert!(a.context.contains(l), "{l} missing from:\n{}", a.context);
    }
}

/// A compiler error's snippet, notes and `help:` lines are quoted.
#[test]
fn excerpt_quotes_compiler_notes_and_help() {
    let log = "error[E0308]: mismatched types\n --> src/main.rs:4:18\n  |\n4 |     let x: u32 = \"a\";\n  |            ---   ^^^ expected `u32`, found `&str`\n  |            |\n  |            expected due to this\n  = note: expected type `u32`\nhelp: try using a conversion method\n\nerror: aborting due to 1 previous error\n";
    let a = analyze_text(log, &AnalyzeOptions::default());
    for l in [
        "error[E0308]: mismatched types",
        " --> src/main.rs:4:18",
        "4 |     let x: u32 = \"a\";",
        "= note: expected type `u32`",
        "help: try using a conversion method",
    ] {
        assert!(a.context.contains(l), "{l} missing from:\n{}", a.context);
    }
}

/// Travis: a clone of a missing branch early in the log, then more output.
/// The failed command is found where it is and triaged as infra.
#[test]
fn travis_clone_of_missing_branch_is_infra() {
    let mut log = String::from("travis_fold:start:git.checkout\n$ git clone --depth=50 --branch=gone https://github.com/o/r.git o/r\nCloning into 'o/r'...\nwarning: Could not find remote branch gone to clone.\nfatal: Remote branch gone not found in upstream origin\nThe command \"git clone --depth=50 --branch=gone https://github.com/o/r.git o/r\" failed and exited with 128 during .\n");
    for i in 0..200 {
        log.push_str(&format!("cleanup line {i}\n"));
    }
    log.push_str("Done. Your build exited with 1.\n");
    let a = analyze_text(&log, &AnalyzeOptions::default());
    assert_eq!(
        a.command.as_deref(),
        Some("git clone --depth=50 --branch=gone https://github.com/o/r.git o/r")
    );
    assert!(!a.failures.is_empty(), "{a:?}");
    assert!(
        a.failures.iter().all(|f| f.kind == FailureKind::Infra),
        "{:?}",
        a.failures
    );
    assert!(
        a.context.contains("not found in upstream origin"),
        "{}",
        a.context
    );
    assert!(!a.context.contains("cleanup line 199"), "{}", a.context);
}

/// eslint warnings in a passing lint step are not failures when tests failed.
#[test]
fn lint_warnings_are_not_failures() {
    let log = "##[group]Run npx eslint src\nnpx eslint src\n##[endgroup]\n/home/runner/work/r/r/src/a.js\n  3:11  warning  Strings must use singlequote  quotes\n\n✖ 1 problem (0 errors, 1 warning)\n##[group]Run python -m pytest -q\npython -m pytest -q\n##[endgroup]\nFAILED tests/test_x.py::test_y - assert 1 == 2\n##[error]Process completed with exit code 1.\n";
    let a = analyze_text(log, &AnalyzeOptions::default());
    let tests: Vec<_> = a.failures.iter().map(|f| f.test.as_deref()).collect();
    assert_eq!(tests, [Some("tests/test_x.py::test_y")], "{:?}", a.failures);
}

/// A plain log with no step markers and nothing recognised: the excerpt shows
/// the first fatal error, not whatever came last.
#[test]
fn plain_log_excerpt_shows_the_first_fatal_error() {
    let mut log =
        String::from("starting\nfatal: could not create work tree dir 'x': Permission denied\n");
    for i in 0..300 {
        log.push_str(&format!("unrelated output {i}\n"));
    }
    let a = analyze_text(&log, &AnalyzeOptions::default());
    assert!(
        a.context.contains("fatal: could not create work tree dir"),
        "{}",
        a.context
    );
}

/// Hostile and unfamiliar inputs: the excerpt never exceeds the budget and
/// is used when there is evidence to fill it.
#[test]
fn excerpt_budget_holds_on_hostile_inputs() {
    let mut many_langs = String::new();
    for i in 0..300 {
        many_langs.push_str(&format!(
            "=== RUN   TestX{i}\n    x_test.go:{i}: expected {i} but actual 0\n--- FAIL: TestX{i} (0.00s)\nerror[E0425]: cannot find value `v{i}`\n --> src/l{i}.rs:1:1\n  |\n1 | v{i}\n  | ^^ not found\n\nFAILED tests/t.py::test_{i} - AssertionError: {}\n",
            "é".repeat(i)
        ));
    }
    let inputs = [
        "x".repeat(5 << 20),
        "\u{0}\u{1b}[31m".repeat(10_000),
        many_langs,
        "error: ".repeat(200_000),
    ];
    for budget in [50, 300, 1500] {
        for text in &inputs {
            let a = analyze_text(
                text,
                &AnalyzeOptions {
                    budget_tokens: budget,
                    ..Default::default()
                },
            );
            assert!(
                excerpt_tokens(&a.context) <= budget,
                "{budget}: {}",
                a.context
            );
        }
    }
    let a = analyze_text(&inputs[2], &AnalyzeOptions::default());
    // Counted as the budget is spent: each line rounded up, and its newline.
    let spent: usize = a.context.lines().map(|l| excerpt_tokens(l) + 1).sum();
    assert!(spent > 1200, "the budget is used: {}", a.context);
}

/// Secrets are masked in the streamed analysis of a file.
#[test]
fn streamed_paths_mask_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ci.log");
    std::fs::write(&p, "##[group]Run pytest\npytest\n##[endgroup]\nFAILED tests/t.py::test_a - AssertionError: token ghp_abcdef123456 leaked\n##[error]Process completed with exit code 1.\n").unwrap();
    let a = self_heal::analyze::analyze_paths(
        &[p],
        &self_heal::secrets::Secrets::new(["ghp_abcdef123456"]),
        &AnalyzeOptions::default(),
    )
    .unwrap();
    assert!(a.input_cut.is_empty());
    let json = serde_json::to_string(&a).unwrap();
    assert!(!json.contains("ghp_abcdef123456"), "{json}");
    assert!(json.contains("***"), "{json}");
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
        assert_eq!(a.language.map(|l| l.name()), Some(eco), "{name}: {a:#?}");
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

/// A step that fails without printing anything: only a gofmt listing is known to mean
/// "not formatted"; any other silent step stays an unknown step failure.
#[test]
fn a_silent_gofmt_check_is_a_format_failure_and_other_silent_steps_are_not() {
    let log = |script: &str| {
        format!(
            "2026-11-28T00:00:00.1000000Z ##[group]Run {script}\n\
             2026-11-28T00:00:00.1100000Z \x1b[36;1m{script}\x1b[0m\n\
             2026-11-28T00:00:00.1200000Z shell: /usr/bin/bash -e {{0}}\n\
             2026-11-28T00:00:00.1300000Z ##[endgroup]\n\
             2026-11-28T00:00:00.1400000Z ##[error]Process completed with exit code 1.\n"
        )
    };
    let a = analyze_text(
        &log("test -z \"$(gofmt -l .)\""),
        &AnalyzeOptions::default(),
    );
    assert_eq!(a.failures.len(), 1, "{:?}", a.failures);
    assert_eq!(a.failures[0].kind, FailureKind::Format);
    assert_eq!(a.failures[0].tool, "gofmt");
    assert_eq!(a.failures[0].file, None);
    assert_eq!(a.language, Some(self_heal::lang::Language::named("go")));

    let a = analyze_text(
        &log("test -z \"$(git status --porcelain)\""),
        &AnalyzeOptions::default(),
    );
    assert_eq!(a.failures.len(), 1, "{:?}", a.failures);
    assert_eq!(a.failures[0].kind, FailureKind::Unknown);
    assert_eq!(a.failures[0].tool, "ci");
}

/// A real pytest log (aws-cli, bugswarm fixture) whose failure is followed by a long
/// `warnings summary`: its lines (`DeprecationWarning: invalid escape sequence`) look
/// like errors, but a warning is not why the run failed. With a budget that cannot
/// hold everything, the failure's block, the short summary and the failed step's end
/// are quoted and no warning is; a warning is quoted only once every failure line is
/// in. Installed-package paths lose the runner's prefix
/// (`../../../../opt/hostedtoolcache/Python/3.8.12/x64/lib/python3.8/site-packages/x`
/// reads `<site-packages>/x`).
#[test]
fn pytest_warnings_come_after_the_failure_and_lose_the_venv_prefix() {
    let path = bugswarm::fixtures_dir().join("ci-logs/bugswarm/python/2424147467-orig.log");
    let logs = self_heal::logs::read_path(&path).expect("readable");
    let failure_lines = [
        ">           assert app_runner.app.multi_column",
        "E           assert False",
        "functional/autoprompt/test_prompttoolkit.py:313: AssertionError",
        "FAILED functional/autoprompt/test_prompttoolkit.py::TestCompletions::test_switch_to_multicolumn_mode",
        "subprocess.CalledProcessError: Command 'pytest --cov=awscli",
    ];
    let warning = "DeprecationWarning: invalid escape sequence";
    let at = |budget: usize| {
        analyze(
            &logs,
            &AnalyzeOptions {
                budget_tokens: budget,
                ..Default::default()
            },
        )
        .context
    };
    let small = at(1500);
    for l in failure_lines {
        assert!(small.contains(l), "{l} missing:\n{small}");
    }
    assert!(!small.contains(warning), "{small}");
    for budget in [800, 1500, 3000, 6000, 12000] {
        let c = at(budget);
        if c.contains(warning) {
            for l in failure_lines {
                assert!(c.contains(l), "{budget}: a warning before {l}:\n{c}");
            }
        }
    }
    let big = at(12000);
    assert!(
        big.contains(warning),
        "room enough for the warnings:\n{big}"
    );
    assert!(
        big.contains("<site-packages>/jsonschema/compat.py:6: DeprecationWarning"),
        "{big}"
    );
    assert!(
        !big.contains("/lib/python3.8/site-packages/jsonschema"),
        "{big}"
    );
}

/// The issue's shape: a project venv (`.venv/lib/python3.11/site-packages/…`) in
/// pytest's warnings summary, after an assertion failure.
#[test]
fn a_relative_venv_path_in_a_warning_is_shortened() {
    let log = "\
##[group]Run python -m pytest -q
python -m pytest -q
##[endgroup]
F.                                                                       [100%]
=================================== FAILURES ===================================
___________________________________ test_add ___________________________________

    def test_add():
>       assert add(1, 2) == 3
E       AssertionError: wrong

tests/test_calc.py:4: AssertionError
=============================== warnings summary ===============================
.venv/lib/python3.11/site-packages/dateutil/tz/tz.py:37
  .venv/lib/python3.11/site-packages/dateutil/tz/tz.py:37: DeprecationWarning: datetime.datetime.utcfromtimestamp() is deprecated
    EPOCH = datetime.datetime.utcfromtimestamp(0)

-- Docs: https://docs.pytest.org/en/stable/how-to/capture-warnings.html
=========================== short test summary info ============================
FAILED tests/test_calc.py::test_add - AssertionError: wrong
========================= 1 failed, 1 passed, 1 warning in 0.02s =========================
##[error]Process completed with exit code 1.
";
    let a = analyze_text(log, &AnalyzeOptions::default());
    assert!(
        a.context
            .contains("  <site-packages>/dateutil/tz/tz.py:37: DeprecationWarning"),
        "{}",
        a.context
    );
    assert!(!a.context.contains(".venv/lib"), "{}", a.context);
    assert!(
        a.context.contains("E       AssertionError: wrong"),
        "{}",
        a.context
    );
}
