//! The Action as GitHub runs it: `act` runs a workflow with `uses: ./` (the shipped
//! action.yml, entrypoint.sh and the image built from the Dockerfile with the release
//! binary) on a failed `workflow_run` event, against the fake GitHub API and the fake
//! model on 127.0.0.1. A pull request comes out on the fake, the branch lands in a
//! real bare origin, and the step outputs are what action.yml promises.
//!
//! Needs the Docker engine, the bootstrapped base image and the action image that
//! `scripts/test-action.sh` sets up; that script runs this test with `--ignored`
//! (as part of `scripts/test.sh`), so it is ignored in a plain `cargo test`.

use crate::support::fake_github::{FakeGithub, FAILED_JOB_ID, RUN_ID};
use crate::support::fake_openai::{FakeOpenAi, Reply};
use crate::support::harness::{git, manifest_dir, sample_dir};
use serde_json::Value;
use std::process::Command;
use std::time::Instant;

#[test]
#[ignore = "needs the Docker engine and images from scripts/test-action.sh, which runs it"]
fn act_runs_the_action_from_failed_run_to_pull_request() {
    let sample = "py-logic-error";
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(sample_dir(sample).join("expected.json")).unwrap(),
    )
    .unwrap();
    let fix = &expected["fix"][0];
    let github = FakeGithub::start();
    // The smoke script creates the repository, so the failed sha can't be known here:
    // without a head_sha the checkout-matches-the-run check has nothing to compare.
    github.patch_run(|run| run["head_sha"] = Value::Null);
    github.set_job_log(
        FAILED_JOB_ID,
        &std::fs::read_to_string(sample_dir(sample).join("ci.log")).unwrap(),
    );
    let llm = FakeOpenAi::start([Reply::reply_edits(
        "page_count rounds down; use ceiling division",
        &[(
            fix["path"].as_str().unwrap(),
            fix["search"].as_str().unwrap(),
            fix["replace"].as_str().unwrap(),
        )],
    )]);
    let work = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let out = Command::new(manifest_dir().join("scripts/act-smoke.sh"))
        .env("SMOKE_MODE", "real")
        .env("SMOKE_API_URL", &github.url)
        .env("SMOKE_LLM_URL", llm.base_url())
        .env("SMOKE_REPO_SRC", sample_dir(sample))
        .env("SMOKE_RUN_ID", RUN_ID.to_string())
        .env("SMOKE_WORK", work.path())
        .output()
        .expect("run scripts/act-smoke.sh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "act smoke failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("ok - status output reaches the next step"),
        "{stdout}"
    );

    // What the fakes received: the run, its jobs, the log (token to the API only), one
    // model request carrying the failing test, and the PR.
    let requests = github.requests();
    let first = requests.first().expect("the action called the API");
    println!(
        "timing: act start to first API call {:.1}s",
        (first.at - started).as_secs_f64()
    );
    for route in ["get_run", "list_jobs", "job_logs", "create_pull"] {
        assert!(
            requests.iter().any(|r| r.route == route),
            "no {route} request: {requests:?}"
        );
    }
    for blob in github.requests_to("blob_job") {
        assert_eq!(
            blob.header("authorization"),
            None,
            "token forwarded to the log host"
        );
    }
    assert_eq!(llm.request_count(), 1);
    assert!(llm.requests()[0]
        .user_message()
        .contains("test_page_count_partial_last_page"));
    let pr = github.requests_to("create_pull")[0].json();
    let branch = pr["head"].as_str().unwrap().to_string();
    assert!(branch.starts_with(&format!("self-heal/{RUN_ID}-")), "{pr}");
    assert_eq!(pr["base"], "main");
    assert!(
        pr["body"].as_str().unwrap().contains("ceiling division"),
        "{pr}"
    );

    // The branch really landed in the origin, as one signed-off bot commit with the fix.
    let origin = work.path().join("repo/.origin.git");
    let sha = git(&origin, &["rev-parse", &format!("refs/heads/{branch}")])
        .trim()
        .to_string();
    let msg = git(&origin, &["log", "-1", "--format=%an|%B", &sha]);
    assert!(
        msg.starts_with("self-heal[bot]|") && msg.contains("Signed-off-by: self-heal[bot]"),
        "{msg}"
    );
    let diff = git(&origin, &["show", "--format=", &sha]);
    assert!(diff.contains(fix["replace"].as_str().unwrap()), "{diff}");
    // The container ran as root on a bind mount: let the temp dir be removed.
    let _ = Command::new("chmod")
        .args(["-R", "u+rwX"])
        .arg(work.path())
        .status();
}

/// `validation: docker` as on GitHub's hosted runners: the action container talks
/// to the runner's engine through the socket the runner mounts into it, and the
/// fix is validated in a sibling container of a Python image built from the
/// bootstrapped base, which itself gets no socket and no network for the tests.
#[test]
#[ignore = "needs the Docker engine and images from scripts/test-action.sh, which runs it"]
fn act_validates_in_docker_through_the_runners_socket() {
    let sample = "py-logic-error";
    let image = "self-heal-validate-python:test";
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(sample_dir(sample).join("expected.json")).unwrap(),
    )
    .unwrap();
    let fix = &expected["fix"][0];
    let github = FakeGithub::start();
    github.patch_run(|run| run["head_sha"] = Value::Null);
    github.set_job_log(
        FAILED_JOB_ID,
        &std::fs::read_to_string(sample_dir(sample).join("ci.log")).unwrap(),
    );
    let llm = FakeOpenAi::start([Reply::reply_edits(
        "page_count rounds down; use ceiling division",
        &[(
            fix["path"].as_str().unwrap(),
            fix["search"].as_str().unwrap(),
            fix["replace"].as_str().unwrap(),
        )],
    )]);
    let work = tempfile::tempdir().unwrap();
    let out = Command::new(manifest_dir().join("scripts/act-smoke.sh"))
        .env("SMOKE_MODE", "real")
        .env("SMOKE_API_URL", &github.url)
        .env("SMOKE_LLM_URL", llm.base_url())
        .env("SMOKE_REPO_SRC", sample_dir(sample))
        .env("SMOKE_RUN_ID", RUN_ID.to_string())
        .env("SMOKE_WORK", work.path())
        .env("SMOKE_VALIDATION", "docker")
        .env("SMOKE_VALIDATION_IMAGE", image)
        .env(
            "SMOKE_SETUP_COMMAND",
            "test ! -e /var/run/docker.sock && echo no-docker-socket-in-the-sandbox",
        )
        .env("SMOKE_ACT_LOG", work.path().join("act-copy.log"))
        .output()
        .expect("run scripts/act-smoke.sh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let act_log = std::fs::read_to_string(work.path().join("act-copy.log")).unwrap_or_default();
    assert!(
        out.status.success(),
        "act smoke failed:\n{stdout}\n{stderr}\n{act_log}"
    );
    let pr = github.requests_to("create_pull")[0].json();
    let body = pr["body"].as_str().unwrap();
    for evidence in [
        &format!("[docker sandbox: image {image}, network off for the tests"),
        "no-docker-socket-in-the-sandbox",
        "python3 stands in for it",
        "passed",
    ] {
        assert!(
            body.contains(evidence),
            "{evidence:?} not in the PR body:\n{body}"
        );
    }
    let left = Command::new("docker")
        .args(["ps", "-aq", "--filter", "label=self-heal.validation"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&left.stdout).trim().is_empty(),
        "validation containers left behind"
    );
    let _ = Command::new("chmod")
        .args(["-R", "u+rwX"])
        .arg(work.path())
        .status();
}
