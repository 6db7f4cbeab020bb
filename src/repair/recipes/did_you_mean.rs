//! `python-did-you-mean`: a `NameError`, `AttributeError` or `ImportError` for a name that
//! doesn't exist where a close one does. pytest's report drops CPython's
//! `Did you mean: 'x'?` line, so the suggestion is recomputed here the way CPython does it
//! ([`levenshtein::suggest`]) over the names visible at the reported file:line, and the
//! wrong identifier is replaced on that line. The names come from an embedded Python
//! script (`ast`, run with the project's `python3`), or from a plain text scan when no
//! interpreter is available. The fix still goes through sandbox validation like any other.

use super::levenshtein;
use super::lexer::{kind_of, replace_sites, sites, SiteKind};
use super::subprocess::Names;
use super::{Recipe, RecipeFix, RecipeInput};
use crate::lang::python::context::module_file;
use crate::repair::context::{read_repo_file, relative_to_root, suffix_in_root, view};
use crate::repair::edits::Edit;
use regex::Regex;
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

pub const DID_YOU_MEAN: &str = "python-did-you-mean";

pub(super) struct DidYouMean;

impl Recipe for DidYouMean {
    fn name(&self) -> &'static str {
        DID_YOU_MEAN
    }

    fn find(&self, input: &RecipeInput<'_>) -> Result<Vec<RecipeFix>, String> {
        Ok(find(input))
    }
}

fn find(input: &RecipeInput<'_>) -> Vec<RecipeFix> {
    let root = input.root;
    let analysis = input.analysis;
    let names = Names {
        root,
        python: input.opts.python.as_deref(),
        timeout: input.opts.timeout,
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
        if let Some(edits) = edits_for(root, &findings) {
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
        if let Some(edits) = edits_for(root, std::slice::from_ref(f)) {
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
            let (suggestion, what, from_log) = match (hint, computed) {
                (Some(h), Some((c, what))) if h != wrong && h == c => (h, what, true),
                (Some(h), _) if h != wrong => (h, "named by CPython's own hint in the log", true),
                (_, Some((c, what))) => (c, what, false),
                _ => return None,
            };
            return Some(finding(
                &src.rel,
                at,
                &wrong,
                (suggestion, from_log),
                false,
                false,
                what,
            ));
        }
        Problem::ModuleAttr { module, .. } => {
            let names_of = match module_file(&view(names.root), module, &[]) {
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
            let rel = module_file(&view(names.root), module, &[])
                .or_else(|| path.as_deref().and_then(|p| suffix_in_root(names.root, p)))?;
            let f = read_repo_file(names.root, &rel)?;
            (
                names.module_names(&f),
                format!("a name defined in `{module}`"),
            )
        }
    };
    // CPython's own hint (plain tracebacks) is taken unless the names we know contradict it.
    let (suggestion, from_log) = match (hint, candidates) {
        (Some(h), None) if h != wrong => (h, true),
        (Some(h), Some(c)) if h != wrong && c.contains(&h) => (h, true),
        (_, Some(c)) => (
            levenshtein::suggest(&wrong, c.iter().map(String::as_str))?.name,
            false,
        ),
        (_, None) => return None,
    };
    if suggestion == wrong {
        return None;
    }
    Some(finding(
        &src.rel,
        at,
        &wrong,
        (suggestion, from_log),
        attribute,
        import,
        &what,
    ))
}

fn finding(
    rel: &str,
    at: usize,
    wrong: &str,
    // The name, and whether it is CPython's own hint in the log.
    (suggestion, from_log): (String, bool),
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
    // Only a hint the log printed is CPython's; a computed one is ours, said as such.
    let whose = if from_log {
        "CPython's own suggestion in the log"
    } else {
        "the closest name bound there"
    };
    let diagnosis = if suggestion.starts_with("self.") {
        format!(
            "{error} at {rel}:{}: `{wrong}` is not defined there, but {what}; the name should be `{suggestion}` ({whose}).",
            at + 1
        )
    } else {
        format!(
            "{error} at {rel}:{}: `{wrong}` does not exist there; `{suggestion}` ({what}) is {away} away ({whose}).",
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
        if super::tool::count(text, &search) == 1 {
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
