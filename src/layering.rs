//! A test that the top-level modules form no cycle (ARCHITECTURE.md): each module's
//! `crate::x` references, outside comments and test modules, are its dependencies.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

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
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            out.push_str(line);
            out.push('\n');
        }
    }
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let modules: Vec<String> = lib
        .lines()
        .filter_map(|l| {
            l.strip_prefix("pub mod ")
                .or_else(|| l.strip_prefix("mod "))
        })
        .map(|l| l.trim_end_matches(';').to_string())
        .collect();
    let mut deps = BTreeMap::new();
    for m in &modules {
        let mut text = String::new();
        sources(&src.join(format!("{m}.rs")), &mut text);
        sources(&src.join(m), &mut text);
        let uses: BTreeSet<String> = modules
            .iter()
            .filter(|other| *other != m && text.contains(&format!("crate::{other}")))
            .cloned()
            .collect();
        deps.insert(m.clone(), uses);
    }
    deps
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
fn top_level_modules_have_no_cycle() {
    let deps = graph();
    assert!(deps.len() > 10, "{deps:?}");
    assert!(
        deps["run"].contains("pipeline"),
        "the scan sees dependencies"
    );
    for m in deps.keys() {
        let mut path = vec![m.clone()];
        if cycle_through(&deps, m, m, &mut path) {
            panic!("module cycle: {}", path.join(" -> "));
        }
    }
}
