//! File paths as CI prints them → paths relative to the repository.

use std::path::Path;

/// Strips the runner's checkout prefix: GitHub-hosted
/// (`/home/runner/work/<repo>/<repo>/`, macOS `/Users/runner/work/...`,
/// Windows `D:\a\<repo>\<repo>\`), container jobs (`/__w/<repo>/<repo>/`),
/// container actions (`/github/workspace/`) and Travis (`/home/travis/build/<o>/<r>/`).
pub fn normalize(path: &str) -> String {
    let p = path.trim();
    let p = p.strip_prefix("file://").unwrap_or(p);
    let unixy;
    let p = if p.contains('\\') && (p.as_bytes().get(1) == Some(&b':') || p.starts_with('\\')) {
        unixy = p.replace('\\', "/");
        unixy.as_str()
    } else {
        p
    };
    for (prefix, skip) in [
        ("/home/runner/work/", 2),
        ("/Users/runner/work/", 2),
        ("/__w/", 2),
        ("/home/travis/build/", 2),
        ("/github/workspace/", 0),
        ("/home/circleci/project/", 0),
    ] {
        if let Some(rest) = p.strip_prefix(prefix) {
            if let Some(r) = skip_components(rest, skip) {
                return r.to_string();
            }
        }
    }
    // Windows runners: `D:/a/<repo>/<repo>/...`.
    if p.len() > 5 && p.as_bytes()[1] == b':' && p[2..].starts_with("/a/") {
        if let Some(r) = skip_components(&p[5..], 2) {
            return r.to_string();
        }
    }
    p.strip_prefix("./").unwrap_or(p).to_string()
}

fn skip_components(s: &str, n: usize) -> Option<&str> {
    let mut rest = s;
    for _ in 0..n {
        let i = rest.find('/')?;
        rest = &rest[i + 1..];
    }
    (!rest.is_empty()).then_some(rest)
}

/// True for paths that are certainly not the project's own code: installed
/// packages, interpreters, toolchains, generated frames.
pub fn is_library(path: &str) -> bool {
    let p = path;
    p.starts_with('<')
        || p.contains("site-packages/")
        || p.contains("dist-packages/")
        || p.contains("/lib/python")
        || p.contains("node_modules/")
        || p.contains("/.cargo/registry/")
        || p.contains("/rustc/")
        || p.contains("/go/pkg/mod/")
        || p.starts_with("/usr/")
        || p.starts_with("/opt/")
        || p.contains("hostedtoolcache")
}

/// True when a normalised path plausibly lies in the checkout.
pub fn in_repo(path: &str) -> bool {
    !is_library(path) && !path.starts_with('/') && !path.starts_with("../") && !path.is_empty()
}

/// Whether `path` exists in `workdir` (directly, or as a suffix when the log
/// printed it relative to a sub-directory the test ran in).
pub fn exists_in(workdir: &Path, path: &str) -> bool {
    if path.starts_with('/') || path.split('/').any(|c| c == "..") {
        return false;
    }
    workdir.join(path).exists()
}

/// Files of a checkout by file name, to resolve paths that logs print
/// relative to a source root or a sub-directory (`com/acme/Calc.java`,
/// `src/x.test.ts` run from `web/`). Built once per analysis, on demand.
#[derive(Debug, Default)]
pub struct RepoIndex {
    by_name: std::collections::HashMap<String, Vec<String>>,
}

/// Most files indexed; a checkout larger than this resolves fewer paths.
const MAX_INDEXED: usize = 200_000;

impl RepoIndex {
    pub fn build(workdir: &Path) -> Self {
        let mut by_name: std::collections::HashMap<String, Vec<String>> = Default::default();
        let walker = ignore::WalkBuilder::new(workdir).hidden(true).build();
        for ent in walker.flatten().take(MAX_INDEXED) {
            if !ent.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let Ok(rel) = ent.path().strip_prefix(workdir) else {
                continue;
            };
            let rel = rel.to_string_lossy().replace('\\', "/");
            let name = rel.rsplit('/').next().unwrap_or(&rel).to_string();
            by_name.entry(name).or_default().push(rel);
        }
        for v in by_name.values_mut() {
            // Shortest first: the least nested match wins a tie.
            v.sort_by(|a, b| a.len().cmp(&b.len()).then(a.cmp(b)));
        }
        RepoIndex { by_name }
    }

    /// The checkout's file whose path ends with `path` (whole components).
    pub fn resolve(&self, path: &str) -> Option<&str> {
        let name = path.rsplit('/').next().unwrap_or(path);
        self.by_name
            .get(name)?
            .iter()
            .map(String::as_str)
            .find(|c| {
                *c == path || c.ends_with(path) && c.as_bytes()[c.len() - path.len() - 1] == b'/'
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_runner_prefixes() {
        assert_eq!(
            normalize("/home/runner/work/calc/calc/src/calc.py"),
            "src/calc.py"
        );
        assert_eq!(normalize("/github/workspace/src/calc.py"), "src/calc.py");
        assert_eq!(normalize("/home/travis/build/o/r/lib/x.rb"), "lib/x.rb");
        assert_eq!(normalize("/__w/r/r/pkg/a.go"), "pkg/a.go");
        assert_eq!(normalize(r"D:\a\r\r\src\x.py"), "src/x.py");
        assert_eq!(normalize("./tests/t.py"), "tests/t.py");
        assert_eq!(
            normalize("/usr/lib/python3.11/x.py"),
            "/usr/lib/python3.11/x.py"
        );
    }

    #[test]
    fn resolves_package_relative_paths() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("core/src/main/java/com/acme");
        std::fs::create_dir_all(&p).unwrap();
        std::fs::write(p.join("Calc.java"), "").unwrap();
        std::fs::write(dir.path().join("Calc.java"), "").unwrap();
        let idx = RepoIndex::build(dir.path());
        assert_eq!(
            idx.resolve("com/acme/Calc.java"),
            Some("core/src/main/java/com/acme/Calc.java")
        );
        assert_eq!(idx.resolve("Calc.java"), Some("Calc.java"));
        assert_eq!(idx.resolve("acme/Other.java"), None);
        assert_eq!(idx.resolve("me/Calc.java"), None, "whole components only");
    }

    #[test]
    fn library_paths_are_not_in_repo() {
        assert!(!in_repo(
            "/opt/hostedtoolcache/Python/3.9/x64/lib/python3.9/site-packages/a.py"
        ));
        assert!(!in_repo(".venv/lib/python3.11/site-packages/a.py"));
        assert!(!in_repo("<frozen importlib._bootstrap>"));
        assert!(in_repo("src/a.py"));
    }
}
