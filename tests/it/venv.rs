//! The checkout's virtualenv in the sandbox, with a real `python3 -m venv` and a
//! real editable install (`pip install -e .` of a src layout): the sandbox runs
//! and imports its own copy, never the original, which stays byte for byte as it was.

use crate::support::context::Run;
use crate::support::fake_openai::{FakeOpenAi, Reply};
use crate::support::harness::{assert_same_tree, snapshot, snapshot_sources, Test};
use self_heal::report::Status;
use self_heal::validate::{validate, Runner, Sandbox, Validation, ValidationPlan};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const KEY: &str = "sk-test-key-0123456789";

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    fs::write(p, text).expect("write");
}

/// `python3` must make venvs and build an editable install offline: pytest,
/// setuptools and wheel installed, a pip with `--python` (scripts/install-test-deps.sh).
fn require_python_tools() {
    let ok = Command::new("python3")
        .args([
            "-c",
            "import pytest, setuptools, wheel, venv, pip; \
             assert tuple(map(int, pip.__version__.split('.')[:2])) >= (22, 3)",
        ])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        ok,
        "python3 needs pytest, setuptools, wheel and pip >= 22.3: run scripts/install-test-deps.sh"
    );
}

/// A src-layout project whose `add` is wrong, installed in its gitignored `.venv`
/// with `pip install -e .`: the venv's `__editable__` .pth names `<root>/src`.
/// The venv sees the machine's pytest (`--system-site-packages`, so nothing is
/// downloaded); the project's `pytest` entry point makes pip write
/// `.venv/bin/pytest` as it does for pytest's own, shebang and all.
fn editable_project(root: &Path) {
    editable_project_in(root, "")
}

/// [`editable_project`] with the project in `project` (a monorepo's `backend/`) and the
/// venv still at the checkout's root, installed from there with `pip install -e backend`.
fn editable_project_in(checkout: &Path, project: &str) {
    require_python_tools();
    let root = &checkout.join(project);
    write(checkout, ".gitignore", ".venv/\n*.egg-info/\nbuild/\n");
    write(
        root,
        "pyproject.toml",
        "[build-system]\nrequires = [\"setuptools>=64\", \"wheel\"]\n\
         build-backend = \"setuptools.build_meta\"\n\n\
         [project]\nname = \"calc\"\nversion = \"0.1\"\n\n\
         [project.scripts]\npytest = \"pytest:console_main\"\n",
    );
    write(
        root,
        "src/calc/__init__.py",
        "def add(a, b):\n    return a - b\n",
    );
    write(
        root,
        "tests/test_calc.py",
        r##"import os
import sys
import sysconfig

import calc


def test_add():
    assert calc.add(2, 3) == 5


def test_imports_the_checkout_it_runs_in():
    here = os.path.realpath(os.getcwd())
    assert os.path.realpath(calc.__file__).startswith(here + os.sep), calc.__file__
    assert os.path.realpath(sys.prefix).startswith(here + os.sep), sys.prefix


def test_writes_into_its_venv():
    site = sysconfig.get_paths()["purelib"]
    with open(os.path.join(site, "written-by-a-test.txt"), "w") as f:
        f.write("x")
    for name in os.listdir(site):
        if name.endswith(".pth"):
            with open(os.path.join(site, name), "a") as f:
                f.write("# touched by a test\n")
    with open(os.path.join(sys.prefix, "bin", "activate"), "a") as f:
        f.write("# touched by a test\n")
"##,
    );
    let run = |args: &[&str]| {
        let out = Command::new("python3")
            .args(args)
            .current_dir(checkout)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env_remove("VIRTUAL_ENV")
            .output()
            .expect("python3");
        assert!(
            out.status.success(),
            "python3 {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&[
        "-m",
        "venv",
        "--without-pip",
        "--system-site-packages",
        ".venv",
    ]);
    run(&[
        "-m",
        "pip",
        "--python",
        ".venv/bin/python",
        "install",
        "-q",
        "--disable-pip-version-check",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "-e",
        if project.is_empty() { "." } else { project },
    ]);
    let pth = site_packages(checkout).join("__editable__.calc-0.1.pth");
    let text = fs::read_to_string(&pth).expect("pip wrote the editable .pth");
    assert_eq!(text.trim(), root.join("src").to_str().unwrap());
    assert!(checkout.join(".venv/bin/pytest").is_file());
}

fn site_packages(root: &Path) -> PathBuf {
    let lib = fs::read_dir(root.join(".venv/lib"))
        .expect("lib")
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with("python"))
        .expect("lib/python3.x");
    lib.path().join("site-packages")
}

fn fix_add(root: &Path) {
    let p = root.join("src/calc/__init__.py");
    let text = fs::read_to_string(&p).unwrap().replace("a - b", "a + b");
    fs::write(p, text).unwrap();
}

/// The venv is not active: the command names it (`.venv/bin/pytest`), and reaches
/// the sandbox's copy, whose script and editable install lead to the sandbox's sources.
#[tokio::test]
async fn a_fix_is_proven_with_the_sandboxs_own_venv_and_the_original_stays_as_it_was() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    editable_project(root);
    let before = snapshot(root);
    let plan = ValidationPlan {
        test_command: Some(".venv/bin/pytest -q -p no:cacheprovider".into()),
        ..ValidationPlan::default()
    };

    let unfixed = Sandbox::create(root).expect("sandbox");
    let v = validate(&unfixed.root, &plan, &Runner::Subprocess)
        .await
        .expect("validate");
    assert!(!v.passed, "{v:?}");
    assert!(
        v.output_tail.contains("1 failed, 2 passed"),
        "only add fails: {}",
        v.output_tail
    );

    let sandbox = Sandbox::create(root).expect("sandbox");
    fix_add(&sandbox.root);
    let v = validate(&sandbox.root, &plan, &Runner::Subprocess)
        .await
        .expect("validate");
    assert!(v.passed, "the sandbox imported its fixed sources: {v:?}");
    assert!(v.output_tail.contains("3 passed"), "{}", v.output_tail);
    assert!(
        site_packages(&sandbox.root)
            .join("written-by-a-test.txt")
            .is_file(),
        "the test wrote into the sandbox's venv"
    );
    assert_same_tree(&before, &snapshot(root), "original checkout and venv");
}

/// A GitHub log of `python -m pytest -q` failing in `root`, made by running it there.
fn ci_log(root: &Path) -> String {
    ci_log_in(root, "")
}

/// [`ci_log`] of pytest run in `project` with the checkout's venv.
fn ci_log_in(checkout: &Path, project: &str) -> String {
    let out = Command::new(checkout.join(".venv/bin/python"))
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .current_dir(checkout.join(project))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("pytest");
    assert!(!out.status.success(), "the original fails");
    let mut lines = vec![
        "##[group]Run python -m pytest -q".to_string(),
        "python -m pytest -q".to_string(),
        "shell: /usr/bin/bash -e {0}".to_string(),
        "##[endgroup]".to_string(),
    ];
    lines.extend(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(String::from),
    );
    lines.push("##[error]Process completed with exit code 1.".to_string());
    lines
        .iter()
        .map(|l| format!("2026-11-28T00:00:00.0000000Z {l}\n"))
        .collect()
}

/// `run --dry-run` on the checkout `t.repo()` with `venv` active (`VIRTUAL_ENV`, its
/// `bin/` first on `PATH`) and a model that fixes `add` in `fix_path`: the fix must be
/// proposed after a passing validation, which is returned.
fn validated_with_active_venv(t: &Test, venv: &Path, fix_path: &str) -> Validation {
    let repo = t.repo();
    let fake = FakeOpenAi::start([Reply::reply_edits(
        "add subtracts",
        &[(fix_path, "return a - b", "return a + b")],
    )]);
    let path = std::env::join_paths(std::iter::once(venv.join("bin")).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let log = t.path("ci.log");
    let out = Test::new()
        .current_dir(repo.clone())
        .args(["run", "--log", log.to_str().unwrap(), "--dry-run", "--yes"])
        .args(["--max-attempts", "1"])
        .args(["--workdir", repo.to_str().unwrap()])
        .args(["--report", t.path("report.json").to_str().unwrap()])
        .args(["--openai-base-url", &fake.base_url()])
        .env("OPENAI_API_KEY", KEY)
        .env("VIRTUAL_ENV", venv.to_str().unwrap())
        .env("PATH", path.to_str().unwrap())
        .run();
    let run = Run::read(out, &t.path("report.json"), t.dir.path());
    assert_eq!(run.report.status, Status::Proposed, "{run:?}");
    let validation = run.report.attempts[0].validation.clone();
    assert!(validation.passed, "{validation:#?}");
    validation
}

/// The venv is active where self-heal runs (`VIRTUAL_ENV`, its `bin/` first on
/// `PATH`): validation's `python -m pytest` runs the sandbox's copy instead. Run
/// with the original, the fix would be judged on the unfixed sources (and the
/// tests would write into the original venv).
#[test]
fn an_active_venv_is_swapped_for_the_sandboxs_copy() {
    let t = Test::new();
    let repo = t.repo();
    editable_project(&repo);
    crate::support::harness::init_and_commit(&repo, "calc");
    let log = t.path("ci.log");
    fs::write(&log, ci_log(&repo)).unwrap();
    let before = snapshot_sources(&repo);

    let validation = validated_with_active_venv(&t, &repo.join(".venv"), "src/calc/__init__.py");
    assert_eq!(
        validation.commands.first().map(String::as_str),
        Some("python -m pytest -q -p no:cacheprovider tests/test_calc.py::test_add"),
        "{validation:#?}"
    );
    assert_same_tree(
        &before,
        &snapshot_sources(&repo),
        "original checkout and venv",
    );
}

/// A monorepo's project in `backend/`, installed editable in the venv at the checkout's
/// root, which is active: the tests run in `backend/` and still use the sandbox's copy
/// of the venv (found at the sandbox's root, not the project's), so the fix is judged
/// on the sandbox's sources.
#[test]
fn an_active_venv_at_the_root_serves_a_project_in_a_subdirectory() {
    let t = Test::new();
    let repo = t.repo();
    editable_project_in(&repo, "backend");
    // The project's own checks compare with the checkout's root, one level up.
    let test = repo.join("backend/tests/test_calc.py");
    let text = fs::read_to_string(&test).unwrap().replace(
        "here = os.path.realpath(os.getcwd())",
        "here = os.path.realpath(os.path.join(os.getcwd(), os.pardir))",
    );
    fs::write(&test, text).unwrap();
    crate::support::harness::init_and_commit(&repo, "monorepo");
    let log = t.path("ci.log");
    fs::write(&log, ci_log_in(&repo, "backend")).unwrap();
    let before = snapshot_sources(&repo);

    let validation =
        validated_with_active_venv(&t, &repo.join(".venv"), "backend/src/calc/__init__.py");
    assert!(
        validation
            .commands
            .iter()
            .all(|c| c.starts_with("cd backend && python -m pytest")),
        "{validation:#?}"
    );
    assert_same_tree(
        &before,
        &snapshot_sources(&repo),
        "original checkout and venv",
    );
}

/// A monorepo project with its own venv (`backend/.venv`, active): that venv one
/// level down gets its relocated copy too, so the fix is judged on the sandbox's
/// sources.
#[test]
fn a_projects_own_venv_one_level_down_is_copied_and_swapped_in() {
    let t = Test::new();
    let repo = t.repo();
    let project = repo.join("backend");
    editable_project(&project);
    fs::write(repo.join("README.md"), "# a monorepo\n").unwrap();
    crate::support::harness::init_and_commit(&repo, "monorepo");
    let log = t.path("ci.log");
    fs::write(&log, ci_log(&project)).unwrap();
    let before = snapshot_sources(&repo);

    let validation =
        validated_with_active_venv(&t, &project.join(".venv"), "backend/src/calc/__init__.py");
    assert!(
        validation
            .commands
            .iter()
            .all(|c| c.starts_with("cd backend && ")),
        "{validation:#?}"
    );
    assert_same_tree(
        &before,
        &snapshot_sources(&repo),
        "original checkout and venv",
    );
}
