//! The source the model sees: failing tests and the code they exercise, line-numbered, under a budget.
//!
//! Priority, highest first: for each failure the failing test function (with the imports
//! at the top of its file) and a window around the located file:line; then the in-repo
//! modules the tests import; then those modules' own imports. Files are read only from
//! inside the checkout, never secret files, never binary or non-UTF-8 ones.

use crate::analyze::{Analysis, Failure};
use crate::lang::context::{RepoView, SourceContext};
use crate::lang::Language;
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::path::{Component, Path};

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

/// The checkout at `root` (canonical) as the languages' scanners see it (see [`View`]).
pub(crate) fn view(root: &Path) -> impl RepoView + '_ {
    View::new(root)
}

/// Files read by one gathering, at most.
const MAX_FILES: usize = 200;
/// Related files taken from one file, at most (a file with thousands of imports).
const MAX_RELATED: usize = 64;
/// Entries of one directory looked at, at most.
const MAX_LIST: usize = 1000;

/// The checkout as the languages' scanners see it: only what [`read_repo_file`] allows,
/// each file read once.
struct View<'a> {
    root: &'a Path,
    cache: RefCell<HashMap<String, Option<String>>>,
}

impl<'a> View<'a> {
    fn new(root: &'a Path) -> Self {
        View {
            root,
            cache: RefCell::new(HashMap::new()),
        }
    }
}

impl RepoView for View<'_> {
    fn read(&self, rel: &str) -> Option<String> {
        if let Some(hit) = self.cache.borrow().get(rel) {
            return hit.clone();
        }
        let text = read_repo_file(self.root, rel).map(|f| f.text);
        self.cache
            .borrow_mut()
            .insert(rel.to_string(), text.clone());
        text
    }

    fn is_file(&self, rel: &str) -> bool {
        // Probing many candidate names: a missing file costs no read.
        self.root.join(rel).is_file() && self.read(rel).is_some()
    }

    fn list(&self, dir: &str) -> Vec<String> {
        let dir_path = Path::new(dir);
        if dir_path.is_absolute()
            || dir_path
                .components()
                .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
        {
            return Vec::new();
        }
        // The directory itself must not lead out of the checkout (a symlinked dir).
        let Some(full) = self.root.join(dir_path).canonicalize().ok() else {
            return Vec::new();
        };
        if !full.starts_with(self.root) {
            return Vec::new();
        }
        let Ok(entries) = std::fs::read_dir(&full) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .flatten()
            .take(MAX_LIST)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file() || t.is_symlink()))
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .map(|n| {
                if dir.is_empty() {
                    n
                } else {
                    format!("{dir}/{n}")
                }
            })
            .filter(|rel| !is_secret_path(rel))
            .collect();
        names.sort();
        names
    }
}

/// The language whose source context a failure gets: its tool's, else the run's, else
/// its file's, else its test id's; None when no language claims it (then only the
/// located file is shown, without the files it leads to).
fn language_of(analysis: &Analysis, failure: &Failure) -> Option<Language> {
    Language::of_tool(&failure.tool)
        .or(analysis.language)
        .or_else(|| failure.file.as_deref().and_then(Language::of_path))
        .or_else(|| {
            let id = failure.test.clone()?;
            Language::of_test_ids(&[id])
        })
}

fn numbered_len(n: usize, line: &str) -> usize {
    format!("{n:>4}| ").len() + line.len() + 1
}

/// A request for some lines of a file (0-based inclusive), in priority order.
struct Piece {
    rel: String,
    ranges: Vec<(usize, usize)>,
}

/// The repository's own instructions (`AGENTS.md`, `.github/self-heal.md`), capped.
pub fn instructions(workdir: &Path) -> Option<String> {
    let root = workdir.canonicalize().ok()?;
    ["AGENTS.md", ".github/self-heal.md"]
        .iter()
        .find_map(|p| read_repo_file(&root, p))
        .map(|f| cap_text(&f.text, INSTRUCTIONS_CAP))
}

/// Gathers the implicated files (failing tests, the code they import, located files)
/// within `budget_chars`. Each failure's language says where its test is and what a
/// file leads to (its [`SourceContext`]).
pub fn gather(workdir: &Path, analysis: &Analysis, budget_chars: usize) -> RepairContext {
    let Ok(root) = workdir.canonicalize() else {
        return RepairContext::default();
    };
    let instructions = ["AGENTS.md", ".github/self-heal.md"]
        .iter()
        .find_map(|p| read_repo_file(&root, p))
        .map(|f| cap_text(&f.text, INSTRUCTIONS_CAP));
    let view = View::new(&root);

    let mut files: Vec<RepoFile> = Vec::new();
    let load = |rel: &str, files: &mut Vec<RepoFile>| -> Option<usize> {
        let mut rel = relative_to_root(&root, rel)?;
        if let Some(i) = files.iter().position(|f| f.rel == rel) {
            return Some(i);
        }
        if files.len() >= MAX_FILES {
            return None;
        }
        let f = match read_repo_file(&root, &rel) {
            Some(f) => f,
            None => {
                // A relative path from a log written above the project (`proj/src/a.go`
                // from a monorepo root): its longest suffix that names a file here.
                rel = suffix_in_root(&root, &rel)?;
                read_repo_file(&root, &rel)?
            }
        };
        if let Some(i) = files.iter().position(|g| g.rel == f.rel) {
            return Some(i);
        }
        files.push(f);
        Some(files.len() - 1)
    };

    let mut pieces: Vec<Piece> = Vec::new();
    // Files the walk over related files starts from, with their language's context, in priority order.
    let mut seeds: Vec<(usize, &'static dyn SourceContext)> = Vec::new();
    let mut located_seeds: Vec<(usize, &'static dyn SourceContext)> = Vec::new();
    for failure in &analysis.failures {
        let cx = language_of(analysis, failure).map(|l| l.context());
        let located = failure.file.as_deref().and_then(|f| load(f, &mut files));
        let located_rel = located.map(|i| files[i].rel.clone());
        if let Some((cx, test)) = cx.and_then(|cx| {
            let test = cx.test_ref(&view, failure.test.as_deref()?, located_rel.as_deref())?;
            Some((cx, test))
        }) {
            if let Some(i) = load(&test.file, &mut files) {
                let lines: Vec<&str> = files[i].text.lines().collect();
                let ranges = cx
                    .test_ranges(&lines, &test)
                    .unwrap_or_else(|| vec![(0, lines.len().saturating_sub(1))]);
                pieces.push(Piece {
                    rel: files[i].rel.clone(),
                    ranges,
                });
                if !seeds.iter().any(|(j, _)| *j == i) {
                    seeds.push((i, cx));
                }
            }
        }
        if let Some(i) = located {
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
            if let Some(cx) = cx.filter(|cx| cx.follows_located_files()) {
                if !located_seeds.iter().any(|(j, _)| *j == i) {
                    located_seeds.push((i, cx));
                }
            }
        }
    }
    for s in located_seeds {
        if !seeds.iter().any(|(j, _)| *j == s.0) {
            seeds.push(s);
        }
    }
    // Related files: level one from the tests (the code under test), level two from
    // what those lead to. Each file once, so cycles end.
    let mut level = seeds;
    let mut seen: BTreeSet<String> = level.iter().map(|&(i, _)| files[i].rel.clone()).collect();
    for _depth in 0..2 {
        let mut next = Vec::new();
        for &(i, cx) in &level {
            let file = files[i].clone();
            for rel in cx
                .related(&view, &file.rel, &file.text)
                .into_iter()
                .take(MAX_RELATED)
            {
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
                    next.push((j, cx));
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
