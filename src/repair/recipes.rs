//! Deterministic fixes tried before any model.
//!
//! `python-did-you-mean`: a `NameError`, `AttributeError` or `ImportError` for a name that
//! doesn't exist where a close one does. pytest's report drops CPython's
//! `Did you mean: 'x'?` line, so the suggestion is recomputed here the way CPython does it
//! ([`levenshtein::suggest`]) over the names visible at the reported file:line, and the
//! wrong identifier is replaced on that line. The names come from an embedded Python
//! script (`ast`, run with the project's `python3`), or from a plain text scan when no
//! interpreter is available. The fix still goes through sandbox validation like any other.

use super::context::{module_file, read_repo_file, relative_to_root, suffix_in_root, RepoFile};
use super::edits::Edit;
use crate::analyze::Analysis;
use regex::Regex;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub mod levenshtein;

/// A fix found without a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipeFix {
    /// Which recipe (`python-did-you-mean`, ...).
    pub recipe: String,
    pub diagnosis: String,
    pub edits: Vec<Edit>,
}

pub const DID_YOU_MEAN: &str = "python-did-you-mean";

/// How the recipes reach Python.
#[derive(Debug, Clone)]
pub struct RecipeOptions {
    /// Interpreter used to list names (`ast`); `None` uses the built-in text scan.
    pub python: Option<PathBuf>,
    /// Limit for each interpreter call.
    pub timeout: Duration,
}

impl Default for RecipeOptions {
    fn default() -> Self {
        RecipeOptions {
            python: which::which("python3")
                .or_else(|_| which::which("python"))
                .ok(),
            timeout: Duration::from_secs(10),
        }
    }
}

/// Candidate deterministic fixes for the analysed failures, best first.
pub fn find(workdir: &Path, analysis: &Analysis) -> Vec<RecipeFix> {
    find_with(workdir, analysis, &RecipeOptions::default())
}

/// [`find`] with an explicit interpreter (or none) and timeout.
pub fn find_with(workdir: &Path, analysis: &Analysis, opts: &RecipeOptions) -> Vec<RecipeFix> {
    let Ok(root) = workdir.canonicalize() else {
        return Vec::new();
    };
    let names = Names {
        root: &root,
        python: opts.python.as_deref(),
        timeout: opts.timeout,
    };
    let mut findings: Vec<Finding> = Vec::new();
    for failure in &analysis.failures {
        let (Some(file), Some(line)) = (failure.file.as_deref(), failure.line) else {
            continue;
        };
        let Some(f) = diagnose(&names, file, line as usize, &failure.message) else {
            continue;
        };
        if !findings.iter().any(|g| g.same_fix(&f)) {
            findings.push(f);
        }
    }
    let mut fixes = Vec::new();
    // Several distinct typos: each alone leaves tests failing, so try them together first.
    if findings.len() > 1 {
        if let Some(edits) = edits_for(&root, &findings) {
            let diagnosis = findings
                .iter()
                .map(|f| f.diagnosis.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            fixes.push(RecipeFix {
                recipe: DID_YOU_MEAN.into(),
                diagnosis,
                edits,
            });
        }
    }
    for f in &findings {
        if let Some(edits) = edits_for(&root, std::slice::from_ref(f)) {
            fixes.push(RecipeFix {
                recipe: DID_YOU_MEAN.into(),
                diagnosis: f.diagnosis.clone(),
                edits,
            });
        }
    }
    fixes
}

/// What the error message says is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Problem {
    Name {
        wrong: String,
    },
    ModuleAttr {
        module: String,
        wrong: String,
    },
    ObjectAttr {
        ty: String,
        wrong: String,
    },
    Import {
        module: String,
        wrong: String,
        path: Option<String>,
    },
}

impl Problem {
    fn wrong(&self) -> &str {
        match self {
            Problem::Name { wrong }
            | Problem::ModuleAttr { wrong, .. }
            | Problem::ObjectAttr { wrong, .. }
            | Problem::Import { wrong, .. } => wrong,
        }
    }
}

struct Patterns {
    name: Regex,
    module_attr: Regex,
    object_attr: Regex,
    import: Regex,
    hint: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let re = |s: &str| Regex::new(s).expect("static regex");
        Patterns {
            name: re(r"name '([^\W\d]\w*)' is not defined"),
            module_attr: re(r"module '([\w.]+)' has no attribute '([^\W\d]\w*)'"),
            object_attr: re(r"'([\w.]+)' object has no attribute '([^\W\d]\w*)'"),
            import: re(r"cannot import name '([^\W\d]\w*)' from '([\w.]+)'(?: \(([^)]*)\))?"),
            hint: re(r"Did you mean: '((?:self\.)?[^\W\d]\w*)'\?"),
        }
    })
}

fn parse_problem(message: &str) -> Option<(Problem, Option<String>)> {
    let p = patterns();
    let hint = p.hint.captures(message).map(|c| c[1].to_string());
    let problem = if message.contains("partially initialized module") {
        // A circular import, not a misspelt name.
        return None;
    } else if let Some(c) = p.import.captures(message) {
        Problem::Import {
            wrong: c[1].into(),
            module: c[2].into(),
            path: c.get(3).map(|m| m.as_str().to_string()),
        }
    } else if let Some(c) = p.module_attr.captures(message) {
        Problem::ModuleAttr {
            module: c[1].into(),
            wrong: c[2].into(),
        }
    } else if let Some(c) = p.object_attr.captures(message) {
        let ty = c[1].rsplit('.').next().unwrap_or(&c[1]).to_string();
        Problem::ObjectAttr {
            ty,
            wrong: c[2].into(),
        }
    } else if let Some(c) = p.name.captures(message) {
        Problem::Name { wrong: c[1].into() }
    } else {
        return None;
    };
    Some((problem, hint))
}

/// One misspelt name and where to replace it.
#[derive(Debug, Clone)]
struct Finding {
    /// File relative to the root.
    rel: String,
    /// 0-based line index.
    line: usize,
    wrong: String,
    suggestion: String,
    /// Attribute sites (`.x`) rather than plain names.
    attribute: bool,
    /// An import site: also rename the other uses of the name in that file.
    import: bool,
    diagnosis: String,
}

impl Finding {
    fn same_fix(&self, other: &Finding) -> bool {
        self.rel == other.rel
            && self.line == other.line
            && self.wrong == other.wrong
            && self.suggestion == other.suggestion
    }
}

fn diagnose(names: &Names, file: &str, line: usize, message: &str) -> Option<Finding> {
    let (problem, hint) = parse_problem(message)?;
    let rel = relative_to_root(names.root, file)?;
    let src = read_repo_file(names.root, &rel)?;
    let lines: Vec<&str> = src.text.split('\n').collect();
    if line == 0 || line > lines.len() {
        return None;
    }
    let wrong = problem.wrong().to_string();
    let attribute = matches!(
        problem,
        Problem::ModuleAttr { .. } | Problem::ObjectAttr { .. }
    );
    let import = matches!(problem, Problem::Import { .. });
    // The name must be on the reported line (for a parenthesised import, in its statement).
    let mut at = line - 1;
    if sites(lines[at], &wrong, kind_of(attribute, import)).is_empty() {
        if !import {
            return None;
        }
        at = (at + 1..lines.len().min(at + 60))
            .find(|&i| !sites(lines[i], &wrong, SiteKind::Name).is_empty())?;
    }

    let (candidates, what): (Option<Vec<String>>, String) = match &problem {
        Problem::Name { .. } => {
            let scope = names.scope(&src, line);
            // Python/suggestions.c: the function's locals, then `self.<name>`, then globals,
            // then builtins, each list searched on its own; the first that yields one wins.
            let by_list =
                |list: &[String]| levenshtein::suggest(&wrong, list.iter().map(String::as_str));
            let has_self_attr = scope
                .self_attrs
                .as_ref()
                .is_some_and(|a| a.iter().any(|x| x == &wrong));
            let computed = match by_list(&scope.locals) {
                Some(s) => Some((s.name, "a local of the function")),
                None if has_self_attr => Some((
                    format!("self.{wrong}"),
                    "the method's `self` has that attribute",
                )),
                None => by_list(&scope.globals)
                    .map(|s| (s.name, "a module global"))
                    .or_else(|| by_list(&scope.builtins).map(|s| (s.name, "a builtin"))),
            };
            // The interpreter's own hint in the log wins; we describe it if we found it too.
            let (suggestion, what) = match (hint, computed) {
                (Some(h), Some((c, what))) if h != wrong && h == c => (h, what),
                (Some(h), _) if h != wrong => (h, "named by CPython's own hint in the log"),
                (_, Some(c)) => c,
                _ => return None,
            };
            return Some(finding(
                &src.rel, at, &wrong, suggestion, false, false, what,
            ));
        }
        Problem::ModuleAttr { module, .. } => {
            let names_of = match module_file(names.root, module, &[]) {
                Some(rel) => read_repo_file(names.root, &rel).and_then(|f| names.module_names(&f)),
                None => names.installed_module_names(module),
            };
            (names_of, format!("an attribute of module `{module}`"))
        }
        Problem::ObjectAttr { ty, .. } => (
            names.class_attrs(&src, ty),
            format!("an attribute of `{ty}`"),
        ),
        Problem::Import { module, path, .. } => {
            let rel = module_file(names.root, module, &[])
                .or_else(|| path.as_deref().and_then(|p| suffix_in_root(names.root, p)))?;
            let f = read_repo_file(names.root, &rel)?;
            (
                names.module_names(&f),
                format!("a name defined in `{module}`"),
            )
        }
    };
    // CPython's own hint (plain tracebacks) is taken unless the names we know contradict it.
    let suggestion = match (hint, candidates) {
        (Some(h), None) if h != wrong => h,
        (Some(h), Some(c)) if h != wrong && c.contains(&h) => h,
        (_, Some(c)) => levenshtein::suggest(&wrong, c.iter().map(String::as_str))?.name,
        (_, None) => return None,
    };
    if suggestion == wrong {
        return None;
    }
    Some(finding(
        &src.rel, at, &wrong, suggestion, attribute, import, &what,
    ))
}

fn finding(
    rel: &str,
    at: usize,
    wrong: &str,
    suggestion: String,
    attribute: bool,
    import: bool,
    what: &str,
) -> Finding {
    let steps = plain_distance(wrong, &suggestion);
    let away = if steps == 1 {
        "one edit".to_string()
    } else {
        format!("{steps} edits")
    };
    let error = if import {
        "ImportError"
    } else if attribute {
        "AttributeError"
    } else {
        "NameError"
    };
    let diagnosis = if suggestion.starts_with("self.") {
        format!(
            "{error} at {rel}:{}: `{wrong}` is not defined there, but {what}; the name should be `{suggestion}` (the suggestion CPython would make).",
            at + 1
        )
    } else {
        format!(
            "{error} at {rel}:{}: `{wrong}` does not exist there; `{suggestion}` ({what}) is {away} away and the closest match (the suggestion CPython would make).",
            at + 1
        )
    };
    Finding {
        rel: rel.to_string(),
        line: at,
        wrong: wrong.to_string(),
        suggestion,
        attribute,
        import,
        diagnosis,
    }
}

/// Unweighted Levenshtein distance, only for telling the user how far apart two names are.
fn plain_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for j in 0..b.len() {
            let cur = row[j + 1];
            row[j + 1] = if ca == b[j] {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SiteKind {
    /// A bare name: not after `.`, not a keyword argument.
    Name,
    /// An attribute: right after `.`.
    Attribute,
    /// A name after `import` on an import line.
    Imported,
}

fn kind_of(attribute: bool, import: bool) -> SiteKind {
    if attribute {
        SiteKind::Attribute
    } else if import {
        SiteKind::Imported
    } else {
        SiteKind::Name
    }
}

/// Byte offsets of `name` as an identifier of the given kind on one line of code,
/// skipping comments and string literals (but looking inside f-string fields).
fn sites(line: &str, name: &str, kind: SiteKind) -> Vec<usize> {
    let mut idents = Vec::new();
    scan_code(line, 0, &mut idents);
    let prev_char = |i: usize| line[..i].trim_end().chars().last();
    let next_two = |i: usize| {
        let rest = line[i..].trim_start();
        let mut it = rest.chars();
        (it.next(), it.next())
    };
    let import_at = if kind == SiteKind::Imported {
        match Regex::new(r"\bimport\b").ok().and_then(|r| r.find(line)) {
            Some(m) => m.end(),
            None => return Vec::new(),
        }
    } else {
        0
    };
    idents
        .into_iter()
        .filter(|&(start, end)| &line[start..end] == name)
        .filter(|&(start, end)| {
            let after_dot = prev_char(start) == Some('.');
            match kind {
                SiteKind::Attribute => after_dot,
                SiteKind::Imported => !after_dot && start >= import_at,
                SiteKind::Name => {
                    let kwarg = matches!(prev_char(start), Some('(' | ','))
                        && matches!(next_two(end), (Some('='), n) if n != Some('='));
                    !after_dot && !kwarg
                }
            }
        })
        .map(|(start, _)| start)
        .collect()
}

/// Collects identifier spans of a code fragment; `base` offsets them into the whole line.
fn scan_code(code: &str, base: usize, out: &mut Vec<(usize, usize)>) {
    let chars: Vec<(usize, char)> = code.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if c == '#' {
            return;
        }
        if c.is_alphabetic() || c == '_' {
            let mut j = i;
            while j < chars.len() && (chars[j].1.is_alphanumeric() || chars[j].1 == '_') {
                j += 1;
            }
            let end = chars.get(j).map(|&(p, _)| p).unwrap_or(code.len());
            let word = &code[pos..end];
            let is_prefix = matches!(chars.get(j), Some((_, '\'' | '"')))
                && word.len() <= 2
                && word.chars().all(|c| "rRbBuUfF".contains(c));
            if is_prefix {
                let fstring = word.contains(['f', 'F']);
                match skip_string(code, end, fstring, base, out) {
                    Some(next) => {
                        i = chars.partition_point(|&(p, _)| p < next);
                        continue;
                    }
                    None => return,
                }
            }
            // Digits glued to letters (`1e5`, `0x1f`) are numbers, not names.
            let in_number = pos > 0
                && code[..pos]
                    .chars()
                    .last()
                    .is_some_and(|p| p.is_ascii_digit());
            if !in_number {
                out.push((base + pos, base + end));
            }
            i = j;
            continue;
        }
        if c == '\'' || c == '"' {
            match skip_string(code, pos, false, base, out) {
                Some(next) => {
                    i = chars.partition_point(|&(p, _)| p < next);
                    continue;
                }
                None => return,
            }
        }
        i += 1;
    }
}

/// Skips the string literal starting at byte `start` (its opening quote); returns the byte
/// after it, or None if it doesn't close on this line. f-string fields are scanned as code.
fn skip_string(
    code: &str,
    start: usize,
    fstring: bool,
    base: usize,
    out: &mut Vec<(usize, usize)>,
) -> Option<usize> {
    let rest = &code[start..];
    let quote = rest.chars().next()?;
    let triple: String = std::iter::repeat_n(quote, 3).collect();
    let delim = if rest.starts_with(&triple) {
        triple
    } else {
        quote.to_string()
    };
    let mut i = start + delim.len();
    let mut field_start: Option<usize> = None;
    let mut depth = 0usize;
    while i < code.len() {
        let tail = &code[i..];
        let c = tail.chars().next()?;
        if field_start.is_none() {
            if c == '\\' {
                i += 1 + tail[1..].chars().next().map(char::len_utf8).unwrap_or(0);
                continue;
            }
            if tail.starts_with(&delim) {
                return Some(i + delim.len());
            }
            if fstring && c == '{' {
                if tail.starts_with("{{") {
                    i += 2;
                    continue;
                }
                field_start = Some(i + 1);
                depth = 1;
            }
        } else if c == '{' {
            depth += 1;
        } else if c == '}' {
            depth -= 1;
            if depth == 0 {
                if let Some(fs) = field_start.take() {
                    scan_code(&code[fs..i], base + fs, out);
                }
            }
        }
        i += c.len_utf8();
    }
    None
}

fn replace_sites(line: &str, starts: &[usize], wrong: &str, new: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut last = 0;
    for &s in starts {
        out.push_str(&line[last..s]);
        out.push_str(new);
        last = s + wrong.len();
    }
    out.push_str(&line[last..]);
    out
}

/// Turns findings into edits, each computed on the file as the previous ones left it,
/// so edits for the same file apply in order.
fn edits_for(root: &Path, findings: &[Finding]) -> Option<Vec<Edit>> {
    let mut contents: HashMap<String, String> = HashMap::new();
    let mut edits = Vec::new();
    for f in findings {
        if !contents.contains_key(&f.rel) {
            contents.insert(f.rel.clone(), read_repo_file(root, &f.rel)?.text);
        }
        let text = contents.get_mut(&f.rel)?;
        let kind = if f.import
            && sites(text.split('\n').nth(f.line)?, &f.wrong, SiteKind::Imported).is_empty()
        {
            SiteKind::Name
        } else {
            kind_of(f.attribute, f.import)
        };
        let mut targets = vec![(f.line, kind)];
        if f.import && !imported_with_alias(text.split('\n').nth(f.line)?, &f.wrong) {
            // `from m import ad` then `ad(...)`: the uses must follow the renamed import.
            let lines: Vec<&str> = text.split('\n').collect();
            let mut in_triple = false;
            for (i, l) in lines.iter().enumerate() {
                let opens = l.matches("\"\"\"").count() + l.matches("'''").count();
                let inside = in_triple;
                if opens % 2 == 1 {
                    in_triple = !in_triple;
                }
                if i != f.line && !inside && !sites(l, &f.wrong, SiteKind::Name).is_empty() {
                    targets.push((i, SiteKind::Name));
                }
            }
        }
        for (line, kind) in targets {
            let edit = replace_line(&f.rel, text, line, &f.wrong, &f.suggestion, kind)?;
            edits.push(edit);
        }
    }
    Some(edits)
}

fn imported_with_alias(line: &str, name: &str) -> bool {
    Regex::new(&format!(r"\b{}\s+as\s+\w", regex::escape(name)))
        .map(|r| r.is_match(line))
        .unwrap_or(false)
}

/// Replaces `wrong` on line `idx` of `text` (in place) and returns the edit: `search` is that
/// line, widened with neighbouring lines until it occurs exactly once in the file.
fn replace_line(
    rel: &str,
    text: &mut String,
    idx: usize,
    wrong: &str,
    new: &str,
    kind: SiteKind,
) -> Option<Edit> {
    let lines: Vec<&str> = text.split('\n').collect();
    let line = *lines.get(idx)?;
    let starts = sites(line, wrong, kind);
    if starts.is_empty() {
        return None;
    }
    let replaced = replace_sites(line, &starts, wrong, new);
    let (mut a, mut b) = (idx, idx);
    let mut grow_up = true;
    loop {
        let search = lines[a..=b].join("\n");
        if count_overlapping(text, &search) == 1 {
            break;
        }
        if (grow_up && a > 0) || b + 1 >= lines.len() {
            a = a.checked_sub(1)?;
        } else {
            b += 1;
        }
        grow_up = !grow_up;
    }
    let search = lines[a..=b].join("\n");
    let mut new_lines: Vec<&str> = lines[a..=b].to_vec();
    new_lines[idx - a] = &replaced;
    let replace = new_lines.join("\n");
    let before_len: usize = lines[..a].iter().map(|l| l.len() + 1).sum();
    let mut updated = String::with_capacity(text.len() + 8);
    updated.push_str(&text[..before_len]);
    updated.push_str(&replace);
    updated.push_str(&text[before_len + search.len()..]);
    *text = updated;
    Some(Edit {
        path: rel.to_string(),
        search,
        replace,
    })
}

fn count_overlapping(hay: &str, needle: &str) -> usize {
    if needle.is_empty() {
        return 0;
    }
    let mut n = 0;
    let mut from = 0;
    while let Some(i) = hay[from..].find(needle) {
        n += 1;
        from += i + hay[from + i..]
            .chars()
            .next()
            .map(char::len_utf8)
            .unwrap_or(1);
    }
    n
}

/// Names visible at a point of a Python file.
#[derive(Debug, Default)]
struct Scope {
    locals: Vec<String>,
    globals: Vec<String>,
    builtins: Vec<String>,
    self_attrs: Option<Vec<String>>,
}

/// Where names come from: the embedded `ast` script when an interpreter is there, else a
/// text scan that understands the common shapes (defs, classes, assignments, imports).
struct Names<'a> {
    root: &'a Path,
    python: Option<&'a Path>,
    timeout: Duration,
}

const SCOPES_PY: &str = include_str!("recipes/scopes.py");

const MODULE_DUNDERS: [&str; 8] = [
    "__name__",
    "__doc__",
    "__package__",
    "__loader__",
    "__spec__",
    "__file__",
    "__cached__",
    "__builtins__",
];

/// `list(builtins.__dict__)` of CPython 3.11, in order, for when no interpreter can tell us.
const BUILTINS: &[&str] = &[
    "__name__",
    "__doc__",
    "__package__",
    "__loader__",
    "__spec__",
    "__build_class__",
    "__import__",
    "abs",
    "all",
    "any",
    "ascii",
    "bin",
    "breakpoint",
    "callable",
    "chr",
    "compile",
    "delattr",
    "dir",
    "divmod",
    "eval",
    "exec",
    "format",
    "getattr",
    "globals",
    "hasattr",
    "hash",
    "hex",
    "id",
    "input",
    "isinstance",
    "issubclass",
    "iter",
    "aiter",
    "len",
    "locals",
    "max",
    "min",
    "next",
    "anext",
    "oct",
    "ord",
    "pow",
    "print",
    "repr",
    "round",
    "setattr",
    "sorted",
    "sum",
    "vars",
    "None",
    "Ellipsis",
    "NotImplemented",
    "False",
    "True",
    "bool",
    "memoryview",
    "bytearray",
    "bytes",
    "classmethod",
    "complex",
    "dict",
    "enumerate",
    "filter",
    "float",
    "frozenset",
    "property",
    "int",
    "list",
    "map",
    "object",
    "range",
    "reversed",
    "set",
    "slice",
    "staticmethod",
    "str",
    "super",
    "tuple",
    "type",
    "zip",
    "__debug__",
    "BaseException",
    "BaseExceptionGroup",
    "Exception",
    "GeneratorExit",
    "KeyboardInterrupt",
    "SystemExit",
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "BufferError",
    "EOFError",
    "ImportError",
    "LookupError",
    "MemoryError",
    "NameError",
    "OSError",
    "ReferenceError",
    "RuntimeError",
    "StopAsyncIteration",
    "StopIteration",
    "SyntaxError",
    "SystemError",
    "TypeError",
    "ValueError",
    "Warning",
    "FloatingPointError",
    "OverflowError",
    "ZeroDivisionError",
    "BytesWarning",
    "DeprecationWarning",
    "EncodingWarning",
    "FutureWarning",
    "ImportWarning",
    "PendingDeprecationWarning",
    "ResourceWarning",
    "RuntimeWarning",
    "SyntaxWarning",
    "UnicodeWarning",
    "UserWarning",
    "BlockingIOError",
    "ChildProcessError",
    "ConnectionError",
    "FileExistsError",
    "FileNotFoundError",
    "InterruptedError",
    "IsADirectoryError",
    "NotADirectoryError",
    "PermissionError",
    "ProcessLookupError",
    "TimeoutError",
    "IndentationError",
    "IndexError",
    "KeyError",
    "ModuleNotFoundError",
    "NotImplementedError",
    "RecursionError",
    "UnboundLocalError",
    "UnicodeError",
    "BrokenPipeError",
    "ConnectionAbortedError",
    "ConnectionRefusedError",
    "ConnectionResetError",
    "TabError",
    "UnicodeDecodeError",
    "UnicodeEncodeError",
    "UnicodeTranslateError",
    "ExceptionGroup",
    "EnvironmentError",
    "IOError",
    "open",
    "quit",
    "exit",
    "copyright",
    "credits",
    "license",
    "help",
];

/// `dir(object)` plus what every instance of a plain class adds, for the text scan.
const OBJECT_ATTRS: &[&str] = &[
    "__class__",
    "__delattr__",
    "__dict__",
    "__dir__",
    "__doc__",
    "__eq__",
    "__format__",
    "__ge__",
    "__getattribute__",
    "__getstate__",
    "__gt__",
    "__hash__",
    "__init__",
    "__init_subclass__",
    "__le__",
    "__lt__",
    "__module__",
    "__ne__",
    "__new__",
    "__reduce__",
    "__reduce_ex__",
    "__repr__",
    "__setattr__",
    "__sizeof__",
    "__str__",
    "__subclasshook__",
    "__weakref__",
];

fn strings(v: Option<&serde_json::Value>) -> Option<Vec<String>> {
    v?.as_array()?
        .iter()
        .map(|x| x.as_str().map(str::to_string))
        .collect()
}

impl Names<'_> {
    /// Runs the embedded script; any failure (no interpreter, timeout, bad output) is None.
    fn run(&self, args: &[&str]) -> Option<serde_json::Value> {
        let python = self.python?;
        // -I: no user site, no PYTHON* variables, no script directory on sys.path; and
        // the validation environment, so no credential reaches the interpreter.
        let mut child = Command::new(python)
            .arg("-I")
            .arg("-c")
            .arg(SCOPES_PY)
            .args(args)
            .env_clear()
            .envs(crate::validate::scrubbed_env())
            .current_dir(self.root)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let mut stdout = child.stdout.take()?;
        let reader = std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = stdout.read_to_end(&mut buf);
            buf
        });
        let deadline = Instant::now() + self.timeout;
        loop {
            match child.try_wait() {
                Ok(Some(_)) => break,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10))
                }
                _ => {
                    let _ = child.kill();
                    let _ = child.wait();
                    tracing::warn!("python name lookup timed out or failed: {args:?}");
                    return None;
                }
            }
        }
        let out = reader.join().ok()?;
        let v: serde_json::Value = serde_json::from_slice(&out).ok()?;
        if let Some(e) = v.get("error") {
            tracing::debug!("python name lookup: {e}");
            return None;
        }
        Some(v)
    }

    fn abs(&self, file: &RepoFile) -> String {
        self.root.join(&file.rel).to_string_lossy().into_owned()
    }

    fn scope(&self, file: &RepoFile, line: usize) -> Scope {
        if let Some(v) = self.run(&["scope", &self.abs(file), &line.to_string()]) {
            if let (Some(locals), Some(globals), Some(builtins)) = (
                strings(v.get("locals")),
                strings(v.get("globals")),
                strings(v.get("builtins")),
            ) {
                return Scope {
                    locals,
                    globals,
                    builtins,
                    self_attrs: strings(v.get("self_attrs")),
                };
            }
        }
        scan::scope(&file.text, line)
    }

    fn module_names(&self, file: &RepoFile) -> Option<Vec<String>> {
        if let Some(v) = self.run(&["names", &self.abs(file)]) {
            return strings(v.get("names"));
        }
        Some(scan::module_names(&file.text))
    }

    /// `dir()` of a standard-library module; any other module is never imported (its
    /// name comes from the CI log, and importing runs its code before any approval).
    fn installed_module_names(&self, module: &str) -> Option<Vec<String>> {
        strings(self.run(&["dir", module])?.get("names"))
    }

    /// Attributes of class `ty`: defined in the failing file, else in exactly one repository
    /// file, else a builtin type (`list`, `str`, `dict`...) as the interpreter knows it.
    fn class_attrs(&self, here: &RepoFile, ty: &str) -> Option<Vec<String>> {
        self.repo_class_attrs(here, ty)
            .or_else(|| strings(self.run(&["builtin_type", ty])?.get("names")))
    }

    fn repo_class_attrs(&self, here: &RepoFile, ty: &str) -> Option<Vec<String>> {
        let re = Regex::new(&format!(r"(?m)^\s*class\s+{}\b", regex::escape(ty))).ok()?;
        let file = if re.is_match(&here.text) {
            here.clone()
        } else {
            let mut found = Vec::new();
            let walk = ignore::WalkBuilder::new(self.root).build();
            for entry in walk.flatten().take(20_000) {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "py") {
                    let rel = path
                        .strip_prefix(self.root)
                        .ok()?
                        .to_string_lossy()
                        .replace('\\', "/");
                    if let Some(f) = read_repo_file(self.root, &rel) {
                        if re.is_match(&f.text) {
                            found.push(f);
                        }
                    }
                }
                if found.len() > 1 {
                    return None; // ambiguous: which class is it?
                }
            }
            found.pop()?
        };
        if let Some(v) = self.run(&["class", &self.abs(&file), ty]) {
            if v.get("found").and_then(|f| f.as_bool()) == Some(true) {
                return strings(v.get("attrs"));
            }
            return None;
        }
        scan::class_attrs(&file.text, ty)
    }
}

/// The fallback when no interpreter runs: line-based, indentation-aware, good for the
/// plain code typos happen in. It never invents names, it may miss some.
mod scan {
    use super::{Scope, BUILTINS, MODULE_DUNDERS, OBJECT_ATTRS};
    use regex::Regex;
    use std::sync::OnceLock;

    struct Res {
        def: Regex,
        class: Regex,
        assign: Regex,
        import: Regex,
        from: Regex,
        for_: Regex,
        as_: Regex,
        self_attr: Regex,
    }

    fn res() -> &'static Res {
        static R: OnceLock<Res> = OnceLock::new();
        R.get_or_init(|| {
            let re = |s: &str| Regex::new(s).expect("static regex");
            Res {
                def: re(r"^(\s*)(?:async\s+)?def\s+(\w+)\s*\(([^)]*)"),
                class: re(r"^(\s*)class\s+(\w+)"),
                assign: re(r"^\s*([\w, ]+?)\s*(?::[^=]+)?(?:=|\+=|-=|\*=|/=)[^=]"),
                import: re(r"^\s*import\s+(.+)"),
                from: re(r"^\s*from\s+\S+\s+import\s+\(?([^)#]+)"),
                for_: re(r"^\s*(?:async\s+)?for\s+([\w, ]+?)\s+in\b"),
                as_: re(r"\bas\s+(\w+)"),
                self_attr: re(r"\bself\.(\w+)\s*(?::[^=]+)?=[^=]"),
            }
        })
    }

    fn indent(l: &str) -> usize {
        l.len() - l.trim_start().len()
    }

    /// Names a single statement line binds.
    fn bound(line: &str) -> Vec<String> {
        let r = res();
        let mut out = Vec::new();
        if let Some(c) = r.def.captures(line).or_else(|| r.class.captures(line)) {
            out.push(c[2].to_string());
        } else if let Some(c) = r.from.captures(line) {
            for part in c[1].split(',') {
                let mut words = part.split_whitespace();
                let first = words.next().unwrap_or("");
                let name = match (words.next(), words.next()) {
                    (Some("as"), Some(alias)) => alias,
                    _ => first,
                };
                if !name.is_empty() && name != "*" {
                    out.push(name.to_string());
                }
            }
        } else if let Some(c) = r.import.captures(line) {
            for part in c[1].split(',') {
                let mut words = part.split_whitespace();
                let first = words.next().unwrap_or("");
                let name = match (words.next(), words.next()) {
                    (Some("as"), Some(alias)) => alias.to_string(),
                    _ => first.split('.').next().unwrap_or("").to_string(),
                };
                if !name.is_empty() {
                    out.push(name);
                }
            }
        } else if let Some(c) = r.for_.captures(line) {
            out.extend(c[1].split(',').map(|s| s.trim().to_string()));
        } else if let Some(c) = r.assign.captures(line) {
            out.extend(c[1].split(',').map(|s| s.trim().to_string()));
        }
        if line.trim_start().starts_with("with ") || line.trim_start().starts_with("except") {
            out.extend(r.as_.captures_iter(line).map(|c| c[1].to_string()));
        }
        out.retain(|n| !n.is_empty() && n.chars().all(|c| c.is_alphanumeric() || c == '_'));
        out
    }

    fn push_unique(v: &mut Vec<String>, names: impl IntoIterator<Item = String>) {
        for n in names {
            if !v.contains(&n) {
                v.push(n);
            }
        }
    }

    fn params(sig: &str) -> Vec<String> {
        sig.split(',')
            .filter_map(|p| {
                let p = p.trim().trim_start_matches('*');
                let name = p.split([':', '=']).next()?.trim();
                (!name.is_empty() && name != "/").then(|| name.to_string())
            })
            .collect()
    }

    pub(super) fn scope(text: &str, line: usize) -> Scope {
        let lines: Vec<&str> = text.lines().collect();
        let at = line.saturating_sub(1).min(lines.len().saturating_sub(1));
        let r = res();
        // The innermost def whose body contains the line.
        let here = lines.get(at).map(|l| indent(l)).unwrap_or(0);
        let mut locals = Vec::new();
        let mut in_function = false;
        let mut self_class: Option<String> = None;
        if let Some(d) = (0..at).rev().find(|&i| {
            r.def
                .captures(lines[i])
                .is_some_and(|c| c[1].len() < here.max(1))
                && (i + 1..at)
                    .all(|k| lines[k].trim().is_empty() || indent(lines[k]) > indent(lines[i]))
        }) {
            in_function = true;
            let c = r.def.captures(lines[d]).expect("matched above");
            let ps = params(&c[3]);
            if ps.first().map(String::as_str) == Some("self") {
                let def_indent = c[1].len();
                self_class = (0..d).rev().find_map(|i| {
                    r.class
                        .captures(lines[i])
                        .filter(|cc| cc[1].len() < def_indent)
                        .map(|cc| cc[2].to_string())
                });
            }
            push_unique(&mut locals, ps);
            // Every name the function binds, like co_varnames, wherever it is bound.
            for l in &lines[d + 1..] {
                if l.trim().is_empty() {
                    continue;
                }
                if indent(l) <= indent(lines[d]) {
                    break;
                }
                push_unique(&mut locals, bound(l));
            }
        }
        let mut globals: Vec<String> = MODULE_DUNDERS.iter().map(|s| s.to_string()).collect();
        for (i, l) in lines.iter().enumerate() {
            if indent(l) == 0 && (in_function || i < at) {
                push_unique(&mut globals, bound(l));
            }
        }
        let self_attrs = self_class.and_then(|c| class_attrs(text, &c));
        Scope {
            locals,
            globals,
            builtins: BUILTINS.iter().map(|s| s.to_string()).collect(),
            self_attrs,
        }
    }

    pub(super) fn module_names(text: &str) -> Vec<String> {
        let mut names: Vec<String> = MODULE_DUNDERS.iter().map(|s| s.to_string()).collect();
        for l in text.lines().filter(|l| indent(l) == 0) {
            push_unique(&mut names, bound(l));
        }
        names.sort();
        names
    }

    pub(super) fn class_attrs(text: &str, ty: &str) -> Option<Vec<String>> {
        let lines: Vec<&str> = text.lines().collect();
        let r = res();
        let start = lines
            .iter()
            .position(|l| r.class.captures(l).is_some_and(|c| &c[2] == ty))?;
        let base = indent(lines[start]);
        let mut attrs: Vec<String> = OBJECT_ATTRS.iter().map(|s| s.to_string()).collect();
        let body_indent = lines[start + 1..]
            .iter()
            .find(|l| !l.trim().is_empty())
            .map(|l| indent(l))?;
        for l in lines[start + 1..].iter() {
            if !l.trim().is_empty() && indent(l) <= base {
                break;
            }
            if indent(l) == body_indent {
                push_unique(&mut attrs, bound(l));
            }
            push_unique(
                &mut attrs,
                r.self_attr.captures_iter(l).map(|c| c[1].to_string()),
            );
        }
        attrs.sort();
        Some(attrs)
    }
}
