//! The source the model sees: failing tests and the code they exercise, line-numbered, under a budget.
//!
//! Priority, highest first: for each failure the failing test function (with the imports
//! at the top of its file) and a window around the located file:line; then the in-repo
//! modules the tests import; then those modules' own imports. Files are read only from
//! inside the checkout, never secret files, never binary or non-UTF-8 ones.

use crate::analyze::Analysis;
use regex::Regex;
use std::collections::BTreeSet;
use std::path::{Component, Path};
use std::sync::OnceLock;

/// One file given to the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub path: String,
    /// Line-numbered text (`  12| code`), possibly a window of the file.
    pub numbered: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepairContext {
    pub files: Vec<SourceFile>,
    /// The repository's own instructions (`AGENTS.md`, `.github/self-heal.md`).
    pub instructions: Option<String>,
}

/// Instructions longer than this are cut (at a line boundary).
pub const INSTRUCTIONS_CAP: usize = 4096;
/// Lines either side of a located file:line.
const WINDOW: usize = 40;
/// Files up to this many lines are shown whole instead of as a window.
const SMALL_FILE_LINES: usize = 2 * WINDOW + 1;
/// Files larger than this are never read (generated or vendored blobs).
const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;
/// What a gap between two shown parts of a file renders as.
const GAP: &str = "    ...\n";

/// A file of the checkout, read safely.
#[derive(Debug, Clone)]
pub(crate) struct RepoFile {
    /// Path relative to the root, with `/` separators.
    pub rel: String,
    pub text: String,
}

/// Names that hold credentials; never read, whatever a log or an import says.
/// The same list as what the policy never lets an edit touch.
pub(crate) fn is_secret_path(rel: &str) -> bool {
    super::policy::is_secret_file(rel) || rel.split('/').any(|c| c == ".git")
}

/// Reads `rel` under `root` (already canonical): refuses paths that leave the root (also
/// through symlinks), secret files, huge, binary and non-UTF-8 files.
pub(crate) fn read_repo_file(root: &Path, rel: &str) -> Option<RepoFile> {
    let rel_path = Path::new(rel);
    if rel.is_empty()
        || rel_path.is_absolute()
        || rel_path
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return None;
    }
    let full = root.join(rel_path).canonicalize().ok()?;
    let inner = full.strip_prefix(root).ok()?;
    let norm = inner
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    if norm.is_empty() || is_secret_path(&norm) {
        return None;
    }
    let meta = std::fs::metadata(&full).ok()?;
    if !meta.is_file() || meta.len() > MAX_FILE_BYTES {
        return None;
    }
    let bytes = std::fs::read(&full).ok()?;
    if bytes.contains(&0) {
        return None;
    }
    let text = String::from_utf8(bytes).ok()?;
    Some(RepoFile { rel: norm, text })
}

/// Makes a path from a log relative to `root`: relative paths as they are, absolute ones
/// when they lie under the root, else by their longest suffix found in the checkout.
pub(crate) fn relative_to_root(root: &Path, path: &str) -> Option<String> {
    let p = Path::new(path);
    if !p.is_absolute() {
        return Some(path.trim_start_matches("./").to_string());
    }
    if let Some(inner) = p
        .canonicalize()
        .ok()
        .and_then(|c| c.strip_prefix(root).ok().map(Path::to_path_buf))
    {
        return Some(
            inner
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"),
        );
    }
    suffix_in_root(root, path)
}

/// A path from another machine (the CI runner's `/home/runner/work/r/r/pkg/m.py`) mapped into
/// the checkout by its longest suffix that names a file there. Interpreter paths
/// (`site-packages`, `lib/python3.x`) are never mapped.
pub(crate) fn suffix_in_root(root: &Path, path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split(['/', '\\']).filter(|p| !p.is_empty()).collect();
    if parts
        .iter()
        .any(|p| *p == "site-packages" || *p == "dist-packages" || p.starts_with("python3"))
    {
        return None;
    }
    (0..parts.len()).find_map(|k| {
        let rel = parts[k..].join("/");
        read_repo_file(root, &rel).map(|f| f.rel)
    })
}

/// The repository file of a dotted module name: `a/b.py` or `a/b/__init__.py`, also under
/// `src/`, then under `extra_dirs` (the importing file's directory, as pytest's rootdir
/// insertion makes sibling test helpers importable).
pub(crate) fn module_file(root: &Path, module: &str, extra_dirs: &[String]) -> Option<String> {
    if module.is_empty()
        || !module
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || c == '_'))
    {
        return None;
    }
    let base = module.replace('.', "/");
    let mut prefixes = vec![String::new(), "src/".to_string()];
    prefixes.extend(
        extra_dirs
            .iter()
            .filter(|d| !d.is_empty())
            .map(|d| format!("{d}/")),
    );
    for prefix in prefixes {
        for cand in [
            format!("{prefix}{base}.py"),
            format!("{prefix}{base}/__init__.py"),
        ] {
            if root.join(&cand).is_file() && read_repo_file(root, &cand).is_some() {
                return Some(cand);
            }
        }
    }
    None
}

fn parent_dir(rel: &str) -> String {
    match rel.rfind('/') {
        Some(i) => rel[..i].to_string(),
        None => String::new(),
    }
}

fn import_res() -> &'static (Regex, Regex) {
    static RES: OnceLock<(Regex, Regex)> = OnceLock::new();
    RES.get_or_init(|| {
        (
            Regex::new(r"^\s*import\s+(.+)$").expect("static regex"),
            Regex::new(r"^\s*from\s+(\.*)([\w.]*)\s+import\s+(.+)$").expect("static regex"),
        )
    })
}

/// The repository files `file` imports (absolute, relative and `from pkg import submodule`).
pub(crate) fn imported_files(root: &Path, file: &RepoFile) -> Vec<String> {
    let (import_re, from_re) = import_res();
    let here = parent_dir(&file.rel);
    let extra = [here.clone()];
    let lines: Vec<&str> = file.text.lines().collect();
    let mut out: Vec<String> = Vec::new();
    let push = |p: String, out: &mut Vec<String>| {
        if p != file.rel && !out.contains(&p) {
            out.push(p);
        }
    };
    let mut i = 0;
    while i < lines.len() {
        let mut stmt = lines[i].split('#').next().unwrap_or("").to_string();
        // Parenthesised imports span lines; backslash continuations too.
        if stmt.contains('(') && !stmt.contains(')') || stmt.trim_end().ends_with('\\') {
            while i + 1 < lines.len() {
                i += 1;
                let next = lines[i].split('#').next().unwrap_or("");
                stmt = format!("{} {}", stmt.trim_end().trim_end_matches('\\'), next);
                if next.contains(')') || !(stmt.contains('(') || next.trim_end().ends_with('\\')) {
                    break;
                }
            }
        }
        i += 1;
        if let Some(c) = from_re.captures(&stmt) {
            let dots = c[1].len();
            let name = &c[2];
            let module = if dots == 0 {
                name.to_string()
            } else {
                // `from .x import y` in pkg/mod.py is pkg.x; each extra dot goes up one package.
                let mut parts: Vec<&str> = here.split('/').filter(|s| !s.is_empty()).collect();
                for _ in 1..dots {
                    parts.pop();
                }
                let mut m = parts.join(".");
                if !name.is_empty() {
                    if !m.is_empty() {
                        m.push('.');
                    }
                    m.push_str(name);
                }
                m
            };
            let dirs: &[String] = if dots == 0 { &extra } else { &[] };
            let names = c[3].replace(['(', ')'], " ");
            let mut found_sub = false;
            for n in names.split(',') {
                let n = n.split_whitespace().next().unwrap_or("");
                if n.is_empty() || n == "*" {
                    continue;
                }
                let sub = if module.is_empty() {
                    n.to_string()
                } else {
                    format!("{module}.{n}")
                };
                if let Some(p) = module_file(root, &sub, dirs) {
                    push(p, &mut out);
                    found_sub = true;
                }
            }
            // `from pkg import sub` shows pkg/sub.py; the package's __init__ only otherwise.
            if !found_sub {
                if let Some(p) = module_file(root, &module, dirs) {
                    push(p, &mut out);
                }
            }
        } else if let Some(c) = import_re.captures(&stmt) {
            for part in c[1].split(',') {
                let m = part.split_whitespace().next().unwrap_or("");
                // `import a.b.c` binds a, a.b and a.b.c: the deepest one in the repo is the code used.
                let pieces: Vec<&str> = m.split('.').collect();
                for k in (1..=pieces.len()).rev() {
                    if let Some(p) = module_file(root, &pieces[..k].join("."), &extra) {
                        push(p, &mut out);
                        break;
                    }
                }
            }
        }
    }
    out
}

/// 0-based inclusive line ranges of the test function `name` (optionally in `class`, whose
/// header line comes first), with its decorators.
fn test_function_lines(
    lines: &[&str],
    class: Option<&str>,
    name: &str,
) -> Option<Vec<(usize, usize)>> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut from = 0;
    let mut min_indent = 0;
    if let Some(cls) = class {
        let re = Regex::new(&format!(r"^(\s*)class\s+{}\b", regex::escape(cls))).ok()?;
        from = lines.iter().position(|l| re.is_match(l))?;
        min_indent = indent(lines[from]) + 1;
    }
    let re = Regex::new(&format!(
        r"^(\s*)(?:async\s+)?def\s+{}\s*\(",
        regex::escape(name)
    ))
    .ok()?;
    let start =
        (from..lines.len()).find(|&i| re.is_match(lines[i]) && indent(lines[i]) >= min_indent)?;
    let def_indent = indent(lines[start]);
    let mut first = start;
    while first > 0
        && lines[first - 1].trim_start().starts_with('@')
        && indent(lines[first - 1]) == def_indent
    {
        first -= 1;
    }
    let mut last = start;
    let mut i = start + 1;
    // The signature may span lines; the body is everything indented deeper.
    while i < lines.len() {
        let l = lines[i];
        if !l.trim().is_empty() {
            if indent(l) <= def_indent && !l.trim_start().starts_with(')') {
                break;
            }
            last = i;
        }
        i += 1;
    }
    let mut out = Vec::new();
    if class.is_some() {
        out.push((from, from));
    }
    out.push((first, last));
    Some(out)
}

/// The file's top block: everything before the first top-level def/class/decorator,
/// which is where imports live.
fn header_lines(lines: &[&str]) -> Option<(usize, usize)> {
    let end = lines
        .iter()
        .position(|l| {
            l.starts_with("def ")
                || l.starts_with("class ")
                || l.starts_with("async def ")
                || l.starts_with('@')
        })
        .unwrap_or(lines.len());
    let mut last = end;
    while last > 0 && lines[last - 1].trim().is_empty() {
        last -= 1;
    }
    (last > 0).then(|| (0, last - 1))
}

/// A request for some lines of a file (0-based inclusive), in priority order.
struct Piece {
    rel: String,
    ranges: Vec<(usize, usize)>,
}

/// Splits a test id into (file, class, function) for pytest node ids and unittest ids.
fn split_test_id(root: &Path, id: &str) -> Option<(String, Option<String>, Option<String>)> {
    if let Some((file, rest)) = id.split_once("::") {
        let parts: Vec<&str> = rest.split("::").collect();
        let func = parts
            .last()
            .map(|f| f.split('[').next().unwrap_or(f).to_string());
        let class = (parts.len() >= 2).then(|| parts[parts.len() - 2].to_string());
        return Some((file.to_string(), class, func));
    }
    if id.ends_with(".py") {
        return Some((id.to_string(), None, None));
    }
    // unittest: `pkg.test_mod.TestClass.test_method`, or `test_method (pkg.test_mod.TestClass...)`.
    let dotted = match (id.find('('), id.rfind(')')) {
        (Some(a), Some(b)) if a < b => &id[a + 1..b],
        _ => id,
    };
    let parts: Vec<&str> = dotted.split('.').collect();
    for k in (1..=parts.len()).rev() {
        if let Some(file) = module_file(root, &parts[..k].join("."), &[]) {
            let rest = &parts[k..];
            let func = rest.last().map(|s| s.to_string());
            let class = (rest.len() >= 2).then(|| rest[rest.len() - 2].to_string());
            return Some((file, class, func));
        }
    }
    None
}

fn numbered_len(n: usize, line: &str) -> usize {
    format!("{n:>4}| ").len() + line.len() + 1
}

/// Gathers the implicated files (failing tests, the code they import, located files)
/// within `budget_chars`.
pub fn gather(workdir: &Path, analysis: &Analysis, budget_chars: usize) -> RepairContext {
    let Ok(root) = workdir.canonicalize() else {
        return RepairContext::default();
    };
    let instructions = ["AGENTS.md", ".github/self-heal.md"]
        .iter()
        .find_map(|p| read_repo_file(&root, p))
        .map(|f| cap_text(&f.text, INSTRUCTIONS_CAP));

    let mut files: Vec<RepoFile> = Vec::new();
    let load = |rel: &str, files: &mut Vec<RepoFile>| -> Option<usize> {
        let rel = relative_to_root(&root, rel)?;
        if let Some(i) = files.iter().position(|f| f.rel == rel) {
            return Some(i);
        }
        let f = read_repo_file(&root, &rel)?;
        if let Some(i) = files.iter().position(|g| g.rel == f.rel) {
            return Some(i);
        }
        files.push(f);
        Some(files.len() - 1)
    };

    let mut pieces: Vec<Piece> = Vec::new();
    let mut test_files: Vec<usize> = Vec::new();
    for failure in &analysis.failures {
        if let Some((file, class, func)) = failure
            .test
            .as_deref()
            .and_then(|t| split_test_id(&root, t))
        {
            if let Some(i) = load(&file, &mut files) {
                let lines: Vec<&str> = files[i].text.lines().collect();
                let func_range = func
                    .as_deref()
                    .and_then(|f| test_function_lines(&lines, class.as_deref(), f));
                let ranges = match func_range {
                    Some(r) => {
                        let mut v: Vec<(usize, usize)> = header_lines(&lines).into_iter().collect();
                        v.extend(r);
                        v
                    }
                    None => vec![(0, lines.len().saturating_sub(1))],
                };
                pieces.push(Piece {
                    rel: files[i].rel.clone(),
                    ranges,
                });
                if !test_files.contains(&i) {
                    test_files.push(i);
                }
            }
        }
        if let Some(file) = failure.file.as_deref() {
            if let Some(i) = load(file, &mut files) {
                let n = files[i].text.lines().count();
                let range = match failure.line.map(|l| l as usize) {
                    Some(l) if l >= 1 && n > SMALL_FILE_LINES => {
                        let at = (l - 1).min(n.saturating_sub(1));
                        (
                            at.saturating_sub(WINDOW),
                            (at + WINDOW).min(n.saturating_sub(1)),
                        )
                    }
                    _ => (0, n.saturating_sub(1)),
                };
                pieces.push(Piece {
                    rel: files[i].rel.clone(),
                    ranges: vec![range],
                });
            }
        }
    }
    // Imports: level one from the test files, level two from what those import.
    let mut level: Vec<usize> = test_files.clone();
    let mut seen: BTreeSet<String> = level.iter().map(|&i| files[i].rel.clone()).collect();
    for _depth in 0..2 {
        let mut next = Vec::new();
        for &i in &level {
            let file = files[i].clone();
            for rel in imported_files(&root, &file) {
                // A module already shown as a window still comes whole, at this lower priority.
                if !seen.insert(rel.clone()) {
                    continue;
                }
                if let Some(j) = load(&rel, &mut files) {
                    let n = files[j].text.lines().count();
                    pieces.push(Piece {
                        rel: files[j].rel.clone(),
                        ranges: vec![(0, n.saturating_sub(1))],
                    });
                    next.push(j);
                }
            }
        }
        level = next;
    }

    RepairContext {
        files: render(&files, &pieces, budget_chars),
        instructions,
    }
}

/// Spends the budget on pieces in priority order, then renders each file once with the
/// lines chosen for it.
fn render(files: &[RepoFile], pieces: &[Piece], budget: usize) -> Vec<SourceFile> {
    struct Chosen<'a> {
        rel: &'a str,
        lines: Vec<&'a str>,
        chosen: BTreeSet<usize>,
        /// Lines of a piece left out for lack of budget, with the line after which they go.
        cut: Option<(usize, usize)>,
    }
    let mut out: Vec<Chosen> = Vec::new();
    let mut left = budget;
    'pieces: for piece in pieces {
        let Some(file) = files.iter().find(|f| f.rel == piece.rel) else {
            continue;
        };
        let idx = match out.iter().position(|c| c.rel == file.rel) {
            Some(i) => i,
            None => {
                out.push(Chosen {
                    rel: &file.rel,
                    lines: file.text.lines().collect(),
                    chosen: BTreeSet::new(),
                    cut: None,
                });
                out.len() - 1
            }
        };
        let c = &mut out[idx];
        for &(a, b) in &piece.ranges {
            let b = b.min(c.lines.len().saturating_sub(1));
            if c.lines.is_empty() || a > b {
                continue;
            }
            for i in a..=b {
                if c.chosen.contains(&i) {
                    continue;
                }
                // A line touching no chosen line adds at most one gap marker.
                let isolated =
                    (i == 0 || !c.chosen.contains(&(i - 1))) && !c.chosen.contains(&(i + 1));
                let gap = if isolated && !c.chosen.is_empty() {
                    GAP.len()
                } else {
                    0
                };
                let cost = numbered_len(i + 1, c.lines[i]) + gap;
                // Keep room for the truncation marker itself.
                let marker = format!("... ({} more lines)\n", b - i + 1).len();
                if cost + marker > left {
                    if marker <= left {
                        c.cut = Some((i, b - i + 1));
                    }
                    break 'pieces;
                }
                left -= cost;
                c.chosen.insert(i);
            }
        }
    }
    out.into_iter()
        .filter(|c| !c.chosen.is_empty())
        .map(|c| {
            let mut text = String::new();
            let mut prev: Option<usize> = None;
            for &i in &c.chosen {
                if let Some(p) = prev {
                    if i != p + 1 {
                        text.push_str(GAP);
                    }
                }
                text.push_str(&format!("{:>4}| {}\n", i + 1, c.lines[i]));
                prev = Some(i);
            }
            if let Some((_, n)) = c.cut {
                text.push_str(&format!("... ({n} more lines)\n"));
            }
            SourceFile {
                path: c.rel.to_string(),
                numbered: text,
            }
        })
        .collect()
}

/// Cuts `text` to at most `cap` bytes at a line boundary, saying how much was left out.
fn cap_text(text: &str, cap: usize) -> String {
    if text.len() <= cap {
        return text.to_string();
    }
    let mut end = 0;
    for line in text.split_inclusive('\n') {
        if end + line.len() + 40 > cap {
            break;
        }
        end += line.len();
    }
    let rest = text[end..].lines().count();
    format!("{}... ({rest} more lines)\n", &text[..end])
}
