//! Scoring the parsers against the labelled fixtures (`go-test/`, `compiler-diagnostics/`).
//! Shared by the integration tests and `examples/eval_diagnostics.rs` so both report the same figures.

use crate::analyze::{diagnostics, Failure, FailureKind};
use crate::failure::Located;
use crate::lang::{go, rust};
use std::collections::BTreeSet;
use std::path::Path;

/// All three of our parsers on one text, as the dispatcher runs them (with the
/// compilers' warnings, which the dispatcher leaves out).
pub fn parse_all(text: &str) -> Vec<Failure> {
    parse_all_located(text)
        .into_iter()
        .map(|l| l.failure)
        .collect()
}

/// [`parse_all`] with columns.
pub fn parse_all_located(text: &str) -> Vec<Located> {
    let mut v: Vec<Located> = go::log::parse_detailed(text)
        .into_iter()
        .map(|g| Located {
            failure: g.failure,
            column: g.column,
        })
        .collect();
    // Compiler warnings too: the fixtures label them (the analysis never calls a
    // warning a failure, see `rust::log` and `diagnostics`).
    v.extend(rust::log::diagnostics_located(text));
    v.extend(diagnostics::diagnostics_located(text));
    v
}

/// Scores every `TOOL.in`/`TOOL.ok` pair in `dir` (the `compiler-diagnostics` fixtures), sorted by tool.
pub fn diagnostics_fixtures(dir: &Path) -> std::io::Result<Vec<(String, ToolScore)>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("in") {
            continue;
        }
        let ok_path = path.with_extension("ok");
        let Ok(ok) = std::fs::read_to_string(&ok_path) else {
            continue;
        };
        let input = std::fs::read_to_string(&path)?;
        let tool = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.push((tool, score(&ok, &parse_all_located(&input))));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// A go-test fixture whose reported failures differ from its JUnit report.
#[derive(Debug, Clone)]
pub struct GoDiff {
    pub name: String,
    pub missing: Vec<GoKey>,
    pub extra: Vec<GoKey>,
}

/// Totals over the go-test fixtures.
#[derive(Debug, Clone, Default)]
pub struct GoEval {
    pub counts: Counts,
    /// Fixtures scored (those with a report).
    pub files: usize,
    pub diffs: Vec<GoDiff>,
}

/// Go-test fixtures in `dir` (`NNN-*.txt` with `NNN-report.xml`).
pub fn go_fixtures(dir: &Path) -> std::io::Result<GoEval> {
    let mut names: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt") && n.len() > 3)
        .collect();
    names.sort();
    let mut ev = GoEval::default();
    for n in names {
        let Some(prefix) = n.get(..3) else { continue };
        let Ok(xml) = std::fs::read_to_string(dir.join(format!("{prefix}-report.xml"))) else {
            continue;
        };
        let text = std::fs::read_to_string(dir.join(&n))?;
        let (expected, found) = (junit_expected(&xml), go_found(&text));
        ev.counts.add(&expected, &found);
        ev.files += 1;
        if expected != found {
            ev.diffs.push(GoDiff {
                name: n,
                missing: expected.difference(&found).cloned().collect(),
                extra: found.difference(&expected).cloned().collect(),
            });
        }
    }
    Ok(ev)
}

/// What a go test run should report: failing tests, packages that didn't
/// build, packages that failed outside any test.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum GoKey {
    Test {
        package: String,
        name: String,
    },
    Build {
        package: String,
    },
    Package {
        package: String,
    },
    /// A lint finding: never in a JUnit report, so always a false positive there.
    Other {
        file: String,
        line: u32,
    },
}

/// The failures a go-junit-report JUnit file records.
pub fn junit_expected(xml: &str) -> BTreeSet<GoKey> {
    let mut out = BTreeSet::new();
    let mut suite = String::new();
    let mut rest = xml;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        let tag_end = rest.find('>').map_or(rest.len(), |e| e + 1);
        let tag = &rest[..tag_end];
        if tag.starts_with("<testsuite ") {
            suite = attr(tag, "name").unwrap_or_default();
        } else if tag.starts_with("<testcase ") {
            let name = attr(tag, "name").unwrap_or_default();
            let class = attr(tag, "classname").unwrap_or_else(|| suite.clone());
            let body_end = if tag.ends_with("/>") {
                0
            } else {
                rest.find("</testcase>").unwrap_or(rest.len())
            };
            let body = &rest[tag_end.min(body_end)..body_end];
            if body.contains("<failure") || body.contains("<error") {
                out.insert(match name.as_str() {
                    "[build failed]" | "[setup failed]" => GoKey::Build {
                        package: suite.clone(),
                    },
                    "Failure" => GoKey::Package {
                        package: suite.clone(),
                    },
                    _ => GoKey::Test {
                        package: class,
                        name,
                    },
                });
            }
        }
        rest = &rest[tag_end..];
    }
    out
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let pat = format!(" {name}=\"");
    let start = tag.find(&pat)? + pat.len();
    let len = tag[start..].find('"')?;
    Some(unescape(&tag[start..start + len]))
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// What [`go::log::parse_detailed`] reports for one go test output, in [`GoKey`] form.
pub fn go_found(text: &str) -> BTreeSet<GoKey> {
    go::log::parse_detailed(text)
        .into_iter()
        .map(|g| {
            let package = g.package.unwrap_or_default();
            let f = g.failure;
            match (f.kind, f.test) {
                (FailureKind::CompileError, _) => GoKey::Build { package },
                (FailureKind::TestFailure | FailureKind::Timeout, Some(t)) => {
                    let prefix = format!("{package}.");
                    let name = t.strip_prefix(&prefix).unwrap_or(&t).to_string();
                    GoKey::Test { package, name }
                }
                (FailureKind::TestFailure | FailureKind::Timeout, None) => {
                    GoKey::Package { package }
                }
                _ => GoKey::Other {
                    file: f.file.unwrap_or_default(),
                    line: f.line.unwrap_or(0),
                },
            }
        })
        .collect()
}

/// Recall and precision counts over any number of fixtures.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub expected: usize,
    pub found: usize,
    pub matched: usize,
}

impl Counts {
    pub fn add(&mut self, expected: &BTreeSet<GoKey>, found: &BTreeSet<GoKey>) {
        self.expected += expected.len();
        self.found += found.len();
        self.matched += expected.intersection(found).count();
    }
    /// 1.0 when nothing was expected.
    pub fn recall(&self) -> f64 {
        ratio(self.matched, self.expected)
    }
    /// 1.0 when nothing was found.
    pub fn precision(&self) -> f64 {
        ratio(self.matched, self.found)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// One line of an errorformat `.ok` file: `file|line col N type nr| message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub file: String,
    pub line: Option<u32>,
    pub col: Option<u32>,
    pub message: String,
}

/// Reads a `.ok` file. Lines that continue the previous message (errorformat's
/// multi-line entries, like tsc's second line) are appended to it; entries
/// without a file are returned too (the caller decides how to count them).
pub fn read_ok(ok: &str) -> Vec<Expected> {
    let mut out: Vec<Expected> = Vec::new();
    for raw in ok.lines() {
        let mut parts = raw.splitn(3, '|');
        let (Some(file), Some(pos), Some(msg)) = (parts.next(), parts.next(), parts.next()) else {
            if let Some(last) = out.last_mut() {
                last.message.push('\n');
                last.message.push_str(raw);
            }
            continue;
        };
        let mut words = pos.split_whitespace();
        let line = words.next().and_then(|w| w.parse().ok());
        let col = if words.next() == Some("col") {
            words.next().and_then(|w| w.parse().ok())
        } else {
            None
        };
        out.push(Expected {
            file: file.to_string(),
            line,
            col,
            message: msg.to_string(),
        });
    }
    out
}

/// Whitespace-collapsed, lower-cased, parentheses dropped: errorformat keeps
/// eslint's column padding where we print `msg (rule)`.
pub fn normalize(s: &str) -> String {
    s.replace(['(', ')'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// `./a.py` and `a.py` name the same file.
pub fn same_file(a: &str, b: &str) -> bool {
    a.strip_prefix("./").unwrap_or(a) == b.strip_prefix("./").unwrap_or(b)
}

/// Per-tool accuracy on one `.in`/`.ok` pair.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ToolScore {
    /// Expected diagnostics that name a file.
    pub expected: usize,
    /// Expected lines without a file (errorformat found no location); not scored.
    pub unlocated: usize,
    /// Failures our parsers returned.
    pub found: usize,
    /// Expected diagnostics with a failure at the same file and line.
    pub location_ok: usize,
    /// ... whose message also contains the expected message (normalised).
    pub message_ok: usize,
    /// Located expected diagnostics that give a column.
    pub column_expected: usize,
    /// ... matched by a failure with the same column.
    pub column_ok: usize,
}

/// Scores `found` against the `.ok` text: each expected diagnostic is matched
/// to an unused failure with the same file and line.
pub fn score(ok: &str, found: &[Located]) -> ToolScore {
    let mut s = ToolScore {
        found: found.len(),
        ..Default::default()
    };
    let mut used = vec![false; found.len()];
    for e in read_ok(ok) {
        if e.file.is_empty() {
            s.unlocated += 1;
            continue;
        }
        s.expected += 1;
        if e.col.is_some() {
            s.column_expected += 1;
        }
        let want = normalize(&e.message);
        let candidates: Vec<usize> = (0..found.len())
            .filter(|&i| {
                let f = &found[i].failure;
                !used[i]
                    && f.file.as_deref().is_some_and(|p| same_file(p, &e.file))
                    && f.line == e.line
            })
            .collect();
        let message_ok = |i: usize| normalize(&found[i].failure.message).contains(&want);
        let best = candidates
            .iter()
            .copied()
            .find(|&i| message_ok(i))
            .or(candidates.first().copied());
        if let Some(i) = best {
            used[i] = true;
            s.location_ok += 1;
            if message_ok(i) {
                s.message_ok += 1;
            }
            if e.col.is_some() && found[i].column == e.col {
                s.column_ok += 1;
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junit_reader_finds_failures_errors_and_builds() {
        let xml = r#"<testsuites><testsuite name="p/a" tests="2">
<testcase name="TestOk" classname="p/a"></testcase>
<testcase name="TestBad&amp;X" classname="p/a"><failure message="Failed"></failure></testcase>
</testsuite><testsuite name="p/b"><testcase name="[build failed]" classname="p/b_test">
<error message="Build error"></error></testcase></testsuite>
<testsuite name="p/c"><testcase name="Failure" classname="p/c"><error/></testcase></testsuite></testsuites>"#;
        let got = junit_expected(xml);
        let want: BTreeSet<GoKey> = [
            GoKey::Test {
                package: "p/a".into(),
                name: "TestBad&X".into(),
            },
            GoKey::Build {
                package: "p/b".into(),
            },
            GoKey::Package {
                package: "p/c".into(),
            },
        ]
        .into_iter()
        .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn ok_lines_with_and_without_column_and_continuations() {
        let ok = "a.ts|3 col 13 error 7006| P y.\nb.py|12 error| m\nmore\n|| no file\n";
        let v = read_ok(ok);
        assert_eq!(v.len(), 3);
        assert_eq!((v[0].line, v[0].col), (Some(3), Some(13)));
        assert_eq!((v[1].line, v[1].col), (Some(12), None));
        assert_eq!(v[1].message, " m\nmore");
        assert_eq!(v[2].file, "");
    }
}
