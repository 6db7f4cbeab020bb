//! A sample repository with the fake model (and, when asked, the fake GitHub) around
//! it, as uv's `TestContext`: `run` runs the real binary on the sample's own CI log,
//! `run_remote` on the failed run the fake GitHub serves, and each hands back the typed
//! [`Report`] it wrote and what each fake received, so tests compare values and
//! snapshots, not `r["status"]` lookups and greps of prose.

use super::fake_github::{FakeGithub, Recorded, FAILED_JOB_ID, REPO, RUN_ID};
use super::fake_openai::{FakeOpenAi, RecordedRequest, Reply};
use super::harness::{git, Output, Test};
use self_heal::report::Report;
use serde_json::{json, Value};
use std::path::Path;
use std::path::PathBuf;

/// The model key every context uses; tests assert it never leaves the process.
pub const KEY: &str = "sk-test-key-0123456789";
/// The GitHub token of remote runs; tests assert it reaches only the API.
pub const TOKEN: &str = "ghs_contextToken0123456789abcdef";

pub struct TestContext {
    pub test: Test,
    pub model: FakeOpenAi,
    /// Started by [`TestContext::with_github`].
    pub github: Option<FakeGithub>,
}

/// One `self-heal run`: the process's output, the report it wrote, and what the fake
/// servers received while it ran.
pub struct Run {
    pub output: Output,
    pub report: Report,
    /// The model requests of this run, in order.
    pub model_requests: Vec<RecordedRequest>,
    /// The GitHub API and log-host requests of this run, in order (none without a
    /// fake GitHub).
    pub github_requests: Vec<Recorded>,
    /// Literal text masked in snapshots, and its stand-in.
    masks: Vec<(String, &'static str)>,
}

impl TestContext {
    /// A git copy of `sample_projects/<sample>` and a fake model that answers `replies`
    /// in order.
    pub fn new(sample: &str, replies: impl IntoIterator<Item = Reply>) -> TestContext {
        TestContext {
            test: Test::with_sample(sample),
            model: FakeOpenAi::start(replies),
            github: None,
        }
    }

    /// Adds a fake GitHub whose run [`RUN_ID`] of [`REPO`] failed at the sample's
    /// commit on `main`, the failed job's log being the sample's own `ci.log`.
    pub fn with_github(mut self) -> TestContext {
        let github = FakeGithub::start();
        let repo = self.repo();
        let log = std::fs::read_to_string(repo.join("ci.log")).expect("the sample's ci.log");
        github.set_job_log(FAILED_JOB_ID, &log);
        let head = git(&repo, &["rev-parse", "HEAD"]).trim().to_string();
        github.patch_run(|run| {
            run["head_sha"] = json!(head);
            run["head_branch"] = json!("main");
        });
        self.github = Some(github);
        self
    }

    pub fn github(&self) -> &FakeGithub {
        self.github
            .as_ref()
            .expect("a fake GitHub: build the context with .with_github()")
    }

    pub fn repo(&self) -> PathBuf {
        self.test.repo()
    }

    /// `self-heal run --log <repo>/ci.log` in the repository with the fake model
    /// configured, plus `extra` flags.
    pub fn run(&self, extra: &[&str]) -> Run {
        let log = self.repo().join("ci.log");
        self.run_with(
            self.command()
                .args(["run", "--log"])
                .arg(log.to_string_lossy()),
            extra,
        )
    }

    /// `self-heal run --repo REPO --run-id RUN_ID` in the repository: the logs come
    /// from the fake GitHub (with [`TOKEN`]), the fix from the fake model.
    pub fn run_remote(&self, extra: &[&str]) -> Run {
        let github = self.github();
        let run_id = RUN_ID.to_string();
        self.run_with(
            self.command()
                .args(["run", "--repo", REPO, "--run-id", &run_id])
                .env("GITHUB_API_URL", &github.url)
                .env("GITHUB_TOKEN", TOKEN),
            extra,
        )
    }

    /// The binary in the repository, the model configured.
    fn command(&self) -> Test {
        Test::new()
            .current_dir(self.repo())
            .env("OPENAI_API_KEY", KEY)
    }

    fn run_with(&self, command: Test, extra: &[&str]) -> Run {
        let repo = self.repo();
        let report = self.test.path("report.json");
        let _ = std::fs::remove_file(&report);
        let asked = self.model.request_count();
        let fetched = self.github.as_ref().map_or(0, |g| g.requests().len());
        let output = command
            .arg("--workdir")
            .arg(repo.to_string_lossy())
            .arg("--report")
            .arg(report.to_string_lossy())
            .args(["--openai-base-url", &self.model.base_url()])
            .args(extra.iter().copied())
            .run();
        let mut run = Run::read(output, &report, self.test.dir.path());
        run.model_requests = self.model.requests().split_off(asked);
        if let Some(github) = &self.github {
            run.github_requests = github.requests().split_off(fetched);
            run.masks.push((github.url.clone(), "[github]"));
            run.masks.push((github.blob_url.clone(), "[github-logs]"));
        }
        run.masks.push((self.model.base_url(), "[model]"));
        run
    }
}

impl Run {
    /// A run made outside a context (as the Action runs it, under a memory cap): its
    /// output and the typed report at `report`, with `tmp` masked as `[tmp]`.
    pub fn read(output: Output, report: &Path, tmp: &Path) -> Run {
        let text = std::fs::read_to_string(report)
            .unwrap_or_else(|e| panic!("no report at {}: {e}\n{output:?}", report.display()));
        let report: Report = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("report.json is not a Report: {e}\n{text}"));
        Run {
            output,
            report,
            model_requests: Vec::new(),
            github_requests: Vec::new(),
            masks: vec![(tmp.to_string_lossy().into_owned(), "[tmp]")],
        }
    }

    /// Masks `text` as `by` in snapshots (a commit sha, a server's URL).
    pub fn mask(mut self, text: &str, by: &'static str) -> Run {
        self.masks.push((text.to_string(), by));
        self
    }

    /// The routes of the GitHub requests, in order (`get_run`, `job_logs`, ...).
    pub fn github_routes(&self) -> Vec<&str> {
        self.github_requests
            .iter()
            .map(|r| r.route.as_str())
            .collect()
    }

    /// What a snapshot holds: the exit code and the report, with what differs from
    /// run to run masked (temp dirs, fake servers' ports, durations; `timings` by the
    /// redaction).
    pub fn snapshot(&self) -> Value {
        let report = serde_json::to_value(&self.report).expect("a report serialises");
        self.masked(json!({ "exit": self.output.code, "report": report }))
    }

    /// The ending alone, masked like [`Run::snapshot`]: exit code, status, reason, and
    /// why the input was cut if it was. For tests whose contract is the one-line
    /// reason, not the whole report.
    pub fn outcome(&self) -> Value {
        let mut value = json!({
            "exit": self.output.code,
            "status": self.report.status,
            "reason": self.report.reason,
        });
        if !self.report.input_cut.is_empty() {
            value["input_cut"] = json!(self.report.input_cut);
        }
        self.masked(value)
    }

    fn masked(&self, mut value: Value) -> Value {
        let durations = regex::Regex::new(r"\b\d+(\.\d+)?s\b").expect("regex");
        let ports = regex::Regex::new(r"127\.0\.0\.1:\d+").expect("regex");
        let temps = regex::Regex::new(r"/tmp/\.tmp[A-Za-z0-9]+").expect("regex");
        mask_strings(&mut value, &|s| {
            let s = self
                .masks
                .iter()
                .fold(s.to_string(), |s, (text, by)| s.replace(text.as_str(), by));
            let s = temps.replace_all(&s, "[tmp]");
            let s = ports.replace_all(&s, "127.0.0.1:[port]");
            durations.replace_all(&s, "[t]").into_owned()
        });
        value
    }
}

/// The output and the report in full; of the requests (whole prompts) only their count
/// and routes, so a failed assertion's message stays readable.
impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Run")
            .field("output", &self.output)
            .field("report", &self.report)
            .field("model_requests", &self.model_requests.len())
            .field("github_routes", &self.github_routes())
            .finish()
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

/// An insta JSON snapshot of a [`Run`]'s ending: exit code, status, reason.
#[macro_export]
macro_rules! assert_outcome_snapshot {
    ($name:expr, $run:expr) => {
        insta::assert_json_snapshot!($name, $run.outcome())
    };
}
