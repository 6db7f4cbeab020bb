//! Python: pytest node ids and unittest ids, `import`/`from … import` resolution
//! (also under `src/` and the importing file's directory).

use crate::lang::context::{self, parent_dir, re, RepoView, SourceContext, TestRef};
use crate::lang::Lang;
use regex::Regex;
use std::sync::OnceLock;

pub struct PythonContext;

impl SourceContext for PythonContext {
    fn test_ref(&self, repo: &dyn RepoView, id: &str, located: Option<&str>) -> Option<TestRef> {
        split_test_id(repo, id, located)
    }

    fn test_ranges(&self, lines: &[&str], test: &TestRef) -> Option<Vec<(usize, usize)>> {
        let r = test_function_lines(lines, test.class.as_deref(), test.func.as_deref()?)?;
        let mut v: Vec<(usize, usize)> = header_lines(lines).into_iter().collect();
        v.extend(r);
        Some(v)
    }

    fn related(&self, repo: &dyn RepoView, rel: &str, text: &str) -> Vec<String> {
        imported_files(repo, rel, text)
    }

    fn follows_located_files(&self) -> bool {
        false
    }
}

/// The repository file of a dotted module name: `a/b.py` or `a/b/__init__.py`, also under
/// `src/`, then under `extra_dirs` (the importing file's directory, as pytest's rootdir
/// insertion makes sibling test helpers importable).
pub fn module_file(repo: &dyn RepoView, module: &str, extra_dirs: &[String]) -> Option<String> {
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
            if repo.is_file(&cand) {
                return Some(cand);
            }
        }
    }
    None
}

/// The repository files a file imports (absolute, relative and `from pkg import submodule`).
fn imported_files(repo: &dyn RepoView, rel: &str, text: &str) -> Vec<String> {
    static IMPORT: OnceLock<Regex> = OnceLock::new();
    static FROM: OnceLock<Regex> = OnceLock::new();
    let import_re = re(&IMPORT, r"^\s*import\s+(.+)$");
    let from_re = re(&FROM, r"^\s*from\s+(\.*)([\w.]*)\s+import\s+(.+)$");
    let here = parent_dir(rel).to_string();
    let mut extra = vec![here.clone()];
    extra.extend(project_dirs(repo, rel));
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::new();
    let push = |p: String, out: &mut Vec<String>| {
        if p != rel && !out.contains(&p) {
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
                if let Some(p) = module_file(repo, &sub, dirs) {
                    push(p, &mut out);
                    found_sub = true;
                }
            }
            // `from pkg import sub` shows pkg/sub.py; the package's __init__ only otherwise.
            if !found_sub {
                if let Some(p) = module_file(repo, &module, dirs) {
                    push(p, &mut out);
                }
            }
        } else if let Some(c) = import_re.captures(&stmt) {
            for part in c[1].split(',') {
                let m = part.split_whitespace().next().unwrap_or("");
                // `import a.b.c` binds a, a.b and a.b.c: the deepest one in the repo is the code used.
                let pieces: Vec<&str> = m.split('.').collect();
                for k in (1..=pieces.len()).rev() {
                    if let Some(p) = module_file(repo, &pieces[..k].join("."), &extra) {
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
    context::header(lines, |l| {
        l.starts_with("def ")
            || l.starts_with("class ")
            || l.starts_with("async def ")
            || l.starts_with('@')
    })
}

/// Splits a test id into (file, class, function) for pytest node ids and unittest ids.
/// The directories above `rel` (not the root) that hold a Python project's manifest, and
/// their `src/`: a monorepo's `backend/` imports its modules from there, as pytest run
/// in `backend/` does.
fn project_dirs(repo: &dyn RepoView, rel: &str) -> Vec<String> {
    let manifests = super::Python.manifests();
    let mut out = Vec::new();
    let mut dir = parent_dir(rel);
    while !dir.is_empty() {
        if manifests
            .iter()
            .any(|m| repo.is_file(&context::join(dir, m)))
        {
            out.push(dir.to_string());
            out.push(context::join(dir, "src"));
        }
        dir = parent_dir(dir);
    }
    out
}

/// The id's file as the checkout has it: a project's test ids are relative to the
/// directory pytest ran in (`tests/test_a.py` for `backend/tests/test_a.py`), which
/// the located file of the failure names.
fn in_checkout(repo: &dyn RepoView, file: &str, located: Option<&str>) -> String {
    match located {
        Some(l) if !repo.is_file(file) && l.ends_with(&format!("/{file}")) => l.to_string(),
        _ => file.to_string(),
    }
}

fn split_test_id(repo: &dyn RepoView, id: &str, located: Option<&str>) -> Option<TestRef> {
    if let Some((file, rest)) = id.split_once("::") {
        let file = in_checkout(repo, file, located);
        let parts: Vec<&str> = rest.split("::").collect();
        let func = parts
            .last()
            .map(|f| f.split('[').next().unwrap_or(f).to_string());
        let class = (parts.len() >= 2).then(|| parts[parts.len() - 2].to_string());
        return Some(TestRef { file, class, func });
    }
    if id.ends_with(".py") {
        return Some(TestRef {
            file: in_checkout(repo, id, located),
            class: None,
            func: None,
        });
    }
    // unittest: `pkg.test_mod.TestClass.test_method`, or `test_method (pkg.test_mod.TestClass...)`.
    let dotted = match (id.find('('), id.rfind(')')) {
        (Some(a), Some(b)) if a < b => &id[a + 1..b],
        _ => id,
    };
    let parts: Vec<&str> = dotted.split('.').collect();
    let extra = located.map(|l| project_dirs(repo, l)).unwrap_or_default();
    for k in (1..=parts.len()).rev() {
        if let Some(file) = module_file(repo, &parts[..k].join("."), &extra) {
            let rest = &parts[k..];
            let func = rest.last().map(|s| s.to_string());
            let class = (rest.len() >= 2).then(|| rest[rest.len() - 2].to_string());
            return Some(TestRef { file, class, func });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_project_in_a_subdirectory_imports_and_names_tests_from_its_own_directory() {
        let repo = context::Files(&[
            ("backend/pyproject.toml", "[project]\nname = 'pager'\n"),
            (
                "backend/pager/__init__.py",
                "from .core import page_count\n",
            ),
            (
                "backend/pager/core.py",
                "def page_count(n, k):\n    return n // k\n",
            ),
            (
                "backend/tests/test_pager.py",
                "from pager import page_count\n",
            ),
            ("api/pyproject.toml", ""),
            ("api/src/svc/__init__.py", ""),
            ("api/tests/test_svc.py", "import svc\n"),
        ]);
        let test = "backend/tests/test_pager.py";
        assert_eq!(
            imported_files(&repo, test, &repo.read(test).unwrap()),
            vec!["backend/pager/__init__.py"]
        );
        let test = "api/tests/test_svc.py";
        assert_eq!(
            imported_files(&repo, test, &repo.read(test).unwrap()),
            vec!["api/src/svc/__init__.py"]
        );
        // pytest ran in backend/: its node id is relative to it.
        let r = split_test_id(
            &repo,
            "tests/test_pager.py::test_page_count",
            Some("backend/tests/test_pager.py"),
        )
        .unwrap();
        assert_eq!(r.file, "backend/tests/test_pager.py");
        assert_eq!(r.func.as_deref(), Some("test_page_count"));
    }
}
