//! A sample repository with the fake model (and, when asked, the fake GitHub) around
//! it, as uv's `TestContext`: `run` runs the real binary on the sample's own CI log
//! and hands back the typed [`Report`] it wrote, so tests compare values and
//! snapshots, not `r["status"]` lookups and greps of prose.

use super::fake_openai::{FakeOpenAi, Reply};
use super::harness::{Output, Test};
use self_heal::report::Report;
use serde_json::Value;
use std::path::PathBuf;

/// The model key every context uses; tests assert it never leaves the process.
pub const KEY: &str = "sk-test-key-0123456789";

pub struct TestContext {
    pub test: Test,
    pub model: FakeOpenAi,
}

/// One `self-heal run`: the process's output and the report it wrote.
#[derive(Debug)]
pub struct Run {
    pub output: Output,
    pub report: Report,
    /// The temp dir the run happened in, masked as `[tmp]` in snapshots.
    tmp: PathBuf,
}

impl TestContext {
    /// A git copy of `sample_projects/<sample>` and a fake model that answers `replies`
    /// in order.
    pub fn new(sample: &str, replies: impl IntoIterator<Item = Reply>) -> TestContext {
        TestContext {
            test: Test::with_sample(sample),
            model: FakeOpenAi::start(replies),
        }
    }

    pub fn repo(&self) -> PathBuf {
        self.test.repo()
    }

    /// `self-heal run --log <repo>/ci.log` in the repository with the fake model
    /// configured, plus `extra` flags.
    pub fn run(&self, extra: &[&str]) -> Run {
        let repo = self.repo();
        let report = self.test.path("report.json");
        let output = Test::new()
            .current_dir(repo.clone())
            .args(["run", "--log"])
            .arg(repo.join("ci.log").to_string_lossy())
            .arg("--workdir")
            .arg(repo.to_string_lossy())
            .arg("--report")
            .arg(report.to_string_lossy())
            .args(["--openai-base-url", &self.model.base_url()])
            .args(extra.iter().copied())
            .env("OPENAI_API_KEY", KEY)
            .run();
        let text = std::fs::read_to_string(&report)
            .unwrap_or_else(|e| panic!("no report at {}: {e}\n{output:?}", report.display()));
        let report: Report = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("report.json is not a Report: {e}\n{text}"));
        Run {
            output,
            report,
            tmp: self.test.dir.path().to_path_buf(),
        }
    }
}

impl Run {
    /// What a snapshot holds: the exit code and the report, with what differs from
    /// run to run masked (the temp dir, durations; `timings` by the redaction).
    pub fn snapshot(&self) -> Value {
        let report = serde_json::to_value(&self.report).expect("a report serialises");
        let mut value = serde_json::json!({ "exit": self.output.code, "report": report });
        let tmp = self.tmp.to_string_lossy().into_owned();
        let durations = regex::Regex::new(r"\b\d+(\.\d+)?s\b").expect("regex");
        mask_strings(&mut value, &|s| {
            durations
                .replace_all(&s.replace(&tmp, "[tmp]"), "[t]")
                .into_owned()
        });
        value
    }
}

fn mask_strings(value: &mut Value, mask: &dyn Fn(&str) -> String) {
    match value {
        Value::String(s) => *s = mask(s),
        Value::Array(items) => items.iter_mut().for_each(|v| mask_strings(v, mask)),
        Value::Object(map) => map.values_mut().for_each(|v| mask_strings(v, mask)),
        _ => {}
    }
}

/// An insta JSON snapshot of a [`Run`], `timings` redacted.
#[macro_export]
macro_rules! assert_run_snapshot {
    ($name:expr, $run:expr) => {
        insta::assert_json_snapshot!($name, $run.snapshot(), {
            ".report.timings" => "[timings]",
            // The ranking has its own tests (tests/it/localization.rs, localize::).
            ".report.localization" => "[localization]",
        })
    };
}
