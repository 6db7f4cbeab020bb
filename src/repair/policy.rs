//! Which paths a fix may touch.
//!
//! Paths come from a language model, so every rule here assumes hostile input:
//! the path is normalised lexically, then resolved through the symlinks that
//! exist on disk, and both forms must pass the protected-path and test-file
//! rules. A path that cannot be proven to stay inside the root is rejected.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use std::path::{Component, Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("{0}: path escapes the repository")]
    OutsideRepo(String),
    #[error("{0}: protected path (.git/, .github/workflows/ and secret files are never edited)")]
    Protected(String),
    #[error("{0}: not matched by allowed-paths")]
    NotAllowed(String),
    #[error("{0}: test files may not be edited (set allow-test-edits to permit)")]
    TestFile(String),
    #[error("invalid allowed-paths glob {0}: {1}")]
    BadGlob(String, String),
    #[error("{0}: absolute paths are not accepted; give the path relative to the repository root")]
    Absolute(String),
    #[error("{0:?}: not a file path relative to the repository root")]
    Invalid(String),
}

/// The path policy of docs/settings.md (`allowed-paths`, `allow-test-edits`).
#[derive(Debug, Clone)]
pub struct PathPolicy {
    allowed: Option<GlobSet>,
    allow_test_edits: bool,
}

/// File names (lower-cased) that hold credentials or keys: the one list for what
/// the model may neither read nor edit.
const SECRET_FILE_GLOBS: &[&str] = &[
    ".env",
    ".env.*",
    "*.env",
    "*.pem",
    "*.key",
    "*.p12",
    "*.pfx",
    "*.jks",
    "*.keystore",
    "*.kdbx",
    "*.gpg",
    "*.asc",
    "id_rsa*",
    "id_dsa*",
    "id_ecdsa*",
    "id_ed25519*",
    ".npmrc",
    ".pypirc",
    ".netrc",
    "_netrc",
    ".htpasswd",
    ".git-credentials",
    ".dockercfg",
    "credentials*",
    "secrets.*",
    "*.secret",
    "*.secrets",
];

impl PathPolicy {
    /// `allowed` empty means every path (minus the protected ones).
    ///
    /// Globs match the normalised relative path with `**` semantics (`*` stays
    /// within one directory). A pattern without glob characters, or ending in
    /// `/`, also covers everything below it, so `src` and `src/` mean `src/**`.
    pub fn new(allowed: &[String], allow_test_edits: bool) -> Result<Self, PolicyError> {
        let mut patterns = allowed
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .peekable();
        if patterns.peek().is_none() {
            return Ok(PathPolicy {
                allowed: None,
                allow_test_edits,
            });
        }
        let mut set = GlobSetBuilder::new();
        for raw in patterns {
            let pat = raw.replace('\\', "/");
            let pat = pat.trim_start_matches("./");
            let base = pat.trim_end_matches('/');
            let mut variants = vec![base.to_string()];
            if pat.ends_with('/') || !base.contains(['*', '?', '[', '{']) {
                variants.push(format!("{base}/**"));
            }
            for v in variants {
                let glob = GlobBuilder::new(&v)
                    .literal_separator(true)
                    .build()
                    .map_err(|e| PolicyError::BadGlob(raw.to_string(), e.kind().to_string()))?;
                set.add(glob);
            }
        }
        let set = set
            .build()
            .map_err(|e| PolicyError::BadGlob(allowed.join(","), e.to_string()))?;
        Ok(PathPolicy {
            allowed: Some(set),
            allow_test_edits,
        })
    }

    /// Checks `rel` (as the model wrote it) and returns the absolute path under `root`.
    pub fn check(&self, root: &Path, rel: &str) -> Result<PathBuf, PolicyError> {
        let norm = normalize(rel)?;
        self.check_rules(rel, &norm)?;

        // The lexical path may still leave the root through a symlink: resolve the
        // longest existing ancestor and compare canonical forms.
        let canon_root = root
            .canonicalize()
            .map_err(|_| PolicyError::OutsideRepo(rel.to_string()))?;
        let resolved = resolve_existing(&canon_root, &norm)
            .ok_or_else(|| PolicyError::OutsideRepo(rel.to_string()))?;
        let inner = resolved
            .strip_prefix(&canon_root)
            .map_err(|_| PolicyError::OutsideRepo(rel.to_string()))?;
        let inner = inner
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        if inner.is_empty() {
            return Err(PolicyError::Invalid(rel.to_string()));
        }
        if inner != norm {
            // A symlink inside the tree may point at a protected path or a test file.
            self.check_rules(rel, &inner)?;
        }
        Ok(root.join(&norm))
    }

    fn check_rules(&self, rel: &str, norm: &str) -> Result<(), PolicyError> {
        if is_protected(norm) {
            return Err(PolicyError::Protected(rel.to_string()));
        }
        if let Some(set) = &self.allowed {
            if !set.is_match(norm) {
                return Err(PolicyError::NotAllowed(rel.to_string()));
            }
        }
        if !self.allow_test_edits && is_test_file(norm) {
            return Err(PolicyError::TestFile(rel.to_string()));
        }
        Ok(())
    }
}

/// The lexical normal form of a relative path: `/` separators, no `.`, `..`
/// resolved (never above the root), no leading `./`.
pub fn normalize(rel: &str) -> Result<String, PolicyError> {
    let raw = rel.trim();
    if raw.is_empty() || raw.contains('\0') {
        return Err(PolicyError::Invalid(rel.to_string()));
    }
    let s = raw.replace('\\', "/");
    let bytes = s.as_bytes();
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    if s.starts_with('/') || s.starts_with('~') || drive {
        return Err(PolicyError::Absolute(rel.to_string()));
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in s.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(PolicyError::OutsideRepo(rel.to_string()));
                }
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() || s.ends_with('/') {
        return Err(PolicyError::Invalid(rel.to_string()));
    }
    Ok(parts.join("/"))
}

/// Resolves `root/norm` through the symlinks of its existing ancestors.
/// None when a link cannot be resolved (dangling, loop) or leaves `root`.
fn resolve_existing(canon_root: &Path, norm: &str) -> Option<PathBuf> {
    let full = canon_root.join(norm);
    let mut existing = full.as_path();
    let mut rest: Vec<Component> = Vec::new();
    loop {
        if std::fs::symlink_metadata(existing).is_ok() {
            break;
        }
        let name = existing.file_name()?;
        rest.push(Component::Normal(name));
        existing = existing.parent()?;
    }
    let mut resolved = existing.canonicalize().ok()?;
    for c in rest.iter().rev() {
        resolved.push(c.as_os_str());
    }
    resolved.starts_with(canon_root).then_some(resolved)
}

/// `.git/` at any depth, `.github/workflows/`, `.self-heal/` and credential files.
pub fn is_protected(norm: &str) -> bool {
    let lower = norm.to_ascii_lowercase();
    let parts: Vec<&str> = lower.split('/').collect();
    if parts.iter().any(|p| *p == ".git" || *p == ".self-heal") {
        return true;
    }
    if parts
        .windows(2)
        .any(|w| w[0] == ".github" && w[1] == "workflows")
    {
        return true;
    }
    is_secret_file(&lower)
}

/// A file whose name says it holds credentials or keys ([`SECRET_FILE_GLOBS`]):
/// never edited, and never shown to the model (`context.rs` asks here too).
pub fn is_secret_file(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    SECRET_FILE_GLOBS.iter().any(|g| glob_name_match(g, name))
}

/// A minimal `*`-only matcher for file names: the protected list is fixed and
/// simple, and this keeps the check free of fallible glob compilation.
fn glob_name_match(pattern: &str, name: &str) -> bool {
    let segs: Vec<&str> = pattern.split('*').collect();
    if segs.len() == 1 {
        return pattern == name;
    }
    let (first, last) = (segs[0], segs[segs.len() - 1]);
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut pos = first.len();
    let end = name.len() - last.len();
    for mid in &segs[1..segs.len() - 1] {
        match name[pos..end].find(mid) {
            Some(i) => pos += i + mid.len(),
            None => return false,
        }
    }
    true
}

/// Test files by the conventions of every ecosystem (see [`crate::lang::is_test_path`]).
pub fn is_test_file(norm: &str) -> bool {
    crate::lang::is_test_path(norm)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parts() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(vec!["a", "b.py", "..", ".", "", ".git", "src", "~", "C:"]),
            1..8,
        )
        .prop_flat_map(|v| {
            (Just(v), prop::sample::select(vec!["/", "\\"])).prop_map(|(v, sep)| v.join(sep))
        })
    }

    proptest! {
        #[test]
        fn normalised_paths_never_climb_or_root(rel in parts()) {
            if let Ok(n) = normalize(&rel) {
                prop_assert!(!n.starts_with('/'));
                prop_assert!(n.split('/').all(|p| !p.is_empty() && p != "." && p != ".."));
            }
        }

        #[test]
        fn accepted_paths_stay_under_root(rel in parts()) {
            let dir = tempfile::tempdir().expect("tempdir");
            let policy = PathPolicy::new(&[], true).expect("policy");
            if let Ok(p) = policy.check(dir.path(), &rel) {
                prop_assert!(p.starts_with(dir.path()));
                prop_assert!(!p.components().any(|c| c.as_os_str() == ".git"));
            }
        }
    }

    #[test]
    fn name_globs() {
        assert!(glob_name_match("id_rsa*", "id_rsa.pub"));
        assert!(glob_name_match("*.pem", "a.pem"));
        assert!(!glob_name_match("*.pem", "pem"));
        assert!(glob_name_match(".env.*", ".env.local"));
        assert!(!glob_name_match(".env.*", ".envrc"));
        assert!(glob_name_match("a*b*c", "axxbyyc"));
        assert!(!glob_name_match("a*b*c", "acb"));
    }
}
