//! Path policy, search/replace edits, diffs (checked with real `git apply`) and
//! all-or-nothing writes.

use self_heal::repair::edits::{
    colored_diff, plan_edits, unified_diff, write_changes, Edit, EditError, FileChange,
};
use self_heal::repair::policy::{PathPolicy, PolicyError};
use std::fs;
use std::path::Path;
use std::process::Command;

fn edit(path: &str, search: &str, replace: &str) -> Edit {
    Edit {
        path: path.into(),
        search: search.into(),
        replace: replace.into(),
    }
}

fn any_policy() -> PathPolicy {
    PathPolicy::new(&[], true).expect("policy")
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    fs::write(p, text).expect("write");
}

// ---------------------------------------------------------------- policy

#[test]
fn policy_rejects_protected_and_escaping_paths() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "src/app.py", "x = 1\n");
    let p = PathPolicy::new(&[], false).expect("policy");

    let protected = [
        ".github/workflows/ci.yml",
        "./.github/workflows/x.yml",
        ".git/config",
        "sub/.git/hooks/pre-commit",
        ".env",
        ".env.production",
        "config/.ENV.local",
        "deploy/server.pem",
        "tls/private.key",
        "home/id_rsa",
        "home/id_rsa.pub",
        "certs/store.p12",
        "certs/store.pfx",
        ".npmrc",
        ".pypirc",
        "aws/credentials",
        "credentials.json",
        ".self-heal/memory.json",
    ];
    for path in protected {
        match p.check(root, path) {
            Err(PolicyError::Protected(_)) => {}
            other => panic!("{path}: expected Protected, got {other:?}"),
        }
    }
    for path in ["../outside.py", "src/../../outside.py", "..\\outside.py"] {
        match p.check(root, path) {
            Err(PolicyError::OutsideRepo(_)) => {}
            other => panic!("{path}: expected OutsideRepo, got {other:?}"),
        }
    }
    for path in ["/etc/passwd", "\\etc\\passwd", "C:\\x.py"] {
        match p.check(root, path) {
            Err(PolicyError::Absolute(_)) => {}
            other => panic!("{path}: expected Absolute, got {other:?}"),
        }
    }
    for path in ["", ".", "src/"] {
        assert!(p.check(root, path).is_err(), "{path:?} must be rejected");
    }
}

#[test]
fn policy_accepts_and_normalises_ordinary_paths() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "src/app.py", "x = 1\n");
    let p = PathPolicy::new(&[], false).expect("policy");
    for (given, want) in [
        ("src/app.py", "src/app.py"),
        ("./src/app.py", "src/app.py"),
        ("src\\app.py", "src/app.py"),
        ("src/./lib/../app.py", "src/app.py"),
        ("src/new_module.py", "src/new_module.py"),
        ("new_dir/deeper/mod.py", "new_dir/deeper/mod.py"),
        (".github/dependabot.yml", ".github/dependabot.yml"),
        ("environment.py", "environment.py"),
    ] {
        let got = p
            .check(root, given)
            .unwrap_or_else(|e| panic!("{given}: {e}"));
        assert_eq!(got, root.join(want), "{given}");
    }
}

#[cfg(unix)]
#[test]
fn policy_follows_symlinks_of_existing_ancestors() {
    let outside = tempfile::tempdir().expect("tempdir");
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "src/app.py", "x = 1\n");
    std::os::unix::fs::symlink(outside.path(), root.join("escape")).expect("symlink");
    std::os::unix::fs::symlink(root.join(".github"), root.join("gh")).expect("symlink");
    fs::create_dir_all(root.join(".github/workflows")).expect("mkdir");
    std::os::unix::fs::symlink(root.join("src"), root.join("code")).expect("symlink");
    std::os::unix::fs::symlink("/nonexistent/target", root.join("dangling")).expect("symlink");
    let p = PathPolicy::new(&[], false).expect("policy");

    assert!(
        matches!(
            p.check(root, "escape/x.py"),
            Err(PolicyError::OutsideRepo(_))
        ),
        "a new file under a symlink to outside must be rejected"
    );
    assert!(matches!(
        p.check(root, "escape/a/b/c.py"),
        Err(PolicyError::OutsideRepo(_))
    ));
    assert!(
        matches!(
            p.check(root, "gh/workflows/ci.yml"),
            Err(PolicyError::Protected(_))
        ),
        "a link to a protected directory is protected"
    );
    assert!(matches!(
        p.check(root, "dangling"),
        Err(PolicyError::OutsideRepo(_))
    ));
    assert!(
        p.check(root, "code/app.py").is_ok(),
        "links inside the tree are fine"
    );
}

#[test]
fn policy_test_files_need_allow_test_edits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let strict = PathPolicy::new(&[], false).expect("policy");
    let lax = PathPolicy::new(&[], true).expect("policy");
    let tests = [
        "tests/test_calc.py",
        "test_calc.py",
        "calc_test.py",
        "pkg/conftest.py",
        "src/tests/helpers.py",
        "test/util.js",
        "calc/core_test.go",
        "src/sum.test.ts",
        "src/sum.spec.js",
        "src/__tests__/sum.js",
        "src/test/java/com/x/CalcTest.java",
        "tests/integration.rs",
    ];
    for t in tests {
        assert!(
            matches!(strict.check(root, t), Err(PolicyError::TestFile(_))),
            "{t} is a test file"
        );
        assert!(
            lax.check(root, t).is_ok(),
            "{t} allowed with allow-test-edits"
        );
    }
    for code in [
        "calc/core.py",
        "src/testing_utils.py",
        "contest.py",
        "src/main/java/com/x/Calc.java",
        "src/latest.js",
        "src/lib.rs",
    ] {
        assert!(
            strict.check(root, code).is_ok(),
            "{code} is not a test file"
        );
    }
}

#[test]
fn policy_allowed_globs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let p = PathPolicy::new(&["src/**/*.py".into(), "lib".into(), "docs/".into()], false)
        .expect("policy");
    for ok in [
        "src/a.py",
        "src/x/y/z.py",
        "lib/anything.txt",
        "docs/a/b.md",
    ] {
        assert!(p.check(root, ok).is_ok(), "{ok} matches");
    }
    for no in ["src/a.txt", "setup.py", "library/x.py", "documents/x"] {
        assert!(
            matches!(p.check(root, no), Err(PolicyError::NotAllowed(_))),
            "{no} must not match"
        );
    }
    // Globs never unlock protected paths.
    let all = PathPolicy::new(&["**".into()], true).expect("policy");
    assert!(matches!(
        all.check(root, ".github/workflows/ci.yml"),
        Err(PolicyError::Protected(_))
    ));
    assert!(matches!(
        PathPolicy::new(&["src/[".into()], false),
        Err(PolicyError::BadGlob(..))
    ));
}

// ---------------------------------------------------------------- edits

#[test]
fn exact_edit_applies_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "calc/core.py",
        "def add(a, b):\n    return a - b\n",
    );
    let changes = plan_edits(
        dir.path(),
        &[edit("calc/core.py", "return a - b", "return a + b")],
        &any_policy(),
    )
    .expect("plan");
    assert_eq!(
        changes,
        vec![FileChange {
            path: "calc/core.py".into(),
            before: Some("def add(a, b):\n    return a - b\n".into()),
            after: "def add(a, b):\n    return a + b\n".into(),
        }]
    );
    // Planning writes nothing.
    assert_eq!(
        fs::read_to_string(dir.path().join("calc/core.py")).expect("read"),
        "def add(a, b):\n    return a - b\n"
    );
}

#[test]
fn whitespace_tolerant_match_keeps_file_indentation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let original = "class Calc:\n    def div(self, a, b):\n        if b == 0:\n            return None\n        return a // b\n";
    write(dir.path(), "calc.py", original);
    // The model quoted the method without its class indentation, with a trailing space.
    let search = "def div(self, a, b):\n    if b == 0:  \n        return None\n    return a // b\n";
    let replace = "def div(self, a, b):\n    if b == 0:\n        raise ZeroDivisionError(\"b\")\n    return a / b\n";
    let changes = plan_edits(
        dir.path(),
        &[edit("calc.py", search, replace)],
        &any_policy(),
    )
    .expect("plan");
    assert_eq!(
        changes[0].after,
        "class Calc:\n    def div(self, a, b):\n        if b == 0:\n            raise ZeroDivisionError(\"b\")\n        return a / b\n"
    );
}

#[test]
fn whitespace_tolerant_match_converts_spaces_for_tab_indented_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "m.py",
        "class A:\n\tdef f(self):\n\t\tif x:\n\t\t\treturn 1\n\t\treturn 2\n",
    );
    let changes = plan_edits(
        dir.path(),
        &[edit(
            "m.py",
            "    if x:\n        return 1\n",
            "    if x:\n        return 10\n    elif y:\n        return 11\n",
        )],
        &any_policy(),
    )
    .expect("plan");
    assert_eq!(
        changes[0].after,
        "class A:\n\tdef f(self):\n\t\tif x:\n\t\t\treturn 10\n\t\telif y:\n\t\t\treturn 11\n\t\treturn 2\n"
    );
}

#[test]
fn whitespace_tolerant_match_must_be_unique() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "m.py",
        "def a():\n    x = 1\n    return x\n\ndef b():\n  x = 1\n  return x\n",
    );
    let err = plan_edits(
        dir.path(),
        &[edit("m.py", "x  =  1\nreturn x", "x = 2\nreturn x")],
        &any_policy(),
    )
    .expect_err("ambiguous");
    match &err {
        EditError::Ambiguous { count, .. } => assert_eq!(*count, 2),
        other => panic!("expected Ambiguous, got {other:?}"),
    }
    assert!(err.to_string().contains("lines 2, 6"), "{err}");
}

#[test]
fn ambiguous_exact_match_is_rejected_with_lines() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "m.py", "x = 1\ny = 2\nx = 1\n");
    let err = plan_edits(dir.path(), &[edit("m.py", "x = 1", "x = 3")], &any_policy())
        .expect_err("ambiguous");
    let msg = err.to_string();
    assert!(
        msg.starts_with("m.py: search text matches 2 times (lines 1, 3)"),
        "{msg}"
    );
    assert!(!msg.contains('\n'), "one-line reason: {msg}");
}

#[test]
fn not_found_names_the_closest_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "calc/core.py",
        "import math\n\ndef area(r):\n    return math.pi * r ** 2\n",
    );
    let err = plan_edits(
        dir.path(),
        &[edit("calc/core.py", "return math.pi * r * 2", "return 1")],
        &any_policy(),
    )
    .expect_err("not found");
    assert_eq!(
        err.to_string(),
        "calc/core.py: search text not found (closest line 4: return math.pi * r ** 2)"
    );
    let err = plan_edits(
        dir.path(),
        &[edit("calc/core.py", "zzzz qqqq", "y")],
        &any_policy(),
    )
    .expect_err("not found");
    assert_eq!(err.to_string(), "calc/core.py: search text not found");
}

#[test]
fn empty_search_creates_only_new_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "exists.py", "x = 1\n");
    write(dir.path(), "empty.py", "");
    let changes = plan_edits(
        dir.path(),
        &[
            edit("pkg/new.py", "", "VALUE = 1\n"),
            edit("empty.py", "", "y = 2\n"),
        ],
        &any_policy(),
    )
    .expect("plan");
    assert_eq!(changes[0].before, None);
    assert_eq!(changes[0].after, "VALUE = 1\n");
    assert_eq!(changes[1].before.as_deref(), Some(""));
    let err =
        plan_edits(dir.path(), &[edit("exists.py", "", "y")], &any_policy()).expect_err("exists");
    assert!(matches!(err, EditError::FileExists { .. }), "{err}");
    let err = plan_edits(dir.path(), &[edit("missing.py", "x", "y")], &any_policy())
        .expect_err("missing");
    assert!(matches!(err, EditError::MissingFile { .. }), "{err}");
}

#[test]
fn crlf_files_stay_crlf() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "w.py", "a = 1\r\nb = 2\r\nc = 3\r\n");
    let changes = plan_edits(
        dir.path(),
        &[edit("w.py", "a = 1\nb = 2\n", "a = 1\nb = 20\nb2 = 21\n")],
        &any_policy(),
    )
    .expect("plan");
    assert_eq!(changes[0].after, "a = 1\r\nb = 20\r\nb2 = 21\r\nc = 3\r\n");
}

#[test]
fn multiple_edits_to_one_file_apply_in_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "m.py",
        "def f():\n    return 1\n\ndef g():\n    return 2\n",
    );
    let changes = plan_edits(
        dir.path(),
        &[
            edit("m.py", "return 1", "return 10"),
            edit("./m.py", "return 2", "return 20"),
            // Sees the result of the first edit.
            edit("m.py", "return 10", "return 100"),
        ],
        &any_policy(),
    )
    .expect("plan");
    assert_eq!(changes.len(), 1);
    assert_eq!(
        changes[0].after,
        "def f():\n    return 100\n\ndef g():\n    return 20\n"
    );
}

#[test]
fn policy_errors_stop_planning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let strict = PathPolicy::new(&[], false).expect("policy");
    let err = plan_edits(
        dir.path(),
        &[edit(".github/workflows/ci.yml", "", "on: push\n")],
        &strict,
    )
    .expect_err("protected");
    assert!(matches!(err, EditError::Policy(PolicyError::Protected(_))));
    let err = plan_edits(dir.path(), &[edit("../x.py", "", "x")], &strict).expect_err("out");
    assert!(matches!(
        err,
        EditError::Policy(PolicyError::OutsideRepo(_))
    ));
}

// ---------------------------------------------------------------- diffs

fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git must be installed")
}

#[test]
fn unified_diff_applies_with_git() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    assert!(git(root, &["init", "-q"]).status.success());
    let long: String = (1..=40).map(|i| format!("line {i}\n")).collect();
    write(root, "calc/core.py", &long);
    write(root, "crlf.txt", "one\r\ntwo\r\nthree\r\n");
    write(root, "no_newline.py", "a = 1\nb = 2");
    let changes = plan_edits(
        root,
        &[
            edit("calc/core.py", "line 5\n", "line five\n"),
            edit("calc/core.py", "line 30\nline 31\n", "line 30\n"),
            edit("crlf.txt", "two\n", "TWO\n"),
            edit("no_newline.py", "b = 2", "b = 3"),
            edit("pkg/new.py", "", "NEW = True\n"),
        ],
        &any_policy(),
    )
    .expect("plan");
    let diff = unified_diff(&changes);
    assert!(
        diff.contains("--- a/calc/core.py\n+++ b/calc/core.py\n"),
        "{diff}"
    );
    assert!(diff.contains("--- /dev/null\n+++ b/pkg/new.py\n"), "{diff}");
    assert!(
        diff.contains("@@ -2,7 +2,7 @@"),
        "3 lines of context: {diff}"
    );
    fs::write(root.join("fix.patch"), &diff).expect("write patch");
    let check = git(root, &["apply", "--check", "fix.patch"]);
    assert!(
        check.status.success(),
        "git apply --check: {}\n{diff}",
        String::from_utf8_lossy(&check.stderr)
    );
    let apply = git(root, &["apply", "fix.patch"]);
    assert!(apply.status.success());
    for c in &changes {
        assert_eq!(
            fs::read_to_string(root.join(&c.path)).expect("read"),
            c.after,
            "{} after git apply",
            c.path
        );
    }

    let coloured = colored_diff(&changes);
    assert!(coloured.contains("\x1b[31m-line 5\x1b[0m"));
    assert!(coloured.contains("\x1b[32m+line five\x1b[0m"));
    assert!(coloured.contains("\x1b[36m@@ -2,7 +2,7 @@"));
}

// ---------------------------------------------------------------- writes

#[test]
fn write_changes_writes_all_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "a.py", "a = 1\n");
    let changes = plan_edits(
        root,
        &[
            edit("a.py", "a = 1", "a = 2"),
            edit("new/b.py", "", "b = 1\n"),
        ],
        &any_policy(),
    )
    .expect("plan");
    write_changes(root, &changes).expect("write");
    assert_eq!(fs::read_to_string(root.join("a.py")).expect("a"), "a = 2\n");
    assert_eq!(
        fs::read_to_string(root.join("new/b.py")).expect("b"),
        "b = 1\n"
    );
}

#[cfg(unix)]
#[test]
fn write_changes_keeps_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "run.sh", "echo 1\n");
    fs::set_permissions(root.join("run.sh"), fs::Permissions::from_mode(0o755)).expect("chmod");
    let changes =
        plan_edits(root, &[edit("run.sh", "echo 1", "echo 2")], &any_policy()).expect("plan");
    write_changes(root, &changes).expect("write");
    let mode = fs::metadata(root.join("run.sh"))
        .expect("meta")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o755);
}

#[test]
fn write_changes_refuses_when_a_file_changed_since_planning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "a.py", "a = 1\n");
    write(root, "b.py", "b = 1\n");
    let changes = plan_edits(
        root,
        &[
            edit("a.py", "a = 1", "a = 2"),
            edit("b.py", "b = 1", "b = 2"),
        ],
        &any_policy(),
    )
    .expect("plan");
    write(root, "b.py", "b = 1  # edited by the user meanwhile\n");
    let err = write_changes(root, &changes).expect_err("conflict");
    assert!(matches!(err, EditError::Conflict { .. }), "{err}");
    assert_eq!(fs::read_to_string(root.join("a.py")).expect("a"), "a = 1\n");
}

#[test]
fn write_changes_rolls_back_after_a_midway_failure() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "a.py", "a = 1\n");
    // Each change is valid alone, so the pre-check passes; but writing `blocker`
    // as a file makes the third write (a file *inside* `blocker/`) fail for real.
    let changes = vec![
        FileChange {
            path: "a.py".into(),
            before: Some("a = 1\n".into()),
            after: "a = 2\n".into(),
        },
        FileChange {
            path: "blocker".into(),
            before: None,
            after: "x\n".into(),
        },
        FileChange {
            path: "blocker/c.py".into(),
            before: None,
            after: "c = 1\n".into(),
        },
    ];
    let err = write_changes(root, &changes).expect_err("must fail");
    let msg = err.to_string();
    assert!(matches!(err, EditError::WriteFailed { .. }), "{msg}");
    assert!(
        msg.contains("2 file(s) already written were restored"),
        "{msg}"
    );
    assert_eq!(fs::read_to_string(root.join("a.py")).expect("a"), "a = 1\n");
    assert!(!root.join("blocker").exists(), "created file removed");
    let left: Vec<_> = fs::read_dir(root)
        .expect("ls")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(
        left,
        vec![std::ffi::OsString::from("a.py")],
        "no temp files left"
    );
}

#[test]
fn write_changes_refuses_a_directory_target() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "a.py", "a = 1\n");
    fs::create_dir(root.join("pkg")).expect("mkdir");
    let changes = vec![
        FileChange {
            path: "a.py".into(),
            before: Some("a = 1\n".into()),
            after: "a = 2\n".into(),
        },
        FileChange {
            path: "pkg".into(),
            before: Some(String::new()),
            after: "x".into(),
        },
    ];
    let err = write_changes(root, &changes).expect_err("dir target");
    assert!(matches!(err, EditError::NotAFile { .. }), "{err}");
    assert_eq!(fs::read_to_string(root.join("a.py")).expect("a"), "a = 1\n");
}
