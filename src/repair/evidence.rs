//! What localization is given, gathered from the checkout and the analysis: the
//! project's source files parsed by their language's grammar, the failing tests as
//! their ids name them, the stack frames the failure output prints, the lines changed
//! since the last green run, the failure's own words, and (when the failing tests ran
//! under coverage) what they executed. Reads only inside the checkout, through the
//! same safe reader as the context ([`super::context::read_repo_file`]).

use super::context::{read_repo_file, view};
use crate::analyze::Analysis;
use crate::lang::Language;
use crate::localize::{Coverage, Evidence, FailingTest, FileLines, Frame, SourceFile};
use crate::syntax::ParsedFile;
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

/// Source files parsed at most (a monorepo's far corners are not the failure's).
const MAX_FILES: usize = 3000;
/// Bytes of source parsed at most, all files together.
const MAX_TOTAL_BYTES: usize = 48 * 1024 * 1024;
/// Directory entries looked at, at most.
const MAX_ENTRIES: usize = 50_000;
/// Directories that hold no project source: dependencies, build output, caches.
const SKIP_DIRS: &[&str] = &[
    "node_modules",
    "target",
    "build",
    "dist",
    "out",
    "coverage",
    "__pycache__",
    "venv",
    "env",
    "site-packages",
    "bower_components",
];

/// One parsed file of the checkout.
pub struct Parsed {
    /// Relative to the root, `/`-separated.
    pub rel: String,
    pub is_test: bool,
    pub file: ParsedFile,
}

/// The parsed files of the checkout, by path.
#[derive(Default)]
pub struct Workspace {
    pub files: Vec<Parsed>,
    index: BTreeMap<String, usize>,
}

impl Workspace {
    pub fn get(&self, rel: &str) -> Option<&Parsed> {
        self.index.get(rel).map(|&i| &self.files[i])
    }

    /// The workspace file a path from a log names: itself, or the file whose path
    /// ends with the longest suffix of it (a runner's absolute path, a path relative
    /// to another directory, Java's `pkg/Foo.java`).
    pub fn resolve(&self, path: &str) -> Option<&str> {
        let path = path.trim_start_matches("./").replace('\\', "/");
        if let Some((k, _)) = self.index.get_key_value(path.as_str()) {
            return Some(k.as_str());
        }
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        if parts.iter().any(|p| {
            *p == "site-packages" || *p == "dist-packages" || *p == "node_modules" || *p == ".cargo"
        }) {
            return None;
        }
        for k in 0..parts.len() {
            let suffix = parts[k..].join("/");
            if let Some((key, _)) = self.index.get_key_value(suffix.as_str()) {
                return Some(key.as_str());
            }
            // Only a suffix of two or more parts may match a deeper file: a bare
            // `mod.rs` or `index.js` names too many.
            if parts.len() - k >= 2 {
                let tail = format!("/{suffix}");
                let mut hits = self.index.keys().filter(|key| key.ends_with(&tail));
                if let (Some(hit), None) = (hits.next(), hits.next()) {
                    return Some(hit.as_str());
                }
            }
        }
        None
    }

    fn push(&mut self, p: Parsed) {
        self.index.insert(p.rel.clone(), self.files.len());
        self.files.push(p);
    }
}

/// Parses the checkout's source files (the languages' grammars decide which),
/// `first` before the others, within [`MAX_FILES`] and [`MAX_TOTAL_BYTES`].
pub fn parse_workspace(root: &Path, first: &[String], test_roots: &[String]) -> Workspace {
    let mut ws = Workspace::default();
    let mut total = 0usize;
    let mut paths: Vec<String> = first.to_vec();
    paths.extend(list_sources(root));
    let mut seen = BTreeSet::new();
    for rel in paths {
        if ws.files.len() >= MAX_FILES || total >= MAX_TOTAL_BYTES {
            break;
        }
        if !seen.insert(rel.clone()) {
            continue;
        }
        let Some(grammar) = crate::lang::grammar_for(&rel) else {
            continue;
        };
        let Some(f) = read_repo_file(root, &rel) else {
            continue;
        };
        if ws.get(&f.rel).is_some() {
            continue;
        }
        total += f.text.len();
        let Ok(file) = ParsedFile::parse(grammar, &f.text) else {
            continue;
        };
        let is_test = crate::lang::is_test_path(&f.rel)
            || test_roots
                .iter()
                .any(|t| !t.is_empty() && f.rel.starts_with(&format!("{t}/")));
        ws.push(Parsed {
            rel: f.rel,
            is_test,
            file,
        });
    }
    ws
}

/// Every file under the root that a grammar parses, breadth first, sorted per
/// directory; hidden, dependency and build directories are left out, and so is a Go
/// `vendor/` (third-party modules, with its `modules.txt`).
fn list_sources(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut dirs: std::collections::VecDeque<String> = std::collections::VecDeque::new();
    dirs.push_back(String::new());
    let mut entries_seen = 0usize;
    while let Some(dir) = dirs.pop_front() {
        let full = if dir.is_empty() {
            root.to_path_buf()
        } else {
            root.join(&dir)
        };
        // Never follow a symlinked directory: it may lead out of the checkout.
        let Ok(meta) = std::fs::symlink_metadata(&full) else {
            continue;
        };
        if !meta.is_dir() {
            continue;
        }
        let Ok(rd) = std::fs::read_dir(&full) else {
            continue;
        };
        let mut names: Vec<(String, bool)> = rd
            .flatten()
            .filter_map(|e| {
                let ty = e.file_type().ok()?;
                Some((e.file_name().to_str()?.to_string(), ty.is_dir()))
            })
            .collect();
        names.sort();
        for (name, is_dir) in names {
            entries_seen += 1;
            if entries_seen > MAX_ENTRIES {
                return out;
            }
            let rel = if dir.is_empty() {
                name.clone()
            } else {
                format!("{dir}/{name}")
            };
            if is_dir {
                let vendored_modules =
                    name == "vendor" && full.join(&name).join("modules.txt").is_file();
                if name.starts_with('.') || SKIP_DIRS.contains(&name.as_str()) || vendored_modules {
                    continue;
                }
                dirs.push_back(rel);
            } else if crate::lang::grammar_for(&name).is_some() {
                out.push(rel);
            }
        }
    }
    out
}

/// Gathers everything localization weighs. `coverage`: what the failing and the
/// passing tests executed, when they ran under coverage (None: static evidence only).
pub fn gather(
    root: &Path,
    analysis: &Analysis,
    test_roots: &[String],
    coverage: Option<Coverage>,
) -> (Workspace, Evidence) {
    let Ok(root) = root.canonicalize() else {
        return (Workspace::default(), Evidence::default());
    };
    let repo = view(&root);
    let mut failing_tests = Vec::new();
    let mut first: Vec<String> = Vec::new();
    for f in &analysis.failures {
        if let Some(file) = f.file.as_deref() {
            first.push(file.trim_start_matches("./").to_string());
        }
        let Some(id) = f.test.as_deref() else {
            continue;
        };
        let lang = Language::of_tool(&f.tool)
            .or(analysis.language)
            .or_else(|| f.file.as_deref().and_then(Language::of_path));
        let located = f
            .file
            .as_deref()
            .and_then(|p| super::context::relative_to_root(&root, p));
        let test_ref = lang.and_then(|l| l.context().test_ref(&repo, id, located.as_deref()));
        let name = match &test_ref {
            Some(t) => match (&t.class, &t.func) {
                (Some(c), Some(func)) => format!("{c}.{func}"),
                (None, Some(func)) => func.clone(),
                _ => id.to_string(),
            },
            None => id.to_string(),
        };
        let file = test_ref.map(|t| t.file);
        if let Some(file) = &file {
            first.push(file.clone());
        }
        failing_tests.push(FailingTest { file, name });
    }
    let ws = parse_workspace(&root, &first, test_roots);

    let mut text = analysis.context.clone();
    let mut messages = vec![analysis.context.clone()];
    for f in &analysis.failures {
        if !f.message.is_empty() {
            messages.push(f.message.clone());
            text.push('\n');
            text.push_str(&f.message);
        }
    }
    let mut frames = frames_in(&text, &ws);
    for f in &analysis.failures {
        if let (Some(file), Some(line)) = (f.file.as_deref(), f.line) {
            if let Some(rel) = ws.resolve(file) {
                let frame = Frame {
                    file: rel.to_string(),
                    line,
                };
                if !frames.contains(&frame) {
                    frames.push(frame);
                }
            }
        }
    }
    let changed = analysis
        .changed_since
        .as_ref()
        .map(|c| changed_lines(&c.diff))
        .unwrap_or_default();
    let files = ws
        .files
        .iter()
        .map(|p| SourceFile::from_syntax(&p.rel, p.is_test, &p.file))
        .collect();
    let evidence = Evidence {
        coverage,
        files,
        frames,
        changed,
        messages,
        failing_tests,
    };
    (ws, evidence)
}

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("static regex"))
}

/// Stack frames the failure output prints, innermost first, mapped to workspace files:
/// Python tracebacks and pytest's `path:line: in f` (printed outermost first, so
/// reversed), Java's `at pkg.C.m(C.java:12)`, and any other `path.ext:line`
/// (Go, Rust, Node, Ruby print innermost first).
pub fn frames_in(text: &str, ws: &Workspace) -> Vec<Frame> {
    static PY: OnceLock<Regex> = OnceLock::new();
    static PYTEST: OnceLock<Regex> = OnceLock::new();
    static JAVA: OnceLock<Regex> = OnceLock::new();
    static ANY: OnceLock<Regex> = OnceLock::new();
    let py = re(&PY, r#"File "([^"]+)", line (\d+)"#);
    let pytest = re(&PYTEST, r"(?m)^\s*([\w./\\-]+\.py):(\d+): ");
    let java = re(
        &JAVA,
        r"\bat ([\w$.]+)\.[\w$<>]+\(([\w$]+\.(?:java|kt|scala|groovy)):(\d+)\)",
    );
    let any = re(
        &ANY,
        r"([\w./\\@-]*[\w-]+\.(?:go|rs|js|jsx|mjs|cjs|ts|tsx|mts|cts|rb|java|kt|py)):(\d+)",
    );
    let mut python: Vec<(usize, Frame)> = Vec::new();
    let mut others: Vec<(usize, Frame)> = Vec::new();
    let at = |path: &str, line: &str| -> Option<Frame> {
        let line: u32 = line.parse().ok()?;
        let file = ws.resolve(path)?.to_string();
        Some(Frame { file, line })
    };
    let mut taken: BTreeSet<usize> = BTreeSet::new();
    for c in py.captures_iter(text).chain(pytest.captures_iter(text)) {
        let m = c.get(0).expect("match");
        if let Some(f) = at(&c[1], &c[2]) {
            taken.insert(m.start());
            python.push((m.start(), f));
        }
    }
    for c in java.captures_iter(text) {
        let m = c.get(0).expect("match");
        // `com.acme.Money.parse(Money.java:65)`: the package's folders, then the file.
        let class = &c[1];
        let pkg: Vec<&str> = class.split('.').collect();
        let dirs = pkg[..pkg.len().saturating_sub(1)]
            .iter()
            .filter(|p| p.chars().next().is_some_and(char::is_lowercase))
            .copied()
            .collect::<Vec<_>>()
            .join("/");
        let path = if dirs.is_empty() {
            c[2].to_string()
        } else {
            format!("{dirs}/{}", &c[2])
        };
        if let Some(f) = at(&path, &c[3]) {
            taken.insert(c.get(2).expect("file").start());
            others.push((m.start(), f));
        }
    }
    for c in any.captures_iter(text) {
        let m = c.get(0).expect("match");
        if taken.contains(&m.start()) || taken.iter().any(|&t| t > m.start() && t < m.end()) {
            continue;
        }
        if let Some(f) = at(&c[1], &c[2]) {
            // Python prints its stack outermost first, wherever it is quoted.
            if c[1].ends_with(".py") {
                python.push((m.start(), f));
            } else {
                others.push((m.start(), f));
            }
        }
    }
    python.sort_by_key(|(s, _)| *s);
    others.sort_by_key(|(s, _)| *s);
    let mut out: Vec<Frame> = Vec::new();
    for f in python
        .into_iter()
        .rev()
        .map(|(_, f)| f)
        .chain(others.into_iter().map(|(_, f)| f))
    {
        if !out.contains(&f) {
            out.push(f);
        }
    }
    out
}

/// The new-side lines a unified diff adds or changes, per file.
pub fn changed_lines(diff: &str) -> FileLines {
    static HUNK: OnceLock<Regex> = OnceLock::new();
    let hunk = re(&HUNK, r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@");
    let mut out = FileLines::new();
    let mut file: Option<String> = None;
    let mut line = 0u32;
    for l in diff.lines() {
        if let Some(p) = l.strip_prefix("+++ ") {
            let p = p.trim();
            file = (p != "/dev/null").then(|| p.strip_prefix("b/").unwrap_or(p).to_string());
            continue;
        }
        if l.starts_with("--- ") {
            continue;
        }
        if let Some(c) = hunk.captures(l) {
            line = c[1].parse().unwrap_or(0);
            continue;
        }
        let Some(f) = &file else { continue };
        if l.starts_with('+') {
            out.entry(f.clone()).or_default().insert(line);
            line += 1;
        } else if l.starts_with('-') {
            // A removed line: the line now in its place changed too.
            out.entry(f.clone()).or_default().insert(line.max(1));
        } else {
            line += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diff_gives_the_new_sides_lines() {
        let diff = "--- a/m.py\n+++ b/m.py\n@@ -3,3 +3,3 @@ def f():\n     a = 1\n-    b = 2\n+    b = 3\n     c = 4\n";
        let c = changed_lines(diff);
        assert_eq!(c["m.py"].iter().copied().collect::<Vec<_>>(), vec![4]);
    }
}
