//! `.self-heal/memory.json`: failure fingerprint → outcome and accepted fix.
//!
//! The fingerprint must survive the churn between two CI runs of the same bug: line
//! numbers shift, temp paths and object addresses change, the values in an assertion
//! differ. So it keeps only what identifies the failure (kind, test, file) and the
//! message with every number, hex value, quoted value and absolute path blanked out.

use super::edits::Edit;
use crate::analyze::{Analysis, Failure};
use regex::Regex;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryEntry {
    pub fingerprint: String,
    /// Report status of the run that recorded it.
    pub outcome: String,
    pub diagnosis: String,
    pub edits: Vec<Edit>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Memory {
    pub entries: Vec<MemoryEntry>,
}

const DIR: &str = ".self-heal";
const FILE: &str = "memory.json";
/// Caps each search/replace text in a hint so one huge earlier edit can't eat the prompt.
const HINT_TEXT_CAP: usize = 2000;

fn normaliser() -> &'static [(Regex, &'static str)] {
    static RULES: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    RULES.get_or_init(|| {
        // Order matters: quoted values and paths first (they may contain digits), then hex
        // before plain numbers so `0x7f3a` doesn't become `Nx7f3a`.
        let rules: [(&str, &'static str); 6] = [
            (r#"'(?:[^'\\]|\\.)*'"#, "'_'"),
            (r#""(?:[^"\\]|\\.)*""#, "\"_\""),
            (r#"(?:[A-Za-z]:\\|/)[^\s'"():,]*"#, "<path>"),
            (r"\b0[xX][0-9a-fA-F]+\b", "<hex>"),
            (r"\b[0-9a-fA-F]{8,}\b", "<hex>"),
            (r"\d+(?:\.\d+)?", "<n>"),
        ];
        rules
            .iter()
            .filter_map(|(re, to)| Regex::new(re).ok().map(|r| (r, *to)))
            .collect()
    })
}

/// The message with the parts that change from run to run blanked out.
pub fn normalise_message(message: &str) -> String {
    let mut text = message.trim().to_string();
    for (re, to) in normaliser() {
        text = re.replace_all(&text, *to).into_owned();
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn failure_key(f: &Failure) -> String {
    format!(
        "{}\u{1f}{}\u{1f}{}\u{1f}{}",
        f.kind.as_str(),
        f.test.as_deref().unwrap_or(""),
        f.file.as_deref().unwrap_or(""),
        normalise_message(&f.message)
    )
}

/// A stable fingerprint of a failure set (kinds, tests, files, normalised messages).
/// Line numbers are left out on purpose: an unrelated edit above the bug moves them.
pub fn fingerprint(analysis: &Analysis) -> String {
    let mut keys: Vec<String> = analysis.failures.iter().map(failure_key).collect();
    keys.sort();
    keys.dedup();
    let mut hasher = Sha256::new();
    for key in &keys {
        hasher.update(key.as_bytes());
        hasher.update(b"\n");
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn memory_dir(workdir: &Path) -> PathBuf {
    workdir.join(DIR)
}

/// `.self-heal` must be a real directory in the checkout: a symlink planted by a
/// repository could point our writes anywhere.
fn dir_is_symlink(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir)
        .map(|m| m.file_type().is_symlink())
        .unwrap_or(false)
}

/// Moves a corrupt memory file aside so the next save doesn't silently destroy it.
fn quarantine(path: &Path) -> Option<PathBuf> {
    for n in 0..100 {
        let name = if n == 0 {
            format!("{FILE}.corrupt")
        } else {
            format!("{FILE}.corrupt.{n}")
        };
        let target = path.with_file_name(name);
        if !target.exists() {
            return std::fs::rename(path, &target).ok().map(|_| target);
        }
    }
    None
}

impl Memory {
    /// Loads `.self-heal/memory.json` under `workdir`; missing or unreadable → empty.
    /// A file that isn't valid memory JSON is renamed to `memory.json.corrupt` (so a later
    /// save can't overwrite it unnoticed) and an empty memory is returned.
    pub fn load(workdir: &Path) -> Memory {
        let dir = memory_dir(workdir);
        if dir_is_symlink(&dir) {
            tracing::warn!("{}: is a symlink; memory ignored", dir.display());
            return Memory::default();
        }
        let path = dir.join(FILE);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                if e.kind() != std::io::ErrorKind::NotFound {
                    tracing::warn!("{}: {e}; starting with an empty memory", path.display());
                }
                return Memory::default();
            }
        };
        match serde_json::from_slice::<Memory>(&bytes) {
            Ok(m) => m,
            Err(e) => {
                let moved = quarantine(&path);
                tracing::warn!(
                    "{}: not valid memory JSON ({e}); moved to {}",
                    path.display(),
                    moved
                        .as_deref()
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|| "nowhere (rename failed)".into())
                );
                Memory::default()
            }
        }
    }

    pub fn lookup(&self, fingerprint: &str) -> Option<&MemoryEntry> {
        self.entries.iter().find(|e| e.fingerprint == fingerprint)
    }

    /// Adds `entry`, replacing any earlier entry with the same fingerprint.
    pub fn record(&mut self, entry: MemoryEntry) {
        self.entries.retain(|e| e.fingerprint != entry.fingerprint);
        self.entries.push(entry);
    }

    /// Writes atomically, creating `.self-heal/.gitignore` with `*`.
    pub fn save(&self, workdir: &Path) -> std::io::Result<()> {
        let dir = memory_dir(workdir);
        if dir_is_symlink(&dir) {
            return Err(std::io::Error::other(format!(
                "{}: is a symlink; refusing to write memory through it",
                dir.display()
            )));
        }
        crate::fsutil::ensure_state_dir(&dir)?;
        let json = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        crate::fsutil::write_atomic(&dir.join(FILE), &json)
    }
}

fn cap(text: &str) -> String {
    if text.len() <= HINT_TEXT_CAP {
        return text.to_string();
    }
    let mut end = 0;
    for (i, line) in text.split_inclusive('\n').scan(0, |pos, l| {
        let start = *pos;
        *pos += l.len();
        Some((start, l))
    }) {
        if i + line.len() > HINT_TEXT_CAP {
            break;
        }
        end = i + line.len();
    }
    let rest = text[end..].lines().count();
    format!("{}... ({rest} more lines)\n", &text[..end])
}

/// The earlier fix of the same failure, phrased for the prompt.
pub fn hint(entry: &MemoryEntry) -> String {
    let mut out = format!(
        "An earlier self-heal run met this same failure (outcome: {}).\nIts diagnosis: {}\n",
        entry.outcome,
        entry.diagnosis.trim()
    );
    if entry.edits.is_empty() {
        out.push_str("It made no edits.\n");
        return out;
    }
    out.push_str("Its edits:\n");
    for edit in &entry.edits {
        out.push_str(&format!("- path: {}\n  search:\n", edit.path));
        for line in cap(&edit.search).lines() {
            out.push_str(&format!("    {line}\n"));
        }
        out.push_str("  replace:\n");
        for line in cap(&edit.replace).lines() {
            out.push_str(&format!("    {line}\n"));
        }
    }
    out.push_str(
        "The code may have changed since; reuse this fix only if it still fits the current source.\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::FailureKind;

    fn failure(test: &str, line: u32, message: &str) -> Failure {
        Failure {
            kind: FailureKind::TestFailure,
            tool: "pytest".into(),
            test: Some(test.into()),
            file: Some("calc/core.py".into()),
            line: Some(line),
            message: message.into(),
            ..Default::default()
        }
    }

    fn analysis(failures: Vec<Failure>) -> Analysis {
        Analysis {
            failures,
            ..Analysis::default()
        }
    }

    #[test]
    fn normalises_numbers_hex_quotes_and_paths() {
        assert_eq!(
            normalise_message("AssertionError: assert 41 == 42"),
            "AssertionError: assert <n> == <n>"
        );
        assert_eq!(
            normalise_message("<Foo object at 0x7f3a2b1c> is not 'bar'"),
            "<Foo object at <hex>> is not '_'"
        );
        assert_eq!(
            normalise_message(
                "cannot import name 'ad' from 'calc.core' (/tmp/abc123/calc/core.py)"
            ),
            "cannot import name '_' from '_' (<path>)"
        );
    }

    #[test]
    fn fingerprint_ignores_line_numbers_order_and_values() {
        let a = analysis(vec![
            failure("t.py::a", 7, "NameError: name 'totl' is not defined"),
            failure("t.py::b", 9, "AssertionError: assert 3 == 4"),
        ]);
        let b = analysis(vec![
            failure("t.py::b", 19, "AssertionError: assert 5 == 4"),
            failure("t.py::a", 12, "NameError: name 'totl' is not defined"),
        ]);
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_eq!(fingerprint(&a).len(), 64);
        let c = analysis(vec![failure(
            "t.py::c",
            7,
            "NameError: name 'totl' is not defined",
        )]);
        assert_ne!(fingerprint(&a), fingerprint(&c));
        let d = analysis(vec![failure(
            "t.py::a",
            7,
            "TypeError: unsupported operand",
        )]);
        let e = analysis(vec![failure(
            "t.py::a",
            7,
            "NameError: name 'totl' is not defined",
        )]);
        assert_ne!(fingerprint(&d), fingerprint(&e));
    }

    #[test]
    fn record_replaces_same_fingerprint() {
        let mut m = Memory::default();
        let entry = |outcome: &str| MemoryEntry {
            fingerprint: "f1".into(),
            outcome: outcome.into(),
            diagnosis: "d".into(),
            edits: vec![],
        };
        m.record(entry("not_fixed"));
        m.record(entry("fixed"));
        assert_eq!(m.entries.len(), 1);
        assert_eq!(m.lookup("f1").map(|e| e.outcome.as_str()), Some("fixed"));
        assert!(m.lookup("f2").is_none());
    }

    #[test]
    fn hint_shows_diagnosis_and_edits_and_caps_text() {
        let entry = MemoryEntry {
            fingerprint: "f".into(),
            outcome: "fixed".into(),
            diagnosis: "typo in total".into(),
            edits: vec![Edit {
                path: "calc/core.py".into(),
                search: "    return totl\n".into(),
                replace: "x = 1\n".repeat(1000),
            }],
        };
        let h = hint(&entry);
        assert!(h.contains("outcome: fixed"));
        assert!(h.contains("typo in total"));
        assert!(h.contains("calc/core.py"));
        assert!(h.contains("return totl"));
        assert!(h.contains("more lines)"));
        assert!(h.len() < 6000, "hint not capped: {} bytes", h.len());
    }

    fn sample_entry(fp: &str) -> MemoryEntry {
        MemoryEntry {
            fingerprint: fp.into(),
            outcome: "fixed".into(),
            diagnosis: "typo".into(),
            edits: vec![Edit {
                path: "calc/core.py".into(),
                search: "return totl".into(),
                replace: "return total".into(),
            }],
        }
    }

    #[test]
    fn save_then_load_roundtrips_and_ignores_itself() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(Memory::load(dir.path()), Memory::default());
        let mut m = Memory::default();
        m.record(sample_entry("a"));
        m.record(sample_entry("b"));
        m.save(dir.path()).expect("save");
        let ignore =
            std::fs::read_to_string(dir.path().join(".self-heal/.gitignore")).expect("gitignore");
        assert_eq!(ignore.trim(), "*");
        let loaded = Memory::load(dir.path());
        assert_eq!(loaded, m);
        assert_eq!(loaded.lookup("b"), Some(&sample_entry("b")));
    }

    #[test]
    fn corrupt_file_is_moved_aside_not_overwritten() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mem_dir = dir.path().join(".self-heal");
        std::fs::create_dir_all(&mem_dir).expect("mkdir");
        std::fs::write(mem_dir.join("memory.json"), b"{ not json").expect("write");
        let m = Memory::load(dir.path());
        assert!(m.entries.is_empty());
        let kept = std::fs::read(mem_dir.join("memory.json.corrupt")).expect("corrupt copy kept");
        assert_eq!(kept, b"{ not json");
        assert!(!mem_dir.join("memory.json").exists());
        // A second corrupt file gets its own name instead of replacing the first copy.
        std::fs::write(mem_dir.join("memory.json"), b"[1,2]").expect("write");
        Memory::load(dir.path());
        assert_eq!(
            std::fs::read(mem_dir.join("memory.json.corrupt.1")).expect("second copy"),
            b"[1,2]"
        );
        let mut m = Memory::default();
        m.record(sample_entry("x"));
        m.save(dir.path()).expect("save");
        assert_eq!(Memory::load(dir.path()), m);
    }

    #[cfg(unix)]
    #[test]
    fn symlinked_memory_dir_is_not_written_through() {
        let dir = tempfile::tempdir().expect("tempdir");
        let outside = tempfile::tempdir().expect("tempdir");
        std::os::unix::fs::symlink(outside.path(), dir.path().join(".self-heal")).expect("symlink");
        let mut m = Memory::default();
        m.record(sample_entry("x"));
        assert!(m.save(dir.path()).is_err());
        assert!(!outside.path().join("memory.json").exists());
    }
}
