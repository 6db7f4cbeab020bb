//! Python's source roots: the package directories pyproject.toml or setup.cfg name
//! (setuptools' `where`/`package-dir`, poetry's `from`, hatch's `packages`), and
//! pytest's `testpaths`.

use crate::lang::context::RepoView;
use crate::lang::roots::{quoted_strings, SourceRoots};

pub fn source_roots(repo: &dyn RepoView) -> SourceRoots {
    let mut out = SourceRoots::default();
    for file in ["pyproject.toml", "setup.cfg", "pytest.ini", "tox.ini"] {
        let Some(text) = repo.read(file) else {
            continue;
        };
        for line in text.lines() {
            let l = line.trim();
            let Some((key, value)) = l.split_once('=') else {
                continue;
            };
            let key = key.trim().trim_matches('"');
            let value = value.trim();
            let values = if value.contains('"') || value.contains('\'') {
                quoted_strings(value)
            } else {
                value.split_whitespace().map(str::to_string).collect()
            };
            match key {
                "where" | "from" => values.iter().for_each(|v| out.add("", v, false)),
                // `package-dir = {"" = "src"}` and setup.cfg's `package_dir = =src`.
                "package-dir" | "package_dir" => values
                    .iter()
                    .filter(|v| !v.is_empty())
                    .for_each(|v| out.add("", v.trim_start_matches('='), false)),
                "testpaths" => values.iter().for_each(|v| out.add("", v, true)),
                _ => {}
            }
            // poetry: `packages = [{ include = "x", from = "src" }]`.
            if key == "packages" && value.contains("from") {
                if let Some(i) = value.find("from") {
                    if let Some(v) = quoted_strings(&value[i..]).first() {
                        out.add("", v, false);
                    }
                }
            }
        }
    }
    out
}
