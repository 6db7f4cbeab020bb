//! Go: `go test -coverprofile` (with `-coverpkg=./...` so every package of the module
//! counts, not only the tested one). Blocks are `file:l1.c1,l2.c2 statements count`;
//! a line is executed when a block over it ran (a line shared by a run block and one
//! that did not run, like `if cond {`, was executed). Paths are import paths
//! (`example.com/m/internal/tok/tok.go`); [`module_file`] maps them into the checkout.
//!
//! A profile has no per-test record: run one test per profile (`-run '^TestX$'`) for
//! a spectrum, or the failing ones together as an aggregate.
//!
//! A test that panics kills its binary before the profile is written, so the test
//! files of the failing tests' packages are built from a copy in which each test
//! recovers its panic ([`super::recover`], through `go test -overlay`, Go 1.16 and
//! later); a build that fails with it is done as before, and the note says so.

use crate::coverage::{malformed, CoverageError, CoverageReport};
use crate::lang::coverage::{
    CoverageOutput, CoveragePlan, CoverageRead, CoverageRequest, CoverageRunner, SupportFile,
};
use crate::lang::framework::{anchored, sh_quote};
use std::collections::BTreeSet;

/// Reads a cover profile; paths stay as the profile names them.
pub fn read(text: &str) -> Result<CoverageReport, CoverageError> {
    let mut lines = text.lines();
    match lines.next() {
        Some(first) if first.starts_with("mode:") => {}
        _ => return Err(malformed("go cover profile", "no `mode:` line")),
    }
    let mut report = CoverageReport::default();
    let mut missed: Vec<(String, u32, u32)> = Vec::new();
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let (file, start, end, count) = parse_block(line)
            .ok_or_else(|| malformed("go cover profile", format!("bad block `{line}`")))?;
        if count > 0 {
            report
                .all
                .entry(file.to_string())
                .or_default()
                .extend(start..=end);
        } else {
            missed.push((file.to_string(), start, end));
        }
    }
    // A file with no run block is still named: its functions ran nothing.
    for (file, _, _) in missed {
        report.all.entry(file).or_insert_with(BTreeSet::new);
    }
    Ok(report)
}

/// `file.go:12.3,14.2 2 1` → (file, 12, 14, 1).
fn parse_block(line: &str) -> Option<(&str, u32, u32, u64)> {
    let (file, rest) = line.rsplit_once(':')?;
    let mut parts = rest.split_whitespace();
    let range = parts.next()?;
    let _statements: u64 = parts.next()?.parse().ok()?;
    let count: u64 = parts.next()?.parse().ok()?;
    let (a, b) = range.split_once(',')?;
    let start: u32 = a.split_once('.')?.0.parse().ok()?;
    let end: u32 = b.split_once('.')?.0.parse().ok()?;
    (start <= end).then_some((file, start, end, count))
}

/// The checkout path of a profile's import path: `module/x/y.go` is `module_dir/x/y.go`
/// (`module_dir` is where `go.mod` is, relative to the root; `""` at the root).
/// Files of other modules are None.
pub fn module_file(import_path: &str, module: &str, module_dir: &str) -> Option<String> {
    let rest = import_path.strip_prefix(module)?.strip_prefix('/')?;
    Some(if module_dir.is_empty() {
        rest.to_string()
    } else {
        format!("{}/{rest}", module_dir.trim_end_matches('/'))
    })
}

/// `go test` with a cover profile per test: each package's test binary is built once
/// (`coverage.sh`), then run per test.
pub struct GoCoverage;

const SCRIPT: &str = include_str!("coverage.sh");

/// The module path in `go.mod`.
fn module_of(project: &std::path::Path) -> Option<String> {
    let text = std::fs::read_to_string(project.join("go.mod")).ok()?;
    text.lines()
        .find_map(|l| l.trim().strip_prefix("module "))
        .map(|m| m.trim().trim_matches('"').to_string())
}

/// (package argument, `-run` pattern) of a test id, as the scoped run names them.
fn package_and_run(id: &str, module: Option<&str>) -> (String, String) {
    let (pkg, name) = super::gotest::split(id);
    let dir = match (pkg, module) {
        (None, _) => ".".to_string(),
        (Some(p), Some(m)) if p == m => ".".to_string(),
        (Some(p), Some(m)) => match p.strip_prefix(m).and_then(|r| r.strip_prefix('/')) {
            Some(rest) => format!("./{rest}"),
            None => p.to_string(),
        },
        (Some(p), None) => p.to_string(),
    };
    let run: Vec<String> = name
        .split('/')
        .map(|part| anchored(&[part.to_string()]))
        .collect();
    (dir, run.join("/"))
}

impl CoverageRunner for GoCoverage {
    fn plan(&self, req: &CoverageRequest<'_>) -> Result<CoveragePlan, String> {
        if req.scoped.argv.first().map(String::as_str) != Some("go") {
            return Err("the tests do not run with `go test`".into());
        }
        let module = module_of(req.project);
        let tests: Vec<String> = req
            .failing
            .iter()
            .map(|id| {
                let (pkg, run) = package_and_run(id, module.as_deref());
                format!("{pkg}\t{run}\t{id}")
            })
            .collect();
        let dirs: BTreeSet<String> = req
            .failing
            .iter()
            .map(|id| package_and_run(id, module.as_deref()).0)
            .collect();
        let mut support = vec![SupportFile::text("go-coverage.sh", SCRIPT)];
        support.extend(overlay(req.project, &dirs));
        Ok(CoveragePlan {
            command: format!(
                "SELF_HEAL_COV_TESTS={} SELF_HEAL_COV_MAX_NEIGHBOURS={} sh \"$SELF_HEAL_COV_SUPPORT/go-coverage.sh\"",
                sh_quote(&tests.join("\n")),
                req.max_neighbours
            ),
            support,
            tool: "go test -cover -coverpkg=./...".into(),
        })
    }

    fn read(&self, out: &CoverageOutput<'_>) -> Result<CoverageRead, String> {
        let index = std::fs::read_to_string(out.dir.join("index.tsv"))
            .map_err(|_| "go test wrote no cover profile".to_string())?;
        let module = module_of(out.project).ok_or("no module path in go.mod")?;
        let mut report = CoverageReport::default();
        let mut runs = 0;
        for line in index.lines() {
            let mut parts = line.split('\t');
            let (Some(file), Some(id)) = (parts.next(), parts.next()) else {
                continue;
            };
            // A test that could not run (a build error) left no profile.
            let Ok(text) = std::fs::read_to_string(out.dir.join(file)) else {
                continue;
            };
            let r = read(&text)
                .map_err(|e| e.to_string())?
                .map_paths(|p| module_file(p, &module, ""));
            report.add_aggregate(id, &[id.to_string()], r.all);
            runs += 1;
        }
        let panics = panics_note(out.dir);
        if runs == 0 {
            return Err(format!("go test wrote no cover profile{panics}"));
        }
        Ok(CoverageRead {
            report,
            frames: Vec::new(),
            note: format!("per test ({runs} run(s)){panics}"),
        })
    }
}

/// At most this many test files are rewritten to recover panics.
const MAX_OVERLAY_FILES: usize = 200;

/// The test files of the packages in `dirs` (`./x`, as [`package_and_run`] gives
/// them) that [`super::recover::recovering`] rewrites, as support files, and
/// `go-overlay.tsv` (`path in the project<TAB>support file` a line) from which
/// `coverage.sh` writes the `-overlay` JSON with the absolute paths of where it runs.
/// Nothing when no file was rewritten.
fn overlay(project: &std::path::Path, dirs: &BTreeSet<String>) -> Vec<SupportFile> {
    let mut files = Vec::new();
    let mut index = String::new();
    for dir in dirs {
        let Some(rel) = dir
            .strip_prefix("./")
            .or((dir == ".").then_some(""))
            .filter(|r| !r.split('/').any(|p| p == ".."))
        else {
            continue;
        };
        let Ok(entries) = std::fs::read_dir(project.join(rel)) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with("_test.go") && !n.chars().any(char::is_control))
            .collect();
        names.sort();
        for name in names {
            if files.len() >= MAX_OVERLAY_FILES {
                break;
            }
            let path = if rel.is_empty() {
                name
            } else {
                format!("{}/{name}", rel.trim_end_matches('/'))
            };
            if path.chars().any(char::is_control) {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(project.join(&path)) else {
                continue;
            };
            let Some(rewritten) = super::recover::recovering(&text) else {
                continue;
            };
            let support = format!("go-overlay-{}_test.go", files.len() + 1);
            index.push_str(&format!("{path}\t{support}\n"));
            files.push(SupportFile::text(&support, rewritten));
        }
    }
    if !files.is_empty() {
        files.push(SupportFile::text("go-overlay.tsv", index));
    }
    files
}

/// What the run says about panicking tests: how many were measured by recovering
/// the panic (`recovered.txt`, their ids), or why none could be (`no-overlay.txt`:
/// the build with the rewritten tests failed, its `go version` and first error).
fn panics_note(dir: &std::path::Path) -> String {
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap_or_default();
    let recovered = read("recovered.txt")
        .lines()
        .filter(|l| !l.is_empty())
        .count();
    let failed = read("no-overlay.txt");
    let mut note = match recovered {
        0 => String::new(),
        1 => "; a panicking test was measured by recovering its panic".to_string(),
        n => format!("; {n} panicking tests were measured by recovering their panics"),
    };
    if let Some(why) = failed.lines().map(str::trim).find(|l| !l.is_empty()) {
        let why: String = why.chars().take(160).collect();
        note.push_str(&format!(
            "; panicking tests are not measured (a panic ends go's test binary before it writes coverage): the build with tests that recover failed: {why}"
        ));
    }
    note
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_and_paths() {
        assert_eq!(
            parse_block("example.com/m/a.go:6.24,8.33 2 1"),
            Some(("example.com/m/a.go", 6, 8, 1))
        );
        assert_eq!(parse_block("a.go:6.24 2 1"), None);
        assert!(read("not a profile").is_err());
        assert!(read("mode: set\nbroken\n").is_err());
        assert_eq!(
            module_file("example.com/m/internal/t.go", "example.com/m", "svc").as_deref(),
            Some("svc/internal/t.go")
        );
        assert_eq!(
            module_file("example.com/mx/t.go", "example.com/m", ""),
            None
        );
    }

    #[test]
    fn the_failing_packages_test_files_are_rewritten_into_the_overlay() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        std::fs::create_dir_all(p.join("lex")).unwrap();
        let test = "package lex\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {\n}\n";
        std::fs::write(p.join("lex/a_test.go"), test).unwrap();
        // Does not parse: left out, the others still go in.
        std::fs::write(
            p.join("lex/b_test.go"),
            "package lex\nfunc TestB(t *testing.T) {\n",
        )
        .unwrap();
        // No test in it.
        std::fs::write(p.join("lex/c_test.go"), "package lex\n\nvar x = 1\n").unwrap();
        std::fs::write(p.join("lex/lex.go"), test).unwrap();
        std::fs::write(p.join("root_test.go"), test.replace("lex", "m")).unwrap();
        let dirs: BTreeSet<String> = ["./lex".to_string()].into();
        let files = overlay(p, &dirs);
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["go-overlay-1_test.go", "go-overlay.tsv"]);
        assert_eq!(
            files[1].contents,
            crate::lang::coverage::SupportContents::Text(
                "lex/a_test.go\tgo-overlay-1_test.go\n".into()
            )
        );
        let crate::lang::coverage::SupportContents::Text(t) = &files[0].contents else {
            panic!()
        };
        assert!(t.contains("recover()"), "{t}");
        // The root package; a directory outside the project is never read.
        let files = overlay(p, &[".".to_string(), "./../x".to_string()].into());
        assert_eq!(files.len(), 2);
        // Nothing to rewrite: no overlay at all.
        std::fs::remove_file(p.join("lex/a_test.go")).unwrap();
        assert!(overlay(p, &dirs).is_empty());
    }

    #[test]
    fn the_note_says_whether_panics_were_recovered() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(panics_note(dir.path()), "");
        std::fs::write(dir.path().join("recovered.txt"), "m.TestA\n").unwrap();
        assert_eq!(
            panics_note(dir.path()),
            "; a panicking test was measured by recovering its panic"
        );
        std::fs::write(dir.path().join("recovered.txt"), "").unwrap();
        std::fs::write(
            dir.path().join("no-overlay.txt"),
            "go version go1.15.15 linux/amd64: flag provided but not defined: -overlay\n",
        )
        .unwrap();
        let note = panics_note(dir.path());
        assert!(note.contains("panicking tests are not measured"), "{note}");
        assert!(
            note.ends_with("go1.15.15 linux/amd64: flag provided but not defined: -overlay"),
            "{note}"
        );
    }
}
