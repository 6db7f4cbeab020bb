//! The BugSwarm log fixtures and how we score the analysis against them.
//! Shared by the integration test and `examples/eval_logs.rs` (via `#[path]`).
#![allow(dead_code)]

use self_heal::analyze::{analyze, AnalyzeOptions};
use std::collections::BTreeSet;
use std::path::PathBuf;

/// `SELF_HEAL_FIXTURES`, else `../shared/fixtures` next to the crate, else
/// `/work/shared/fixtures`.
pub fn fixtures_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("SELF_HEAL_FIXTURES") {
        return PathBuf::from(p);
    }
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let near = manifest.join("../shared/fixtures");
    if near.is_dir() {
        return near;
    }
    PathBuf::from("/work/shared/fixtures")
}

/// A test's own name (fixtures README): the part after the last `::`, `›`
/// or `.`, or before `(`. Applied to both sides, so both notations meet:
/// pytest node ids (`tests/test_x.py::T::test_y[p]`), BugSwarm's dotted ids,
/// unittest `test_y (pkg.Class)`, JUnit `method(pkg.Class)`, jest `a › b`,
/// mocha titles with a trailing `:`. Parametrisation (`[...]`) is dropped
/// (BugSwarm lists parameter sets of one test as one name in places).
pub fn own_name(id: &str) -> String {
    let mut s = id.trim().trim_end_matches(':').trim().to_string();
    if s.starts_with('(') {
        // `(tests.module)`: a module that failed to import.
        s = s.trim_start_matches('(').trim_end_matches(')').to_string();
    } else if let Some(i) = s.find('(') {
        s.truncate(i);
    }
    if s.ends_with(']') {
        if let Some(i) = s.find('[') {
            s.truncate(i);
        }
    }
    let s = s.trim().trim_end_matches(".py").replace('/', ".");
    // `#` separates only in identifiers (Java), not in prose titles (mocha's `... #0`).
    let seps: &[&str] = if s.contains(' ') {
        &["::", "›", "."]
    } else {
        &["::", "›", ".", "#"]
    };
    let cut = seps
        .iter()
        .filter_map(|sep| s.rfind(sep).map(|i| i + sep.len()))
        .max()
        .unwrap_or(0);
    s[cut..].trim().to_string()
}

#[derive(Debug, Clone)]
pub struct Case {
    pub log: String,
    pub group: String,
    pub expected: BTreeSet<String>,
    /// Only recall is defined (`failed_contains`: names that must be among them).
    pub contains_only: bool,
}

#[derive(Debug, Default, Clone)]
pub struct Score {
    pub logs: usize,
    pub expected: usize,
    pub found: usize,
    pub hit: usize,
    /// Found names not expected (precision denominator is `found` of full cases).
    pub precision_found: usize,
    pub precision_hit: usize,
}

impl Score {
    pub fn recall(&self) -> f64 {
        ratio(self.hit, self.expected)
    }
    pub fn precision(&self) -> f64 {
        ratio(self.precision_hit, self.precision_found)
    }
    pub fn add(&mut self, o: &Score) {
        self.logs += o.logs;
        self.expected += o.expected;
        self.found += o.found;
        self.hit += o.hit;
        self.precision_found += o.precision_found;
        self.precision_hit += o.precision_hit;
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

pub fn cases() -> Vec<Case> {
    let root = fixtures_dir().join("ci-logs/bugswarm");
    let text = std::fs::read_to_string(root.join("expected.json"))
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", root.join("expected.json").display()));
    let v: serde_json::Value = serde_json::from_str(&text).expect("expected.json is JSON");
    let mut out = Vec::new();
    for e in v.as_array().expect("a list") {
        let log = e["log"].as_str().unwrap_or_default().to_string();
        let names = |k: &str| -> Vec<String> {
            e[k].as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let tests = names("failed_tests");
        let contains = names("failed_contains");
        let contains_only = tests.is_empty();
        let expected: BTreeSet<String> = if contains_only { contains } else { tests }
            .iter()
            .map(|t| own_name(t))
            .collect();
        let dir = log.split('/').next().unwrap_or("");
        let framework = e["framework"].as_str().unwrap_or("");
        let analyzer = e["analyzer"].as_str().unwrap_or("");
        let group = match (dir, framework, analyzer) {
            ("python", f, _) => f.to_string(),
            ("javascript", f, _) => f.to_string(),
            (_, _, a) if a.starts_with("java-") => format!("junit ({})", &a[5..]),
            ("logs", _, _) => "junit (maven, contains)".to_string(),
            (d, _, _) => d.to_string(),
        };
        out.push(Case {
            log,
            group,
            expected,
            contains_only,
        });
    }
    out
}

/// Runs the analysis on one case and scores it.
pub fn score(case: &Case) -> (Score, BTreeSet<String>) {
    let path = fixtures_dir().join("ci-logs/bugswarm").join(&case.log);
    let logs = self_heal::logs::read_path(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let a = analyze(&logs, &AnalyzeOptions::default());
    let found: BTreeSet<String> = a
        .failures
        .iter()
        .filter_map(|f| f.test.as_deref())
        .map(own_name)
        .collect();
    let hit = case.expected.intersection(&found).count();
    let mut s = Score {
        logs: 1,
        expected: case.expected.len(),
        found: found.len(),
        hit,
        ..Default::default()
    };
    if !case.contains_only {
        s.precision_found = found.len();
        s.precision_hit = hit;
    }
    (s, found)
}

/// Scores every case, grouped by framework (sorted), plus the overall total.
pub fn evaluate() -> (Vec<(String, Score)>, Score, Vec<String>) {
    let mut groups: std::collections::BTreeMap<String, Score> = Default::default();
    let mut total = Score::default();
    let mut misses = Vec::new();
    for c in cases() {
        let (s, found) = score(&c);
        if s.hit < s.expected || (!c.contains_only && s.hit < s.found) {
            let missing: Vec<_> = c.expected.difference(&found).cloned().collect();
            let extra: Vec<_> = if c.contains_only {
                Vec::new()
            } else {
                found.difference(&c.expected).cloned().collect()
            };
            misses.push(format!(
                "{}: missing {:?} extra {:?}",
                c.log, missing, extra
            ));
        }
        groups.entry(c.group.clone()).or_default().add(&s);
        total.add(&s);
    }
    (groups.into_iter().collect(), total, misses)
}

pub fn markdown(groups: &[(String, Score)], total: &Score) -> String {
    let mut out = String::from(
        "| framework | logs | expected tests | found | recall | precision |\n|---|---:|---:|---:|---:|---:|\n",
    );
    for (g, s) in groups
        .iter()
        .map(|(g, s)| (g.as_str(), s))
        .chain([("**all**", total)])
    {
        out.push_str(&format!(
            "| {g} | {} | {} | {} | {:.1}% | {:.1}% |\n",
            s.logs,
            s.expected,
            s.found,
            s.recall() * 100.0,
            s.precision() * 100.0
        ));
    }
    out
}
