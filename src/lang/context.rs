//! How to gather the source a fix needs, per language (each language's `context.rs`): where a test id's test lives,
//! which lines of it to show, and which repository files a file leads to (its imports,
//! the code under test), most relevant first.
//!
//! Everything here is cheap text scanning over a [`RepoView`]: the repair stage hands
//! in a view that reads only inside the checkout and never secret, huge or binary
//! files, so these scanners never touch the file system themselves.

use std::sync::OnceLock;

/// Read-only access to the checkout, with paths relative to its root (`/`-separated).
pub trait RepoView {
    /// The text of a file; None when absent, outside the root, secret, huge or binary.
    fn read(&self, rel: &str) -> Option<String>;
    /// Whether `rel` is a file that [`RepoView::read`] would return.
    fn is_file(&self, rel: &str) -> bool {
        self.read(rel).is_some()
    }
    /// The files directly in `dir` (`""` is the root), as relative paths, sorted.
    fn list(&self, dir: &str) -> Vec<String>;
}

/// A test id resolved to its file and, where known, its enclosing class and function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestRef {
    pub file: String,
    pub class: Option<String>,
    pub func: Option<String>,
}

/// One language's way of finding the source a fix needs.
pub trait SourceContext: Sync {
    /// The file (and class, function) of a test id. `located`: the file the log
    /// names for this failure, already relative to the root, when there is one.
    fn test_ref(&self, repo: &dyn RepoView, id: &str, located: Option<&str>) -> Option<TestRef>;

    /// 0-based inclusive line ranges to show of the test's file (its header with the
    /// imports, then the test); None to show the whole file.
    fn test_ranges(&self, lines: &[&str], test: &TestRef) -> Option<Vec<(usize, usize)>>;

    /// The repository files `rel` (with `text`) leads to, most relevant first.
    fn related(&self, repo: &dyn RepoView, rel: &str, text: &str) -> Vec<String>;

    /// Whether files the log locates (not only the tests' files) start the walk over
    /// related files. Python's context never did, and stays as it was.
    fn follows_located_files(&self) -> bool {
        true
    }
}

pub(crate) fn parent_dir(rel: &str) -> &str {
    match rel.rfind('/') {
        Some(i) => &rel[..i],
        None => "",
    }
}

/// `dir/name`, or `name` at the root.
pub(crate) fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Resolves `.` and `..` in a relative path; None when it climbs above the root.
pub(crate) fn normalize(path: &str) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            p => out.push(p),
        }
    }
    (!out.is_empty()).then(|| out.join("/"))
}

/// Pushes `p` unless it is `own` or already there.
pub(crate) fn push_unique(out: &mut Vec<String>, own: &str, p: String) {
    if p != own && !out.contains(&p) {
        out.push(p);
    }
}

/// The 0-based inclusive range of a brace-delimited block starting at line `start`:
/// through the line where the braces opened on or after it balance again. Strings and
/// comments are not parsed (cheap, and good enough to find a test's end); a block that
/// never closes ends after `MAX_BLOCK_LINES`.
pub(crate) fn brace_block(lines: &[&str], start: usize) -> (usize, usize) {
    const MAX_BLOCK_LINES: usize = 400;
    let mut depth = 0i64;
    let mut opened = false;
    let last = (start + MAX_BLOCK_LINES).min(lines.len()).saturating_sub(1);
    for (i, line) in lines.iter().enumerate().take(last + 1).skip(start) {
        for c in line.chars() {
            match c {
                '{' => {
                    depth += 1;
                    opened = true;
                }
                '}' => depth -= 1,
                _ => {}
            }
        }
        if opened && depth <= 0 {
            return (start, i);
        }
    }
    (start, last)
}

/// Extends `start` upwards over attribute/annotation lines (`#[test]`, `@Test`).
pub(crate) fn with_attributes(lines: &[&str], start: usize, prefix: &str) -> usize {
    let mut first = start;
    while first > 0 && lines[first - 1].trim_start().starts_with(prefix) {
        first -= 1;
    }
    first
}

/// The file's leading block (up to the line before `is_body` first holds), trimmed of
/// trailing blank lines: where imports live.
pub(crate) fn header(lines: &[&str], is_body: impl Fn(&str) -> bool) -> Option<(usize, usize)> {
    let end = lines.iter().position(|l| is_body(l)).unwrap_or(lines.len());
    let mut last = end;
    while last > 0 && lines[last - 1].trim().is_empty() {
        last -= 1;
    }
    (last > 0).then(|| (0, last - 1))
}

/// A compiled static regex.
pub(crate) fn re(cell: &'static OnceLock<regex::Regex>, pattern: &str) -> &'static regex::Regex {
    cell.get_or_init(|| regex::Regex::new(pattern).expect("static regex"))
}

/// A repository in memory, for the contexts' unit tests.
#[cfg(test)]
pub(crate) struct Files(pub &'static [(&'static str, &'static str)]);

#[cfg(test)]
impl RepoView for Files {
    fn read(&self, rel: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(p, _)| *p == rel)
            .map(|(_, t)| t.to_string())
    }
    fn list(&self, dir: &str) -> Vec<String> {
        let mut v: Vec<String> = self
            .0
            .iter()
            .map(|(p, _)| p.to_string())
            .filter(|p| parent_dir(p) == dir)
            .collect();
        v.sort();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_never_climbs_out() {
        assert_eq!(normalize("src/../a/./b.js").as_deref(), Some("a/b.js"));
        assert_eq!(normalize("../x"), None);
        assert_eq!(normalize("a/../.."), None);
    }

    #[test]
    fn brace_blocks_end_where_they_balance() {
        let lines = ["fn a() {", "  if x { y }", "}", "fn b() {}"];
        assert_eq!(brace_block(&lines, 0), (0, 2));
        assert_eq!(brace_block(&lines, 3), (3, 3));
    }
}
