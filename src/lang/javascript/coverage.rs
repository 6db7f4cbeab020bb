//! JavaScript: V8's coverage as Node writes it to `NODE_V8_COVERAGE=dir` (one
//! `coverage-<pid>-….json` per process; jest's and vitest's `v8` providers collect the
//! same data). Each script has functions with ranges `{startOffset, endOffset, count}`;
//! ranges nest, and the innermost one holding a position says how often it ran. A line
//! is executed when its first non-blank character's count is above zero. Offsets count
//! UTF-16 code units of the script's source, so the reader needs the source text.
//!
//! TypeScript: a script Node ran from transpiled code (`tsc` output, ts-node, tsx) has
//! an entry in the file's `source-map-cache` (written when `--enable-source-maps` is
//! on): its executed lines are counted on the generated code by the cache's
//! `lineLengths` and mapped back to the `.ts` lines through the source map. Node's own
//! type stripping (`--experimental-strip-types`, default from Node 23.6) keeps every
//! offset, so such a `.ts` script reads like JavaScript.

use crate::coverage::{malformed, path_of_url, relative_to, CoverageError, CoverageReport};
use crate::lang::coverage::{
    CoverageOutput, CoveragePlan, CoverageRead, CoverageRequest, CoverageRunner, OUT_DIR,
};
use crate::lang::framework::sh_quote;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Deserialize)]
struct V8File {
    result: Vec<Script>,
    #[serde(rename = "source-map-cache", default)]
    source_map_cache: BTreeMap<String, CachedMap>,
}

#[derive(Deserialize)]
struct Script {
    url: String,
    functions: Vec<Function>,
}

#[derive(Deserialize)]
struct Function {
    ranges: Vec<Range>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "camelCase")]
struct Range {
    start_offset: usize,
    end_offset: usize,
    count: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CachedMap {
    #[serde(default)]
    line_lengths: Vec<usize>,
    data: Option<SourceMap>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SourceMap {
    #[serde(default)]
    sources: Vec<String>,
    #[serde(default)]
    source_root: Option<String>,
    mappings: String,
}

/// Reads one `NODE_V8_COVERAGE` file. `root`: the project as Node saw it; `source`
/// returns a project file's text by its path relative to the root (None when it
/// cannot be read, and the script is skipped).
pub fn read(
    json: &str,
    root: &str,
    source: impl Fn(&str) -> Option<String>,
) -> Result<CoverageReport, CoverageError> {
    let file: V8File = serde_json::from_str(json).map_err(|e| malformed("V8 coverage JSON", e))?;
    let mut report = CoverageReport::default();
    for script in &file.result {
        let Some(path) = path_of_url(&script.url) else {
            continue;
        };
        if let Some(cached) = file.source_map_cache.get(&script.url) {
            if let Some(map) = &cached.data {
                let generated = executed_generated_lines(script, &cached.line_lengths);
                for (src, lines) in map_lines(map, &script.url, &generated) {
                    if let Some(rel) = path_of_url(&src)
                        .or(Some(src.clone()))
                        .and_then(|p| relative_to(&p, root))
                        .filter(|r| !is_dependency(r))
                    {
                        report.all.entry(rel).or_default().extend(lines);
                    }
                }
                continue;
            }
        }
        let Some(rel) = relative_to(&path, root).filter(|r| !is_dependency(r)) else {
            continue;
        };
        let Some(text) = source(&rel) else {
            continue;
        };
        report
            .all
            .entry(rel)
            .or_default()
            .extend(executed_lines(script, &text));
    }
    Ok(report)
}

fn is_dependency(rel: &str) -> bool {
    rel.split('/').any(|p| p == "node_modules")
}

/// The executed lines of a script given its source text.
fn executed_lines(script: &Script, text: &str) -> BTreeSet<u32> {
    // Each line's first non-blank character, as a UTF-16 offset.
    let mut starts: Vec<(u32, usize)> = Vec::new();
    let mut offset = 0usize;
    for (i, line) in text.split('\n').enumerate() {
        let lead: usize = line
            .chars()
            .take_while(|c| c.is_whitespace())
            .map(char::len_utf16)
            .sum();
        let width: usize = line.chars().map(char::len_utf16).sum();
        if lead < width {
            starts.push((i as u32 + 1, offset + lead));
        }
        offset += width + 1;
    }
    counted(script, &starts)
}

/// Executed lines of generated code known only by its line lengths (the source-map
/// cache): a line counts by its first character.
fn executed_generated_lines(script: &Script, line_lengths: &[usize]) -> BTreeSet<u32> {
    let mut starts = Vec::new();
    let mut offset = 0usize;
    for (i, len) in line_lengths.iter().enumerate() {
        if *len > 0 {
            starts.push((i as u32 + 1, offset));
        }
        offset += len + 1;
    }
    counted(script, &starts)
}

/// Lines whose position (ascending) lies in a range whose innermost count is above 0.
fn counted(script: &Script, positions: &[(u32, usize)]) -> BTreeSet<u32> {
    let mut ranges: Vec<Range> = script
        .functions
        .iter()
        .flat_map(|f| f.ranges.iter().copied())
        .filter(|r| r.start_offset < r.end_offset)
        .collect();
    // Outer before inner: by start, then the longer first.
    ranges.sort_by(|a, b| {
        a.start_offset
            .cmp(&b.start_offset)
            .then(b.end_offset.cmp(&a.end_offset))
    });
    let mut out = BTreeSet::new();
    let mut open: Vec<Range> = Vec::new();
    let mut next = 0;
    for &(line, pos) in positions {
        while open.last().is_some_and(|r| r.end_offset <= pos) {
            open.pop();
        }
        while next < ranges.len() && ranges[next].start_offset <= pos {
            let r = ranges[next];
            next += 1;
            if r.end_offset > pos {
                while open.last().is_some_and(|o| o.end_offset <= r.start_offset) {
                    open.pop();
                }
                open.push(r);
            }
        }
        if open.last().is_some_and(|r| r.count > 0) {
            out.insert(line);
        }
    }
    out
}

/// Generated lines mapped to (source URL or path, original lines) by a source map's
/// `mappings` (VLQ segments). A generated line counts for the original line of its
/// first segment: later segments may point at other lines (`exports.f = f;` at a
/// function's first and last lines) that did not run.
fn map_lines(
    map: &SourceMap,
    script_url: &str,
    generated: &BTreeSet<u32>,
) -> BTreeMap<String, BTreeSet<u32>> {
    let mut out: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
    let sources: Vec<String> = map
        .sources
        .iter()
        .map(|s| resolve_source(script_url, map.source_root.as_deref(), s))
        .collect();
    let (mut src, mut orig_line) = (0i64, 0i64);
    for (i, line) in map.mappings.split(';').enumerate() {
        let gen_line = i as u32 + 1;
        let mut first = true;
        for seg in line.split(',').filter(|s| !s.is_empty()) {
            let Some(v) = vlq(seg) else {
                break;
            };
            if v.len() >= 4 {
                // Deltas accumulate over every segment, counted or not.
                src += v[1];
                orig_line += v[2];
                let counted = std::mem::replace(&mut first, false);
                if counted && generated.contains(&gen_line) {
                    if let (Ok(s), Ok(l)) = (usize::try_from(src), u32::try_from(orig_line + 1)) {
                        if let Some(name) = sources.get(s) {
                            out.entry(name.clone()).or_default().insert(l);
                        }
                    }
                }
            }
        }
    }
    out
}

/// A source map source against the script's URL (`../src/a.ts` from `file:///p/dist/a.js`).
fn resolve_source(script_url: &str, root: Option<&str>, source: &str) -> String {
    let source = match root.filter(|r| !r.is_empty()) {
        Some(r) => format!("{}/{source}", r.trim_end_matches('/')),
        None => source.to_string(),
    };
    if source.starts_with("file://") || source.starts_with('/') {
        return source;
    }
    let base = script_url.rsplit_once('/').map_or("", |(b, _)| b);
    let mut parts: Vec<&str> = base.split('/').collect();
    for p in source.split('/') {
        match p {
            "." | "" => {}
            ".." => {
                if parts.len() > 3 {
                    parts.pop();
                }
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// Decodes one base64 VLQ segment.
fn vlq(seg: &str) -> Option<Vec<i64>> {
    let mut out = Vec::new();
    let (mut value, mut shift) = (0i64, 0u32);
    for c in seg.bytes() {
        let digit = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as i64;
        if shift > 60 {
            return None;
        }
        value += (digit & 31) << shift;
        if digit & 32 != 0 {
            shift += 5;
        } else {
            let v = value >> 1;
            out.push(if value & 1 == 1 { -v } else { v });
            value = 0;
            shift = 0;
        }
    }
    Some(out)
}

/// Istanbul's `coverage-final.json` (jest's and vitest's `v8` providers convert V8's
/// ranges to it through the source maps of their transforms): a file's statements
/// with a count above zero ran; v8-to-istanbul writes one statement per line.
pub fn read_istanbul(json: &str, root: &str) -> Result<CoverageReport, CoverageError> {
    #[derive(Deserialize)]
    struct Pos {
        line: u32,
    }
    #[derive(Deserialize)]
    struct Stmt {
        start: Pos,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct FileCov {
        statement_map: BTreeMap<String, Stmt>,
        s: BTreeMap<String, u64>,
    }
    let files: BTreeMap<String, FileCov> =
        serde_json::from_str(json).map_err(|e| malformed("istanbul JSON", e))?;
    let mut report = CoverageReport::default();
    for (path, cov) in files {
        let Some(rel) = relative_to(&path, root).filter(|r| !is_dependency(r)) else {
            continue;
        };
        let lines = report.all.entry(rel).or_default();
        for (id, count) in cov.s {
            if count > 0 {
                if let Some(st) = cov.statement_map.get(&id) {
                    lines.insert(st.start.line);
                }
            }
        }
    }
    Ok(report)
}

/// The test runner of a scoped run, by its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Jest,
    Vitest,
    /// mocha and `node --test`: plain Node processes, `NODE_V8_COVERAGE`.
    Node,
}

fn kind(argv: &[String]) -> Option<Kind> {
    let names: Vec<&str> = argv
        .iter()
        .take(4)
        .map(|w| w.rsplit('/').next().unwrap_or(w))
        .collect();
    if names.contains(&"jest") {
        Some(Kind::Jest)
    } else if names.contains(&"vitest") {
        Some(Kind::Vitest)
    } else if names.contains(&"mocha") || names.contains(&"_mocha") || names.contains(&"--test") {
        Some(Kind::Node)
    } else {
        None
    }
}

/// Node's own coverage: V8's `NODE_V8_COVERAGE` for `node --test` and mocha (with
/// source maps on, for code compiled from TypeScript), the `v8` provider of jest and
/// vitest (istanbul JSON, with the project's coverage settings overridden). Each
/// process records every test it ran: the failing tests are one aggregate record.
pub struct NodeCoverage;

const V8_DIR: &str = "v8";
const ISTANBUL_DIR: &str = "istanbul";

impl CoverageRunner for NodeCoverage {
    fn plan(&self, req: &CoverageRequest<'_>) -> Result<CoveragePlan, String> {
        let argv = &req.scoped.argv;
        let kind =
            kind(argv).ok_or("the tests do not run with jest, vitest, mocha or node --test")?;
        let mut words = argv.clone();
        let out = format!("$PWD/{OUT_DIR}/{ISTANBUL_DIR}");
        let line = |words: &[String]| -> String {
            words
                .iter()
                .map(|w| sh_quote(w))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let (command, tool) = match kind {
            Kind::Node => (
                format!(
                    "NODE_V8_COVERAGE=\"$PWD/{OUT_DIR}/{V8_DIR}\" NODE_OPTIONS=\"${{NODE_OPTIONS:+$NODE_OPTIONS }}--enable-source-maps\" {}",
                    line(&words)
                ),
                "V8 (NODE_V8_COVERAGE)",
            ),
            Kind::Jest => {
                words.extend(
                    [
                        "--coverage",
                        "--coverageProvider=v8",
                        "--coverageReporters=json",
                        "--coveragePathIgnorePatterns=/node_modules/",
                        "--coverageThreshold={}",
                    ]
                    .map(str::to_string),
                );
                (
                    format!("{} \"--coverageDirectory={out}\"", line(&words)),
                    "jest's v8 coverage",
                )
            }
            Kind::Vitest => {
                if !req.project.join("node_modules/@vitest/coverage-v8").is_dir() {
                    return Err(
                        "vitest's v8 coverage needs @vitest/coverage-v8, which the project does not install"
                            .into(),
                    );
                }
                words.extend(
                    [
                        "--coverage.enabled=true",
                        "--coverage.provider=v8",
                        "--coverage.reporter=json",
                        "--coverage.all=false",
                        "--coverage.exclude=**/node_modules/**",
                        // Vitest writes no coverage report for a run with a failing
                        // test unless told to, and the failing tests are what runs.
                        "--coverage.reportOnFailure=true",
                    ]
                    .map(str::to_string),
                );
                (
                    format!("{} \"--coverage.reportsDirectory={out}\"", line(&words)),
                    "vitest's v8 coverage",
                )
            }
        };
        Ok(CoveragePlan {
            command,
            support: Vec::new(),
            tool: tool.into(),
        })
    }

    fn read(&self, out: &CoverageOutput<'_>) -> Result<CoverageRead, String> {
        let mut all = CoverageReport::default();
        let mut files = 0;
        let istanbul = out.dir.join(ISTANBUL_DIR).join("coverage-final.json");
        if let Ok(text) = std::fs::read_to_string(&istanbul) {
            all.merge(read_istanbul(&text, out.seen_root).map_err(|e| e.to_string())?);
            files += 1;
        }
        let mut v8: Vec<_> = std::fs::read_dir(out.dir.join(V8_DIR))
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_else(|_| Vec::new());
        v8.sort();
        let source = |rel: &str| std::fs::read_to_string(out.project.join(rel)).ok();
        for path in v8
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
        {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            // A process that died mid-write leaves a file that is not JSON: skip it.
            if let Ok(r) = read(&text, out.seen_root, source) {
                all.merge(r);
                files += 1;
            }
        }
        if files == 0 {
            return Err("the test run wrote no coverage".into());
        }
        let mut report = CoverageReport::default();
        let label = format!("the failing tests together ({})", out.failing.len());
        report.add_aggregate(&label, out.failing, all.all);
        Ok(CoverageRead {
            report,
            frames: Vec::new(),
            note: "the failing tests together".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn innermost_range_decides_and_offsets_are_utf16() {
        // "é" is one UTF-16 unit, "😀" two: offsets after them shift accordingly.
        let text =
            "function f(x) {\n  // é😀\n  if (x) {\n    return 1;\n  }\n  return 2;\n}\nf(0);\n";
        let at = |needle: &str| {
            text.encode_utf16().count() - text[text.find(needle).unwrap()..].encode_utf16().count()
        };
        let script = Script {
            url: "file:///p/a.js".into(),
            functions: vec![
                Function {
                    ranges: vec![Range {
                        start_offset: 0,
                        end_offset: text.encode_utf16().count(),
                        count: 1,
                    }],
                },
                Function {
                    ranges: vec![
                        Range {
                            start_offset: 0,
                            end_offset: at("f(0)") - 1,
                            count: 1,
                        },
                        Range {
                            start_offset: at("{\n    return 1"),
                            end_offset: at("\n  return 2"),
                            count: 0,
                        },
                    ],
                },
            ],
        };
        assert_eq!(
            executed_lines(&script, text)
                .into_iter()
                .collect::<Vec<_>>(),
            vec![1, 2, 3, 6, 7, 8]
        );
    }

    #[test]
    fn vlq_segments() {
        assert_eq!(vlq("AAAA"), Some(vec![0, 0, 0, 0]));
        assert_eq!(vlq("AACA"), Some(vec![0, 0, 1, 0]));
        assert_eq!(vlq("gBAAD"), Some(vec![16, 0, 0, -1]));
        assert_eq!(vlq("A!"), None);
        assert_eq!(
            resolve_source("file:///p/dist/a.js", None, "../src/a.ts"),
            "file:///p/src/a.ts"
        );
        assert!(read("[]", "/p", |_| None).is_err());
    }
}
