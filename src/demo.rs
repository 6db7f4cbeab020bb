//! `self-heal demo`: the loop on an embedded failing sample in a temp dir.
//!
//! The samples are real projects from `sample_projects/`, compiled in so the demo needs
//! no checkout: `demo-name-error` is repaired by the deterministic recipe (no key at all);
//! `py-logic-error` needs a model and runs only when one is configured.

use std::path::Path;

pub struct DemoSample {
    pub name: &'static str,
    /// Only a model can fix it.
    pub needs_model: bool,
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
        files: &[
            sample_file!("demo-name-error", "calc.py"),
            sample_file!("demo-name-error", "pytest.ini"),
            sample_file!("demo-name-error", "tests/test_calc.py"),
            sample_file!("demo-name-error", "ci.log"),
        ],
    },
    DemoSample {
        name: "py-logic-error",
        needs_model: true,
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
