//! Sandbox copies and validation with real commands (real pytest on tiny projects).

use crate::support::context::Run;
use self_heal::lang::python::python;
use self_heal::lang::Language;
use self_heal::repair::edits::{plan_edits, write_changes, Edit};
use self_heal::repair::policy::PathPolicy;
use self_heal::report::Status;
use self_heal::validate::{
    baseline_failures, detect_test_command, is_secret_env, scope, validate, Runner, Sandbox,
    ValidateError, ValidationPlan, DISABLED,
};
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    fs::write(p, text).expect("write");
}

/// The interpreter validation uses must have pytest; the test script installs it.
fn require_pytest() -> &'static str {
    let py = python();
    let ok = Command::new(py)
        .args(["-m", "pytest", "--version"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        ok,
        "pytest is missing for `{py}`: install it with `{py} -m pip install pytest` (scripts/test.sh does)"
    );
    py
}

/// A project whose `add` is wrong: tests/test_calc.py::test_add fails, test_sub passes.
fn calc_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "calc/__init__.py", "");
    write(
        root,
        "calc/core.py",
        "def add(a, b):\n    return a - b\n\n\ndef sub(a, b):\n    return a - b\n",
    );
    write(
        root,
        "tests/test_calc.py",
        "from calc.core import add, sub\n\n\ndef test_add():\n    assert add(2, 3) == 5\n\n\ndef test_sub():\n    assert sub(5, 3) == 2\n",
    );
    write(root, "pytest.ini", "[pytest]\npythonpath = .\n");
    dir
}

fn plan_for(tests: &[&str]) -> ValidationPlan {
    ValidationPlan {
        failing_tests: tests.iter().map(|s| s.to_string()).collect(),
        language: Some(self_heal::lang::Language::named("python")),
        timeout: Duration::from_secs(120),
        ..Default::default()
    }
}

fn fix_add(root: &Path) {
    let policy = PathPolicy::new(&[], false).expect("policy");
    let changes = plan_edits(
        root,
        &[Edit {
            path: "calc/core.py".into(),
            search: "def add(a, b):\n    return a - b".into(),
            replace: "def add(a, b):\n    return a + b".into(),
        }],
        &policy,
    )
    .expect("plan");
    write_changes(root, &changes).expect("write");
}

fn has_pycache(root: &Path) -> bool {
    walk(root).iter().any(|p| p.ends_with("__pycache__"))
}

fn walk(root: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("read_dir").flatten() {
            let p = e.path();
            if e.file_type().expect("type").is_dir() {
                stack.push(p.clone());
            }
            out.push(p);
        }
    }
    out
}

#[tokio::test]
async fn failing_test_fails_validation_with_its_output() {
    let py = require_pytest();
    let project = calc_project();
    let sandbox = Sandbox::create(project.path()).expect("sandbox");
    let v = validate(
        &sandbox.root,
        &plan_for(&["tests/test_calc.py::test_add"]),
        &Runner::Subprocess,
    )
    .await
    .expect("validate");
    assert!(!v.passed);
    assert_eq!(
        v.commands,
        vec![format!(
            "{py} -m pytest -q -p no:cacheprovider tests/test_calc.py::test_add"
        )],
        "stops after the scoped run fails"
    );
    assert!(
        v.output_tail.contains("assert -1 == 5"),
        "{}",
        v.output_tail
    );
    assert!(v.output_tail.contains("1 failed"), "{}", v.output_tail);
    assert!(v.output_tail.contains("[exit code 1]"), "{}", v.output_tail);
}

#[tokio::test]
async fn fixed_code_passes_scoped_then_full_run() {
    let py = require_pytest();
    let project = calc_project();
    let sandbox = Sandbox::create(project.path()).expect("sandbox");
    fix_add(&sandbox.root);
    let v = validate(
        &sandbox.root,
        &plan_for(&["tests/test_calc.py::test_add"]),
        &Runner::Subprocess,
    )
    .await
    .expect("validate");
    assert!(v.passed, "{}", v.output_tail);
    assert_eq!(
        v.commands,
        vec![
            format!("{py} -m pytest -q -p no:cacheprovider tests/test_calc.py::test_add"),
            format!("{py} -m pytest -q"),
        ]
    );
    assert!(v.output_tail.contains("2 passed"), "{}", v.output_tail);
    assert!(
        !has_pycache(&sandbox.root),
        "PYTHONDONTWRITEBYTECODE=1 is set"
    );
    // The checkout itself is untouched.
    assert!(fs::read_to_string(project.path().join("calc/core.py"))
        .expect("read")
        .contains("return a - b\n\n\ndef sub"));
}

#[tokio::test]
async fn full_command_failures_are_tolerated_only_if_pre_existing() {
    require_pytest();
    let project = calc_project();
    // A test that fails regardless of the fix (e.g. needs a service CI has).
    write(
        project.path(),
        "tests/test_env.py",
        "def test_needs_service():\n    assert False, 'no service here'\n",
    );
    let sandbox = Sandbox::create(project.path()).expect("sandbox");

    // On the unchanged tree, the baseline names both failing tests.
    let mut base = baseline_failures(&sandbox.root, &plan_for(&[]), &Runner::Subprocess)
        .await
        .expect("baseline")
        .expect("parsable pytest report");
    base.sort();
    assert_eq!(
        base,
        vec![
            "tests/test_calc.py::test_add".to_string(),
            "tests/test_env.py::test_needs_service".to_string()
        ]
    );

    fix_add(&sandbox.root);
    let strict = plan_for(&["tests/test_calc.py::test_add"]);
    let v = validate(&sandbox.root, &strict, &Runner::Subprocess)
        .await
        .expect("validate");
    assert!(!v.passed, "a failure not known before must fail validation");
    assert!(
        v.output_tail
            .contains("full test command fails on: tests/test_env.py::test_needs_service"),
        "{}",
        v.output_tail
    );

    let tolerant = ValidationPlan {
        pre_existing_failures: vec!["tests/test_env.py::test_needs_service".into()],
        ..strict.clone()
    };
    let v = validate(&sandbox.root, &tolerant, &Runner::Subprocess)
        .await
        .expect("validate");
    assert!(v.passed, "{}", v.output_tail);
    assert_eq!(v.commands.len(), 2);
    assert!(v
        .output_tail
        .contains("accepted: the full command fails only on tests that already failed before"));

    // Same run but the report lines are switched off: failures can't be read → fail.
    let unreadable = ValidationPlan {
        test_command: Some(format!("{} -m pytest -q -rN", python())),
        ..tolerant.clone()
    };
    let v = validate(&sandbox.root, &unreadable, &Runner::Subprocess)
        .await
        .expect("validate");
    assert!(!v.passed);
    assert!(
        v.output_tail.contains("could not be read"),
        "{}",
        v.output_tail
    );
}

#[tokio::test]
async fn unknown_failing_test_ids_are_reported_as_not_found() {
    require_pytest();
    let project = calc_project();
    let sandbox = Sandbox::create(project.path()).expect("sandbox");
    let plan = ValidationPlan {
        language: None, // guessed from the node id
        ..plan_for(&["tests/test_gone.py::test_x"])
    };
    let v = validate(&sandbox.root, &plan, &Runner::Subprocess)
        .await
        .expect("validate");
    assert!(!v.passed);
    assert!(
        v.output_tail.contains("did not find the failing tests"),
        "{}",
        v.output_tail
    );
}

#[tokio::test]
async fn timeout_kills_the_whole_process_group() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plan = ValidationPlan {
        // The background sleep is a grandchild: it must die with the group.
        test_command: Some("sleep 300 & echo $! > bg.pid; sleep 300".into()),
        timeout: Duration::from_secs(1),
        ..Default::default()
    };
    let v = validate(dir.path(), &plan, &Runner::Subprocess)
        .await
        .expect("validate");
    assert!(!v.passed);
    assert!(
        v.output_tail.contains("[timed out after 1s]"),
        "{}",
        v.output_tail
    );
    let pid = fs::read_to_string(dir.path().join("bg.pid")).expect("pid file");
    let stat = Path::new("/proc").join(pid.trim()).join("stat");
    // Killed: gone, or a zombie until its new parent reaps it.
    let mut alive = true;
    for _ in 0..50 {
        match fs::read_to_string(&stat) {
            Err(_) => alive = false,
            Ok(s) => alive = !s.split(") ").nth(1).is_some_and(|r| r.starts_with('Z')),
        }
        if !alive {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!alive, "background sleep {} survived", pid.trim());
}

#[tokio::test]
async fn secrets_never_reach_the_command_environment() {
    // Unique names so no other test of this binary reads them.
    let secrets = [
        ("VALIDATE_TEST_GITHUB_TOKEN", "sentinel-token-1"),
        ("VALIDATE_TEST_OPENAI_API_KEY", "sentinel-key-2"),
        ("VALIDATE_TEST_DB_PASSWORD", "sentinel-password-3"),
        ("VALIDATE_TEST_CLIENT_SECRET", "sentinel-secret-4"),
        ("INPUT_VALIDATE-TEST-KEY", "sentinel-input-5"),
        ("SELF_HEAL_VALIDATE_TEST_KEY", "sentinel-setting-6"),
        (
            "VALIDATE_TEST_GIT_HEADER",
            "AUTHORIZATION: bearer sentinel-7",
        ),
    ];
    for (k, v) in secrets {
        std::env::set_var(k, v);
    }
    std::env::set_var("VALIDATE_TEST_PLAIN", "visible");
    let dir = tempfile::tempdir().expect("tempdir");
    let plan = ValidationPlan {
        test_command: Some("env > env.txt".into()),
        timeout: Duration::from_secs(30),
        ..Default::default()
    };
    let v = validate(dir.path(), &plan, &Runner::Subprocess)
        .await
        .expect("validate");
    assert!(v.passed, "{}", v.output_tail);
    let env = fs::read_to_string(dir.path().join("env.txt")).expect("env.txt");
    assert!(
        env.contains("VALIDATE_TEST_PLAIN=visible"),
        "ordinary variables pass"
    );
    assert!(env.contains("PYTHONDONTWRITEBYTECODE=1"));
    assert!(env.lines().any(|l| l.starts_with("PATH=")));
    for (k, v) in secrets {
        assert!(
            !env.contains(v),
            "{k} leaked into the command's environment"
        );
    }

    for name in [
        "GITHUB_TOKEN",
        "INPUT_GITHUB-TOKEN",
        "INPUT_GITHUB_TOKEN",
        "OPENAI_API_KEY",
        "INPUT_OPENAI-API-KEY",
        "SELF_HEAL_GITHUB_TOKEN",
        "SELF_HEAL_OPENAI_API_KEY",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
        "AWS_SECRET_ACCESS_KEY",
        "PGPASSWORD",
    ] {
        assert!(is_secret_env(name), "{name}");
    }
    for name in [
        "PATH",
        "HOME",
        "LANG",
        "GITHUB_WORKSPACE",
        "CI",
        "PYTHONPATH",
    ] {
        assert!(!is_secret_env(name), "{name}");
    }
}

#[tokio::test]
async fn output_is_capped_to_head_and_tail() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plan = ValidationPlan {
        // ~1.9 MB of output, then a last line and a failure.
        test_command: Some(
            "i=0; while [ $i -lt 20000 ]; do echo \"line $i xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"; i=$((i+1)); done; echo LAST-LINE >&2; exit 3"
                .into(),
        ),
        timeout: Duration::from_secs(120),
        ..Default::default()
    };
    let v = validate(dir.path(), &plan, &Runner::Subprocess)
        .await
        .expect("validate");
    assert!(!v.passed);
    assert!(
        v.output_tail.len() < 12 * 1024,
        "{} bytes",
        v.output_tail.len()
    );
    assert!(v.output_tail.contains("line 0 "), "head kept");
    assert!(
        v.output_tail.contains("LAST-LINE\n[exit code 3]"),
        "tail kept, stderr merged"
    );
    assert!(v.output_tail.contains("bytes omitted"));
}

#[tokio::test]
async fn setup_runs_first_and_its_failure_stops_validation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plan = ValidationPlan {
        setup_command: Some("echo ready > setup.txt".into()),
        test_command: Some("test -f setup.txt".into()),
        timeout: Duration::from_secs(30),
        ..Default::default()
    };
    let v = validate(dir.path(), &plan, &Runner::Subprocess)
        .await
        .expect("validate");
    assert!(v.passed, "{}", v.output_tail);
    assert_eq!(
        v.commands,
        vec!["echo ready > setup.txt", "test -f setup.txt"]
    );

    let broken = ValidationPlan {
        setup_command: Some("echo cannot install >&2; exit 7".into()),
        ..plan
    };
    // A failed setup proves nothing about the code: its own outcome, with the cause.
    let err = validate(dir.path(), &broken, &Runner::Subprocess)
        .await
        .expect_err("a failed setup is not a test result");
    let ValidateError::Environment { reason, validation } = &err else {
        panic!("{err}");
    };
    assert!(
        reason.contains("the setup command `echo cannot install >&2; exit 7` failed")
            && reason.contains("exit code 7")
            && reason.contains("cannot install"),
        "{reason}"
    );
    assert_eq!(validation.commands.len(), 1);
    assert!(!validation.passed);
    assert!(validation.output_tail.contains("cannot install"));
}

/// The outcome of a plan whose one command is `cmd` under `shell` (None: the default).
async fn run_command(
    cmd: &str,
    shell: Option<&str>,
) -> Result<self_heal::validate::Validation, ValidateError> {
    let dir = tempfile::tempdir().expect("tempdir");
    let plan = ValidationPlan {
        test_command: Some(cmd.into()),
        test_shell: shell.map(str::to_string),
        timeout: Duration::from_secs(60),
        ..Default::default()
    };
    validate(dir.path(), &plan, &Runner::Subprocess).await
}

#[tokio::test]
async fn the_failed_step_runs_under_the_shell_its_log_names() {
    // gofmt's CI idiom: fails when anything is listed. bash's `read` takes no
    // name and succeeds on a line; dash's fails ("arg count"), so under
    // `sh -c` this passed while CI failed.
    let check = "printf 'bad.go\\n' | tee /dev/stderr | (! read)";
    let v = run_command(check, Some("/usr/bin/bash -e {0}"))
        .await
        .expect("runs");
    assert!(
        !v.passed,
        "bash -e, as in the log: fails like CI\n{}",
        v.output_tail
    );
    assert!(v.output_tail.contains("bad.go"), "{}", v.output_tail);
    let v = run_command(check, None).await.expect("runs");
    assert!(
        !v.passed,
        "the default is GitHub's bash too\n{}",
        v.output_tail
    );
    let v = run_command(check, Some("sh -e {0}")).await.expect("runs");
    assert!(
        v.passed,
        "a step that said `shell: sh -e {{0}}` gets sh\n{}",
        v.output_tail
    );

    // -o pipefail from `shell: bash`'s template; plain `bash -e {0}` has none.
    let v = run_command(
        "false | true",
        Some("bash --noprofile --norc -eo pipefail {0}"),
    )
    .await
    .expect("runs");
    assert!(!v.passed, "{}", v.output_tail);
    let v = run_command("false | true", Some("/usr/bin/bash -e {0}"))
        .await
        .expect("runs");
    assert!(v.passed, "{}", v.output_tail);

    // -e: a failing line stops the script, as on GitHub.
    let v = run_command(
        "false\necho reached-$((40 + 2))",
        Some("/usr/bin/bash -e {0}"),
    )
    .await
    .expect("runs");
    assert!(
        !v.passed && !v.output_tail.contains("reached-42"),
        "{}",
        v.output_tail
    );

    // `shell: python` steps are Python scripts.
    let v = run_command(
        "import sys\nprint('from', 'python')\nsys.exit(3)",
        Some("python3 {0}"),
    )
    .await
    .expect("runs");
    assert!(
        v.output_tail.contains("from python\n[exit code 3]"),
        "{}",
        v.output_tail
    );
}

#[tokio::test]
async fn a_missing_tool_shell_or_module_is_named_not_counted_as_a_failed_test() {
    let reason = |r: Result<self_heal::validate::Validation, ValidateError>| match r {
        Err(ValidateError::Environment { reason, validation }) => {
            assert!(!validation.passed);
            assert_eq!(validation.commands.len(), 1);
            reason
        }
        other => panic!("expected an environment error, got {other:?}"),
    };
    let r = reason(run_command("no-such-tool-xyz --run", None).await);
    assert!(
        r.contains("`no-such-tool-xyz` is not installed on this machine")
            && r.contains("exit code 127"),
        "{r}"
    );
    let r = reason(run_command("no-such-tool-xyz --run", Some("sh -e {0}")).await);
    assert!(
        r.contains("`no-such-tool-xyz` is not installed"),
        "dash's wording: {r}"
    );
    let r = reason(run_command("python3 -m no_such_module_xyz -q", None).await);
    assert!(
        r.contains("the Python module `no_such_module_xyz` is not installed on this machine"),
        "{r}"
    );
    let r = reason(run_command("echo hi", Some("no-such-shell-xyz -c {0}")).await);
    assert!(
        r.contains("the step's shell `no-such-shell-xyz`") && r.contains("not installed"),
        "{r}"
    );
    let r = reason(run_command("echo 'echo hi' > run.sh; chmod a-x run.sh; ./run.sh", None).await);
    assert!(r.contains("exit code 126"), "{r}");

    // A test that fails is still a failed validation, not an environment error.
    let v = run_command("echo 'assert 1 == 2'; exit 1", None)
        .await
        .expect("a test result");
    assert!(!v.passed);
}

#[tokio::test]
async fn validation_none_is_a_marked_skip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let v = validate(dir.path(), &plan_for(&["t.py::x"]), &Runner::None)
        .await
        .expect("validate");
    assert!(v.passed);
    assert!(v.commands.is_empty());
    assert_eq!(v.output_tail, DISABLED);
}

#[tokio::test]
async fn nothing_to_run_fails_with_a_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let v = validate(dir.path(), &ValidationPlan::default(), &Runner::Subprocess)
        .await
        .expect("validate");
    assert!(!v.passed);
    assert!(v.output_tail.contains("set test-command"));
}

#[cfg(unix)]
#[test]
fn sandbox_respects_ignores_and_keeps_modes_and_inner_links() {
    use std::os::unix::fs::PermissionsExt;
    let outside = tempfile::tempdir().expect("tempdir");
    write(outside.path(), "secret.txt", "outside");
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, ".gitignore", "build/\n*.log\n");
    write(root, "pkg/.gitignore", "local.cfg\n");
    write(root, ".ignore", "scratch/\n");
    write(root, "src/app.py", "print(1)\n");
    write(root, "build/out.bin", "binary");
    write(root, "debug.log", "log");
    write(root, "pkg/local.cfg", "cfg");
    write(root, "pkg/keep.cfg", "cfg");
    write(root, "scratch/tmp.txt", "tmp");
    write(root, ".git/config", "[core]");
    write(root, ".self-heal/memory.json", "{}");
    write(root, ".github/workflows/ci.yml", "on: push");
    write(root, "run.sh", "#!/bin/sh\necho hi\n");
    fs::set_permissions(root.join("run.sh"), fs::Permissions::from_mode(0o755)).expect("chmod");
    std::os::unix::fs::symlink("src/app.py", root.join("app_link.py")).expect("link");
    std::os::unix::fs::symlink(root.join("src"), root.join("abs_src")).expect("link");
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), root.join("leak.txt"))
        .expect("link");

    let sandbox = Sandbox::create(root).expect("sandbox");
    let s = &sandbox.root;
    for kept in [
        ".gitignore",
        "src/app.py",
        "pkg/keep.cfg",
        ".github/workflows/ci.yml",
        "run.sh",
    ] {
        assert!(s.join(kept).is_file(), "{kept} copied");
    }
    for skipped in [
        "build",
        "debug.log",
        "pkg/local.cfg",
        "scratch",
        ".git",
        ".self-heal",
        "leak.txt",
    ] {
        assert!(
            fs::symlink_metadata(s.join(skipped)).is_err(),
            "{skipped} must not be copied"
        );
    }
    let mode = fs::metadata(s.join("run.sh"))
        .expect("meta")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o755, "executable kept");
    let link = fs::read_link(s.join("app_link.py")).expect("relative link kept as link");
    assert_eq!(link, Path::new("src/app.py"));
    let abs = fs::read_link(s.join("abs_src")).expect("absolute link kept as link");
    assert!(
        abs.starts_with(s),
        "absolute link re-pointed into the sandbox: {abs:?}"
    );
    assert_eq!(
        fs::read_to_string(s.join("abs_src/app.py")).expect("via link"),
        "print(1)\n"
    );

    let path = s.clone();
    drop(sandbox);
    assert!(!path.exists(), "sandbox removed on drop");
}

/// The installed `node_modules` (ignored, so not part of the checkout's copy) is
/// reused by a private copy: a test that writes into it changes only the sandbox's.
#[tokio::test]
async fn the_sandbox_reuses_node_modules_without_sharing_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, ".gitignore", "node_modules/\n");
    write(
        root,
        "node_modules/left-pad/index.js",
        "module.exports = 1;\n",
    );
    write(root, "node_modules/left-pad/package.json", "{}\n");
    fs::create_dir_all(root.join("node_modules/.bin")).expect("mkdir");
    std::os::unix::fs::symlink(
        "../left-pad/index.js",
        root.join("node_modules/.bin/left-pad"),
    )
    .expect("link");
    let original = crate::support::harness::snapshot(root);

    let sandbox = Sandbox::create(root).expect("sandbox");
    let s = &sandbox.root;
    assert_eq!(
        fs::read_to_string(s.join("node_modules/.bin/left-pad")).expect("bin link kept"),
        "module.exports = 1;\n"
    );
    assert!(
        !fs::symlink_metadata(s.join("node_modules"))
            .expect("node_modules")
            .file_type()
            .is_symlink(),
        "a copy, not a link to the original"
    );
    // An attempt's setup and tests write into every file they can reach there.
    let plan = ValidationPlan {
        setup_command: Some(
            "echo 'tampered by setup' >> node_modules/left-pad/package.json".into(),
        ),
        test_command: Some(
            "echo 'module.exports = 2;' > node_modules/left-pad/index.js && \
             echo x > node_modules/.bin/left-pad && rm -rf node_modules/left-pad && \
             test ! -e node_modules/left-pad"
                .into(),
        ),
        ..ValidationPlan::default()
    };
    let v = validate(s, &plan, &Runner::Subprocess)
        .await
        .expect("validate");
    assert!(v.passed, "{v:?}");
    assert_same_tree_as(root, &original);
}

/// A monorepo's project (and a workspace's package) below the root has its own
/// `node_modules`: each gets its private copy, and the steps run in the project.
#[tokio::test]
async fn node_modules_of_projects_below_the_root_are_copied_and_steps_run_there() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, ".gitignore", "node_modules/\n");
    write(root, "web/package.json", "{}\n");
    write(root, "web/node_modules/dep/index.js", "1\n");
    write(root, "web/packages/ui/package.json", "{}\n");
    write(root, "web/packages/ui/node_modules/ui-dep/index.js", "2\n");
    let original = crate::support::harness::snapshot(root);

    let sandbox = Sandbox::create(root).expect("sandbox");
    let s = &sandbox.root;
    for f in [
        "web/node_modules/dep/index.js",
        "web/packages/ui/node_modules/ui-dep/index.js",
    ] {
        assert!(s.join(f).is_file(), "{f} copied");
    }
    let plan = ValidationPlan {
        project_dir: Some("web".into()),
        test_command: Some(
            "test -f package.json && test -f node_modules/dep/index.js && \
             rm -rf node_modules packages/ui/node_modules"
                .into(),
        ),
        ..ValidationPlan::default()
    };
    let v = validate(s, &plan, &Runner::Subprocess)
        .await
        .expect("validate");
    assert!(v.passed, "{v:?}");
    assert!(
        v.commands[0].starts_with("cd web && test -f package.json"),
        "{:?}",
        v.commands
    );
    assert_same_tree_as(root, &original);

    // A project directory that is not there is a clear error, not a run at the root.
    let plan = ValidationPlan {
        project_dir: Some("gone".into()),
        test_command: Some("true".into()),
        ..ValidationPlan::default()
    };
    let err = validate(s, &plan, &Runner::Subprocess).await.unwrap_err();
    assert!(err.to_string().contains("gone"), "{err}");
}

fn assert_same_tree_as(
    root: &Path,
    before: &std::collections::BTreeMap<std::path::PathBuf, Vec<u8>>,
) {
    crate::support::harness::assert_same_tree(
        before,
        &crate::support::harness::snapshot(root),
        "original",
    );
}

#[test]
fn sandbox_of_a_missing_dir_is_an_error() {
    let err = Sandbox::create(Path::new("/nonexistent/self-heal-test"))
        .err()
        .expect("must fail");
    assert!(matches!(err, ValidateError::Sandbox(_)), "{err}");
}

#[test]
fn detects_test_commands_by_project_files() {
    let py = python();
    type Case<'a> = (&'a [(&'a str, &'a str)], Option<&'a str>, Option<String>);
    let cases: &[Case] = &[
        (
            &[("pytest.ini", "[pytest]\n")],
            None,
            Some(format!("{py} -m pytest -q")),
        ),
        (
            &[("pyproject.toml", "[tool.pytest.ini_options]\n")],
            None,
            Some(format!("{py} -m pytest -q")),
        ),
        (
            &[("setup.cfg", "[tool:pytest]\n")],
            None,
            Some(format!("{py} -m pytest -q")),
        ),
        (
            &[("test_x.py", "")],
            None,
            Some(format!("{py} -m pytest -q")),
        ),
        (
            &[("go.mod", "module x\n")],
            None,
            Some("go test ./...".into()),
        ),
        (
            &[("Cargo.toml", "[package]\n")],
            None,
            Some("cargo test".into()),
        ),
        (
            &[("package.json", r#"{"scripts":{"test":"jest"}}"#)],
            None,
            Some("npm test".into()),
        ),
        (
            &[(
                "package.json",
                r#"{"scripts":{"test":"echo \"Error: no test specified\" && exit 1"}}"#,
            )],
            None,
            None,
        ),
        (
            &[("pom.xml", "<project/>")],
            None,
            Some("mvn -q -B test".into()),
        ),
        (&[("build.gradle", "")], None, Some("gradle test".into())),
        (
            &[("build.gradle.kts", ""), ("gradlew", "#!/bin/sh\n")],
            None,
            Some("./gradlew test".into()),
        ),
        // The declared language is looked at first.
        (
            &[("go.mod", "module x\n"), ("tests/x.py", "")],
            Some("go"),
            Some("go test ./...".into()),
        ),
        (&[("README.md", "hi")], None, None),
    ];
    for (files, lang, want) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        for (name, text) in *files {
            write(dir.path(), name, text);
        }
        assert_eq!(
            detect_test_command(dir.path(), *lang).as_ref(),
            want.as_ref(),
            "{files:?}"
        );
    }
}

#[test]
fn scoped_commands_per_language() {
    let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let py = python();
    let empty = tempfile::tempdir().expect("tempdir");
    let python = |tests: &[&str]| {
        scope::scoped_run(
            empty.path(),
            Language::from_name("python"),
            None,
            &ids(tests),
        )
        .map(|sc| sc.shell())
    };
    assert_eq!(
        python(&["tests/t.py::test_a", "tests/t.py::test_p[1 2]"]),
        Some(format!(
            "{py} -m pytest -q -p no:cacheprovider tests/t.py::test_a 'tests/t.py::test_p[1 2]'"
        ))
    );
    // The other languages scope in their framework's own syntax, read back by report.
    type Files = &'static [(&'static str, &'static str)];
    let cases: &[(Files, Language, &str, &str)] = &[
        (
            &[("go.mod", "module example.com/m\n")],
            Language::named("go"),
            "example.com/m/calc.TestAdd",
            "go test -json -run '^TestAdd$' ./calc",
        ),
        (
            &[("Cargo.toml", "[package]\n")],
            Language::named("rust"),
            "tests::adds",
            "cargo test --no-fail-fast -- --exact tests::adds",
        ),
        (
            &[("package.json", r#"{"scripts":{"test":"jest"}}"#)],
            Language::named("javascript"),
            "sum › adds 1 + 2",
            r"npx jest --json --outputFile=.self-heal-results.json -t '^sum adds 1 \+ 2$'",
        ),
        (
            &[("package.json", r#"{"devDependencies":{"mocha":"10"}}"#)],
            Language::named("javascript"),
            "pager shows",
            "npx mocha --reporter tap --grep '^pager shows$'",
        ),
        (
            &[("pom.xml", "<project/>")],
            Language::named("java"),
            "com.x.CalcTest#adds",
            "mvn -B -ntp test -Dtest=com.x.CalcTest#adds -Dsurefire.failIfNoSpecifiedTests=false",
        ),
        (
            &[("build.gradle", ""), ("gradlew", "")],
            Language::named("java"),
            "com.x.CalcTest#adds",
            "./gradlew test --tests com.x.CalcTest.adds",
        ),
    ];
    for (files, lang, id, want) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        for (name, text) in *files {
            write(dir.path(), name, text);
        }
        let sc = scope::scoped_run(dir.path(), Some(*lang), None, &ids(&[id]))
            .unwrap_or_else(|| panic!("{lang} {files:?}"));
        assert_eq!(sc.shell(), *want, "{lang} {files:?}");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    assert_eq!(
        scope::scoped_run(
            dir.path(),
            Some(Language::named("go")),
            None,
            &ids(&["TestX"])
        ),
        None,
        "no go.mod, no framework"
    );
    assert_eq!(python(&[]), None);
    assert_eq!(
        scope::scoped_run(
            empty.path(),
            Language::from_name("cobol"),
            None,
            &ids(&["x"])
        ),
        None
    );
}

/// A PATH holding only `bash`, `sh`, `git` and `python3`, no `python`: with
/// `python3` (a link to it in `dir`), or else `venv`'s `bin` (Python finds a
/// venv from its own directory, so a link to a venv's interpreter is not one).
fn path_with_only_python3(dir: &Path, python3: Option<&Path>, venv: Option<&Path>) -> String {
    let bin = dir.join("bin");
    fs::create_dir_all(&bin).expect("mkdir");
    for tool in ["bash", "sh", "git"] {
        let found = which::which(tool).unwrap_or_else(|_| panic!("{tool} on PATH"));
        std::os::unix::fs::symlink(found, bin.join(tool)).expect("symlink");
    }
    if let Some(p) = python3 {
        std::os::unix::fs::symlink(p, bin.join("python3")).expect("symlink");
    }
    match venv {
        Some(v) => {
            let _ = fs::remove_file(v.join("bin/python"));
            format!("{}:{}", v.join("bin").display(), bin.display())
        }
        None => bin.to_string_lossy().into_owned(),
    }
}

/// The interpreter itself, not a shim (pyenv's shims are scripts that need more).
fn real_python3() -> std::path::PathBuf {
    let out = Command::new("python3")
        .args([
            "-c",
            "import os, sys; print(os.path.realpath(sys.executable))",
        ])
        .output()
        .expect("python3");
    std::path::PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

#[test]
fn python_from_the_log_runs_as_python3_where_only_that_exists() {
    require_pytest();
    let t = crate::support::harness::Test::with_sample("py-name-error");
    let path = path_with_only_python3(&t.path("tools"), Some(&real_python3()), None);
    let out = crate::support::harness::Test::new()
        .current_dir(t.repo())
        .args(["run", "--log", "ci.log", "--dry-run", "--yes"])
        .args(["--report", t.path("report.json").to_str().unwrap()])
        .env("PATH", &path)
        .run();
    let run = Run::read(out, &t.path("report.json"), t.dir.path());
    assert_eq!(run.report.status, Status::Proposed, "{run:?}");
    let v = &run.report.attempts.first().expect("an attempt").validation;
    assert_eq!(
        v.commands.last().map(String::as_str),
        Some("python -m pytest -q"),
        "the log's command, unchanged"
    );
    let tail = v.output_tail.as_str();
    assert!(tail.contains("python3 stands in for it"), "{tail}");
    assert!(tail.contains("2 passed"), "{tail}");
}

#[test]
fn without_pytest_the_run_names_it_instead_of_blaming_the_model() {
    let t = crate::support::harness::Test::with_sample("py-logic-error");
    // A Python without pytest: a venv of this interpreter (no system packages).
    let venv = t.path("venv");
    let made = Command::new(real_python3())
        .args(["-m", "venv", "--without-pip"])
        .arg(&venv)
        .status()
        .expect("python3 -m venv");
    assert!(made.success());
    let path = path_with_only_python3(&t.path("tools"), None, Some(&venv));
    let out = crate::support::harness::Test::new()
        .current_dir(t.repo())
        .args(["run", "--log", "ci.log", "--dry-run", "--yes"])
        .args(["--report", t.path("report.json").to_str().unwrap()])
        .env("PATH", &path)
        .run();
    let run = Run::read(out, &t.path("report.json"), t.dir.path());
    assert_eq!(run.report.status, Status::Error, "{run:?}");
    // Names the missing module and the setting that installs it.
    crate::assert_outcome_snapshot!("without-pytest", run);
    // Never the model's fault, nor a reproduction or a flaky test: checked apart from
    // the snapshot, so that accepting a new one cannot let them in.
    let reason = run.report.reason.as_str();
    for wrong in ["model", "reproduc", "validation failed", "flaky"] {
        assert!(!reason.contains(wrong), "{wrong:?} in {reason}");
    }
    let out = &run.output;
    assert!(
        out.stdout.contains("No module named pytest")
            || out.stderr.contains("No module named pytest"),
        "the cause is printed: {out:?}"
    );
}

/// pytest's scoped run is judged by its exit code: on the unchanged code a node id
/// it cannot find (exit 4, `ERROR: not found:`) or an empty collection (exit 5) is
/// an environment error, not the failure reproduced; a conftest that fails to
/// import (exit 4 too) is the code failing, so it is reproduced.
#[tokio::test]
async fn a_pytest_run_that_finds_none_of_the_tests_reproduces_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "tests/test_calc.py",
        "def test_adds():\n    assert 1 + 1 == 3\n",
    );
    let plan = |id: &str| ValidationPlan {
        failing_tests: vec![id.into()],
        language: Some(Language::named("python")),
        test_command: Some("python3 -m pytest -q".into()),
        scope_only: true,
        ..ValidationPlan::default()
    };
    for id in [
        "tests/test_calc.py::test_renamed",
        "tests/test_gone.py::test_adds",
    ] {
        match validate(root, &plan(id), &Runner::Subprocess).await {
            Err(ValidateError::Environment { reason, validation }) => {
                assert!(
                    reason.contains("found none of the failing tests")
                        && reason.contains("exit code 4"),
                    "{reason}"
                );
                assert!(
                    validation.output_tail.contains("not found"),
                    "{validation:?}"
                );
            }
            other => panic!("{id}: {other:?}"),
        }
    }
    // The test that exists and fails: reproduced.
    let v = validate(
        root,
        &plan("tests/test_calc.py::test_adds"),
        &Runner::Subprocess,
    )
    .await
    .expect("a failing test is a result");
    assert!(!v.passed, "{v:?}");
    // A conftest that cannot import: the run breaks on the code, reproduced.
    write(root, "tests/conftest.py", "import calc_helpers_not_there\n");
    let v = validate(
        root,
        &plan("tests/test_calc.py::test_adds"),
        &Runner::Subprocess,
    )
    .await
    .expect("a broken conftest is a result");
    assert!(!v.passed, "{v:?}");
    assert!(v.output_tail.contains("calc_helpers_not_there"), "{v:?}");
}

/// A scoped run that runs none of the named tests exits 0 (node's pattern matched
/// nothing) and is never a pass: on the unchanged code it is an environment error
/// (the ids do not fit the project), after an edit a failed validation.
#[tokio::test]
async fn a_scoped_run_of_nothing_is_never_a_pass() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "package.json",
        r#"{"scripts":{"test":"node --test"}}"#,
    );
    write(
        root,
        "test/a.test.js",
        "const test = require('node:test');\ntest('adds', () => {});\n",
    );
    let plan = ValidationPlan {
        failing_tests: vec!["no such test".into()],
        language: Some(Language::named("javascript")),
        test_command: Some("node --test".into()),
        scope_only: true,
        ..ValidationPlan::default()
    };
    match validate(root, &plan, &Runner::Subprocess).await {
        Err(ValidateError::Environment { reason, .. }) => {
            assert!(reason.contains("ran none of the failing tests"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    let plan = ValidationPlan {
        scope_only: false,
        ..plan
    };
    let v = validate(root, &plan, &Runner::Subprocess)
        .await
        .expect("validate");
    assert!(!v.passed, "{v:?}");
    assert!(v.output_tail.contains("that is never a pass"), "{v:?}");
    assert_eq!(v.commands.len(), 1, "the full run is not reached: {v:?}");
    // The named test that exists: ran and passed, read from the TAP report.
    let plan = ValidationPlan {
        failing_tests: vec!["adds".into()],
        ..plan
    };
    let v = validate(root, &plan, &Runner::Subprocess)
        .await
        .expect("validate");
    assert!(v.passed, "{v:?}");
    assert!(v.output_tail.contains("ran and passed: adds"), "{v:?}");
}

// ---- a full run outside Python reports its failing tests ----

/// One framework's case: a sample, plus a test that fails whatever the fix (it
/// needs a service CI has) and one that passes until `breakage` changes the code.
struct FullRunCase {
    sample: &'static str,
    language: Language,
    /// Files added to the sample: the two tests and the code the second one checks.
    extra: &'static [(&'static str, &'static str)],
    /// Lines appended to the sample's files (a `mod` for the added code).
    append: &'static [(&'static str, &'static str)],
    /// (path, search, replace): the fix that also breaks the passing extra test.
    breakage: (&'static str, &'static str, &'static str),
    unrelated: &'static str,
    broken: &'static str,
}

fn apply(root: &Path, path: &str, search: &str, replace: &str) {
    let p = root.join(path);
    let text = fs::read_to_string(&p).expect("read");
    assert_eq!(text.matches(search).count(), 1, "{path}: {search}");
    fs::write(&p, text.replacen(search, replace, 1)).expect("write");
}

/// Maven resolves into the local repository the other tests fill
/// (`results::cache_dir`), as a runner's settings would point it: the project's
/// `.mvn/maven.config`, which the sandbox copies and `mvn` reads, so the log's
/// command stays as it is.
fn use_shared_maven_repository(root: &Path) {
    let repo = crate::results::cache_dir().join("m2");
    write(
        root,
        ".mvn/maven.config",
        &format!("-Dmaven.repo.local={}\n", repo.display()),
    );
}

async fn full_run_tolerates_only_pre_existing_failures(case: FullRunCase) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    crate::support::harness::copy_dir(&crate::support::harness::sample_dir(case.sample), root);
    for (rel, text) in case.extra {
        write(root, rel, text);
    }
    for (rel, text) in case.append {
        let old = fs::read_to_string(root.join(rel)).expect("read");
        write(root, rel, &format!("{old}{text}"));
    }
    crate::results::install_deps(case.sample, root);
    if root.join("pom.xml").is_file() {
        use_shared_maven_repository(root);
    }
    let expected = crate::results::expected(case.sample);
    let target: Vec<String> = expected["failing_tests"]
        .as_array()
        .expect("failing_tests")
        .iter()
        .map(|t| t.as_str().expect("id").to_string())
        .collect();
    let plan = ValidationPlan {
        failing_tests: target.clone(),
        language: Some(case.language),
        test_command: Some(expected["command"].as_str().expect("command").to_string()),
        timeout: Duration::from_secs(300),
        ..Default::default()
    };

    // The unchanged tree: the full run's report names both failing tests.
    let mut base = baseline_failures(root, &plan, &Runner::Subprocess)
        .await
        .expect("baseline")
        .unwrap_or_else(|| panic!("{}: the full run's failing tests are readable", case.sample));
    base.sort();
    let mut want = vec![target[0].clone(), case.unrelated.to_string()];
    want.sort();
    assert_eq!(base, want, "{}", case.sample);

    for e in expected["fix"].as_array().expect("fix") {
        apply(
            root,
            e["path"].as_str().unwrap(),
            e["search"].as_str().unwrap(),
            e["replace"].as_str().unwrap(),
        );
    }
    let tolerant = ValidationPlan {
        pre_existing_failures: vec![case.unrelated.to_string()],
        ..plan.clone()
    };
    let v = validate(root, &tolerant, &Runner::Subprocess)
        .await
        .expect("validate");
    assert!(v.passed, "{}: {}", case.sample, v.output_tail);
    assert!(
        v.output_tail.contains(&format!(
            "accepted: the full command fails only on tests that already failed before: {}",
            case.unrelated
        )),
        "{}: {}",
        case.sample,
        v.output_tail
    );

    // Without knowing it failed before, the same run is a failure.
    let v = validate(root, &plan, &Runner::Subprocess)
        .await
        .expect("validate");
    assert!(!v.passed, "{}: {}", case.sample, v.output_tail);

    // A fix that breaks another test is rejected, naming it.
    let (path, search, replace) = case.breakage;
    apply(root, path, search, replace);
    let v = validate(root, &tolerant, &Runner::Subprocess)
        .await
        .expect("validate");
    assert!(!v.passed, "{}: {}", case.sample, v.output_tail);
    assert!(
        v.output_tail
            .contains(&format!("full test command fails on: {}", case.broken)),
        "{}: {}",
        case.sample,
        v.output_tail
    );
}

#[tokio::test]
async fn go_full_run_tolerates_only_pre_existing_failures() {
    full_run_tolerates_only_pre_existing_failures(FullRunCase {
        sample: "go-wordfreq",
        language: Language::named("go"),
        extra: &[
            ("answer.go", "package wordfreq\n\nfunc Answer() int { return 42 }\n"),
            (
                "extra_test.go",
                "package wordfreq\n\nimport \"testing\"\n\n\
                 func TestNeedsService(t *testing.T) { t.Fatal(\"no service here\") }\n\n\
                 func TestAnswer(t *testing.T) {\n\tif Answer() != 42 {\n\t\tt.Fatal(Answer())\n\t}\n}\n",
            ),
        ],
        append: &[],
        breakage: ("answer.go", "return 42", "return 41"),
        unrelated: "example.com/wordfreq.TestNeedsService",
        broken: "example.com/wordfreq.TestAnswer",
    })
    .await;
}

#[tokio::test]
async fn cargo_full_run_tolerates_only_pre_existing_failures_across_test_binaries() {
    full_run_tolerates_only_pre_existing_failures(FullRunCase {
        sample: "rust-panic",
        language: Language::named("rust"),
        // An integration test binary beside the library's unit tests: the
        // unrelated failure is in one, the targeted test in the other.
        extra: &[
            ("src/answer.rs", "pub fn answer() -> u32 {\n    42\n}\n"),
            (
                "tests/extra.rs",
                "#[test]\nfn needs_service() {\n    panic!(\"no service here\");\n}\n\n\
                 #[test]\nfn answer_is_42() {\n    assert_eq!(ring::answer::answer(), 42);\n}\n",
            ),
        ],
        append: &[("src/lib.rs", "pub mod answer;\n")],
        breakage: ("src/answer.rs", "    42", "    41"),
        unrelated: "needs_service",
        broken: "answer_is_42",
    })
    .await;
}

#[tokio::test]
async fn node_test_full_run_tolerates_only_pre_existing_failures() {
    full_run_tolerates_only_pre_existing_failures(FullRunCase {
        sample: "js-node-test",
        language: Language::named("javascript"),
        extra: &[
            ("lib/answer.js", "module.exports = () => 42;\n"),
            (
                "test/extra.test.js",
                "const test = require('node:test');\nconst assert = require('node:assert');\n\
                 const answer = require('../lib/answer');\n\n\
                 test('needs service', () => { assert.fail('no service here'); });\n\n\
                 test('answer', () => { assert.strictEqual(answer(), 42); });\n",
            ),
        ],
        append: &[],
        breakage: ("lib/answer.js", "42", "41"),
        unrelated: "needs service",
        broken: "answer",
    })
    .await;
}

#[tokio::test]
async fn jest_full_run_through_npm_test_tolerates_only_pre_existing_failures() {
    full_run_tolerates_only_pre_existing_failures(FullRunCase {
        sample: "js-jest-hop",
        language: Language::named("javascript"),
        extra: &[
            ("src/answer.js", "module.exports = () => 42;\n"),
            (
                "test/extra.test.js",
                "const answer = require('../src/answer');\n\n\
                 test('needs service', () => { throw new Error('no service here'); });\n\n\
                 test('answer', () => { expect(answer()).toBe(42); });\n",
            ),
        ],
        append: &[],
        breakage: ("src/answer.js", "42", "41"),
        unrelated: "needs service",
        broken: "answer",
    })
    .await;
}

/// `npx vitest run` gets vitest's JSON reporter beside the default one, writing
/// to a file; the failures are read from there (suites joined by ` > `).
#[tokio::test]
async fn vitest_full_run_tolerates_only_pre_existing_failures() {
    full_run_tolerates_only_pre_existing_failures(FullRunCase {
        sample: "js-vitest",
        language: Language::named("javascript"),
        extra: &[
            ("src/answer.ts", "export const answer = (): number => 42;\n"),
            (
                "test/extra.test.ts",
                "import { describe, expect, it } from 'vitest';\n\
                 import { answer } from '../src/answer';\n\n\
                 describe('extra', () => {\n\
                 \x20 it('needs service', () => {\n    throw new Error('no service here');\n  });\n\n\
                 \x20 it('answer', () => {\n    expect(answer()).toBe(42);\n  });\n});\n",
            ),
        ],
        append: &[],
        breakage: ("src/answer.ts", "=> 42", "=> 41"),
        unrelated: "extra > needs service",
        broken: "extra > answer",
    })
    .await;
}

/// `npx mocha` gets `--reporter tap`; the failures are read from its TAP lines
/// (mocha's full titles, suites joined by spaces).
#[tokio::test]
async fn mocha_full_run_tolerates_only_pre_existing_failures() {
    full_run_tolerates_only_pre_existing_failures(FullRunCase {
        sample: "js-mocha",
        language: Language::named("javascript"),
        extra: &[
            ("lib/answer.js", "module.exports = () => 42;\n"),
            (
                "test/extra.test.js",
                "const assert = require('node:assert');\nconst answer = require('../lib/answer');\n\n\
                 describe('extra', function () {\n\
                 \x20 it('needs service', function () {\n    assert.fail('no service here');\n  });\n\n\
                 \x20 it('answer', function () {\n    assert.strictEqual(answer(), 42);\n  });\n});\n",
            ),
        ],
        append: &[],
        breakage: ("lib/answer.js", "42", "41"),
        unrelated: "extra needs service",
        broken: "extra answer",
    })
    .await;
}

/// `mvn -B -ntp test` gets `-fae`; the failures are read from Surefire's reports.
#[tokio::test]
async fn maven_full_run_tolerates_only_pre_existing_failures() {
    full_run_tolerates_only_pre_existing_failures(FullRunCase {
        sample: "java-junit5-hop",
        language: Language::named("java"),
        extra: &[
            (
                "src/main/java/com/example/Answer.java",
                "package com.example;\n\nfinal class Answer {\n    static int get() {\n        return 42;\n    }\n}\n",
            ),
            (
                "src/test/java/com/example/ExtraTest.java",
                "package com.example;\n\n\
                 import static org.junit.jupiter.api.Assertions.assertEquals;\n\
                 import static org.junit.jupiter.api.Assertions.fail;\n\n\
                 import org.junit.jupiter.api.Test;\n\n\
                 class ExtraTest {\n\
                 \x20   @Test\n    void needsService() {\n        fail(\"no service here\");\n    }\n\n\
                 \x20   @Test\n    void answer() {\n        assertEquals(42, Answer.get());\n    }\n}\n",
            ),
        ],
        append: &[],
        breakage: ("src/main/java/com/example/Answer.java", "return 42", "return 41"),
        unrelated: "com.example.ExtraTest#needsService",
        broken: "com.example.ExtraTest#answer",
    })
    .await;
}

/// A reactor of three independent modules: the unrelated failure in the first
/// (`inventory`), the targeted test in the second (`pricing`), the breakage in the
/// third (`shipping`). Without `-fae` Maven stops after the first failing module
/// and skips the rest; with it every module's `surefire-reports` is read.
#[tokio::test]
async fn maven_multi_module_full_run_reads_every_modules_reports() {
    full_run_tolerates_only_pre_existing_failures(FullRunCase {
        sample: "java-multi-module",
        language: Language::named("java"),
        extra: &[(
            "inventory/src/test/java/com/example/inventory/WarehouseTest.java",
            "package com.example.inventory;\n\n\
             import static org.junit.jupiter.api.Assertions.fail;\n\n\
             import org.junit.jupiter.api.Test;\n\n\
             class WarehouseTest {\n\
             \x20   @Test\n    void needsService() {\n        fail(\"no warehouse service here\");\n    }\n}\n",
        )],
        append: &[],
        breakage: (
            "shipping/src/main/java/com/example/shipping/Parcel.java",
            "PER_KILO_CENTS = 120",
            "PER_KILO_CENTS = 130",
        ),
        unrelated: "com.example.inventory.WarehouseTest#needsService",
        broken: "com.example.shipping.ParcelTest#eachFurtherStartedKiloCostsExtra",
    })
    .await;
}

#[tokio::test]
async fn cargo_full_run_with_a_test_binary_that_stopped_early_stays_strict() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    crate::support::harness::copy_dir(&crate::support::harness::sample_dir("rust-panic"), root);
    // The binary dies before its summary: which of its tests failed is unknown.
    write(
        root,
        "tests/extra.rs",
        "#[test]\nfn needs_service() {\n    std::process::abort();\n}\n",
    );
    apply(
        root,
        "src/ring.rs",
        "self.items[self.start + i]",
        "self.items[(self.start + i) % self.items.len()]",
    );
    let plan = ValidationPlan {
        failing_tests: vec!["ring::tests::overwrites_the_oldest_when_full".into()],
        language: Some(Language::named("rust")),
        test_command: Some("cargo test".into()),
        timeout: Duration::from_secs(300),
        pre_existing_failures: vec!["needs_service".into()],
        ..Default::default()
    };
    let v = validate(root, &plan, &Runner::Subprocess)
        .await
        .expect("validate");
    assert!(!v.passed, "{}", v.output_tail);
    assert!(
        v.output_tail.contains(
            "its failing tests could not be read: 2 of 3 test binaries reported a result"
        ),
        "{}",
        v.output_tail
    );
}

#[test]
fn a_cargo_target_dir_is_copied_with_its_times_and_the_original_stays() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    crate::support::harness::copy_dir(&crate::support::harness::sample_dir("rust-panic"), root);
    write(root, ".gitignore", "target/\n");
    let built = Command::new("cargo")
        .args(["build", "--tests", "--offline", "-q"])
        .current_dir(root)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .status()
        .expect("cargo");
    assert!(built.success());
    let lock = root.join("target/debug/.cargo-lock");
    let sandbox = Sandbox::create(root).expect("sandbox");
    let copy = sandbox.root.join("target/debug/.cargo-lock");
    let time = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).expect("mtime");
    assert_eq!(
        time(&copy),
        time(&lock),
        "cargo's freshness check reads the times"
    );
    // What an attempt builds or writes there stays in the sandbox.
    fs::write(&copy, "changed").expect("write");
    write(&sandbox.root, "target/debug/new-artifact", "x");
    assert_ne!(fs::read_to_string(&lock).unwrap_or_default(), "changed");
    assert!(!root.join("target/debug/new-artifact").exists());
    // The sandbox's cargo finds the build: its tests run without the network.
    let run = Command::new("cargo")
        .args(["test", "--offline", "-q", "--no-run"])
        .current_dir(&sandbox.root)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .status()
        .expect("cargo");
    assert!(run.success());
}

#[tokio::test]
async fn gradle_full_run_tolerates_only_pre_existing_failures() {
    full_run_tolerates_only_pre_existing_failures(FullRunCase {
        sample: "java-gradle-hop",
        language: Language::named("java"),
        extra: &[
            (
                "src/main/java/com/example/Answer.java",
                "package com.example;\n\npublic final class Answer {\n    \
                 public static int answer() {\n        return 42;\n    }\n}\n",
            ),
            (
                "src/test/java/com/example/ExtraTest.java",
                "package com.example;\n\nimport static org.junit.Assert.assertEquals;\n\
                 import static org.junit.Assert.fail;\n\nimport org.junit.Test;\n\n\
                 public class ExtraTest {\n    @Test\n    public void needsService() {\n        \
                 fail(\"no service here\");\n    }\n\n    @Test\n    public void answerIs42() {\n        \
                 assertEquals(42, Answer.answer());\n    }\n}\n",
            ),
        ],
        append: &[],
        breakage: ("src/main/java/com/example/Answer.java", "return 42", "return 41"),
        unrelated: "com.example.ExtraTest#needsService",
        broken: "com.example.ExtraTest#answerIs42",
    })
    .await;
}

/// Surefire 2.x (Debian's 2.22, from `/usr/share/maven-repo`, which
/// scripts/install-test-deps.sh installs) with JUnit 4 names a failing test
/// `method(pkg.Class)` in its log, its reports `pkg.Class#method`: the ids the
/// analysis reads from the real log select the test, and the fixed code passes
/// (once rejected as "the scoped run did not run: method(pkg.Class)").
#[tokio::test]
async fn surefire_2_junit4_ids_from_the_log_are_the_tests_its_reports_name() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    crate::support::harness::copy_dir(&crate::support::harness::sample_dir("java-junit4"), root);
    let repo =
        Path::new("/usr/share/maven-repo/org/apache/maven/plugins/maven-surefire-plugin/2.22.3");
    assert!(
        repo.is_dir(),
        "{}: Debian's libsurefire-java is missing (scripts/install-test-deps.sh installs it)",
        repo.display()
    );
    let pom = fs::read_to_string(root.join("pom.xml")).expect("pom");
    let pom = pom
        .replace(
            "<artifactId>maven-surefire-plugin</artifactId>\n        <version>3.2.5</version>",
            "<artifactId>maven-surefire-plugin</artifactId>\n        <version>2.22.3</version>",
        )
        .replace(
            "<build>",
            "<pluginRepositories><pluginRepository><id>debian</id>\
             <url>file:///usr/share/maven-repo</url></pluginRepository></pluginRepositories>\n  <build>",
        );
    assert!(
        pom.contains("2.22.3") && pom.contains("maven-repo"),
        "{pom}"
    );
    write(root, "pom.xml", &pom);

    let out = Command::new("mvn")
        .args(["-B", "-ntp", "test"])
        .current_dir(root)
        .output()
        .expect("mvn (scripts/install-test-deps.sh installs it)");
    let log = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        log.contains("popReturnsTheLastPushedValue(com.example.BoundedStackTest)  Time elapsed"),
        "not Surefire 2.x's console form:\n{log}"
    );
    let failing: Vec<String> = self_heal::lang::java::log::parse(&log)
        .into_iter()
        .filter_map(|f| f.test)
        .collect();
    assert_eq!(failing.len(), 1, "{failing:?}");

    let policy = PathPolicy::new(&[], false).expect("policy");
    let changes = plan_edits(
        root,
        &[Edit {
            path: "src/main/java/com/example/BoundedStack.java".into(),
            search: "return items[size--];".into(),
            replace: "return items[--size];".into(),
        }],
        &policy,
    )
    .expect("plan");
    write_changes(root, &changes).expect("write");
    let plan = ValidationPlan {
        failing_tests: failing.clone(),
        language: Some(Language::named("java")),
        test_command: Some("mvn -B -ntp test".into()),
        timeout: Duration::from_secs(600),
        scope_only: true,
        ..Default::default()
    };
    let v = validate(root, &plan, &Runner::Subprocess)
        .await
        .expect("validate");
    assert!(v.passed, "{failing:?}\n{}", v.output_tail);
    assert!(
        v.commands[0].contains("-Dtest=com.example.BoundedStackTest#popReturnsTheLastPushedValue"),
        "{:?}",
        v.commands
    );
}

/// The scoped run's report (here node:test's TAP, kept in a file) is self-heal's,
/// not the project's: the next command never sees it (a `prettier --check .` in
/// the full command failed on `.self-heal-results.json`), and nothing is left.
#[tokio::test]
async fn the_scoped_runs_report_is_gone_before_the_full_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "package.json",
        r#"{"scripts":{"test":"node --test"}}"#,
    );
    write(
        root,
        "test/a.test.js",
        "const test = require('node:test');\ntest('adds', () => {});\n",
    );
    // Fails on any file of self-heal's in the project, as a formatter check would.
    let full = "if ls -A | grep self-heal; then echo 'not ours'; exit 1; fi; node --test";
    let plan = ValidationPlan {
        failing_tests: vec!["adds".into()],
        language: Some(Language::named("javascript")),
        test_command: Some(full.into()),
        ..ValidationPlan::default()
    };
    let v = validate(root, &plan, &Runner::Subprocess)
        .await
        .expect("validate");
    assert_eq!(v.commands.len(), 2, "{v:?}");
    assert!(v.passed, "{}", v.output_tail);
    let left: Vec<String> = fs::read_dir(root)
        .expect("read_dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("self-heal"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// The scoped run starts vitest as the project's `test` script does: with its
/// `--passWithNoTests`, a data module the file pattern matches
/// (`test/cases.test.ts`, no suite in it) does not fail the run, and the fix
/// passes (once rejected: `npx vitest run -t …` failed on "No test suite found").
#[tokio::test]
async fn a_vitest_scoped_run_keeps_the_projects_own_flags() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    let sample = "js-vitest";
    crate::support::harness::copy_dir(&crate::support::harness::sample_dir(sample), root);
    let pkg = fs::read_to_string(root.join("package.json")).expect("package.json");
    let pkg = pkg.replace(
        r#""test": "vitest run""#,
        r#""test": "vitest run --passWithNoTests""#,
    );
    assert!(pkg.contains("--passWithNoTests"), "{pkg}");
    write(root, "package.json", &pkg);
    write(
        root,
        "test/cases.test.ts",
        "export const cases = [[\"1h\", 60]];\n",
    );
    let expected = crate::results::expected(sample);
    for e in expected["fix"].as_array().expect("fix") {
        let p = root.join(e["path"].as_str().expect("path"));
        let text = fs::read_to_string(&p).expect("read");
        let (s, r) = (
            e["search"].as_str().expect("search"),
            e["replace"].as_str().expect("replace"),
        );
        fs::write(&p, text.replacen(s, r, 1)).expect("write");
    }
    crate::results::install_deps(sample, root);
    let failing: Vec<String> = expected["failing_tests"]
        .as_array()
        .expect("failing_tests")
        .iter()
        .map(|t| t.as_str().expect("id").to_string())
        .collect();
    let plan = ValidationPlan {
        failing_tests: failing,
        language: Some(Language::named("javascript")),
        test_command: Some("npm test".into()),
        timeout: Duration::from_secs(300),
        scope_only: true,
        ..Default::default()
    };
    let v = validate(root, &plan, &Runner::Subprocess)
        .await
        .expect("validate");
    assert!(v.passed, "{}", v.output_tail);
    assert!(
        v.commands[0].starts_with("npx vitest run --passWithNoTests "),
        "{:?}",
        v.commands
    );
}
