//! Log input cut at a cap is never "nothing failed": a run-logs zip that inflates past
//! the 1 GiB cap on log input (given as a file, and served by the fake GitHub), a job
//! log served past the 256 MiB cap on a download, and endless standard input, each at
//! its real size through the real binary, whose memory is capped far below that. With no
//! failure in what was read the run is an `error` (exit 3) naming the cap and what was
//! read; with failures it goes on and the report says the input was cut.

use crate::support::context::Run;
use crate::support::fake_github::{
    self, FakeGithub, Reply, FAILED_JOB_ID, FAILED_JOB_NAME, REPO, RUN_ID,
};
use crate::support::fake_openai::FakeOpenAi;
use crate::support::harness::{git, Output, Test};
use crate::support::zip_bomb;
use self_heal::report::Status;
use serde_json::{json, Value};

/// The cap on log input read from files, zips and standard input: 1 GiB.
const INPUT_CAP: &str = "1073741824 bytes";
/// The cap on one downloaded log: 256 MiB.
const DOWNLOAD_CAP: u64 = 256 << 20;

/// CI lines that show no failure (the failure, if any, was in what was cut).
const QUIET_HEAD: &str =
    "##[group]Run python -m pytest -q\npython -m pytest -q\n##[endgroup]\ncollected 412 items\n";

#[test]
fn a_zip_entry_that_inflates_to_5_gib_is_cut_and_the_run_is_an_error_not_no_failures() {
    let t = Test::new();
    let zip = t.path("logs.zip");
    let declared = zip_bomb::write(&zip, "test/1_Run tests.txt", QUIET_HEAD, zip_bomb::FIVE_GIB);
    assert!(declared >= zip_bomb::FIVE_GIB - 4096, "{declared}");
    let compressed = std::fs::metadata(&zip).unwrap().len();
    assert!(compressed < 40 << 20, "{compressed}");
    let report = t.path("report.json");
    let out = Test::new()
        .current_dir(t.path(""))
        .args(["run", "--log", zip.to_str().unwrap(), "--dry-run", "--yes"])
        .args(["--report", report.to_str().unwrap()])
        .data_limit(MEMORY)
        .run();
    let run = Run::read(out, &report, t.dir.path());
    assert_eq!(run.report.status, Status::Error, "{run:?}");
    assert_eq!(run.report.input_cut.len(), 1, "{run:?}");
    // The reason names the input, the cap, what was read, and that it held no failure.
    crate::assert_outcome_snapshot!("zip-entry-past-the-input-cap", run);
    assert!(
        run.output.stdout.contains("status: error"),
        "the printed report: {}",
        run.output.stdout
    );

    // `analyze` does not pretend either: exit 3, one stderr line, and the cut in the JSON.
    let out = Test::new()
        .args(["analyze", "--json", zip.to_str().unwrap()])
        .run();
    assert_eq!(out.code, 3, "{out:?}");
    let analysis: Value = serde_json::from_str(&out.stdout).expect("the analysis is printed");
    assert_eq!(analysis["failures"], json!([]));
    let cut = analysis["input_cut"][0].as_str().unwrap_or_default();
    assert!(cut.contains(INPUT_CAP), "{analysis}");
    let error: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("self-heal: error:"))
        .collect();
    assert_eq!(error.len(), 1, "{}", out.stderr);
    assert!(error[0].contains("cut"), "{error:?}");
}

#[test]
fn endless_standard_input_is_cut_at_the_cap_and_the_run_is_an_error() {
    let t = Test::new();
    let report = t.path("report.json");
    let out = Test::new()
        .current_dir(t.path(""))
        .args(["run", "--log", "-", "--dry-run", "--yes"])
        .args(["--report", report.to_str().unwrap()])
        .endless_stdin(QUIET_HEAD)
        .data_limit(MEMORY)
        .run();
    let run = Run::read(out, &report, t.dir.path());
    assert_eq!(run.report.status, Status::Error, "{run:?}");
    crate::assert_outcome_snapshot!("endless-stdin-past-the-input-cap", run);
}

#[test]
fn with_a_failure_before_the_cut_the_run_goes_on_and_says_the_input_was_cut() {
    let t = Test::with_sample("py-name-error");
    let log = std::fs::read_to_string(t.repo().join("ci.log")).unwrap();
    let before = git(&t.repo(), &["status", "--porcelain"]);
    let report = t.path("report.json");
    let out = Test::new()
        .current_dir(t.repo())
        .args(["run", "--log", "-", "--dry-run", "--yes"])
        .args(["--report", report.to_str().unwrap()])
        .endless_stdin(&log)
        .run();
    let run = Run::read(out, &report, t.dir.path());
    assert_eq!(run.report.status, Status::Proposed, "{run:?}");
    assert_eq!(run.report.input_cut.len(), 1, "{run:?}");
    crate::assert_outcome_snapshot!("failure-before-the-input-cap", run);
    let out = run.output;
    let printed = out
        .stdout
        .lines()
        .find(|l| l.starts_with("input cut: "))
        .unwrap_or_else(|| panic!("the printed report says so:\n{}", out.stdout));
    assert!(printed.contains(INPUT_CAP), "{printed}");
    assert_eq!(git(&t.repo(), &["status", "--porcelain"]), before);
}

/// `self-heal run` as the Action runs it on a `workflow_run` event for the fake
/// GitHub's failed run, on `t`'s sample at the failed commit, with memory for the
/// binary capped at `data_limit`.
fn action_run(t: &Test, github: &FakeGithub, llm: &FakeOpenAi, data_limit: u64) -> Output {
    let repo = t.repo();
    let head = git(&repo, &["rev-parse", "HEAD"]).trim().to_string();
    let sha = head.clone();
    github.patch_run(|run| {
        run["head_sha"] = json!(sha);
        run["head_branch"] = json!("main");
    });
    let mut ev = fake_github::fixture_json("events/workflow_run.completed.json");
    ev["workflow_run"]["id"] = json!(RUN_ID);
    ev["workflow_run"]["conclusion"] = json!("failure");
    ev["workflow_run"]["head_branch"] = json!("main");
    ev["workflow_run"]["head_sha"] = json!(head);
    ev["repository"]["full_name"] = json!(REPO);
    let event = t.path("event.json");
    std::fs::write(&event, serde_json::to_vec_pretty(&ev).unwrap()).unwrap();
    std::fs::create_dir_all(t.path("runner_temp")).unwrap();
    Test::new()
        .current_dir(repo.clone())
        .arg("run")
        .data_limit(data_limit)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", "workflow_run")
        .env("GITHUB_EVENT_PATH", event.to_str().unwrap())
        .env("GITHUB_API_URL", &github.url)
        .env("GITHUB_REPOSITORY", REPO)
        .env("GITHUB_WORKSPACE", repo.to_str().unwrap())
        .env("RUNNER_TEMP", t.path("runner_temp").to_str().unwrap())
        .env("GITHUB_OUTPUT", t.path("output").to_str().unwrap())
        .env(
            "GITHUB_STEP_SUMMARY",
            t.path("summary.md").to_str().unwrap(),
        )
        .env("INPUT_GITHUB-TOKEN", "ghs_cutInputWorkflowToken0123456789")
        .env("INPUT_OPENAI-API-KEY", "sk-cut-input-key-0123456789")
        .env("INPUT_OPENAI-BASE-URL", llm.base_url())
        .env("INPUT_DRY-RUN", "true")
        .run()
}

/// Far below what holding a cut log would take (256 MiB downloaded, 1 GiB inflated).
const MEMORY: u64 = 192 << 20;

/// The `status` step output, written as `status<<DELIMITER`, the value, the delimiter.
fn status_output(t: &Test) -> Option<String> {
    let outputs = std::fs::read_to_string(t.path("output")).unwrap();
    outputs
        .lines()
        .skip_while(|l| !l.starts_with("status<<"))
        .nth(1)
        .map(str::to_string)
}

#[test]
fn a_job_log_served_past_the_download_cap_is_cut_and_the_run_is_an_error() {
    let t = Test::with_sample("py-logic-error");
    let github = FakeGithub::start();
    github.set_generated_job_log(FAILED_JOB_ID, QUIET_HEAD, DOWNLOAD_CAP + (4 << 20));
    let llm = FakeOpenAi::start([]);
    let out = action_run(&t, &github, &llm, MEMORY);
    let run = Run::read(
        out,
        &t.path("runner_temp/self-heal/report.json"),
        t.dir.path(),
    );
    assert_eq!(run.report.status, Status::Error, "{run:?}");
    // The reason names the cap and what was read.
    crate::assert_outcome_snapshot!("job-log-past-the-download-cap", run);
    assert_eq!(llm.request_count(), 0, "nothing to ask the model");
    assert_eq!(status_output(&t).as_deref(), Some("error"));
    let summary = std::fs::read_to_string(t.path("summary.md")).unwrap();
    assert!(
        summary.contains("## self-heal: error") && summary.contains("cap on a log download"),
        "{summary}"
    );
}

/// The run's logs zip served by the fake GitHub (the job logs gone) declares and
/// inflates to 5 GiB: it is streamed to disk and inflated up to the cap, never held.
#[test]
fn a_served_run_zip_that_inflates_to_5_gib_is_cut_and_the_run_is_an_error() {
    let t = Test::with_sample("py-logic-error");
    let zip = t.path("logs.zip");
    let entry = format!("{FAILED_JOB_NAME}/1_Run tests.txt");
    zip_bomb::write(&zip, &entry, QUIET_HEAD, zip_bomb::FIVE_GIB);
    let github = FakeGithub::start();
    github.inject("job_logs", Reply::status(410));
    github.set_run_zip(std::fs::read(&zip).unwrap());
    let llm = FakeOpenAi::start([]);
    let out = action_run(&t, &github, &llm, MEMORY);
    let run = Run::read(
        out,
        &t.path("runner_temp/self-heal/report.json"),
        t.dir.path(),
    );
    assert_eq!(run.report.status, Status::Error, "{run:?}");
    // The reason names the archive, the cap and what was read.
    crate::assert_outcome_snapshot!("run-zip-past-the-input-cap", run);
    assert_eq!(llm.request_count(), 0, "nothing to ask the model");
    assert_eq!(status_output(&t).as_deref(), Some("error"));
    let summary = std::fs::read_to_string(t.path("summary.md")).unwrap();
    assert!(summary.contains("## self-heal: error"), "{summary}");
}
