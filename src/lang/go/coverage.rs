//! Go: `go test -coverprofile` (with `-coverpkg=./...` so every package of the module
//! counts, not only the tested one). Blocks are `file:l1.c1,l2.c2 statements count`;
//! a line is executed when a block over it ran (a line shared by a run block and one
//! that did not run, like `if cond {`, was executed). Paths are import paths
//! (`example.com/m/internal/tok/tok.go`); [`module_file`] maps them into the checkout.
//!
//! A profile has no per-test record: run one test per profile (`-run '^TestX$'`) for
//! a spectrum, or the failing ones together as an aggregate.

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
        Ok(CoveragePlan {
            command: format!(
                "SELF_HEAL_COV_TESTS={} SELF_HEAL_COV_MAX_NEIGHBOURS={} sh \"$SELF_HEAL_COV_SUPPORT/go-coverage.sh\"",
                sh_quote(&tests.join("\n")),
                req.max_neighbours
            ),
            support: vec![SupportFile::text("go-coverage.sh", SCRIPT)],
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
        if runs == 0 {
            return Err("go test wrote no cover profile".into());
        }
        Ok(CoverageRead {
            report,
            frames: Vec::new(),
            note: format!("per test ({runs} run(s))"),
        })
    }
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
}
