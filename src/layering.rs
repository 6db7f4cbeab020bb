//! The layering ARCHITECTURE.md states, tested: its "Modules" list names every
//! top-level module, bottom to top, and a module only uses those listed above it
//! (so there is no cycle). A module's dependencies are the `crate::x` paths in its
//! files outside test modules, doc links included.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The text of the `.rs` files at `path` (a file or a directory), each cut at its
/// first `#[cfg(test)]`.
fn sources(path: &Path, out: &mut String) {
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for p in entries {
            sources(&p, out);
        }
    } else if path.extension().is_some_and(|e| e == "rs")
        // `tests.rs` is a `#[cfg(test)] mod tests;`: test code, like the inline ones.
        && path.file_name().is_some_and(|n| n != "tests.rs")
    {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        out.push_str(text.split("#[cfg(test)]").next().unwrap_or(""));
        out.push('\n');
    }
}

/// The top-level modules, as `lib.rs` declares them.
fn modules() -> Vec<String> {
    let lib = std::fs::read_to_string(root().join("src/lib.rs")).unwrap();
    lib.lines()
        .filter_map(|l| {
            l.strip_prefix("pub mod ")
                .or_else(|| l.strip_prefix("mod "))
        })
        .map(|l| l.trim_end_matches(';').to_string())
        .filter(|m| m != "layering")
        .collect()
}

/// Whether `text` names `crate::module` as a whole path segment (`crate::git` is not
/// `crate::github`).
fn mentions(text: &str, module: &str) -> bool {
    let needle = format!("crate::{module}");
    text.match_indices(&needle).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + needle.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
            && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = root().join("src");
    let modules = modules();
    let mut deps = BTreeMap::new();
    for m in &modules {
        let mut text = String::new();
        sources(&src.join(format!("{m}.rs")), &mut text);
        sources(&src.join(m), &mut text);
        let uses: BTreeSet<String> = modules
            .iter()
            .filter(|other| *other != m && mentions(&text, other))
            .cloned()
            .collect();
        deps.insert(m.clone(), uses);
    }
    deps
}

/// ARCHITECTURE.md's "Modules" list: each bullet's modules (the backticked names
/// before its ` — `), bottom to top.
fn documented_layers() -> Vec<Vec<String>> {
    let doc = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let section = doc
        .split("\n## Modules")
        .nth(1)
        .expect("ARCHITECTURE.md has a \"## Modules\" section");
    let section = section.split("\n## ").next().unwrap_or(section);
    section
        .lines()
        .filter_map(|l| l.strip_prefix("- "))
        .map(|bullet| {
            let head = bullet.split(" — ").next().unwrap_or("");
            head.split('`')
                .skip(1)
                .step_by(2)
                .map(|name| name.trim_end_matches('/').to_string())
                .collect()
        })
        .collect()
}

/// A path of modules from `from` back to itself, if there is one.
fn cycle_through(
    deps: &BTreeMap<String, BTreeSet<String>>,
    from: &str,
    at: &str,
    path: &mut Vec<String>,
) -> bool {
    for next in &deps[at] {
        if next == from {
            path.push(next.clone());
            return true;
        }
        if path.contains(next) {
            continue;
        }
        path.push(next.clone());
        if cycle_through(deps, from, next, path) {
            return true;
        }
        path.pop();
    }
    false
}

#[test]
fn the_scan_sees_whole_module_names() {
    assert!(mentions("use crate::git::Git;", "git"));
    assert!(mentions("[`crate::git`]", "git"));
    assert!(!mentions("use crate::github::client;", "git"));
    assert!(!mentions("use mycrate::git;", "git"));
    assert!(!mentions("use crate::gitx;", "git"));
}

#[test]
fn top_level_modules_have_no_cycle() {
    let deps = graph();
    assert!(deps.len() > 10, "{deps:?}");
    assert!(deps["run"].contains("repair"), "the scan sees dependencies");
    for m in deps.keys() {
        let mut path = vec![m.clone()];
        if cycle_through(&deps, m, m, &mut path) {
            panic!("module cycle: {}", path.join(" -> "));
        }
    }
}

#[test]
fn modules_only_use_those_architecture_md_lists_above_them() {
    let layers = documented_layers();
    let mut rank = BTreeMap::new();
    for (i, layer) in layers.iter().enumerate() {
        for name in layer {
            // The binary's files are listed too (at the top); they are no modules.
            if name.ends_with(".rs") {
                continue;
            }
            assert!(
                rank.insert(name.clone(), i).is_none(),
                "ARCHITECTURE.md lists `{name}` twice"
            );
        }
    }
    let modules: BTreeSet<String> = modules().into_iter().collect();
    let listed: BTreeSet<String> = rank.keys().cloned().collect();
    assert_eq!(
        listed, modules,
        "ARCHITECTURE.md's module list vs the modules of lib.rs"
    );
    let mut wrong = Vec::new();
    for (m, uses) in graph() {
        for d in uses {
            if rank[&d] >= rank[&m] {
                wrong.push(format!("{m} uses {d}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "against the order of ARCHITECTURE.md: {}",
        wrong.join(", ")
    );
}
