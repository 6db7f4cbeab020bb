//! `self-heal demo`: the loop on an embedded failing sample in a temp dir.
//!
//! The samples are real projects from `sample_projects/`, compiled in so the demo needs
//! no checkout: `demo-name-error` (Python) and `go-undefined` (Go) are repaired by
//! deterministic recipes (no key at all), the Go one only where `go` is on PATH;
//! `py-logic-error` needs a model and runs only when one is configured.

use crate::config::{Config, ConfigError, Sources};
use std::collections::BTreeMap;
use std::path::Path;

/// Set (to anything but empty): the demo keeps its temp dirs, and shows where they are.
pub const KEEP_ENV: &str = "SELF_HEAL_DEMO_KEEP";

/// Whether the value of [`KEEP_ENV`] asks to keep the temp dirs.
pub fn keeps(value: &Option<String>) -> bool {
    value.as_deref().is_some_and(|v| !v.is_empty())
}

/// A sample written to a fresh temp dir with the configuration to repair it.
pub enum Prepared {
    Ready {
        dir: tempfile::TempDir,
        cfg: Box<Config>,
        /// What to show before the run: where the project is, what its log holds.
        intro: String,
    },
    /// The sample needs a model and none is configured.
    NeedsModel,
    /// The sample's toolchain (this program) is not on PATH.
    NeedsProgram(&'static str),
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("cannot write the demo sample: {0}")]
    Write(#[from] std::io::Error),
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// Writes `sample` to a temp dir and resolves the settings (`flags`, `env`) for a local
/// repair there: the sample's log, automatic approval, the working tree.
pub fn prepare(
    sample: &DemoSample,
    mut flags: BTreeMap<String, String>,
    env: BTreeMap<String, String>,
) -> Result<Prepared, DemoError> {
    // Nothing is written for a sample that cannot run here.
    if let Some(program) = sample.needs_program {
        let path = env.get("PATH").cloned().unwrap_or_default();
        if which::which_in(program, Some(path), ".").is_err() {
            return Ok(Prepared::NeedsProgram(program));
        }
    }
    let dir = tempfile::Builder::new()
        .prefix("self-heal-demo-")
        .tempdir()?;
    sample.write_to(dir.path())?;
    let workdir = dir.path().display().to_string();
    for (k, v) in [
        ("workdir", workdir.as_str()),
        ("log", "ci.log"),
        ("yes", "true"),
        ("publish", "none"),
        ("report", ".self-heal/report.json"),
        // A sample is files in a temp dir, not a checkout with a history: "what
        // changed" has nothing to compare with, and saying so is noise in the first
        // thing a new user runs.
        ("since", "none"),
    ] {
        flags.insert(k.to_string(), v.to_string());
    }
    let env_keep = env.get(KEEP_ENV).cloned();
    let cfg = Config::resolve(&Sources { flags, env }, dir.path())?;
    if sample.needs_model && cfg.llm.is_none() {
        return Ok(Prepared::NeedsModel);
    }
    let log = std::fs::read_to_string(dir.path().join("ci.log")).unwrap_or_default();
    let failed = crate::analyze::analyze_text(&log, &Default::default())
        .failures
        .len();
    // The temp dir goes at the end unless kept: never show a path that will not exist.
    let place = if keeps(&env_keep) {
        dir.path().display().to_string()
    } else {
        "a temp dir".to_string()
    };
    let intro = format!(
        "\n== {}: a failing project in {place}\nits CI log has {} lines, {failed} failure(s)",
        sample.name,
        log.lines().count()
    );
    Ok(Prepared::Ready {
        dir,
        cfg: Box::new(cfg),
        intro,
    })
}

pub struct DemoSample {
    pub name: &'static str,
    /// Only a model can fix it.
    pub needs_model: bool,
    /// The program its validation runs, skipped with a line when it is not on PATH.
    pub needs_program: Option<&'static str>,
    /// (relative path, content); `ci.log` is the failing CI log.
    pub files: &'static [(&'static str, &'static str)],
}

macro_rules! sample_file {
    ($sample:literal, $path:literal) => {
        (
            $path,
            include_str!(concat!("../sample_projects/", $sample, "/", $path)),
        )
    };
}

pub const SAMPLES: &[DemoSample] = &[
    DemoSample {
        name: "demo-name-error",
        needs_model: false,
        needs_program: None,
        files: &[
            sample_file!("demo-name-error", "calc.py"),
            sample_file!("demo-name-error", "pytest.ini"),
            sample_file!("demo-name-error", "tests/test_calc.py"),
            sample_file!("demo-name-error", "ci.log"),
        ],
    },
    DemoSample {
        name: "go-undefined",
        needs_model: false,
        needs_program: Some("go"),
        files: &[
            sample_file!("go-undefined", "go.mod"),
            sample_file!("go-undefined", "stats.go"),
            sample_file!("go-undefined", "ci.log"),
        ],
    },
    DemoSample {
        name: "py-logic-error",
        needs_model: true,
        needs_program: None,
        files: &[
            sample_file!("py-logic-error", "pager/__init__.py"),
            sample_file!("py-logic-error", "pager/core.py"),
            sample_file!("py-logic-error", "pyproject.toml"),
            sample_file!("py-logic-error", "tests/test_pager.py"),
            sample_file!("py-logic-error", "ci.log"),
        ],
    },
];

impl DemoSample {
    /// Writes the sample's files under `dir`.
    pub fn write_to(&self, dir: &Path) -> std::io::Result<()> {
        for (rel, content) in self.files {
            let path = dir.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, content)?;
        }
        Ok(())
    }
}
