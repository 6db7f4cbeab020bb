//! Go: `go test -coverprofile` (with `-coverpkg=./...` so every package of the module
//! counts, not only the tested one). Blocks are `file:l1.c1,l2.c2 statements count`;
//! a line is executed when a block over it ran (a line shared by a run block and one
//! that did not run, like `if cond {`, was executed). Paths are import paths
//! (`example.com/m/internal/tok/tok.go`); [`module_file`] maps them into the checkout.
//!
//! A profile has no per-test record: run one test per profile (`-run '^TestX$'`) for
//! a spectrum, or the failing ones together as an aggregate.

use crate::coverage::{malformed, CoverageError, CoverageReport};
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
