//! Rust: `llvm-cov export -format=text` JSON of a `-C instrument-coverage` test run
//! (llvm-tools from rustup; `cargo llvm-cov` writes the same), and, where nothing was
//! instrumented, the frames of a panic's backtrace (`RUST_BACKTRACE=1`).
//!
//! Lines are computed from each file's segments as `llvm-cov` computes its line
//! counts: a line is executed when it is mapped (a region starts on it, or the region
//! running into it has a count, and it does not start a skipped region) and the
//! largest count of the regions starting on it, or of the one running into it, is
//! above zero.

use crate::coverage::{malformed, relative_to, CoverageError, CoverageReport};
use crate::lang::coverage::{
    lines_word, CoverageOutput, CoveragePlan, CoverageRead, CoverageRequest, CoverageRunner,
    SupportFile,
};
use crate::lang::framework::sh_quote;
use crate::localize::{FileLines, Frame};
use serde::Deserialize;
use std::collections::BTreeSet;

#[derive(Deserialize)]
struct Export {
    data: Vec<Unit>,
}

#[derive(Deserialize)]
struct Unit {
    #[serde(default)]
    files: Vec<FileCov>,
}

#[derive(Deserialize)]
struct FileCov {
    filename: String,
    #[serde(default)]
    segments: Vec<Segment>,
}

/// `[line, col, count, has_count, is_region_entry, is_gap_region]` (the column is
/// read to keep the tuple's shape, and not needed for line counts).
#[derive(Deserialize, Clone, Copy)]
struct Segment(
    u32,
    #[allow(dead_code)] u32,
    u64,
    bool,
    bool,
    #[serde(default)] bool,
);

/// Reads `llvm-cov export` JSON; paths relative to `root` (the crate or workspace as
/// the build saw it); files outside it (std, the registry) are dropped.
pub fn read(json: &str, root: &str) -> Result<CoverageReport, CoverageError> {
    let export: Export =
        serde_json::from_str(json).map_err(|e| malformed("llvm-cov export JSON", e))?;
    let mut report = CoverageReport::default();
    for unit in export.data {
        for file in unit.files {
            let Some(rel) = relative_to(&file.filename, root) else {
                continue;
            };
            report
                .all
                .entry(rel)
                .or_default()
                .extend(executed_lines(&file.segments));
        }
    }
    Ok(report)
}

/// llvm-cov's line coverage over one file's segments (sorted by position).
fn executed_lines(segments: &[Segment]) -> BTreeSet<u32> {
    let mut out = BTreeSet::new();
    let (Some(first), Some(last)) = (segments.first(), segments.last()) else {
        return out;
    };
    let is_start = |s: &Segment| s.3 && s.4 && !s.5;
    let mut wrapped: Option<Segment> = None;
    let mut i = 0;
    for line in first.0..=last.0 {
        let from = i;
        while i < segments.len() && segments[i].0 == line {
            i += 1;
        }
        let on_line = &segments[from..i];
        let starts = on_line.iter().filter(|s| is_start(s)).count();
        let skipped = on_line.first().is_some_and(|s| !s.3 && s.4);
        let mapped = !skipped && (wrapped.is_some_and(|w| w.3) || starts > 0);
        if mapped {
            let mut count = wrapped.map_or(0, |w| w.2);
            if starts > 0 {
                for s in on_line.iter().filter(|s| is_start(s)) {
                    count = count.max(s.2);
                }
            }
            if count > 0 {
                out.insert(line);
            }
        }
        if let Some(s) = on_line.last() {
            wrapped = Some(*s);
        }
    }
    out
}

/// The frames of a panic, innermost first: the `panicked at file:line:col` place, then
/// each `at file:line:col` of the backtrace that is in `root` (std and the registry
/// are left out).
pub fn backtrace_frames(output: &str, root: &str) -> Vec<Frame> {
    let mut out: Vec<Frame> = Vec::new();
    for line in output.lines() {
        let t = line.trim();
        let place = if let Some(i) = t.find("panicked at ") {
            &t[i + "panicked at ".len()..]
        } else if let Some(rest) = t.strip_prefix("at ") {
            rest
        } else {
            continue;
        };
        let place = place.trim_end_matches(':');
        // `path:line:col`, the path may hold colons (Windows drives).
        let mut parts = place.rsplitn(3, ':');
        let (Some(_col), Some(l), Some(path)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let Ok(l) = l.parse::<u32>() else {
            continue;
        };
        if path.contains("/rustc/") || path.contains("/.cargo/registry/") {
            continue;
        }
        let Some(rel) = relative_to(path, root) else {
            continue;
        };
        let frame = Frame { file: rel, line: l };
        if !out.contains(&frame) {
            out.push(frame);
        }
    }
    out
}

/// cargo's tests built with `-C instrument-coverage` (the project's crates only) and
/// run one at a time, each profile exported by `llvm-cov` (`coverage.sh`); without
/// llvm-tools, the scoped run's panic backtrace.
pub struct CargoCoverage;

const SCRIPT: &str = include_str!("coverage.sh");

impl CoverageRunner for CargoCoverage {
    fn plan(&self, req: &CoverageRequest<'_>) -> Result<CoveragePlan, String> {
        let argv = &req.scoped.argv;
        if argv.first().map(String::as_str) != Some("cargo") {
            return Err("the tests do not run with cargo".into());
        }
        // nextest names a test `binary test`; libtest wants the test's path alone.
        let names: Vec<String> = req
            .failing
            .iter()
            .map(|t| t.rsplit(' ').next().unwrap_or(t).to_string())
            .collect();
        let scoped: Vec<String> = argv.iter().map(|w| sh_quote(w)).collect();
        Ok(CoveragePlan {
            command: format!(
                "SELF_HEAL_COV_TESTS={} SELF_HEAL_COV_MAX_NEIGHBOURS={} SELF_HEAL_COV_SCOPED={} \\\n\
                 sh \"$SELF_HEAL_COV_SUPPORT/rust-coverage.sh\"",
                lines_word(&names),
                req.max_neighbours,
                sh_quote(&scoped.join(" "))
            ),
            support: vec![SupportFile::text("rust-coverage.sh", SCRIPT)],
            tool: "-C instrument-coverage and llvm-cov, else the panic backtrace".into(),
        })
    }

    fn read(&self, out: &CoverageOutput<'_>) -> Result<CoverageRead, String> {
        if let Ok(text) = std::fs::read_to_string(out.dir.join("backtrace.txt")) {
            let frames = backtrace_frames(&text, out.seen_root);
            if frames.is_empty() {
                return Err(
                    "llvm-tools are not installed and no panic backtrace names the project's code"
                        .into(),
                );
            }
            let mut lines = FileLines::new();
            for f in &frames {
                lines.entry(f.file.clone()).or_default().insert(f.line);
            }
            let mut report = CoverageReport::default();
            let label = format!("the failing tests' backtraces ({})", out.failing.len());
            report.add_aggregate(&label, out.failing, lines);
            return Ok(CoverageRead {
                report,
                frames,
                note: "the panic backtrace (llvm-tools are not installed)".into(),
            });
        }
        let index = std::fs::read_to_string(out.dir.join("index.tsv"))
            .map_err(|_| "the instrumented tests wrote no coverage".to_string())?;
        let mut report = CoverageReport::default();
        let mut runs = 0;
        for line in index.lines() {
            let mut parts = line.split('\t');
            let (Some(file), Some(name)) = (parts.next(), parts.next()) else {
                continue;
            };
            let Ok(json) = std::fs::read_to_string(out.dir.join(file)) else {
                continue;
            };
            let r = read(&json, out.seen_root).map_err(|e| e.to_string())?;
            // The record is named as the analysis names the test (nextest's form too).
            let id = out
                .failing
                .iter()
                .find(|f| f.rsplit(' ').next() == Some(name))
                .cloned()
                .unwrap_or_else(|| name.to_string());
            report.add_aggregate(&id, std::slice::from_ref(&id), r.all);
            runs += 1;
        }
        if runs == 0 {
            return Err("the instrumented tests wrote no coverage".into());
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
    fn a_skipped_region_and_a_gap_are_not_executed() {
        let s = |l, c, n, has, entry, gap| Segment(l, c, n, has, entry, gap);
        let segs = [
            s(1, 1, 3, true, true, false),
            s(2, 5, 0, true, true, false), // a branch that never ran...
            s(2, 20, 3, true, false, false), // ...ends: back in the function body
            s(4, 1, 0, false, true, false), // skipped (cfg'd out)
            s(5, 1, 0, false, false, false),
        ];
        assert_eq!(
            executed_lines(&segs).into_iter().collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
        assert!(read("{}", "/r").is_err());
    }

    #[test]
    fn panic_places_and_backtrace_frames_in_the_crate() {
        let out = "\
thread 'sums_one_digit' panicked at tests/sum.rs:8:5:
assertion `left == right` failed
stack backtrace:
   0: rust_begin_unwind
             at /rustc/abc/library/std/src/panicking.rs:652:5
   3: covrs::lex::split
             at /tmp/covrs/src/lex.rs:6:28
   4: sum::sums_one_digit
             at ./tests/sum.rs:8:5
   5: serde::de
             at /root/.cargo/registry/src/x/serde/src/de.rs:1:1
";
        assert_eq!(
            backtrace_frames(out, "/tmp/covrs"),
            vec![
                Frame {
                    file: "tests/sum.rs".into(),
                    line: 8
                },
                Frame {
                    file: "src/lex.rs".into(),
                    line: 6
                },
            ]
        );
    }
}
