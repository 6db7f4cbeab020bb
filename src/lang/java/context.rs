//! Java: `FooTest` → `Foo` first, then the classes it imports, then the classes of its
//! own package it names; a test under `src/test/java` finds its code under
//! `src/main/java` (Maven and Gradle layouts, also in sub-modules).

use crate::lang::context::{
    self, brace_block, join, parent_dir, push_unique, re, RepoView, SourceContext, TestRef,
};
use regex::Regex;
use std::sync::OnceLock;

pub struct JavaContext;

impl SourceContext for JavaContext {
    fn test_ref(&self, repo: &dyn RepoView, id: &str, located: Option<&str>) -> Option<TestRef> {
        // `pkg.Class#method`, `pkg.Class.method` or `method(pkg.Class)` (JUnit 4 names).
        let id = id.trim();
        let (class, method) = if let Some((c, m)) = id.split_once('#') {
            (c.to_string(), Some(m.to_string()))
        } else if let (Some(a), Some(b)) = (id.find('('), id.rfind(')')) {
            (id[a + 1..b].to_string(), Some(id[..a].to_string()))
        } else {
            (id.to_string(), None)
        };
        let method = method.map(|m| m.split(['(', '[']).next().unwrap_or(&m).trim().to_string());
        let class = class.split('$').next().unwrap_or(&class).to_string();
        let simple = class.rsplit('.').next().unwrap_or(&class).to_string();
        let path = format!("{}.java", class.replace('.', "/"));
        let file = located
            .filter(|l| l.ends_with(&format!("/{simple}.java")) || *l == format!("{simple}.java"))
            .map(str::to_string)
            .or_else(|| {
                let mut cands = Vec::new();
                if let Some(l) = located {
                    cands.extend(roots(l).into_iter().map(|r| join(&r, &path)));
                }
                cands.extend(
                    [
                        "src/test/java",
                        "src/main/java",
                        "src/test/kotlin",
                        "src",
                        "test",
                        "",
                    ]
                    .iter()
                    .map(|r| join(r, &path)),
                );
                cands.into_iter().find(|c| repo.is_file(c))
            })?;
        Some(TestRef {
            file,
            class: Some(simple),
            func: method,
        })
    }

    fn test_ranges(&self, lines: &[&str], test: &TestRef) -> Option<Vec<(usize, usize)>> {
        let method = test.func.as_deref()?;
        let decl = Regex::new(&format!(r"\b{}\s*\(", regex::escape(method))).ok()?;
        let start = lines.iter().position(|l| {
            let t = l.trim_start();
            decl.is_match(l)
                && !t.starts_with("//")
                && (t.contains("void ") || t.starts_with("public ") || t.starts_with("fun "))
        })?;
        let first = context::with_attributes(lines, start, "@");
        let class_line = test.class.as_deref().and_then(|c| {
            let needle = format!("class {c}");
            lines[..first].iter().position(|l| l.contains(&needle))
        });
        let mut v: Vec<(usize, usize)> = Vec::new();
        if let Some(h) = context::header(lines, |l| {
            let t = l.trim_start();
            !(t.is_empty()
                || t.starts_with("package ")
                || t.starts_with("import ")
                || t.starts_with("//")
                || t.starts_with("/*")
                || t.starts_with('*'))
        }) {
            v.push(h);
        }
        if let Some(c) = class_line {
            v.push((context::with_attributes(lines, c, "@"), c));
        }
        v.push((first, brace_block(lines, start).1));
        Some(v)
    }

    fn related(&self, repo: &dyn RepoView, rel: &str, text: &str) -> Vec<String> {
        let Some(name) = rel
            .strip_suffix(".java")
            .map(|s| s.rsplit('/').next().unwrap_or(s))
        else {
            return Vec::new();
        };
        let pkg_dir = package(text)
            .map(|p| p.replace('.', "/"))
            .unwrap_or_default();
        let dir = parent_dir(rel);
        let roots = if dir == pkg_dir {
            vec![String::new()]
        } else {
            match dir.strip_suffix(&format!("/{pkg_dir}")) {
                Some(root) if !pkg_dir.is_empty() => source_roots(root),
                _ => vec![dir.to_string()],
            }
        };
        let mut out = Vec::new();
        let find = |class_path: &str| {
            roots
                .iter()
                .map(|r| join(r, &format!("{class_path}.java")))
                .find(|c| repo.is_file(c))
        };
        // FooTest / FooTests / TestFoo / FooIT → Foo.
        for stem in [
            name.strip_suffix("Test"),
            name.strip_suffix("Tests"),
            name.strip_suffix("IT"),
            name.strip_prefix("Test"),
        ]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        {
            if let Some(f) = find(&join(&pkg_dir, stem)) {
                push_unique(&mut out, rel, f);
            }
        }
        static IMPORT: OnceLock<Regex> = OnceLock::new();
        let import = re(&IMPORT, r"^\s*import\s+(?:static\s+)?([\w.]+?)(\.\*)?\s*;");
        for line in text.lines() {
            let Some(c) = import.captures(line) else {
                continue;
            };
            let path = c[1].replace('.', "/");
            if c.get(2).is_some() {
                // `import a.b.*;`: the package's classes this file names.
                for r in &roots {
                    for f in repo.list(&join(r, &path)) {
                        if f.ends_with(".java") && names_class(text, &f) {
                            push_unique(&mut out, rel, f);
                        }
                    }
                }
                continue;
            }
            // `import a.b.C;` or `import static a.b.C.m;`: the class's file, deepest first.
            let parts: Vec<&str> = path.split('/').collect();
            for k in (1..=parts.len()).rev() {
                if let Some(f) = find(&parts[..k].join("/")) {
                    push_unique(&mut out, rel, f);
                    break;
                }
            }
        }
        // Same-package classes need no import: those this file names.
        for r in &roots {
            for f in repo.list(&join(r, &pkg_dir)) {
                if f.ends_with(".java") && names_class(text, &f) {
                    push_unique(&mut out, rel, f);
                }
            }
        }
        out
    }
}

/// Whether `text` names the class of file `f` as a word.
fn names_class(text: &str, f: &str) -> bool {
    let class = f.rsplit('/').next().unwrap_or(f).trim_end_matches(".java");
    Regex::new(&format!(r"\b{}\b", regex::escape(class))).is_ok_and(|r| r.is_match(text))
}

fn package(text: &str) -> Option<String> {
    text.lines().find_map(|l| {
        l.trim()
            .strip_prefix("package ")
            .map(|p| p.trim_end_matches(';').trim().to_string())
    })
}

/// A source root and its sibling roots (`src/test/java` ↔ `src/main/java`).
fn source_roots(root: &str) -> Vec<String> {
    let mut out = vec![root.to_string()];
    for (a, b) in [("/test/", "/main/"), ("/main/", "/test/")] {
        let padded = format!("/{root}/");
        if padded.contains(a) {
            let other = padded.replacen(a, b, 1);
            out.push(other.trim_matches('/').to_string());
        }
    }
    out
}

/// The source roots a located file may lie in, by the Maven/Gradle layout.
fn roots(located: &str) -> Vec<String> {
    for marker in ["src/test/java", "src/main/java"] {
        if let Some(i) = located.find(marker) {
            return source_roots(&located[..i + marker.len()]);
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sibling_roots() {
        assert_eq!(
            source_roots("core/src/test/java"),
            vec!["core/src/test/java", "core/src/main/java"]
        );
        assert_eq!(
            package("package com.example;\n").as_deref(),
            Some("com.example")
        );
    }
}
