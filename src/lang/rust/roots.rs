//! Rust source roots: each Cargo workspace member's `src/` and `tests/`, else the
//! package's own. Glob members (`crates/*`) are left to the walk over the checkout
//! (the view lists files, not directories).

use crate::lang::context::{join, RepoView};
use crate::lang::roots::{quoted_strings, SourceRoots};

pub fn source_roots(repo: &dyn RepoView) -> SourceRoots {
    let mut out = SourceRoots::default();
    let Some(text) = repo.read("Cargo.toml") else {
        return out;
    };
    let mut members: Vec<String> = Vec::new();
    if let Some(i) = text.find("members") {
        let rest = &text[i..];
        let end = rest.find(']').unwrap_or(rest.len());
        members.extend(
            quoted_strings(&rest[..end])
                .into_iter()
                .filter(|m| !m.contains('*')),
        );
    }
    if text.contains("[package]") {
        members.push(String::new());
    }
    for m in members {
        out.add("", &join(&m, "src"), false);
        out.add("", &join(&m, "tests"), true);
    }
    out
}
