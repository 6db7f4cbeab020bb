//! What the model gets to read: the failing test, the located code, the repo modules they import.

use self_heal::analyze::{Analysis, Failure, FailureKind};
use self_heal::repair::context::{gather, RepairContext, INSTRUCTIONS_CAP};
use self_heal::repair::PathPolicy;
use std::path::Path;

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (rel, text) in files {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

fn failure(test: Option<&str>, file: Option<&str>, line: Option<u32>) -> Analysis {
    Analysis {
        failures: vec![Failure {
            kind: FailureKind::TestFailure,
            tool: "pytest".into(),
            test: test.map(str::to_string),
            file: file.map(str::to_string),
            line,
            message: "NameError: name 'totl' is not defined".into(),
            ..Default::default()
        }],
        ..Analysis::default()
    }
}

fn paths(ctx: &RepairContext) -> Vec<&str> {
    ctx.files.iter().map(|f| f.path.as_str()).collect()
}

/// Every numbered line must be the file's real line `n`; returns the numbers shown.
fn check_numbering(root: &Path, ctx: &RepairContext) -> Vec<(String, usize)> {
    let mut shown = Vec::new();
    for f in &ctx.files {
        let text = std::fs::read_to_string(root.join(&f.path)).expect("read");
        let lines: Vec<&str> = text.lines().collect();
        for l in f.numbered.lines() {
            if l == "    ..." || (l.starts_with("... (") && l.ends_with(" more lines)")) {
                continue;
            }
            let (num, code) = l
                .split_once("| ")
                .unwrap_or_else(|| panic!("bad line {l:?}"));
            let n: usize = num
                .trim()
                .parse()
                .unwrap_or_else(|_| panic!("bad number {l:?}"));
            assert_eq!(num.len(), 4.max(n.to_string().len()), "width of {l:?}");
            assert_eq!(code, lines[n - 1], "{}:{n}", f.path);
            shown.push((f.path.clone(), n));
        }
    }
    shown
}

const TEST_FILE: &str = "import pytest\nfrom calc.core import total\nimport calc.util as u\nfrom pkg.mod import helper\n\n\ndef test_other():\n    assert u.one() == 1\n\n\n@pytest.mark.slow\ndef test_total():\n    data = [1, 2, 3]\n    assert total(data) == 6\n\n\ndef test_third():\n    pass\n";

fn sample() -> tempfile::TempDir {
    project(&[
        ("calc/__init__.py", ""),
        (
            "calc/core.py",
            "from .helpers import clamp\n\n\ndef total(xs):\n    return clamp(totl)\n",
        ),
        (
            "calc/helpers.py",
            "from . import deep\n\n\ndef clamp(x):\n    return x\n",
        ),
        ("calc/deep.py", "DEEP = 1\n"),
        ("calc/util.py", "def one():\n    return 1\n"),
        ("src/pkg/__init__.py", ""),
        ("src/pkg/mod.py", "def helper():\n    return 2\n"),
        ("tests/test_calc.py", TEST_FILE),
        ("unrelated.py", "X = 1\n"),
    ])
}

#[test]
fn follows_imports_two_levels_in_priority_order() {
    let dir = sample();
    let a = failure(
        Some("tests/test_calc.py::test_total"),
        Some("calc/core.py"),
        Some(5),
    );
    let ctx = gather(dir.path(), &a, 100_000);
    assert_eq!(
        paths(&ctx),
        vec![
            "tests/test_calc.py",
            "calc/core.py",
            "calc/util.py",
            "src/pkg/mod.py",
            "calc/helpers.py"
        ],
        "test, located file, the test's imports, then theirs; calc/deep.py is a third level"
    );
    let shown = check_numbering(dir.path(), &ctx);
    let test_lines: Vec<usize> = shown
        .iter()
        .filter(|(p, _)| p == "tests/test_calc.py")
        .map(|(_, n)| *n)
        .collect();
    // The imports at the top and the failing function with its decorator, not the others.
    assert_eq!(test_lines, vec![1, 2, 3, 4, 11, 12, 13, 14]);
    assert!(
        ctx.files[0].numbered.contains("    ...\n"),
        "gap marker between parts"
    );
    assert!(ctx.files[1]
        .numbered
        .contains("   5|     return clamp(totl)"));
    assert!(ctx.instructions.is_none());
}

#[test]
fn window_around_the_located_line_of_a_big_file() {
    let big: String = (1..=300).map(|i| format!("x{i} = {i}\n")).collect();
    let dir = project(&[("big.py", &big)]);
    let ctx = gather(
        dir.path(),
        &failure(None, Some("big.py"), Some(150)),
        100_000,
    );
    let shown: Vec<usize> = check_numbering(dir.path(), &ctx)
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    assert_eq!(shown, (110..=190).collect::<Vec<_>>());
}

#[test]
fn respects_the_budget_at_line_boundaries() {
    let dir = sample();
    let a = failure(
        Some("tests/test_calc.py::test_total"),
        Some("calc/core.py"),
        Some(5),
    );
    let full = gather(dir.path(), &a, 100_000);
    let full_len: usize = full.files.iter().map(|f| f.numbered.len()).sum();
    for budget in [0, 30, 90, 150, 250, full_len - 20] {
        let ctx = gather(dir.path(), &a, budget);
        let used: usize = ctx.files.iter().map(|f| f.numbered.len()).sum();
        assert!(used <= budget, "budget {budget}: used {used}");
        check_numbering(dir.path(), &ctx);
        if budget >= 90 && budget < full_len {
            assert!(
                ctx.files
                    .iter()
                    .any(|f| f.numbered.contains(" more lines)")),
                "budget {budget}: truncation must be marked: {ctx:?}"
            );
        }
    }
    // The highest priority comes first under a tight budget.
    let ctx = gather(dir.path(), &a, 150);
    assert_eq!(paths(&ctx), vec!["tests/test_calc.py"]);
}

#[test]
fn never_reads_outside_the_root_or_secret_files() {
    let outside = project(&[("secret.py", "TOKEN = 'x'\n")]);
    let dir = project(&[
        (".env", "TOKEN=abc\n"),
        (
            "tests/test_a.py",
            "from . import conf\n\n\ndef test_a():\n    assert False\n",
        ),
        ("bin.py", "\u{0}\u{1}binary"),
    ]);
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        outside.path().join("secret.py"),
        dir.path().join("tests/conf.py"),
    )
    .expect("symlink");
    let escape = format!(
        "../{}/secret.py",
        outside.path().file_name().expect("name").to_string_lossy()
    );
    let abs = outside
        .path()
        .join("secret.py")
        .to_string_lossy()
        .into_owned();
    for file in [
        escape.as_str(),
        abs.as_str(),
        ".env",
        "bin.py",
        "tests/conf.py",
        "/etc/passwd",
    ] {
        let ctx = gather(
            dir.path(),
            &failure(Some("tests/test_a.py::test_a"), Some(file), Some(1)),
            100_000,
        );
        assert_eq!(
            paths(&ctx),
            vec!["tests/test_a.py"],
            "{file} must not be read"
        );
        for f in &ctx.files {
            assert!(!f.numbered.contains("TOKEN"), "{file}: leaked {f:?}");
        }
    }
}

#[test]
fn reads_repository_instructions_capped() {
    let dir = project(&[("AGENTS.md", "Never touch migrations.\n")]);
    let ctx = gather(dir.path(), &Analysis::default(), 1000);
    assert_eq!(
        ctx.instructions.as_deref(),
        Some("Never touch migrations.\n")
    );
    let long: String = (0..1000).map(|i| format!("rule {i}\n")).collect();
    let dir = project(&[(".github/self-heal.md", &long)]);
    let ins = gather(dir.path(), &Analysis::default(), 1000)
        .instructions
        .expect("instructions");
    assert!(ins.len() <= INSTRUCTIONS_CAP, "{}", ins.len());
    assert!(
        ins.starts_with("rule 0\n") && ins.ends_with(" more lines)\n"),
        "{ins}"
    );
}

#[test]
fn class_based_and_parametrized_test_ids() {
    let src = "import os\n\n\nclass TestA:\n    def test_x(self):\n        assert 1\n\n\nclass TestB:\n    def test_x(self):\n        assert 2\n";
    let dir = project(&[("tests/test_cls.py", src)]);
    let ctx = gather(
        dir.path(),
        &failure(Some("tests/test_cls.py::TestB::test_x[1-2]"), None, None),
        10_000,
    );
    let shown: Vec<usize> = check_numbering(dir.path(), &ctx)
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    assert_eq!(
        shown,
        vec![1, 9, 10, 11],
        "imports, the class line, the method"
    );
}

#[test]
fn ci_runner_paths_map_into_the_checkout_but_interpreter_paths_do_not() {
    let dir = sample();
    let a = failure(
        None,
        Some("/home/runner/work/proj/proj/calc/core.py"),
        Some(5),
    );
    assert_eq!(paths(&gather(dir.path(), &a, 10_000)), vec!["calc/core.py"]);
    let dir = project(&[("json/decoder.py", "X = 1\n")]);
    let a = failure(None, Some("/usr/lib/python3.11/json/decoder.py"), Some(1));
    assert!(gather(dir.path(), &a, 10_000).files.is_empty());
}

/// One list for what the model may neither read nor edit: credential files that
/// the context once showed although the policy refused edits to them.
#[test]
fn credential_files_are_neither_shown_nor_editable() {
    let dir = project(&[
        (".htpasswd", "admin:$apr1$HASHSECRET\n"),
        (
            ".git-credentials",
            "https://x-access-token:HASHSECRET@github.com\n",
        ),
        ("deploy/.htpasswd", "ops:$apr1$HASHSECRET\n"),
        ("tests/test_a.py", "def test_a():\n    assert False\n"),
    ]);
    let policy = PathPolicy::new(&[], false).expect("policy");
    for file in [".htpasswd", ".git-credentials", "deploy/.htpasswd"] {
        let ctx = gather(
            dir.path(),
            &failure(Some("tests/test_a.py::test_a"), Some(file), Some(1)),
            100_000,
        );
        assert_eq!(paths(&ctx), vec!["tests/test_a.py"], "{file} was shown");
        assert!(
            policy.check(dir.path(), file).is_err(),
            "{file} is editable"
        );
    }
}
