//! The names visible at a point of a file, asked of the project's own Python through
//! the embedded `scopes.py` (with a timeout), else read by [`super::scan`].

use super::scan;
use crate::repair::context::{read_repo_file, RepoFile};
use regex::Regex;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Names visible at a point of a Python file.
#[derive(Debug, Default)]
pub(super) struct Scope {
    pub(super) locals: Vec<String>,
    pub(super) globals: Vec<String>,
    pub(super) builtins: Vec<String>,
    pub(super) self_attrs: Option<Vec<String>>,
}

/// Where names come from: the embedded `ast` script when an interpreter is there, else a
/// text scan that understands the common shapes (defs, classes, assignments, imports).
pub(super) struct Names<'a> {
    pub(super) root: &'a Path,
    pub(super) python: Option<&'a Path>,
    pub(super) timeout: Duration,
}

const SCOPES_PY: &str = include_str!("scopes.py");

fn strings(v: Option<&serde_json::Value>) -> Option<Vec<String>> {
    v?.as_array()?
        .iter()
        .map(|x| x.as_str().map(str::to_string))
        .collect()
}

impl Names<'_> {
    /// Runs the embedded script; any failure (no interpreter, timeout, bad output) is None.
    fn run(&self, args: &[&str]) -> Option<serde_json::Value> {
        let python = self.python?;
        // -I: no user site, no PYTHON* variables, no script directory on sys.path; and
        // the validation environment, so no credential reaches the interpreter.
        let mut child = Command::new(python)
            .arg("-I")
            .arg("-c")
            .arg(SCOPES_PY)
            .args(args)
            .env_clear()
            .envs(crate::validate::scrubbed_env())
            .current_dir(self.root)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let mut stdout = child.stdout.take()?;
        let reader = std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = stdout.read_to_end(&mut buf);
            buf
        });
        let deadline = Instant::now() + self.timeout;
        loop {
            match child.try_wait() {
                Ok(Some(_)) => break,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10))
                }
                _ => {
                    let _ = child.kill();
                    let _ = child.wait();
                    tracing::warn!("python name lookup timed out or failed: {args:?}");
                    return None;
                }
            }
        }
        let out = reader.join().ok()?;
        let v: serde_json::Value = serde_json::from_slice(&out).ok()?;
        if let Some(e) = v.get("error") {
            tracing::debug!("python name lookup: {e}");
            return None;
        }
        Some(v)
    }

    fn abs(&self, file: &RepoFile) -> String {
        self.root.join(&file.rel).to_string_lossy().into_owned()
    }

    pub(super) fn scope(&self, file: &RepoFile, line: usize) -> Scope {
        if let Some(v) = self.run(&["scope", &self.abs(file), &line.to_string()]) {
            if let (Some(locals), Some(globals), Some(builtins)) = (
                strings(v.get("locals")),
                strings(v.get("globals")),
                strings(v.get("builtins")),
            ) {
                return Scope {
                    locals,
                    globals,
                    builtins,
                    self_attrs: strings(v.get("self_attrs")),
                };
            }
        }
        scan::scope(&file.text, line)
    }

    pub(super) fn module_names(&self, file: &RepoFile) -> Option<Vec<String>> {
        if let Some(v) = self.run(&["names", &self.abs(file)]) {
            return strings(v.get("names"));
        }
        Some(scan::module_names(&file.text))
    }

    /// `dir()` of a standard-library module; any other module is never imported (its
    /// name comes from the CI log, and importing runs its code before any approval).
    pub(super) fn installed_module_names(&self, module: &str) -> Option<Vec<String>> {
        strings(self.run(&["dir", module])?.get("names"))
    }

    /// Attributes of class `ty`: defined in the failing file, else in exactly one repository
    /// file, else a builtin type (`list`, `str`, `dict`...) as the interpreter knows it.
    pub(super) fn class_attrs(&self, here: &RepoFile, ty: &str) -> Option<Vec<String>> {
        self.repo_class_attrs(here, ty)
            .or_else(|| strings(self.run(&["builtin_type", ty])?.get("names")))
    }

    fn repo_class_attrs(&self, here: &RepoFile, ty: &str) -> Option<Vec<String>> {
        let re = Regex::new(&format!(r"(?m)^\s*class\s+{}\b", regex::escape(ty))).ok()?;
        let file = if re.is_match(&here.text) {
            here.clone()
        } else {
            let mut found = Vec::new();
            let walk = ignore::WalkBuilder::new(self.root).build();
            for entry in walk.flatten().take(20_000) {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "py") {
                    let rel = path
                        .strip_prefix(self.root)
                        .ok()?
                        .to_string_lossy()
                        .replace('\\', "/");
                    if let Some(f) = read_repo_file(self.root, &rel) {
                        if re.is_match(&f.text) {
                            found.push(f);
                        }
                    }
                }
                if found.len() > 1 {
                    return None; // ambiguous: which class is it?
                }
            }
            found.pop()?
        };
        if let Some(v) = self.run(&["class", &self.abs(&file), ty]) {
            if v.get("found").and_then(|f| f.as_bool()) == Some(true) {
                return strings(v.get("attrs"));
            }
            return None;
        }
        scan::class_attrs(&file.text, ty)
    }
}
