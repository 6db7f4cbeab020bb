//! What a coverage run executed ([`CoverageReport`]: lines per test and in all, the
//! `localize` module's input) and the helpers every language's reader shares. The
//! readers and runners themselves are each language's (`lang/<name>/coverage.rs`,
//! behind `lang::coverage::CoverageRunner`); running them in the sandbox is
//! `validate::coverage`'s. Paths come out relative to the project (a reader is told
//! the root the tool saw, which in `validation: docker` is the container's path).

use crate::localize::FileLines;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoverageError {
    #[error("{format}: {reason}")]
    Malformed {
        format: &'static str,
        reason: String,
    },
}

pub(crate) fn malformed(format: &'static str, reason: impl std::fmt::Display) -> CoverageError {
    CoverageError::Malformed {
        format,
        reason: reason.to_string(),
    }
}

/// What one coverage run executed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CoverageReport {
    /// Lines per test id, when the tool recorded who ran what (coverage.py contexts);
    /// empty otherwise.
    pub per_test: BTreeMap<String, FileLines>,
    /// Every executed line, whoever ran it.
    pub all: FileLines,
    /// Records of `per_test` that stand for several tests run together, because the
    /// tool records one process (JaCoCo, V8): the record's label → the test ids.
    pub aggregates: BTreeMap<String, Vec<String>>,
}

impl CoverageReport {
    /// The report with each path mapped (a JaCoCo `pkg/Foo.java` to its source root, a
    /// Go import path to the module's folder); paths mapped to None are dropped.
    pub fn map_paths(self, map: impl Fn(&str) -> Option<String>) -> CoverageReport {
        let remap = |lines: FileLines| {
            let mut out = FileLines::new();
            for (path, set) in lines {
                if let Some(p) = map(&path) {
                    out.entry(p).or_default().extend(set);
                }
            }
            out
        };
        CoverageReport {
            per_test: self
                .per_test
                .into_iter()
                .map(|(t, l)| (t, remap(l)))
                .collect(),
            all: remap(self.all),
            aggregates: self.aggregates,
        }
    }

    /// Adds another run's lines (xdist workers, one JVM per test class).
    pub fn merge(&mut self, other: CoverageReport) {
        for (t, lines) in other.per_test {
            add_lines(self.per_test.entry(t).or_default(), lines);
        }
        add_lines(&mut self.all, other.all);
        self.aggregates.extend(other.aggregates);
    }

    /// Records the lines of one run of several `tests` together under `label` (a
    /// single test is recorded under its own id).
    pub fn add_aggregate(&mut self, label: &str, tests: &[String], lines: FileLines) {
        add_lines(&mut self.all, lines.clone());
        match tests {
            [one] => add_lines(self.per_test.entry(one.clone()).or_default(), lines),
            _ => {
                add_lines(self.per_test.entry(label.to_string()).or_default(), lines);
                self.aggregates
                    .entry(label.to_string())
                    .or_default()
                    .extend(tests.iter().cloned());
            }
        }
    }
}

impl CoverageReport {
    /// The per-test lines as localization's input: a test is failing when `is_failing`
    /// says so, else passing (an aggregate when any of its tests is). Lines run outside
    /// any test (imports, collection) are in no test's record.
    pub fn split(&self, is_failing: impl Fn(&str) -> bool) -> crate::localize::Coverage {
        let mut cov = crate::localize::Coverage::default();
        for (id, lines) in &self.per_test {
            let mut run = crate::localize::TestRun::single(id.clone(), lines.clone());
            let failing = match self.aggregates.get(id) {
                Some(tests) => {
                    run.tests = u32::try_from(tests.len()).unwrap_or(u32::MAX);
                    tests.iter().any(|t| is_failing(t))
                }
                None => is_failing(id),
            };
            if failing {
                cov.failing.push(run);
            } else {
                cov.passing.push(run);
            }
        }
        cov
    }
}

pub(crate) fn add_lines(into: &mut FileLines, from: FileLines) {
    for (path, set) in from {
        into.entry(path).or_default().extend(set);
    }
}

/// `path` relative to `root` with `/` separators, or None when it lies outside it. A
/// relative path is taken as already relative to the root.
pub fn relative_to(path: &str, root: &str) -> Option<String> {
    let path = path.replace('\\', "/");
    let root = root.replace('\\', "/");
    let root = root.trim_end_matches('/');
    let rel = if path.starts_with('/') || path.get(1..3) == Some(":/") {
        if root.is_empty() {
            return None;
        }
        path.strip_prefix(root)?.strip_prefix('/')?.to_string()
    } else {
        path.trim_start_matches("./").to_string()
    };
    let ok = !rel.is_empty() && !rel.split('/').any(|p| p == "..");
    ok.then_some(rel)
}

/// A file path from a `file://` URL (`%20` and friends decoded).
pub fn path_of_url(url: &str) -> Option<String> {
    let rest = url.strip_prefix("file://")?;
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(v) = u8::from_str_radix(rest.get(i + 1..i + 3)?, 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod path_tests {
    use super::*;

    #[test]
    fn an_aggregate_is_failing_when_one_of_its_tests_is_and_counts_them_all() {
        let lines = |n: u32| -> FileLines { [("a.rs".to_string(), [n].into())].into() };
        let mut r = CoverageReport::default();
        let failing = ["t1".to_string(), "t2".to_string()];
        r.add_aggregate("together", &failing, lines(3));
        r.add_aggregate("p", &["p".to_string()], lines(4));
        assert!(r.aggregates.contains_key("together") && !r.aggregates.contains_key("p"));
        let cov = r.split(|id| id == "t2");
        assert_eq!(cov.failing.len(), 1);
        assert_eq!(
            (cov.failing[0].id.as_str(), cov.failing[0].tests),
            ("together", 2)
        );
        assert_eq!((cov.passing[0].id.as_str(), cov.passing[0].tests), ("p", 1));
        assert_eq!(r.all["a.rs"].len(), 2);
    }

    #[test]
    fn paths_relative_to_the_root_only() {
        assert_eq!(
            relative_to("/w/p/a/b.py", "/w/p").as_deref(),
            Some("a/b.py")
        );
        assert_eq!(
            relative_to("/w/p/a/b.py", "/w/p/").as_deref(),
            Some("a/b.py")
        );
        assert_eq!(relative_to("/w/pq/b.py", "/w/p"), None);
        assert_eq!(relative_to("/usr/lib/x.py", "/w/p"), None);
        assert_eq!(relative_to("./a.py", "/w/p").as_deref(), Some("a.py"));
        assert_eq!(relative_to("../a.py", "/w/p"), None);
        assert_eq!(
            relative_to("C:\\w\\p\\a.py", "C:/w/p").as_deref(),
            Some("a.py")
        );
        assert_eq!(
            path_of_url("file:///w/my%20p/a.js").as_deref(),
            Some("/w/my p/a.js")
        );
        assert_eq!(path_of_url("node:internal/x"), None);
    }
}
