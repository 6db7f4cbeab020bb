//! Rust: `mod x;` → `x.rs` or `x/mod.rs`; `use crate::a::b` and `use super::…` → the
//! module's file; an integration test (`tests/*.rs`, examples, benches) → the crate's
//! `src/lib.rs` and the modules it names through the crate's name.

use crate::lang::context::{
    self, brace_block, join, parent_dir, push_unique, re, RepoView, SourceContext, TestRef,
};
use regex::Regex;
use std::sync::OnceLock;

pub struct RustContext;

impl SourceContext for RustContext {
    fn test_ref(&self, repo: &dyn RepoView, id: &str, located: Option<&str>) -> Option<TestRef> {
        // `module::tests::name` or `name` (libtest); the log's file usually holds it.
        let id = id.split_whitespace().next().unwrap_or("");
        let parts: Vec<&str> = id.split("::").filter(|p| !p.is_empty()).collect();
        let func = (*parts.last()?).to_string();
        let defines = |rel: &str| {
            repo.read(rel)
                .is_some_and(|t| fn_line(&t.lines().collect::<Vec<_>>(), &func).is_some())
        };
        if let Some(l) = located.filter(|l| l.ends_with(".rs") && defines(l)) {
            return Some(test_ref(l, func));
        }
        // The module path names the file: `a::b::tests::t` in src/a/b.rs (or lib.rs).
        let mods: Vec<&str> = parts[..parts.len() - 1]
            .iter()
            .copied()
            .filter(|p| *p != "tests")
            .collect();
        let mut cands = Vec::new();
        for k in (1..=mods.len()).rev() {
            let base = format!("src/{}", mods[..k].join("/"));
            cands.push(format!("{base}.rs"));
            cands.push(format!("{base}/mod.rs"));
        }
        cands.extend(["src/lib.rs".to_string(), "src/main.rs".to_string()]);
        cands
            .into_iter()
            .find(|c| defines(c))
            .map(|c| test_ref(&c, func))
    }

    fn test_ranges(&self, lines: &[&str], test: &TestRef) -> Option<Vec<(usize, usize)>> {
        let start = fn_line(lines, test.func.as_deref()?)?;
        let first = context::with_attributes(lines, start, "#[");
        let mut v: Vec<(usize, usize)> = context::header(lines, |l| {
            let t = l.trim_start();
            !(t.is_empty()
                || t.starts_with("//")
                || t.starts_with("use ")
                || t.starts_with("pub use ")
                || t.starts_with("extern crate")
                || t.starts_with("#!")
                || (t.starts_with("mod ") || t.starts_with("pub mod ")) && t.ends_with(';'))
        })
        .filter(|&(_, b)| b < first)
        .into_iter()
        .collect();
        let (_, end) = brace_block(lines, start);
        v.push((first, end));
        Some(v)
    }

    fn related(&self, repo: &dyn RepoView, rel: &str, text: &str) -> Vec<String> {
        let Some((krate, crate_name)) = crate_of(repo, rel) else {
            return Vec::new();
        };
        let src = join(&krate, "src");
        let inner = rel.strip_prefix(&format!("{src}/")).map(str::to_string);
        let mut out = Vec::new();
        let Some(inner) = inner else {
            // An integration test, example or bench: the crate's library is the code under test.
            let lib = join(&src, "lib.rs");
            if repo.is_file(&lib) {
                push_unique(&mut out, rel, lib);
            }
            for path in use_paths(text) {
                if path.first().map(String::as_str) == Some(crate_name.as_str()) {
                    push_module(repo, &src, &path[1..], rel, &mut out);
                }
            }
            return out;
        };
        // The directory this file's `mod x;` children live in.
        let name = inner.rsplit('/').next().unwrap_or(&inner);
        let own_dir = if matches!(name, "lib.rs" | "main.rs" | "mod.rs") {
            parent_dir(rel).to_string()
        } else {
            rel.trim_end_matches(".rs").to_string()
        };
        let module_dir = parent_dir(rel).to_string();
        static MOD: OnceLock<Regex> = OnceLock::new();
        let mod_re = re(&MOD, r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;");
        for line in text.lines() {
            if let Some(c) = mod_re.captures(line) {
                for cand in [
                    format!("{own_dir}/{}.rs", &c[1]),
                    format!("{own_dir}/{}/mod.rs", &c[1]),
                ] {
                    if repo.is_file(&cand) {
                        push_unique(&mut out, rel, cand);
                        break;
                    }
                }
            }
        }
        for path in use_paths(text) {
            match path.first().map(String::as_str) {
                Some("crate") => push_module(repo, &src, &path[1..], rel, &mut out),
                Some("super") => {
                    // `super::x` from src/a/b.rs is src/a/x.rs; from src/a/b/mod.rs, src/a/x.rs;
                    // each further `super` goes up one more.
                    let mut parent = if name == "mod.rs" {
                        parent_dir(&module_dir).to_string()
                    } else {
                        module_dir.clone()
                    };
                    let ups = path.iter().take_while(|p| *p == "super").count();
                    for _ in 1..ups {
                        parent = parent_dir(&parent).to_string();
                    }
                    if parent.starts_with(&src) {
                        push_module(repo, &parent, &path[ups..], rel, &mut out);
                    }
                }
                Some("self") => push_module(repo, &own_dir, &path[1..], rel, &mut out),
                _ => {}
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

fn fn_line(lines: &[&str], func: &str) -> Option<usize> {
    let needle = format!("fn {func}(");
    let generic = format!("fn {func}<");
    lines
        .iter()
        .position(|l| l.contains(&needle) || l.contains(&generic))
}

/// The crate directory holding `rel` (nearest `Cargo.toml` with a `src/`) and the
/// crate's name as code spells it (`-` → `_`).
fn crate_of(repo: &dyn RepoView, rel: &str) -> Option<(String, String)> {
    let mut dir = parent_dir(rel).to_string();
    loop {
        let manifest = join(&dir, "Cargo.toml");
        if let Some(text) = repo.read(&manifest) {
            let name = package_name(&text).unwrap_or_default().replace('-', "_");
            return Some((dir, name));
        }
        if dir.is_empty() {
            return None;
        }
        dir = parent_dir(&dir).to_string();
    }
}

/// `name` of `[package]` (or `[lib]`, which wins) in a Cargo.toml.
fn package_name(text: &str) -> Option<String> {
    let mut section = "";
    let mut package = None;
    let mut lib = None;
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with('[') {
            section = l;
            continue;
        }
        if let Some(v) = l.strip_prefix("name").map(str::trim_start) {
            if let Some(v) = v.strip_prefix('=') {
                let v = v.trim().trim_matches('"').to_string();
                match section {
                    "[package]" => package = Some(v),
                    "[lib]" => lib = Some(v),
                    _ => {}
                }
            }
        }
    }
    lib.or(package)
}

/// The deepest existing module file of `path` under `dir` (`a/b.rs`, `a/b/mod.rs`, then `a.rs`, …).
fn push_module(repo: &dyn RepoView, dir: &str, path: &[String], own: &str, out: &mut Vec<String>) {
    for k in (1..=path.len()).rev() {
        let base = join(dir, &path[..k].join("/"));
        for cand in [format!("{base}.rs"), format!("{base}/mod.rs")] {
            if repo.is_file(&cand) {
                push_unique(out, own, cand);
                return;
            }
        }
    }
}

/// The paths of `use` declarations, one per imported name: `use a::{b, c::d};` gives
/// `[a, b]` and `[a, c, d]` (one level of braces).
fn use_paths(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut stmt = String::new();
    let mut in_use = false;
    for line in text.lines() {
        let t = line.trim();
        if !in_use {
            let rest = t
                .strip_prefix("use ")
                .or_else(|| t.strip_prefix("pub use "))
                .or_else(|| t.strip_prefix("pub(crate) use "));
            let Some(rest) = rest else { continue };
            stmt.clear();
            stmt.push_str(rest);
            in_use = true;
        } else {
            stmt.push(' ');
            stmt.push_str(t);
        }
        if stmt.contains(';') || stmt.len() > 4096 {
            in_use = false;
            static AS: OnceLock<Regex> = OnceLock::new();
            let head = stmt.split(';').next().unwrap_or("");
            let s = re(&AS, r"\s+as\s+\w+")
                .replace_all(head, "")
                .replace(char::is_whitespace, "");
            let (prefix, group) = match s.split_once('{') {
                Some((p, g)) => (p.trim_end_matches("::"), Some(g.trim_end_matches('}'))),
                None => (s.as_str(), None),
            };
            let base: Vec<String> = prefix
                .split("::")
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect();
            match group {
                None => out.push(base),
                Some(g) => {
                    for item in g.split(',') {
                        let mut p = base.clone();
                        p.extend(
                            item.split("::")
                                .filter(|s| !s.is_empty() && !s.contains(['{', '}']))
                                .map(str::to_string),
                        );
                        out.push(p);
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn use_paths_split_groups() {
        let src = "use crate::a::b;\nuse invoice::{subtotal, tax::vat};\n";
        assert_eq!(
            use_paths(src),
            vec![
                vec!["crate", "a", "b"],
                vec!["invoice", "subtotal"],
                vec!["invoice", "tax", "vat"]
            ]
        );
        assert_eq!(
            package_name("[package]\nname = \"my-crate\"\n").as_deref(),
            Some("my-crate")
        );
    }
}
