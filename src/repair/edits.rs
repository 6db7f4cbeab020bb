//! Search/replace edits: application (exact, then whitespace-tolerant), atomic writes, diffs.
//!
//! Edits come from a model, so every failure is an [`EditError`] whose message is
//! one line the model can act on in its next attempt (docs/how-it-works.md, "The model").

use super::policy::{normalize, PathPolicy, PolicyError};
pub use crate::types::{Edit, FileChange};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// `hint` is empty or starts with a space: ` (closest line 12: ...)`.
    #[error("{path}: search text not found{hint}")]
    NotFound { path: String, hint: String },
    #[error("{path}: search text matches {count} times{lines}; it must match exactly once, so include more surrounding lines")]
    Ambiguous {
        path: String,
        count: usize,
        lines: String,
    },
    #[error("{path}: file does not exist; an edit of a new file needs an empty search")]
    MissingFile { path: String },
    #[error(
        "{path}: file already exists and is not empty; an empty search only creates new files"
    )]
    FileExists { path: String },
    #[error("{path}: not a UTF-8 text file")]
    NotText { path: String },
    #[error("{path}: not a regular file")]
    NotAFile { path: String },
    #[error("{path}: changed on disk since the fix was planned")]
    Conflict { path: String },
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: write failed ({source}); {restored}")]
    WriteFailed {
        path: String,
        source: std::io::Error,
        restored: String,
    },
}

/// One file being edited: content kept with `\n` line ends while edits apply.
struct Working {
    path: String,
    before: Option<String>,
    text: String,
    crlf: bool,
}

/// Computes the changes `edits` make to the files under `root`, without writing.
/// Edits to the same file apply in order, each to the result of the previous one.
/// Files whose final content equals the original are left out.
pub fn plan_edits(
    root: &Path,
    edits: &[Edit],
    policy: &PathPolicy,
) -> Result<Vec<FileChange>, EditError> {
    let mut files: Vec<Working> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for edit in edits {
        let abs = policy.check(root, &edit.path)?;
        let norm = normalize(&edit.path)?;
        let i = match index.get(&norm) {
            Some(&i) => i,
            None => {
                let w = load(&norm, abs)?;
                files.push(w);
                index.insert(norm, files.len() - 1);
                files.len() - 1
            }
        };
        apply_one(&mut files[i], edit)?;
    }
    Ok(files
        .into_iter()
        .filter_map(|w| {
            let after = if w.crlf {
                w.text.replace('\n', "\r\n")
            } else {
                w.text
            };
            (w.before.as_deref() != Some(after.as_str())).then_some(FileChange {
                path: w.path,
                before: w.before,
                after,
            })
        })
        .collect())
}

fn load(norm: &str, abs: PathBuf) -> Result<Working, EditError> {
    let before = match std::fs::metadata(&abs) {
        Ok(m) if !m.is_file() => {
            return Err(EditError::NotAFile {
                path: norm.to_string(),
            })
        }
        Ok(_) => {
            let bytes = std::fs::read(&abs).map_err(|source| EditError::Io {
                path: norm.to_string(),
                source,
            })?;
            Some(String::from_utf8(bytes).map_err(|_| EditError::NotText {
                path: norm.to_string(),
            })?)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        // A path through a regular file ("a.py/b.py") reports NotADirectory.
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            return Err(EditError::NotAFile {
                path: norm.to_string(),
            })
        }
        Err(source) => {
            return Err(EditError::Io {
                path: norm.to_string(),
                source,
            })
        }
    };
    let text = before.clone().unwrap_or_default();
    // Only a file whose every line end is CRLF is edited in `\n` form and written
    // back as CRLF; mixed files are matched as they are (the tolerant match
    // ignores a stray `\r`).
    let newlines = text.matches('\n').count();
    let crlf = newlines > 0 && text.matches("\r\n").count() == newlines;
    let text = if crlf {
        text.replace("\r\n", "\n")
    } else {
        text
    };
    Ok(Working {
        path: norm.to_string(),
        before,
        text,
        crlf,
    })
}

fn apply_one(w: &mut Working, edit: &Edit) -> Result<(), EditError> {
    let search = edit.search.replace("\r\n", "\n");
    let replace = edit.replace.replace("\r\n", "\n");
    if search.trim().is_empty() {
        if w.before.is_some() && !w.text.trim().is_empty() {
            return Err(EditError::FileExists {
                path: w.path.clone(),
            });
        }
        w.text = replace;
        return Ok(());
    }
    if w.before.is_none() && w.text.is_empty() {
        return Err(EditError::MissingFile {
            path: w.path.clone(),
        });
    }
    let hits = exact_matches(&w.text, &search);
    match hits.len() {
        1 => {
            let at = hits[0];
            w.text.replace_range(at..at + search.len(), &replace);
            Ok(())
        }
        0 => apply_tolerant(w, &search, &replace),
        n => Err(EditError::Ambiguous {
            path: w.path.clone(),
            count: n,
            lines: line_list(&w.text, &hits),
        }),
    }
}

/// Start offsets of every occurrence, overlapping ones included (an overlap is
/// still two places the model could have meant).
fn exact_matches(text: &str, needle: &str) -> Vec<usize> {
    let mut hits = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find(needle) {
        let at = from + i;
        hits.push(at);
        let step = text[at..].chars().next().map_or(1, char::len_utf8);
        from = at + step;
        if hits.len() >= 50 {
            break;
        }
    }
    hits
}

fn line_list(text: &str, offsets: &[usize]) -> String {
    let lines: Vec<String> = offsets
        .iter()
        .take(5)
        .map(|&o| (text[..o].matches('\n').count() + 1).to_string())
        .collect();
    let more = if offsets.len() > 5 { ", ..." } else { "" };
    format!(" (lines {}{more})", lines.join(", "))
}

/// Whitespace-insensitive form of one line: runs of whitespace collapsed, ends trimmed.
fn squash(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn indent_of(line: &str) -> &str {
    &line[..line.len() - line.trim_start().len()]
}

/// Strips blank lines at both ends; returns the kept lines and how many went at each end.
fn trim_blank_lines(text: &str) -> (Vec<&str>, usize, usize) {
    let lines: Vec<&str> = text.split('\n').collect();
    let lead = lines.iter().take_while(|l| l.trim().is_empty()).count();
    if lead == lines.len() {
        return (Vec::new(), lead, 0);
    }
    let trail = lines
        .iter()
        .rev()
        .take_while(|l| l.trim().is_empty())
        .count();
    (lines[lead..lines.len() - trail].to_vec(), lead, trail)
}

/// The fallback after an exact miss: the search's lines must equal a unique run of
/// the file's lines once whitespace runs are collapsed. The replacement is
/// re-indented by the difference between the file's indentation and the search's.
fn apply_tolerant(w: &mut Working, search: &str, replace: &str) -> Result<(), EditError> {
    let (s_lines, s_lead, s_trail) = trim_blank_lines(search);
    let want: Vec<String> = s_lines.iter().map(|l| squash(l)).collect();
    let file_lines: Vec<&str> = w.text.split('\n').collect();
    let have: Vec<String> = file_lines.iter().map(|l| squash(l)).collect();
    let n = want.len();
    let starts: Vec<usize> = if n == 0 || n > have.len() {
        Vec::new()
    } else {
        (0..=have.len() - n)
            .filter(|&i| have[i..i + n] == want[..])
            .collect()
    };
    let start = match starts.as_slice() {
        [one] => *one,
        [] => {
            return Err(EditError::NotFound {
                path: w.path.clone(),
                hint: closest_hint(&file_lines, s_lines.first().copied().unwrap_or("")),
            })
        }
        many => {
            let mut offsets = Vec::new();
            let mut off = 0;
            let mut next = many.iter().peekable();
            for (i, l) in file_lines.iter().enumerate() {
                if next.peek() == Some(&&i) {
                    offsets.push(off);
                    next.next();
                }
                off += l.len() + 1;
            }
            return Err(EditError::Ambiguous {
                path: w.path.clone(),
                count: many.len(),
                lines: line_list(&w.text, &offsets),
            });
        }
    };

    let file_indent = file_lines[start..start + n]
        .iter()
        .find(|l| !l.trim().is_empty())
        .map_or("", |l| indent_of(l));
    let search_indent = s_lines
        .iter()
        .find(|l| !l.trim().is_empty())
        .map_or("", |l| indent_of(l));

    // A tab-indented file quoted with spaces: nested indentation in the
    // replacement is converted at the search's own indent width.
    let file_uses_tabs = file_lines[start..start + n]
        .iter()
        .any(|l| indent_of(l).contains('\t'));
    let tab_unit = (file_uses_tabs && !search.contains('\t'))
        .then(|| {
            s_lines
                .iter()
                .filter(|l| !l.trim().is_empty())
                .filter_map(|l| l.strip_prefix(search_indent))
                .map(|l| indent_of(l).len())
                .filter(|&w| w > 0)
                .min()
        })
        .flatten();

    let r_all: Vec<&str> = replace.split('\n').collect();
    // Drop as many blank lines from the replacement's ends as were dropped from the
    // search's, so a symmetric edit does not add or eat blank lines.
    let lead = r_all
        .iter()
        .take(s_lead)
        .take_while(|l| l.trim().is_empty())
        .count();
    let r_rest = &r_all[lead..];
    let trail = r_rest
        .iter()
        .rev()
        .take(s_trail)
        .take_while(|l| l.trim().is_empty())
        .count();
    let r_lines = &r_rest[..r_rest.len() - trail];
    let reindented: Vec<String> = r_lines
        .iter()
        .map(|l| {
            if l.trim().is_empty() {
                String::new()
            } else if let Some(rest) = l.strip_prefix(search_indent) {
                match tab_unit {
                    Some(unit) => format!("{file_indent}{}", spaces_to_tabs(rest, unit)),
                    None => format!("{file_indent}{rest}"),
                }
            } else {
                format!("{file_indent}{}", l.trim_start())
            }
        })
        .collect();

    let mut out: Vec<String> = file_lines[..start].iter().map(|s| s.to_string()).collect();
    // A stray `\r` on the matched lines (mixed line ends) is kept on the new ones.
    let cr = file_lines[start].ends_with('\r');
    out.extend(reindented.into_iter().map(|l| {
        if cr && !l.ends_with('\r') {
            format!("{l}\r")
        } else {
            l
        }
    }));
    out.extend(file_lines[start + n..].iter().map(|s| s.to_string()));
    w.text = out.join("\n");
    Ok(())
}

/// Leading runs of `unit` spaces become tabs.
fn spaces_to_tabs(line: &str, unit: usize) -> String {
    let ws = indent_of(line);
    if ws.contains('\t') {
        return line.to_string();
    }
    let tabs = "\t".repeat(ws.len() / unit);
    let spaces = " ".repeat(ws.len() % unit);
    format!("{tabs}{spaces}{}", &line[ws.len()..])
}

/// ` (closest line N: text)` for the file line most like `first`, if any is close.
fn closest_hint(file_lines: &[&str], first: &str) -> String {
    let target = squash(first);
    if target.is_empty() {
        return String::new();
    }
    let mut best: Option<(f32, usize)> = None;
    for (i, l) in file_lines.iter().enumerate().take(20_000) {
        let cand = squash(l);
        if cand.is_empty() || cand.len() > target.len() * 3 + 40 {
            continue;
        }
        let r = similar::TextDiff::from_chars(target.as_str(), cand.as_str()).ratio();
        if best.is_none_or(|(b, _)| r > b) {
            best = Some((r, i));
        }
    }
    match best {
        Some((r, i)) if r >= 0.5 => {
            let line: String = file_lines[i].trim().chars().take(120).collect();
            format!(" (closest line {}: {line})", i + 1)
        }
        _ => String::new(),
    }
}

/// What a target held before the write, to restore it on a later failure.
enum Prior {
    File(Vec<u8>),
    Absent { created_dirs: Vec<PathBuf> },
}

/// Writes the changes under `root`, each file atomically (temp file + rename),
/// all or nothing: every target is first checked to still hold its planned
/// `before` content; if a write then fails, the files already written are put
/// back (or removed, if new).
pub fn write_changes(root: &Path, changes: &[FileChange]) -> Result<(), EditError> {
    let mut targets = Vec::with_capacity(changes.len());
    for c in changes {
        targets.push(preflight(root, c)?);
    }
    let mut done: Vec<(PathBuf, Prior)> = Vec::new();
    for (c, target) in changes.iter().zip(&targets) {
        let prior = match &c.before {
            Some(b) => Prior::File(b.as_bytes().to_vec()),
            None => Prior::Absent {
                created_dirs: missing_dirs(target),
            },
        };
        match crate::fsutil::write_atomic(target, c.after.as_bytes()) {
            Ok(()) => done.push((target.clone(), prior)),
            Err(source) => {
                if let Prior::Absent { created_dirs } = prior {
                    remove_dirs(&created_dirs);
                }
                let restored = rollback(&done);
                return Err(EditError::WriteFailed {
                    path: c.path.clone(),
                    source,
                    restored,
                });
            }
        }
    }
    Ok(())
}

/// The path to write for `c`, after checking the file is as planned. A symlink
/// (inside the root) is written through, so the link stays a link.
fn preflight(root: &Path, c: &FileChange) -> Result<PathBuf, EditError> {
    let norm = normalize(&c.path)?;
    let joined = root.join(&norm);
    let io = |source| EditError::Io {
        path: norm.clone(),
        source,
    };
    match std::fs::symlink_metadata(&joined) {
        Ok(_) => {
            let canon_root = root.canonicalize().map_err(io)?;
            let target = joined.canonicalize().map_err(io)?;
            if !target.starts_with(&canon_root) {
                return Err(PolicyError::OutsideRepo(norm).into());
            }
            if !std::fs::metadata(&target).map_err(io)?.is_file() {
                return Err(EditError::NotAFile { path: norm });
            }
            let current = std::fs::read(&target).map_err(io)?;
            if c.before.as_deref().map(str::as_bytes) != Some(current.as_slice()) {
                return Err(EditError::Conflict { path: norm });
            }
            // Opening for append proves writability without changing anything.
            std::fs::OpenOptions::new()
                .append(true)
                .open(&target)
                .map_err(io)?;
            Ok(target)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if c.before.as_deref().is_some_and(|b| !b.is_empty()) {
                return Err(EditError::Conflict { path: norm });
            }
            Ok(joined)
        }
        Err(e) => Err(io(e)),
    }
}

/// The ancestors of `path` that do not exist yet, deepest first.
fn missing_dirs(path: &Path) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    let mut cur = path.parent();
    while let Some(d) = cur {
        if d.as_os_str().is_empty() || std::fs::symlink_metadata(d).is_ok() {
            break;
        }
        dirs.push(d.to_path_buf());
        cur = d.parent();
    }
    dirs
}

fn remove_dirs(dirs: &[PathBuf]) {
    for d in dirs {
        // Only empty directories go: anything else was not ours.
        let _ = std::fs::remove_dir(d);
    }
}

fn rollback(done: &[(PathBuf, Prior)]) -> String {
    let mut failed = Vec::new();
    for (path, prior) in done.iter().rev() {
        let ok = match prior {
            Prior::File(bytes) => crate::fsutil::write_atomic(path, bytes).is_ok(),
            Prior::Absent { created_dirs } => {
                let ok = std::fs::remove_file(path).is_ok();
                remove_dirs(created_dirs);
                ok
            }
        };
        if !ok {
            failed.push(path.display().to_string());
        }
    }
    if failed.is_empty() {
        format!("{} file(s) already written were restored", done.len())
    } else {
        format!("could not restore {}", failed.join(", "))
    }
}

/// A unified diff (`a/` `b/` prefixes, as `git apply` takes it).
pub fn unified_diff(changes: &[FileChange]) -> String {
    let mut out = String::new();
    for c in changes {
        let before = c.before.as_deref().unwrap_or("");
        let diff = similar::TextDiff::from_lines(before, c.after.as_str());
        let a = match c.before {
            Some(_) => format!("a/{}", c.path),
            None => "/dev/null".to_string(),
        };
        let b = format!("b/{}", c.path);
        out.push_str(&format!("diff --git a/{0} b/{0}\n", c.path));
        if c.before.is_none() {
            out.push_str("new file mode 100644\n");
            if c.after.is_empty() {
                // git records an empty new file by its header alone.
                continue;
            }
        }
        let body = diff
            .unified_diff()
            .context_radius(3)
            .header(&a, &b)
            .to_string();
        out.push_str(&body);
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// The same diff with ANSI colours for a terminal.
pub fn colored_diff(changes: &[FileChange]) -> String {
    colorize_patch(&unified_diff(changes))
}

/// ANSI colours for a unified diff given as text (bold headers, cyan hunks,
/// green additions, red removals).
pub fn colorize_patch(patch: &str) -> String {
    const RED: &str = "\x1b[31m";
    const GREEN: &str = "\x1b[32m";
    const CYAN: &str = "\x1b[36m";
    const BOLD: &str = "\x1b[1m";
    const RESET: &str = "\x1b[0m";
    let mut out = String::new();
    for line in patch.lines() {
        let colour = if line.starts_with("diff --git")
            || line.starts_with("--- ")
            || line.starts_with("+++ ")
            || line.starts_with("new file mode")
        {
            BOLD
        } else if line.starts_with("@@") {
            CYAN
        } else if line.starts_with('+') {
            GREEN
        } else if line.starts_with('-') {
            RED
        } else {
            ""
        };
        if colour.is_empty() {
            out.push_str(line);
        } else {
            out.push_str(colour);
            out.push_str(line);
            out.push_str(RESET);
        }
        out.push('\n');
    }
    out
}
