//! The Python coverage plugin (`lang::python::coverage::PLUGIN`) run for real under pytest,
//! as the repair will run it: written to a folder outside the project, loaded with
//! `-p`, its JSON read back by `lang::python::coverage::read`.

use crate::support::harness::{copy_dir, manifest_dir};
use self_heal::coverage::CoverageReport;
use self_heal::lang::python::coverage as python;
use std::path::Path;
use std::process::Command;

/// Runs pytest on a copy of the sample project under the plugin with `engine`; returns
/// the report read back and the JSON's engine line.
fn run_plugin(engine: &str, python_exe: &str, tweak: impl Fn(&Path)) -> (CoverageReport, String) {
    let project = tempfile::tempdir().unwrap();
    copy_dir(
        &manifest_dir().join("tests/data/coverage/python/project"),
        project.path(),
    );
    tweak(project.path());
    let plugin_dir = tempfile::tempdir().unwrap();
    std::fs::write(
        plugin_dir
            .path()
            .join(format!("{}.py", python::PLUGIN_MODULE)),
        python::PLUGIN,
    )
    .unwrap();
    let out = plugin_dir.path().join("coverage.json");
    let root = project.path().canonicalize().unwrap();
    let run = Command::new(python_exe)
        .args([
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            python::PLUGIN_MODULE,
        ])
        .current_dir(&root)
        .env("PYTHONPATH", plugin_dir.path())
        .env("SELF_HEAL_COV_ROOT", &root)
        .env("SELF_HEAL_COV_OUT", &out)
        .env("SELF_HEAL_COV_ENGINE", engine)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    // The sample's one failing test fails; the plugin changes no outcome.
    assert!(
        stdout.contains("1 failed, 3 passed"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let json = std::fs::read_to_string(&out).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    let meta: serde_json::Value = serde_json::from_str(&json).unwrap();
    let engine = meta["meta"]["engine"].as_str().unwrap().to_string();
    (
        python::read(&json, &root.to_string_lossy()).unwrap(),
        engine,
    )
}

fn recorded() -> CoverageReport {
    let json = std::fs::read_to_string(
        manifest_dir().join("tests/data/coverage/python/plugin-coveragepy.json"),
    )
    .unwrap();
    python::read(&json, "/").unwrap()
}

#[test]
fn the_tracer_needs_nothing_but_pytest_and_records_what_coverage_py_does() {
    let (report, engine) = run_plugin("tracer", "python3", |_| {});
    assert_eq!(engine, "self-heal tracer");
    assert_eq!(report, recorded());
}

#[test]
fn coverage_py_runs_with_its_own_settings_not_the_projects() {
    // A project config that leaves out the package (as a formatter's `.coveragerc`
    // leaves out its vendored parser): the plugin's coverage.py measures it anyway.
    let (report, engine) = run_plugin("coverage", "python3", |dir| {
        std::fs::write(dir.join(".coveragerc"), "[run]\nomit = calc/*\n").unwrap();
        std::fs::write(dir.join("setup.cfg"), "[coverage:run]\nomit = calc/*\n").unwrap();
    });
    assert!(engine.starts_with("coverage.py "), "{engine}");
    assert_eq!(report, recorded());
}
