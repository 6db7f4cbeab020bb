//! Result readers and scoped commands (each language's test frameworks): the
//! readers on real reports captured from the sample projects
//! (`tests/it/data/results`, written by scripts/regen-sample-logs-eco.sh), and
//! each framework's scoped command really run on the samples with the real
//! toolchain, its report read back: exactly the failing test ran, the expected
//! fix makes it pass, and a pattern that matches nothing is "ran nothing".

use crate::support::harness::{copy_dir, manifest_dir, sample_dir};
use self_heal::lang::framework::{self, Framework, ResultsAt, ScopedCommand, TestFramework};
use self_heal::lang::go::{gotest::GoTest, json as go_json};
use self_heal::lang::java::build::{Gradle, Maven};
use self_heal::lang::javascript::runners::{JsRunner, Runner};
use self_heal::lang::javascript::{jest_json, tap};
use self_heal::lang::reports::{junit, ReadError, TestRun, Verdict};
use self_heal::lang::ruby::frameworks::{self as ruby, Minitest, RSpec};
use self_heal::lang::rust::{cargo::Cargo, libtest};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

fn capture(name: &str) -> String {
    let p = manifest_dir().join("tests/it/data/results").join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

pub(crate) fn expected(sample: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(sample_dir(sample).join("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn failing(sample: &str) -> Vec<String> {
    expected(sample)["failing_tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect()
}

fn sorted(v: Vec<&str>) -> Vec<String> {
    let mut v: Vec<String> = v.into_iter().map(str::to_string).collect();
    v.sort();
    v
}

/// A report reader.
type Read = fn(&str) -> Result<TestRun, ReadError>;

fn jest(text: &str) -> Result<TestRun, ReadError> {
    jest_json::read(text, " › ")
}

fn vitest(text: &str) -> Result<TestRun, ReadError> {
    jest_json::read(text, " > ")
}

fn tap(text: &str) -> Result<TestRun, ReadError> {
    Ok(tap::read(text))
}

fn libtest(text: &str) -> Result<TestRun, ReadError> {
    Ok(libtest::read(text))
}

fn minitest(text: &str) -> Result<TestRun, ReadError> {
    Ok(ruby::read_minitest(text))
}

/// (capture, reader, sample, the tests that passed).
const CAPTURES: &[(&str, Read, &str, &[&str])] = &[
    (
        "go-wordfreq.go-test.json",
        go_json::read,
        "go-wordfreq",
        &[
            "example.com/wordfreq.TestCountStripsPunctuation",
            "example.com/wordfreq.TestTop",
        ],
    ),
    (
        "go-subtest-table.go-test.json",
        go_json::read,
        "go-subtest-table",
        &[
            "example.com/slugs/slug.TestMake/digits",
            "example.com/slugs/slug.TestMake/plain_words",
            "example.com/slugs/slug.TestMake/runs_of_spaces",
        ],
    ),
    (
        "java-junit5-hop.surefire.xml",
        junit::read,
        "java-junit5-hop",
        &["com.example.TitlesTest#capitalizesEachWord"],
    ),
    (
        "java-junit4.surefire.xml",
        junit::read,
        "java-junit4",
        &["com.example.BoundedStackTest#pushGrowsTheStack"],
    ),
    (
        "java-multi-module.surefire.xml",
        junit::read,
        "java-multi-module",
        &["com.example.pricing.CartTest#smallCartsPayFullPrice"],
    ),
    (
        "java-gradle-hop.gradle.xml",
        junit::read,
        "java-gradle-hop",
        &["com.example.ReceiptTest#addsUpTheItems"],
    ),
    (
        "js-jest-hop.jest.json",
        jest,
        "js-jest-hop",
        &["cart › total of single items"],
    ),
    (
        "js-vitest.vitest.json",
        vitest,
        "js-vitest",
        &["parseDuration > reads minutes"],
    ),
    (
        "js-mocha.tap",
        tap,
        "js-mocha",
        &["pager window stays within the first page"],
    ),
    (
        "js-node-test.tap",
        tap,
        "js-node-test",
        &["initials > takes the first letter of each name"],
    ),
    (
        "js-node-spec.tap",
        tap,
        "js-node-spec",
        &["reads key = value lines"],
    ),
    (
        "rust-integration-hop.libtest.txt",
        libtest,
        "rust-integration-hop",
        &["subtotal_sums_lines"],
    ),
    (
        "rust-panic.nextest.txt",
        libtest,
        "rust-panic",
        &["ring::tests::keeps_readings_in_order"],
    ),
    (
        "ruby-rspec-hop.rspec.json",
        ruby::read_rspec_json,
        "ruby-rspec-hop",
        &["./spec/invoice_spec.rb:4", "./spec/invoice_spec.rb:14"],
    ),
    (
        "ruby-minitest.minitest.txt",
        minitest,
        "ruby-minitest",
        &["WordCountTest#test_size"],
    ),
];

#[test]
fn readers_on_real_reports_name_what_passed_and_what_failed() {
    for (file, read, sample, passed) in CAPTURES {
        let run = read(&capture(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let mut want_failed = failing(sample);
        want_failed.sort();
        assert_eq!(sorted(run.failed()), want_failed, "{file}: {run:#?}");
        assert_eq!(
            sorted(run.passed()),
            sorted(passed.to_vec()),
            "{file}: {run:#?}"
        );
        assert!(
            run.skipped().is_empty() && run.errors.is_empty(),
            "{file}: {run:#?}"
        );
        assert!(
            matches!(run.verdict(&want_failed), Verdict::Failed { .. }),
            "{file}"
        );
    }
}

#[test]
fn a_report_of_another_format_is_an_error_not_an_empty_run() {
    let tap = capture("js-node-test.tap");
    let readers: [(&str, Read); 3] = [
        ("JUnit", junit::read),
        ("go test -json", go_json::read),
        ("jest", jest),
    ];
    for (name, read) in readers {
        assert!(read(&tap).is_err(), "{name}");
    }
}

// ---- real scoped runs ----

pub(crate) fn cache_dir() -> PathBuf {
    if let Ok(p) = std::env::var("SELF_HEAL_SAMPLE_CACHE") {
        return PathBuf::from(p);
    }
    let base = std::env::var("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").unwrap()).join(".cache"));
    base.join("self-heal-samples")
}

/// This process's cargo and test settings, which a runner step must not see.
pub(crate) const UNSET_ENV: &[&str] = &[
    "CARGO_TARGET_DIR",
    "RUST_BACKTRACE",
    "RUSTFLAGS",
    "NODE_OPTIONS",
    "MAVEN_OPTS",
    "GOFLAGS",
];

/// The environment a runner step has: the npm and Maven downloads shared by every
/// test through [`cache_dir`].
pub(crate) fn toolchain_env() -> Vec<(String, String)> {
    let cache = cache_dir();
    vec![
        ("CI".into(), "true".into()),
        (
            "npm_config_cache".into(),
            cache.join("npm").display().to_string(),
        ),
        ("GOTOOLCHAIN".into(), "local".into()),
        (
            "MAVEN_OPTS".into(),
            format!("-Dmaven.repo.local={}", cache.join("m2").display()),
        ),
        (
            "GRADLE_USER_HOME".into(),
            cache.join("gradle").display().to_string(),
        ),
        // A daemon would outlive the test by hours.
        ("GRADLE_OPTS".into(), "-Dorg.gradle.daemon=false".into()),
    ]
}

/// A command with the environment a runner step has, minus this process's
/// cargo and test settings.
fn cmd(dir: &Path, argv: &[String]) -> Command {
    let mut c = Command::new(&argv[0]);
    c.args(&argv[1..]).current_dir(dir);
    for k in UNSET_ENV {
        c.env_remove(k);
    }
    c.envs(toolchain_env());
    c
}

/// A copy of the sample with its dependencies installed; `fixed` applies expected.json's fix.
fn project(sample: &str, fixed: bool) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    copy_dir(&sample_dir(sample), dir);
    if fixed {
        for e in expected(sample)["fix"].as_array().unwrap() {
            let p = dir.join(e["path"].as_str().unwrap());
            let text = std::fs::read_to_string(&p).unwrap();
            let (s, r) = (
                e["search"].as_str().unwrap(),
                e["replace"].as_str().unwrap(),
            );
            assert_eq!(text.matches(s).count(), 1, "{sample}: fix matches once");
            std::fs::write(&p, text.replacen(s, r, 1)).unwrap();
        }
    }
    install_deps(sample, dir);
    tmp
}

/// `npm ci` from the shared cache where the project has a lock file.
pub(crate) fn install_deps(sample: &str, dir: &Path) {
    if dir.join("package-lock.json").is_file() {
        let argv: Vec<String> = ["npm", "ci", "--prefer-offline", "--no-audit", "--no-fund"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let out = cmd(dir, &argv)
            .output()
            .expect("npm (scripts/install-test-deps.sh installs it)");
        assert!(
            out.status.success(),
            "{sample}: npm ci: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Runs a scoped command of `framework` in `dir` and reads its report.
fn run_scoped(dir: &Path, sc: &ScopedCommand, framework: &dyn TestFramework) -> (TestRun, String) {
    // A module without a selected test writes no report: an earlier run's would be read.
    self_heal::validate::remove_stale_reports(dir, sc);
    let out = cmd(dir, &sc.argv).output().unwrap_or_else(|e| {
        panic!(
            "{}: {e} (scripts/install-test-deps.sh installs it)",
            sc.argv[0]
        )
    });
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let all = format!("{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let run = match &sc.results {
        ResultsAt::Stdout => framework.read(&stdout),
        ResultsAt::Output => framework.read(&all),
        ResultsAt::File(f) => {
            let text = std::fs::read_to_string(dir.join(f))
                .unwrap_or_else(|e| panic!("{}: no report {f}: {e}\n{all}", sc.shell()));
            framework.read(&text)
        }
        ResultsAt::JUnitDirs(name) => {
            let texts = self_heal::validate::junit_reports(dir, name);
            junit::read_all(texts.iter().map(String::as_str))
        }
        ResultsAt::ExitCode => panic!("{}: judged by its exit code", sc.shell()),
    }
    .unwrap_or_else(|e| panic!("{}: {e}\n{all}", sc.shell()));
    (run, all)
}

fn go_module(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("go.mod")).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("module "))
        .map(|m| m.trim().to_string())
}

/// A framework as the project in a directory runs it.
type Make = fn(&Path) -> Framework;

fn go_test(dir: &Path) -> Framework {
    Arc::new(GoTest::new(go_module(dir).as_deref()))
}

fn cargo_test(_: &Path) -> Framework {
    Arc::new(Cargo::test())
}

fn nextest(_: &Path) -> Framework {
    Arc::new(Cargo::nextest())
}

fn js(runner: Runner) -> Framework {
    Arc::new(JsRunner::new(runner))
}

fn maven(_: &Path) -> Framework {
    Arc::new(Maven::default())
}

fn gradle(_: &Path) -> Framework {
    Arc::new(Gradle::default())
}

fn rspec(_: &Path) -> Framework {
    Arc::new(RSpec::default())
}

fn minitest_run(_: &Path) -> Framework {
    Arc::new(Minitest::default())
}

/// The scoped command for the sample's failing tests runs exactly them, they
/// fail as in CI; with the expected fix they pass; a test that does not exist
/// makes a run of nothing.
fn scoped_runs_exactly_the_failing_tests(sample: &str, make: Make) {
    let want = failing(sample);
    let broken = project(sample, false);
    let fw = make(broken.path());
    let scope = |tests: &[String]| framework::scoped(fw.as_ref(), tests).unwrap();
    let sc = scope(&want);
    let (run, out) = run_scoped(broken.path(), &sc, fw.as_ref());
    assert_eq!(sorted(run.ran()), want, "{}\n{run:#?}\n{out}", sc.shell());
    assert_eq!(
        run.verdict(&want),
        Verdict::Failed {
            failed: want.clone(),
            errors: vec![]
        },
        "{}\n{out}",
        sc.shell()
    );

    let fixed = project(sample, true);
    let (run, out) = run_scoped(fixed.path(), &sc, fw.as_ref());
    assert_eq!(
        run.verdict(&want),
        Verdict::Passed,
        "{}\n{run:#?}\n{out}",
        sc.shell()
    );

    // A name that matches no test: the run passes by exit code but ran nothing.
    let nothing: Vec<String> = want.iter().map(|t| format!("{t}Nope")).collect();
    let sc = scope(&nothing);
    let (run, out) = run_scoped(fixed.path(), &sc, fw.as_ref());
    assert!(
        matches!(run.verdict(&nothing), Verdict::RanNothing { .. }),
        "{}\n{run:#?}\n{out}",
        sc.shell()
    );
}

#[test]
fn go_test_run_scopes_a_top_level_test() {
    scoped_runs_exactly_the_failing_tests("go-wordfreq", go_test);
}

#[test]
fn go_test_run_scopes_a_subtest_in_a_package_dir() {
    scoped_runs_exactly_the_failing_tests("go-subtest-table", go_test);
}

#[test]
fn cargo_exact_filter_scopes_an_integration_test() {
    scoped_runs_exactly_the_failing_tests("rust-integration-hop", cargo_test);
}

#[test]
fn cargo_exact_filter_scopes_a_unit_test() {
    scoped_runs_exactly_the_failing_tests("rust-panic", cargo_test);
}

#[test]
fn nextest_filter_expression_scopes_a_unit_test() {
    scoped_runs_exactly_the_failing_tests("rust-panic", nextest);
}

#[test]
fn jest_t_with_space_joined_names() {
    scoped_runs_exactly_the_failing_tests("js-jest-hop", |_| js(Runner::Jest));
}

#[test]
fn vitest_t_with_space_joined_names() {
    scoped_runs_exactly_the_failing_tests("js-vitest", |_| js(Runner::Vitest));
}

#[test]
fn mocha_grep_on_the_full_title() {
    scoped_runs_exactly_the_failing_tests("js-mocha", |_| js(Runner::Mocha));
}

#[test]
fn node_test_name_pattern_in_a_suite() {
    scoped_runs_exactly_the_failing_tests("js-node-test", |_| js(Runner::NodeTest));
}

#[test]
fn node_test_name_pattern_top_level() {
    scoped_runs_exactly_the_failing_tests("js-node-spec", |_| js(Runner::NodeTest));
}

#[test]
fn surefire_dtest_class_method_junit5() {
    scoped_runs_exactly_the_failing_tests("java-junit5-hop", maven);
}

#[test]
fn surefire_dtest_class_method_junit4() {
    scoped_runs_exactly_the_failing_tests("java-junit4", maven);
}

/// From the reactor's root: the selected test's module runs it, the others none.
#[test]
fn surefire_dtest_class_method_in_a_multi_module_build() {
    scoped_runs_exactly_the_failing_tests("java-multi-module", maven);
}

/// RSpec's location ids, read back from its JSON formatter.
#[test]
fn rspec_locations_scope_an_example() {
    scoped_runs_exactly_the_failing_tests("ruby-rspec-hop", rspec);
}

/// Minitest's `--name` over every test file, read back from its `-v` lines.
#[test]
fn minitest_name_pattern_scopes_two_tests() {
    scoped_runs_exactly_the_failing_tests("ruby-minitest", minitest_run);
}

#[test]
fn gradle_tests_class_method_junit4() {
    scoped_runs_exactly_the_failing_tests("java-gradle-hop", gradle);
}

/// jest matches `-t` against names joined by spaces: the `›` form self-heal
/// used to send ran nothing ("skips 2", exit 0). The report says so.
#[test]
fn jest_with_the_arrow_in_its_pattern_ran_nothing() {
    let p = project("js-jest-hop", false);
    let sc = ScopedCommand {
        argv: [
            "npx",
            "jest",
            "--json",
            "--outputFile=r.json",
            "-t",
            "^(cart › total applies the bulk discount from ten items)$",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        results: ResultsAt::File("r.json".into()),
        stale: vec![],
    };
    let (run, out) = run_scoped(p.path(), &sc, js(Runner::Jest).as_ref());
    assert!(
        matches!(
            run.verdict(&failing("js-jest-hop")),
            Verdict::RanNothing { .. }
        ),
        "{run:#?}\n{out}"
    );
    assert_eq!(run.skipped().len(), 2, "{out}");
}

/// A build that breaks before any test: "ran nothing", with the reason.
fn build_error_ran_nothing(sample: &str, make: Make, tests: &[&str]) {
    let p = project(sample, false);
    let tests: Vec<String> = tests.iter().map(|t| t.to_string()).collect();
    let fw = make(p.path());
    let sc = framework::scoped(fw.as_ref(), &tests).unwrap();
    let (run, out) = run_scoped(p.path(), &sc, fw.as_ref());
    match run.verdict(&tests) {
        Verdict::RanNothing { errors } => assert!(!errors.is_empty(), "{run:#?}\n{out}"),
        v => panic!("{}: {v:?}\n{out}", sc.shell()),
    }
}

#[test]
fn go_build_error_is_ran_nothing_with_the_reason() {
    build_error_ran_nothing(
        "go-build-error",
        go_test,
        &["example.com/weather/convert.TestLabel"],
    );
}

#[test]
fn cargo_compile_error_is_ran_nothing_with_the_reason() {
    build_error_ran_nothing("rust-compile-error", cargo_test, &["tests::mean_of_three"]);
}
