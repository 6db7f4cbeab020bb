//! The repair loop end to end outside Python: the real binary on a copy of each
//! Go, Rust, JavaScript/TypeScript, Java and Ruby sample, its real CI log, a fake
//! OpenAI-compatible server on 127.0.0.1, and the real toolchain in the sandbox.
//!
//! One run per sample keeps the toolchain time down (2 shared cores): the fake
//! model first answers with a plausible wrong edit, which the real scoped run (or
//! the full command, for a build error) must reject, then with the expected fix,
//! which must validate; the tree then equals the expected fix. npm, Maven and Go
//! downloads are shared with tests/it/results.rs (`results::cache_dir`).
//!
//! The fake's replies do not depend on the prompt yet: what the prompt must carry
//! per ecosystem is the context-gathering work's to assert.

use crate::results::{install_deps, toolchain_env};
use crate::support::fake_openai::{FakeOpenAi, Reply};
use crate::support::harness::{assert_same_tree, sample_dir, snapshot_sources, Test};
use self_heal::report::{Report, Status};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const KEY: &str = "sk-test-key-0123456789";

pub(crate) fn expected(sample: &str) -> Value {
    let text = std::fs::read_to_string(sample_dir(sample).join("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// (path, search, replace) of the expected fix.
pub(crate) fn fix(e: &Value) -> Vec<(String, String, String)> {
    e["fix"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["search"].as_str().unwrap().to_string(),
                f["replace"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The sources of the checkout, without the installed dependencies.
pub(crate) fn sources(repo: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    snapshot_sources(repo)
        .into_iter()
        .filter(|(p, _)| {
            !p.starts_with(".git") && !p.components().any(|c| c.as_os_str() == "node_modules")
        })
        .collect()
}

/// A git checkout of the sample with its dependencies installed and ignored, as a
/// CI checkout after `npm ci` is.
pub(crate) fn checkout(sample: &str) -> Test {
    let t = Test::with_sample(sample);
    std::fs::write(t.repo().join(".gitignore"), "node_modules/\n").unwrap();
    install_deps(sample, &t.repo());
    t
}

/// Where the sample sits in the checkout: at its root, or as one project of a monorepo.
#[derive(Clone, Copy)]
enum Layout {
    Root,
    /// In this directory; the log is the project's own (its paths are relative to it),
    /// as under a step's `working-directory:`, which GitHub's log does not print.
    Under(&'static str),
    /// In this directory, with the step's script starting `cd DIR && `.
    UnderWithCd(&'static str),
}

/// The sample moved into `dir` of a fresh checkout, beside another project (a
/// `README.md` and a `tools/` directory) so that the root holds no manifest.
fn monorepo_checkout(sample: &str, dir: &str, cd: bool) -> Test {
    let t = Test::new();
    let repo = t.repo();
    let project = repo.join(dir);
    crate::support::harness::copy_dir(&sample_dir(sample), &project);
    std::fs::write(repo.join("README.md"), "# a monorepo\n").unwrap();
    std::fs::create_dir_all(repo.join("tools")).unwrap();
    std::fs::write(repo.join("tools/release.sh"), "#!/bin/sh\necho release\n").unwrap();
    std::fs::write(repo.join(".gitignore"), "node_modules/\n").unwrap();
    let log = std::fs::read_to_string(project.join("ci.log")).unwrap();
    std::fs::remove_file(project.join("ci.log")).unwrap();
    let log = if cd {
        // The step's title and its echoed script both start with the `cd`.
        log.replacen("##[group]Run ", &format!("##[group]Run cd {dir} && "), 1)
            .replacen("\x1b[36;1m", &format!("\x1b[36;1mcd {dir} && "), 1)
    } else {
        log
    };
    std::fs::write(repo.join("ci.log"), log).unwrap();
    crate::support::harness::init_and_commit(&repo, "monorepo");
    install_deps(sample, &project);
    t
}

fn repair(sample: &str) {
    repair_in(sample, Layout::Root)
}

fn repair_in(sample: &str, layout: Layout) {
    let e = expected(sample);
    let (t, prefix) = match layout {
        Layout::Root => (checkout(sample), String::new()),
        Layout::Under(dir) => (monorepo_checkout(sample, dir, false), format!("{dir}/")),
        Layout::UnderWithCd(dir) => (monorepo_checkout(sample, dir, true), format!("{dir}/")),
    };
    // The model names files from the checkout's root.
    let fix: Vec<(String, String, String)> = fix(&e)
        .into_iter()
        .map(|(p, s, r)| (format!("{prefix}{p}"), s, r))
        .collect();
    let repo = t.repo();

    let mut want = sources(&repo);
    for (path, search, replace) in &fix {
        let key = PathBuf::from(path);
        let before = String::from_utf8(want[&key].clone()).unwrap();
        assert_eq!(
            before.matches(search.as_str()).count(),
            1,
            "{sample}: fix matches once"
        );
        want.insert(
            key,
            before.replacen(search.as_str(), replace, 1).into_bytes(),
        );
    }

    // Plausible but wrong: the code as it was, plus a comment.
    let (path, search, _) = &fix[0];
    let comment = if path.ends_with(".py") || path.ends_with(".rb") {
        "#"
    } else {
        "//"
    };
    let wrong_replace = format!("{search}\n{comment} self-heal wrong guess\n");
    let wrong = Reply::reply_edits("first guess", &[(path, search, &wrong_replace)]).usage(800, 40);
    let edits: Vec<(&str, &str, &str)> = fix
        .iter()
        .map(|(p, s, r)| (p.as_str(), s.as_str(), r.as_str()))
        .collect();
    // The model finds the fix only when the request shows what a person would need:
    // the buggy line and the files it lives in (`context_must_include`); without
    // them it repeats its guess, and the run fails.
    let needles: Vec<String> = e["context_must_include"]
        .as_array()
        .unwrap_or_else(|| panic!("{sample}: expected.json has context_must_include"))
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect();
    assert!(
        !needles.is_empty(),
        "{sample}: context_must_include is empty"
    );
    let right = Reply::reply_edits("the root cause", &edits)
        .usage(900, 60)
        .only_if_request_contains(&needles, wrong.clone());
    let fake = FakeOpenAi::start([wrong, right]);

    let mut test = Test::new()
        .current_dir(repo.clone())
        .args(["run", "--log", repo.join("ci.log").to_str().unwrap()])
        .args(["--workdir", repo.to_str().unwrap(), "--yes"])
        .args(["--report", t.path("report.json").to_str().unwrap()])
        .args(["--openai-base-url", &fake.base_url()])
        .env("OPENAI_API_KEY", KEY);
    for (k, v) in toolchain_env() {
        test = test.env(&k, v);
    }
    let out = test.run();
    let r: Report = serde_json::from_value(out.report(&t.path("report.json")))
        .expect("report.json is a Report");
    let attempts = &r.attempts;
    let tails: Vec<&str> = attempts
        .iter()
        .map(|a| a.validation.output_tail.as_str())
        .collect();
    assert_eq!(
        r.status,
        Status::Fixed,
        "{sample}: {out:?}\n{}",
        tails.join("\n----\n")
    );
    assert_eq!(out.code, 0, "{sample}: {out:?}");
    assert_eq!(fake.request_count(), 2, "{sample}");
    assert_eq!(r.llm.requests, 2, "{sample}");
    assert_eq!(r.llm.prompt_tokens, 1700, "{sample}");
    assert_eq!(attempts.len(), 2, "{sample}");

    // The wrong edit was applied and rejected by a real run.
    assert!(!attempts[0].validation.passed, "{sample}: {}", tails[0]);
    assert_eq!(attempts[0].error, None, "{sample}: {:?}", attempts[0]);
    let second = &attempts[1].validation;
    assert!(second.passed, "{sample}: {}", tails[1]);

    let failing: Vec<String> = e["failing_tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    if failing.is_empty() {
        // A build or type error: the full command (the log's own) proved it.
        assert_eq!(second.commands.len(), 1, "{sample}: {:?}", second.commands);
    } else {
        // The framework's scoped run ran exactly the failing tests, read from its report.
        assert!(
            tails[0].contains("the previously failing tests still fail"),
            "{sample}: {}",
            tails[0]
        );
        let passed = if sample.starts_with("py-") {
            // pytest's scoped run is judged by its own summary line.
            tails[1].contains(&failing[0]) && tails[1].contains("1 passed")
        } else {
            tails[1].contains(&format!(
                "the failing tests ran and passed: {}",
                failing.join(", ")
            ))
        };
        assert!(passed, "{sample}: {}", tails[1]);
    }
    if let Some(dir) = prefix.strip_suffix('/') {
        // The evidence says where the commands ran.
        for c in &second.commands {
            assert!(c.starts_with(&format!("cd {dir} && ")), "{sample}: {c}");
            assert!(!c.contains(&format!("&& cd {dir}")), "{sample}: {c}");
        }
    }
    assert_same_tree(&want, &sources(&repo), sample);
}

#[test]
fn go_wordfreq() {
    repair("go-wordfreq");
}

#[test]
fn go_build_error() {
    repair("go-build-error");
}

#[test]
fn go_subtest_table() {
    repair("go-subtest-table");
}

#[test]
fn rust_integration_hop() {
    repair("rust-integration-hop");
}

#[test]
fn rust_compile_error() {
    repair("rust-compile-error");
}

#[test]
fn rust_panic() {
    repair("rust-panic");
}

#[test]
fn js_jest_hop() {
    repair("js-jest-hop");
}

#[test]
fn ts_type_error() {
    repair("ts-type-error");
}

#[test]
fn js_vitest() {
    repair("js-vitest");
}

#[test]
fn js_mocha() {
    repair("js-mocha");
}

#[test]
fn js_node_test() {
    repair("js-node-test");
}

#[test]
fn js_node_spec() {
    repair("js-node-spec");
}

#[test]
fn java_junit5_hop() {
    repair("java-junit5-hop");
}

#[test]
fn java_compile_error() {
    repair("java-compile-error");
}

#[test]
fn java_junit4() {
    repair("java-junit4");
}

#[test]
fn java_gradle_hop() {
    repair("java-gradle-hop");
}

#[test]
fn java_multi_module() {
    repair("java-multi-module");
}

#[test]
fn ruby_rspec_hop() {
    repair("ruby-rspec-hop");
}

#[test]
fn ruby_minitest() {
    repair("ruby-minitest");
}

/// A Ruby project in `api/` run with `cd api && rspec`: its ids are relative to it.
#[test]
fn rspec_project_in_a_subdirectory_with_cd() {
    repair_in("ruby-rspec-hop", Layout::UnderWithCd("api"));
}

// ------------------------------------------------ a project inside a monorepo

/// Go module in `backend/`: found from the failing test's file, which the log names
/// relative to the module.
#[test]
fn go_module_in_a_subdirectory() {
    repair_in("go-wordfreq", Layout::Under("backend"));
}

/// A build error (no test ids): the full command must run in the module too.
#[test]
fn go_build_error_in_a_subdirectory_with_cd() {
    repair_in("go-build-error", Layout::UnderWithCd("services/api"));
}

/// jest in `web/`, run with `cd web && npm test`: the `cd` is the project and is not
/// run twice.
#[test]
fn jest_project_in_a_subdirectory_with_cd() {
    repair_in("js-jest-hop", Layout::UnderWithCd("web"));
}

/// A Maven project in `java/`: Surefire's reports are read there.
#[test]
fn maven_project_in_a_subdirectory() {
    repair_in("java-junit4", Layout::Under("java"));
}

/// A Python project in `backend/` (its own `pyproject.toml`): the pytest id
/// `tests/test_pager.py::…` is the project's, and `from pager import …` is found
/// under the project, so the model sees the buggy line.
#[test]
fn python_project_in_a_subdirectory() {
    repair_in("py-logic-error", Layout::Under("backend"));
}
