//! Reading back what a run left in the sandbox: its report on stdout (kept in a
//! file by the step), in a file, or in every module's JUnit report directory, and
//! removing an earlier run's first so it is never read as this one's.

use super::PlannedStep;
use crate::lang::framework::{ResultsAt, ScopedCommand, TestFramework};
use crate::lang::reports::{junit, TestRun};
use std::path::Path;

/// Where a scoped run's report on stdout is kept, relative to the sandbox.
pub(super) const SCOPED_OUTPUT: &str = ".self-heal-scoped.out";

/// Where a full run's report on stdout is kept, relative to the sandbox.
pub(super) const FULL_OUTPUT: &str = ".self-heal-full.out";

/// Before a run read by its report: the earlier reports, every module's included
/// (a multi-module build's scoped run writes none in a module without a selected
/// test, so an earlier one left there would be read as this run's).
pub fn remove_stale_reports(root: &Path, sc: &ScopedCommand) {
    if let ResultsAt::JUnitDirs(name) = &sc.results {
        for d in report_dirs(root, name) {
            let _ = std::fs::remove_dir_all(d);
        }
    }
    for s in &sc.stale {
        let p = root.join(s);
        let _ = std::fs::remove_dir_all(&p);
        let _ = std::fs::remove_file(&p);
    }
}

/// The files a step's own report went to, relative to the sandbox: self-heal's,
/// not the project's (Surefire's and Gradle's report directories are the build's),
/// so they are removed once read and the project's next command never sees them
/// (a `prettier --check .` would fail on a JSON report).
pub(super) fn own_files(step: &PlannedStep) -> Vec<String> {
    let mut out = Vec::new();
    let mut of = |sc: &ScopedCommand, output: &str| match &sc.results {
        ResultsAt::File(f) => out.push(f.clone()),
        ResultsAt::Stdout | ResultsAt::Output => out.push(output.to_string()),
        ResultsAt::JUnitDirs(_) | ResultsAt::ExitCode => {}
    };
    if let Some((sc, _)) = &step.report {
        of(sc, SCOPED_OUTPUT);
    }
    if let Some(sc) = &step.full {
        of(sc, FULL_OUTPUT);
    }
    out
}

/// Before a full run: its earlier report, every module's included.
pub(super) fn remove_full_reports(root: &Path, step: &PlannedStep) {
    let Some(sc) = &step.full else { return };
    let _ = std::fs::remove_file(root.join(FULL_OUTPUT));
    remove_stale_reports(root, sc);
}

/// Reads the report a full run left in `root`.
pub(super) fn read_full_report(
    root: &Path,
    sc: &ScopedCommand,
    framework: &dyn TestFramework,
) -> Result<TestRun, String> {
    let run = match &sc.results {
        ResultsAt::Stdout | ResultsAt::Output => {
            let text = std::fs::read_to_string(root.join(FULL_OUTPUT))
                .map_err(|e| format!("no report at {FULL_OUTPUT}: {e}"))?;
            framework.read(&text)
        }
        _ => return read_report(root, sc, framework),
    };
    run.map_err(|e| e.to_string())
}

/// Reads the report a scoped run left in `root`.
pub(super) fn read_report(
    root: &Path,
    sc: &ScopedCommand,
    framework: &dyn TestFramework,
) -> Result<TestRun, String> {
    let file = |rel: &str| {
        std::fs::read_to_string(root.join(rel)).map_err(|e| format!("no report at {rel}: {e}"))
    };
    let run = match &sc.results {
        ResultsAt::Stdout | ResultsAt::Output => framework.read(&file(SCOPED_OUTPUT)?),
        ResultsAt::File(f) => framework.read(&file(f)?),
        ResultsAt::JUnitDirs(name) => {
            let texts = junit_reports(root, name);
            junit::read_all(texts.iter().map(String::as_str))
        }
        ResultsAt::ExitCode => return Err("the run leaves no report".to_string()),
    };
    run.map_err(|e| e.to_string())
}

/// Every report directory named `name` under a build's output directory
/// (`target/surefire-reports`, `build/test-results`) below `root`: only those, as
/// a project's own files may share the name.
fn report_dirs(root: &Path, name: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            if !e.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            let p = e.path();
            let fname = e.file_name();
            if fname == name && d.file_name().is_some_and(|n| n == "target" || n == "build") {
                out.push(p);
            } else if !matches!(fname.to_str(), Some("node_modules" | ".git")) {
                stack.push(p);
            }
        }
    }
    out
}

/// The text of every `TEST-*.xml` in a directory named `name` under `root`, or
/// below one: Gradle writes `build/test-results/<task>/TEST-*.xml`, one directory
/// per test task (one set per module), leaving out dependencies and VCS data.
pub fn junit_reports(root: &Path, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![(root.to_path_buf(), false)];
    while let Some((d, below)) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        let in_reports = below || d.file_name().is_some_and(|n| n == name);
        for e in rd.flatten() {
            let p = e.path();
            let Ok(ft) = e.file_type() else { continue };
            let fname = e.file_name();
            if ft.is_dir() {
                if !matches!(fname.to_str(), Some("node_modules" | ".git")) {
                    stack.push((p, in_reports));
                }
            } else if in_reports
                && fname.to_string_lossy().starts_with("TEST-")
                && p.extension().is_some_and(|x| x == "xml")
            {
                if let Ok(text) = std::fs::read_to_string(&p) {
                    out.push(text);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Gradle puts each test task's reports one level below `test-results`
    /// (`build/test-results/test/`); Surefire directly in `surefire-reports`.
    #[test]
    fn junit_reports_are_found_in_and_below_the_report_dir() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let put = |rel: &str, text: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        put("build/test-results/test/TEST-a.ATest.xml", "gradle-a");
        put(
            "lib/build/test-results/integrationTest/TEST-b.BTest.xml",
            "gradle-b",
        );
        put("build/test-results/test/binary/output.bin", "not a report");
        put("target/surefire-reports/TEST-c.CTest.xml", "surefire-c");
        put("src/test/resources/TEST-fixture.xml", "a project file");
        let mut gradle = junit_reports(root, "test-results");
        gradle.sort();
        assert_eq!(gradle, ["gradle-a", "gradle-b"]);
        assert_eq!(junit_reports(root, "surefire-reports"), ["surefire-c"]);
    }

    #[test]
    fn a_scoped_run_removes_every_modules_earlier_reports_and_only_those() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let put = |rel: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "<testsuite/>").unwrap();
        };
        let stale = [
            "target/surefire-reports/TEST-a.xml",
            "inventory/target/surefire-reports/TEST-b.xml",
            "libs/core/target/surefire-reports/TEST-c.xml",
        ];
        let kept = "docs/surefire-reports/TEST-d.xml";
        for rel in stale.iter().chain([&kept]) {
            put(rel);
        }
        let maven = crate::lang::java::build::Maven::default();
        let sc = maven.scoped(&["com.x.ATest#a"]).unwrap();
        remove_stale_reports(root, &sc);
        for rel in stale {
            assert!(!root.join(rel).exists(), "{rel}");
        }
        assert!(root.join(kept).exists(), "a project's own file stays");
        assert!(read_report(root, &sc, &maven).unwrap().failed().is_empty());
    }
}
