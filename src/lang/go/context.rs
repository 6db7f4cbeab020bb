//! Go: a test lives in a `_test.go` file of its package; the code under test is the
//! package's other files (the same-named file first); one hop further are the module's
//! own packages it imports (by the module path in `go.mod`).

use crate::lang::context::{
    self, brace_block, join, parent_dir, push_unique, re, RepoView, SourceContext, TestRef,
};
use regex::Regex;
use std::sync::OnceLock;

pub struct GoContext;

impl SourceContext for GoContext {
    fn test_ref(&self, repo: &dyn RepoView, id: &str, located: Option<&str>) -> Option<TestRef> {
        let (pkg, name) = split_id(id);
        let func = name.split('/').next().unwrap_or(name).to_string();
        if func.is_empty() {
            return None;
        }
        let defines = |rel: &str| {
            repo.read(rel)
                .is_some_and(|t| t.contains(&format!("func {func}(")))
        };
        if let Some(l) = located.filter(|l| l.ends_with("_test.go") && defines(l)) {
            return Some(test_ref(l, func));
        }
        let mut dirs: Vec<String> = Vec::new();
        if let Some(dir) = package_dir(repo, pkg) {
            dirs.push(dir);
        }
        if let Some(l) = located {
            dirs.push(parent_dir(l).to_string());
        }
        dirs.iter()
            .flat_map(|d| repo.list(d))
            .find(|f| f.ends_with("_test.go") && defines(f))
            .map(|f| test_ref(&f, func))
    }

    fn test_ranges(&self, lines: &[&str], test: &TestRef) -> Option<Vec<(usize, usize)>> {
        let func = test.func.as_deref()?;
        let prefix = format!("func {func}(");
        let start = lines.iter().position(|l| l.starts_with(&prefix))?;
        let mut v: Vec<(usize, usize)> = header(lines).into_iter().collect();
        v.push(brace_block(lines, start));
        Some(v)
    }

    fn related(&self, repo: &dyn RepoView, rel: &str, text: &str) -> Vec<String> {
        let dir = parent_dir(rel);
        let mut out = Vec::new();
        let siblings: Vec<String> = repo
            .list(dir)
            .into_iter()
            .filter(|f| f.ends_with(".go") && !f.ends_with("_test.go"))
            .collect();
        // `x_test.go` tests `x.go` first; then the rest of the package.
        if let Some(stem) = rel.strip_suffix("_test.go") {
            let own = format!("{stem}.go");
            if siblings.contains(&own) {
                push_unique(&mut out, rel, own);
            }
        }
        let is_test = rel.ends_with("_test.go");
        if is_test {
            for s in &siblings {
                push_unique(&mut out, rel, s.clone());
            }
        }
        if let Some((module, module_dir)) = module_of(repo, rel) {
            for path in imports(text) {
                let Some(sub) = in_module(&module, &path) else {
                    continue;
                };
                for f in repo.list(&join(&module_dir, &sub)) {
                    if f.ends_with(".go") && !f.ends_with("_test.go") {
                        push_unique(&mut out, rel, f);
                    }
                }
            }
        }
        if !is_test {
            for s in siblings {
                push_unique(&mut out, rel, s);
            }
        }
        out
    }
}

fn test_ref(file: &str, func: String) -> TestRef {
    TestRef {
        file: file.to_string(),
        class: None,
        func: Some(func),
    }
}

/// (package, test name) of `pkg TestX`, `pkg.TestX/sub` or `pkg/TestX`.
fn split_id(id: &str) -> (&str, &str) {
    if let Some((pkg, name)) = id.trim().rsplit_once(char::is_whitespace) {
        return (pkg.trim(), name);
    }
    let is_name = |s: &str| {
        ["Test", "Example", "Benchmark", "Fuzz"]
            .iter()
            .any(|p| s.starts_with(p))
    };
    for (i, c) in id.char_indices() {
        if (c == '.' || c == '/') && is_name(&id[i + 1..]) {
            return (&id[..i], &id[i + 1..]);
        }
    }
    ("", id)
}

/// The module path the root's `go.mod` declares.
fn module_path(repo: &dyn RepoView) -> Option<String> {
    declared_module(&repo.read("go.mod")?)
}

fn declared_module(go_mod: &str) -> Option<String> {
    go_mod.lines().find_map(|l| {
        l.trim()
            .strip_prefix("module ")
            .map(|m| m.trim().trim_matches('"').to_string())
    })
}

/// The module `rel` is in and its directory: the nearest `go.mod` above it (a
/// monorepo's `backend/go.mod`, a nested module), the root's last.
fn module_of(repo: &dyn RepoView, rel: &str) -> Option<(String, String)> {
    let mut dir = parent_dir(rel);
    loop {
        if let Some(module) = repo
            .read(&join(dir, "go.mod"))
            .and_then(|t| declared_module(&t))
        {
            return Some((module, dir.to_string()));
        }
        if dir.is_empty() {
            return None;
        }
        dir = parent_dir(dir);
    }
}

/// The directory (relative to the root) of an import path inside the module.
fn in_module(module: &str, path: &str) -> Option<String> {
    if path == module {
        return Some(String::new());
    }
    let rest = path.strip_prefix(module)?.strip_prefix('/')?;
    context::normalize(rest)
}

/// The directory of a package as a log names it: an import path of this module, or a
/// relative directory (`./pkg`).
fn package_dir(repo: &dyn RepoView, pkg: &str) -> Option<String> {
    if let Some(dir) = module_path(repo).and_then(|m| in_module(&m, pkg)) {
        return Some(dir);
    }
    let p = pkg.trim_start_matches("./");
    if p.is_empty() || p == "." {
        return Some(String::new());
    }
    context::normalize(p)
}

/// The import paths of a Go file (single imports and `import ( … )` blocks).
fn imports(text: &str) -> Vec<String> {
    static ONE: OnceLock<Regex> = OnceLock::new();
    static SPEC: OnceLock<Regex> = OnceLock::new();
    let one = re(&ONE, r#"^import\s+(?:[\w.]+\s+)?"([^"]+)""#);
    let spec = re(&SPEC, r#"^\s*(?:[\w.]+\s+)?"([^"]+)""#);
    let mut out = Vec::new();
    let mut in_block = false;
    for line in text.lines() {
        let l = line.trim_end();
        if in_block {
            if l.trim_start().starts_with(')') {
                in_block = false;
            } else if let Some(c) = spec.captures(l) {
                out.push(c[1].to_string());
            }
        } else if l.starts_with("import (") || l == "import(" {
            in_block = true;
        } else if let Some(c) = one.captures(l) {
            out.push(c[1].to_string());
        } else if l.starts_with("func ") || l.starts_with("type ") {
            break;
        }
    }
    out
}

/// `package` and imports: everything before the first top-level declaration.
fn header(lines: &[&str]) -> Option<(usize, usize)> {
    context::header(lines, |l| {
        ["func ", "type ", "var ", "const "]
            .iter()
            .any(|p| l.starts_with(p))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_single_and_blocks() {
        let src = "package a\n\nimport \"fmt\"\nimport (\n\t\"strings\"\n\tx \"example.com/m/pkg/x\"\n)\n\nfunc A() {}\n";
        assert_eq!(imports(src), vec!["fmt", "strings", "example.com/m/pkg/x"]);
        assert_eq!(
            in_module("example.com/m", "example.com/m/pkg/x").as_deref(),
            Some("pkg/x")
        );
        assert_eq!(in_module("example.com/m", "example.com/mx"), None);
    }

    #[test]
    fn a_module_in_a_subdirectory_leads_to_the_packages_it_imports() {
        let repo = context::Files(&[
            ("backend/go.mod", "module example.com/api\n\ngo 1.22\n"),
            ("backend/words/count_test.go", "package words\n"),
            (
                "backend/words/count.go",
                "package words\n\nimport \"example.com/api/internal/norm\"\n",
            ),
            ("backend/internal/norm/norm.go", "package norm\n"),
            ("internal/norm/norm.go", "package elsewhere\n"),
        ]);
        let rel = "backend/words/count.go";
        let related = GoContext.related(&repo, rel, &repo.read(rel).unwrap());
        assert!(
            related.contains(&"backend/internal/norm/norm.go".to_string()),
            "{related:?}"
        );
        assert!(
            !related.contains(&"internal/norm/norm.go".to_string()),
            "{related:?}"
        );
    }
}
