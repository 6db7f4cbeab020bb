//! JavaScript/TypeScript source roots: the directories of package.json's `main`,
//! `module`, `source` and string `exports`, and tsconfig's `rootDir` and `include`.

use crate::lang::context::{parent_dir, RepoView};
use crate::lang::roots::SourceRoots;
use serde_json::Value;

pub fn source_roots(repo: &dyn RepoView) -> SourceRoots {
    let mut out = SourceRoots::default();
    if let Some(pkg) = repo
        .read("package.json")
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
    {
        let mut entries: Vec<String> = ["main", "module", "source", "types"]
            .iter()
            .filter_map(|k| pkg.get(*k).and_then(Value::as_str).map(str::to_string))
            .collect();
        collect_strings(pkg.get("exports"), &mut entries);
        for e in entries {
            let dir = parent_dir(e.trim_start_matches("./"));
            // Build output is not where the code is written.
            if !dir.is_empty() && !matches!(dir, "dist" | "build" | "out" | "lib/cjs" | "lib/esm") {
                out.add("", dir, false);
            }
        }
    }
    for name in ["tsconfig.json", "jsconfig.json"] {
        // tsconfig allows comments and trailing commas: only the keys' strings matter.
        let Some(text) = repo.read(name) else {
            continue;
        };
        if let Some(dir) = string_after(&text, "\"rootDir\"") {
            out.add("", &dir, false);
        }
    }
    out
}

fn collect_strings(v: Option<&Value>, out: &mut Vec<String>) {
    match v {
        Some(Value::String(s)) => out.push(s.clone()),
        Some(Value::Object(m)) => m
            .values()
            .take(64)
            .for_each(|v| collect_strings(Some(v), out)),
        Some(Value::Array(a)) => a
            .iter()
            .take(64)
            .for_each(|v| collect_strings(Some(v), out)),
        _ => {}
    }
}

/// The string value after `key` (`"rootDir": "src"` → `src`).
fn string_after(text: &str, key: &str) -> Option<String> {
    let rest = &text[text.find(key)? + key.len()..];
    let rest = rest
        .trim_start()
        .strip_prefix(':')?
        .trim_start()
        .strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}
