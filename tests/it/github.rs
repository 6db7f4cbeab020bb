//! GitHub: event triggers, the REST client against the fake, publishing to a real bare repo.

use crate::support::fake_github::{
    fixture_json, FakeGithub, Reply, FAILED_JOB_ID, FAILED_JOB_NAME, FAILED_STEP, REPO, RUN_ID,
};
use self_heal::analyze::{Failure, FailureKind};
use self_heal::github::client::{GithubClient, GithubError, NewPull, RetryPolicy};
use self_heal::github::event::{resolve_trigger, EventError, Guards, Trigger};
use self_heal::github::publish::{
    branch_name, publish, BotIdentity, PrContent, PublishError, PublishMode, PublishOutcome,
    PublishRequest,
};
use self_heal::github::workflow_commands::{summary_markdown, write_outputs};
use self_heal::github::{fetch_failed_logs, fingerprint_marker, PrBody};
use self_heal::repair::FileChange;
use self_heal::report::{Attempt, LlmStats, PrInfo, Report, Status};
use self_heal::validate::Validation;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const TOKEN: &str = "ghs_fakeToken1234567890";

// ---------------------------------------------------------------- events

fn event(file: &str, patch: impl FnOnce(&mut Value)) -> String {
    let mut v = fixture_json(&format!("events/{file}"));
    patch(&mut v);
    v.to_string()
}

fn failed_run_event(patch: impl FnOnce(&mut Value)) -> String {
    event("workflow_run.completed.json", |v| {
        v["workflow_run"]["conclusion"] = json!("failure");
        patch(v);
    })
}

fn trigger(name: &str, json: &str, guards: &Guards) -> Trigger {
    resolve_trigger(Some(name), Some(json), None, guards).expect("valid event")
}

fn skip_reason(t: Trigger) -> String {
    match t {
        Trigger::Skip(r) => r,
        other => panic!("expected skip, got {other:?}"),
    }
}

#[test]
fn event_failed_workflow_run_is_repaired() {
    let t = trigger(
        "workflow_run",
        &failed_run_event(|_| {}),
        &Guards::default(),
    );
    let Trigger::Repair(r) = t else {
        panic!("expected repair, got {t:?}")
    };
    assert_eq!(r.run_id, 289782451);
    assert_eq!(r.head_branch.as_deref(), Some("master"));
    assert_eq!(
        r.head_sha.as_deref(),
        Some("3484a3fb816e0859fd6e1cea078d76385ff50625")
    );
    // The run's own name is empty in this payload: the workflow object names it.
    assert_eq!(r.workflow_name.as_deref(), Some("test"));
    assert_eq!(
        r.html_url.as_deref(),
        Some("https://github.com/octo-org/octo-repo/actions/runs/289782451")
    );
    assert_eq!(r.repository.as_deref(), Some("octo-org/octo-repo"));
    assert!(!r.needs_guard_check);
}

#[test]
fn event_pull_request_numbers_are_kept() {
    let json = event("workflow_run.completed.with-pull-requests.json", |v| {
        v["workflow_run"]["conclusion"] = json!("failure");
    });
    let Trigger::Repair(r) = trigger("workflow_run", &json, &Guards::default()) else {
        panic!("expected repair")
    };
    assert_eq!(r.pr_numbers, vec![2]);
}

#[test]
fn event_successful_run_is_skipped() {
    let json = event("workflow_run.completed.json", |_| {});
    let reason = skip_reason(trigger("workflow_run", &json, &Guards::default()));
    assert!(reason.contains("success"), "{reason}");
}

#[test]
fn event_run_on_fix_branch_is_skipped() {
    let json = failed_run_event(|v| v["workflow_run"]["head_branch"] = json!("self-heal/1-abc"));
    let reason = skip_reason(trigger("workflow_run", &json, &Guards::default()));
    assert!(reason.contains("loop guard"), "{reason}");

    // A custom prefix is honoured, and the default one then no longer applies.
    let guards = Guards {
        branch_prefix: "bot-fix/".into(),
        ..Guards::default()
    };
    assert!(matches!(
        trigger("workflow_run", &json, &guards),
        Trigger::Repair(_)
    ));
    let json = failed_run_event(|v| v["workflow_run"]["head_branch"] = json!("bot-fix/9"));
    skip_reason(trigger("workflow_run", &json, &guards));
}

#[test]
fn event_run_by_our_bot_is_skipped() {
    let json =
        failed_run_event(|v| v["workflow_run"]["actor"] = json!({"login": "self-heal[bot]"}));
    let reason = skip_reason(trigger("workflow_run", &json, &Guards::default()));
    assert!(reason.contains("self-heal[bot]"), "{reason}");

    let json = failed_run_event(|v| {
        v["workflow_run"]["actor"] = json!({"login": "octocat"});
        v["workflow_run"]["triggering_actor"] = json!({"login": "github-actions[bot]"});
    });
    skip_reason(trigger("workflow_run", &json, &Guards::default()));

    let json = failed_run_event(|v| v["workflow_run"]["actor"] = json!({"login": "octocat"}));
    assert!(matches!(
        trigger("workflow_run", &json, &Guards::default()),
        Trigger::Repair(_)
    ));
}

#[test]
fn event_excluded_workflow_is_skipped() {
    let json = failed_run_event(|_| {});
    for entry in ["test", "test.yml", ".github/workflows/test.yml"] {
        let guards = Guards {
            exclude_workflows: vec!["release".into(), entry.into()],
            ..Guards::default()
        };
        let reason = skip_reason(trigger("workflow_run", &json, &guards));
        assert!(reason.contains("exclude-workflows"), "{entry}: {reason}");
    }
    let guards = Guards {
        exclude_workflows: vec!["other.yml".into()],
        ..Guards::default()
    };
    assert!(matches!(
        trigger("workflow_run", &json, &guards),
        Trigger::Repair(_)
    ));
}

#[test]
fn event_dispatch_with_run_id() {
    let json = event("workflow_dispatch.json", |v| {
        v["inputs"] = json!({"run-id": "123456", "dry-run": "true"});
    });
    let Trigger::Repair(r) = trigger("workflow_dispatch", &json, &Guards::default()) else {
        panic!("expected repair")
    };
    assert_eq!(r.run_id, 123456);
    assert_eq!(r.dispatch_dry_run, Some(true));
    assert!(
        r.needs_guard_check,
        "only the id is known: guards apply after fetching"
    );
    assert_eq!(r.repository.as_deref(), Some("octo-org/octo-repo"));

    // The fixture as published has no run-id input.
    let plain = event("workflow_dispatch.json", |_| {});
    assert_eq!(
        resolve_trigger(
            Some("workflow_dispatch"),
            Some(&plain),
            None,
            &Guards::default()
        ),
        Err(EventError::MissingRunId)
    );
    // ... which an explicit run id supplies.
    let t = resolve_trigger(
        Some("workflow_dispatch"),
        Some(&plain),
        Some(7),
        &Guards::default(),
    );
    assert!(matches!(t, Ok(Trigger::Repair(r)) if r.run_id == 7));

    let bad = event("workflow_dispatch.json", |v| {
        v["inputs"] = json!({"run-id": "abc"})
    });
    assert!(matches!(
        resolve_trigger(
            Some("workflow_dispatch"),
            Some(&bad),
            None,
            &Guards::default()
        ),
        Err(EventError::BadRunId(_))
    ));
}

#[test]
fn event_unsupported_events_are_skipped_unless_a_run_id_is_given() {
    for (name, file) in [
        ("push", "push.json"),
        ("pull_request", "pull_request.opened.json"),
        ("check_suite", "check_suite.completed.json"),
    ] {
        let json = event(file, |_| {});
        let reason = skip_reason(trigger(name, &json, &Guards::default()));
        assert!(reason.contains("not supported"), "{name}: {reason}");
        let t = resolve_trigger(Some(name), Some(&json), Some(55), &Guards::default());
        assert!(
            matches!(t, Ok(Trigger::Repair(r)) if r.run_id == 55),
            "{name}"
        );
    }
}

#[test]
fn event_malformed_or_missing_is_an_error() {
    let e = resolve_trigger(
        Some("workflow_run"),
        Some("{not json"),
        None,
        &Guards::default(),
    );
    assert!(matches!(e, Err(EventError::Malformed(_))), "{e:?}");
    let e = resolve_trigger(Some("workflow_run"), Some("{}"), None, &Guards::default());
    assert_eq!(e, Err(EventError::MissingWorkflowRun));
    let e = resolve_trigger(None, None, None, &Guards::default());
    assert_eq!(e, Err(EventError::NoRun));
    let t = resolve_trigger(None, None, Some(3), &Guards::default());
    assert!(matches!(t, Ok(Trigger::Repair(r)) if r.run_id == 3));
}

// ---------------------------------------------------------------- client

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_retries: 2,
        backoff: Duration::from_millis(10),
        max_wait: Duration::from_secs(5),
    }
}

fn client(fake: &FakeGithub) -> GithubClient {
    GithubClient::from_env_values(Some(&fake.url), TOKEN, Duration::from_secs(20))
        .expect("client")
        .with_retry(fast_retry())
}

fn assert_no_token_at_blob_host(fake: &FakeGithub) {
    let blob: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.route.starts_with("blob_"))
        .collect();
    assert!(!blob.is_empty(), "the blob host was never asked");
    for r in blob {
        assert_eq!(r.header("authorization"), None, "token sent to {}", r.path);
    }
}

#[tokio::test]
async fn client_fetches_failed_jobs_and_their_logs() {
    let fake = FakeGithub::start();
    let c = client(&fake);
    let fetched = fetch_failed_logs(&c, REPO, RUN_ID).await.expect("fetch");
    assert_eq!(fetched.run.id, RUN_ID);
    assert_eq!(fetched.run.conclusion.as_deref(), Some("failure"));
    assert_eq!(fetched.failed_jobs.len(), 1, "only the failed job");
    let job = &fetched.failed_jobs[0];
    assert_eq!(job.id, FAILED_JOB_ID);
    assert_eq!(job.name, FAILED_JOB_NAME);
    assert_eq!(job.failed_steps.len(), 1);
    assert_eq!(job.failed_steps[0].name, FAILED_STEP);
    assert_eq!(job.failed_steps[0].number, 7);
    let downloads = fetched.logs.as_ref().expect("downloaded");
    let logs = &downloads.sources;
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].job.as_deref(), Some(FAILED_JOB_NAME));
    assert_eq!(logs[0].step.as_deref(), Some(FAILED_STEP));
    assert!(std::fs::read_to_string(&logs[0].path)
        .expect("downloaded log")
        .contains("FAILED tests/test_calc.py::test_add"));
    assert!(downloads.cuts.is_empty());
    assert!(fetched.warnings.is_empty());

    // Only the failed job's log was downloaded.
    let logs = fake.requests_to("job_logs");
    assert_eq!(logs.len(), 1);
    assert!(logs[0].path.contains(&FAILED_JOB_ID.to_string()));
    // Every API call carried the token and the versioned media type.
    for r in fake
        .requests()
        .iter()
        .filter(|r| !r.route.starts_with("blob_"))
    {
        assert_eq!(r.header("authorization"), Some(&*format!("Bearer {TOKEN}")));
        assert_eq!(r.header("accept"), Some("application/vnd.github+json"));
        assert_eq!(r.header("x-github-api-version"), Some("2022-11-28"));
    }
    assert_no_token_at_blob_host(&fake);
    // The jobs of the latest attempt were asked for.
    assert!(fake.requests_to("list_jobs")[0]
        .path
        .contains("filter=latest"));
}

#[tokio::test]
async fn client_lists_jobs_across_pages() {
    let fake = FakeGithub::start();
    fake.add_ok_jobs(150);
    let jobs = client(&fake).list_jobs(REPO, RUN_ID).await.expect("jobs");
    assert_eq!(jobs.len(), 152);
    let pages: Vec<String> = fake
        .requests_to("list_jobs")
        .into_iter()
        .map(|r| r.path)
        .collect();
    assert_eq!(pages.len(), 2, "{pages:?}");
    assert!(pages[1].contains("page=2"));
}

#[tokio::test]
async fn client_run_zip_follows_redirect_without_token() {
    let fake = FakeGithub::start();
    let bytes: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    fake.set_run_zip(bytes.clone());
    let got = client(&fake)
        .download_run_logs_zip(REPO, RUN_ID)
        .await
        .expect("zip");
    assert_eq!(got, bytes);
    assert_eq!(fake.requests_to("run_logs").len(), 1);
    assert_eq!(fake.requests_to("blob_run").len(), 1);
    assert_no_token_at_blob_host(&fake);
}

#[tokio::test]
async fn client_download_is_capped() {
    let fake = FakeGithub::start();
    fake.set_job_log(FAILED_JOB_ID, &"x".repeat(10_000));
    let mut c = client(&fake);
    c.max_download = 1000;
    let e = c.download_job_log(REPO, FAILED_JOB_ID).await.unwrap_err();
    assert!(
        matches!(e, GithubError::TooLarge { limit: 1000, .. }),
        "{e}"
    );
}

#[tokio::test]
async fn client_refuses_redirect_to_other_schemes() {
    let fake = FakeGithub::start();
    fake.inject(
        "job_logs",
        Reply::status(302).header("location", "file:///etc/passwd"),
    );
    let e = client(&fake)
        .download_job_log(REPO, FAILED_JOB_ID)
        .await
        .unwrap_err();
    assert!(matches!(e, GithubError::BadRedirect { .. }), "{e}");
    assert!(e.to_string().contains("file"), "{e}");
}

#[tokio::test]
async fn client_expired_logs_have_a_clear_reason() {
    for (route, status) in [("job_logs", 404), ("job_logs", 410), ("blob_job", 410)] {
        let fake = FakeGithub::start();
        fake.inject(route, Reply::status(status));
        let e = client(&fake)
            .download_job_log(REPO, FAILED_JOB_ID)
            .await
            .unwrap_err();
        assert!(
            e.to_string().contains("logs expired or not found"),
            "{route} {status}: {e}"
        );
        assert!(e.to_string().contains(&status.to_string()), "{e}");
    }
}

#[tokio::test]
async fn client_blob_host_refusal_is_not_a_permission_problem() {
    let fake = FakeGithub::start();
    fake.inject("blob_job", Reply::status(403));
    let e = client(&fake)
        .download_job_log(REPO, FAILED_JOB_ID)
        .await
        .unwrap_err();
    assert!(
        matches!(e, GithubError::LogDownloadRefused { status: 403, .. }),
        "{e}"
    );
    assert!(!e.to_string().contains("actions: read"), "{e}");
    assert!(!e.to_string().contains("urlSignature"), "{e}");
}

#[tokio::test]
async fn client_finds_the_pr_of_a_fork_run_by_head_sha() {
    let fake = FakeGithub::start();
    let n = fake.add_pull("feature", "from a fork", "open");
    let pr_sha = fake.pulls()[0]["head"]["sha"]
        .as_str()
        .expect("sha")
        .to_string();
    let c = client(&fake);
    let mut run = c.get_run(REPO, RUN_ID).await.expect("run");
    assert!(run.pull_requests.is_empty());
    assert_eq!(
        c.pulls_for_run(REPO, &run).await.expect("pulls"),
        Vec::<u64>::new()
    );
    run.head_sha = Some(pr_sha);
    assert_eq!(c.pulls_for_run(REPO, &run).await.expect("pulls"), vec![n]);
}

#[tokio::test]
async fn client_401_says_token() {
    let fake = FakeGithub::start();
    fake.inject(
        "get_run",
        Reply::json(401, json!({"message": "Bad credentials"})),
    );
    let e = client(&fake).get_run(REPO, RUN_ID).await.unwrap_err();
    assert!(matches!(e, GithubError::Unauthorized { .. }), "{e}");
    assert!(e.to_string().contains("token"), "{e}");
    assert!(!e.to_string().contains(TOKEN));
}

#[tokio::test]
async fn client_403_names_the_missing_permission() {
    let fake = FakeGithub::start();
    fake.inject(
        "list_jobs",
        Reply::json(
            403,
            json!({"message": "Resource not accessible by integration"}),
        ),
    );
    let e = client(&fake).list_jobs(REPO, RUN_ID).await.unwrap_err();
    let s = e.to_string();
    assert!(s.contains("actions: read"), "{s}");
    assert!(s.contains("Resource not accessible by integration"), "{s}");

    fake.inject(
        "create_comment",
        Reply::json(
            403,
            json!({"message": "Resource not accessible by integration"}),
        ),
    );
    let e = client(&fake)
        .create_issue_comment(REPO, 1, "hi")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("pull-requests: write"), "{e}");
}

#[tokio::test]
async fn client_waits_out_429_retry_after() {
    let fake = FakeGithub::start();
    fake.inject("get_run", Reply::status(429).header("retry-after", "1"));
    let run = client(&fake).get_run(REPO, RUN_ID).await.expect("retried");
    assert_eq!(run.id, RUN_ID);
    assert_eq!(fake.requests_to("get_run").len(), 2);
}

#[tokio::test]
async fn client_waits_for_rate_limit_reset() {
    let fake = FakeGithub::start();
    let reset = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
        + 1;
    fake.inject(
        "get_run",
        Reply::json(403, json!({"message": "API rate limit exceeded"}))
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-reset", &reset.to_string()),
    );
    let run = client(&fake).get_run(REPO, RUN_ID).await.expect("retried");
    assert_eq!(run.id, RUN_ID);
    assert_eq!(fake.requests_to("get_run").len(), 2);
}

#[tokio::test]
async fn client_rate_limit_beyond_cap_is_an_error() {
    let fake = FakeGithub::start();
    fake.inject("get_run", Reply::status(429).header("retry-after", "3600"));
    let e = client(&fake).get_run(REPO, RUN_ID).await.unwrap_err();
    assert!(
        matches!(
            e,
            GithubError::RateLimited {
                wait_secs: 3600,
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(fake.requests_to("get_run").len(), 1, "no pointless retry");
}

#[tokio::test]
async fn client_retries_5xx_then_gives_up() {
    let fake = FakeGithub::start();
    fake.inject("get_run", Reply::status(502));
    assert!(client(&fake).get_run(REPO, RUN_ID).await.is_ok());
    assert_eq!(fake.requests_to("get_run").len(), 2);

    let fake = FakeGithub::start();
    for _ in 0..5 {
        fake.inject("get_run", Reply::status(503));
    }
    let e = client(&fake).get_run(REPO, RUN_ID).await.unwrap_err();
    assert!(
        matches!(
            e,
            GithubError::Server {
                status: 503,
                attempts: 3,
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(fake.requests_to("get_run").len(), 3);
}

#[tokio::test]
async fn client_post_is_not_resent_after_5xx() {
    let fake = FakeGithub::start();
    fake.inject("create_comment", Reply::status(502));
    let e = client(&fake)
        .create_issue_comment(REPO, 1, "hi")
        .await
        .unwrap_err();
    assert!(matches!(e, GithubError::Server { status: 502, .. }), "{e}");
    assert_eq!(fake.requests_to("create_comment").len(), 1);
}

/// Retry-After as an HTTP date (RFC 9110 allows either form), on the 403 of a
/// secondary rate limit: without reading the date this 403 looked like a
/// permission problem.
#[tokio::test]
async fn client_waits_out_retry_after_as_a_date() {
    let fake = FakeGithub::start();
    let at = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(1));
    fake.inject(
        "get_run",
        Reply::json(
            403,
            json!({"message": "You have exceeded a secondary rate limit."}),
        )
        .header("retry-after", &at),
    );
    let run = client(&fake).get_run(REPO, RUN_ID).await.expect("retried");
    assert_eq!(run.id, RUN_ID);
    assert_eq!(fake.requests_to("get_run").len(), 2);
}

/// A rate limit means GitHub did nothing, so even a POST is sent again.
#[tokio::test]
async fn client_post_is_resent_after_a_rate_limit() {
    let fake = FakeGithub::start();
    fake.inject(
        "create_comment",
        Reply::status(429).header("retry-after", "0"),
    );
    client(&fake)
        .create_issue_comment(REPO, 1, "hi")
        .await
        .expect("retried");
    assert_eq!(fake.requests_to("create_comment").len(), 2);
}

/// A POST that timed out may have been done: it is not sent again.
#[tokio::test]
async fn client_post_is_not_resent_after_a_timeout() {
    let fake = FakeGithub::start();
    fake.inject(
        "create_comment",
        Reply::status(201).delay(Duration::from_secs(3)),
    );
    let c = GithubClient::from_env_values(Some(&fake.url), TOKEN, Duration::from_millis(300))
        .expect("client")
        .with_retry(fast_retry());
    let e = c.create_issue_comment(REPO, 1, "hi").await.unwrap_err();
    assert!(matches!(e, GithubError::Timeout { .. }), "{e}");
    assert_eq!(fake.requests_to("create_comment").len(), 1);
}

/// 401 and a 403 without rate-limit headers are answers, not hiccups.
#[tokio::test]
async fn client_auth_failures_are_not_retried() {
    for code in [401u16, 403] {
        let fake = FakeGithub::start();
        fake.inject("get_run", Reply::status(code));
        let e = client(&fake).get_run(REPO, RUN_ID).await.unwrap_err();
        assert!(
            matches!(
                e,
                GithubError::Unauthorized { .. } | GithubError::Forbidden { .. }
            ),
            "{code}: {e}"
        );
        assert_eq!(fake.requests_to("get_run").len(), 1, "{code}");
    }
}

#[tokio::test]
async fn client_api_answers_are_capped() {
    let fake = FakeGithub::start();
    let mut c = client(&fake);
    c.max_body = 64;
    let e = c.get_run(REPO, RUN_ID).await.unwrap_err();
    assert!(matches!(e, GithubError::TooLarge { limit: 64, .. }), "{e}");
}

#[tokio::test]
async fn client_timeout_is_reported() {
    let fake = FakeGithub::start();
    for _ in 0..3 {
        fake.inject("get_run", Reply::status(200).delay(Duration::from_secs(3)));
    }
    let c = GithubClient::from_env_values(Some(&fake.url), TOKEN, Duration::from_millis(300))
        .expect("client")
        .with_retry(RetryPolicy {
            max_retries: 1,
            ..fast_retry()
        });
    let e = c.get_run(REPO, RUN_ID).await.unwrap_err();
    assert!(matches!(e, GithubError::Timeout { .. }), "{e}");
    assert!(e.to_string().contains("timed out"));
}

#[tokio::test]
async fn client_create_pull_422_exists_reuses_open_pr() {
    let fake = FakeGithub::start();
    let existing = fake.add_pull("self-heal/1-abc", "older body", "open");
    fake.inject(
        "create_pull",
        Reply::json(
            422,
            json!({"message": "Validation Failed", "errors": [{"resource": "PullRequest",
                "code": "custom", "message": "A pull request already exists for octo-org:self-heal/1-abc."}]}),
        ),
    );
    let new = NewPull {
        title: "t".into(),
        head: "self-heal/1-abc".into(),
        base: "main".into(),
        body: "b".into(),
        draft: false,
    };
    let opened = client(&fake).create_pull(REPO, &new).await.expect("reused");
    assert!(opened.reused);
    assert_eq!(opened.pr.number, existing);
    let lists = fake.requests_to("list_pulls");
    assert!(
        lists[0].path.contains("head=octo-org:self-heal/1-abc"),
        "{}",
        lists[0].path
    );
}

#[tokio::test]
async fn client_create_pull_422_no_commits() {
    let fake = FakeGithub::start();
    fake.inject(
        "create_pull",
        Reply::json(
            422,
            json!({"message": "Validation Failed", "errors": [{"resource": "PullRequest",
                "code": "custom", "message": "No commits between main and self-heal/1-abc"}]}),
        ),
    );
    let new = NewPull {
        title: "t".into(),
        head: "self-heal/1-abc".into(),
        base: "main".into(),
        body: "b".into(),
        draft: false,
    };
    let e = client(&fake).create_pull(REPO, &new).await.unwrap_err();
    assert!(matches!(e, GithubError::NoCommitsBetween { .. }), "{e}");
}

#[tokio::test]
async fn fetch_reports_the_job_log_error_when_the_archive_fails_too() {
    let fake = FakeGithub::start();
    fake.inject("blob_job", Reply::status(410));
    // No archive configured: the run-logs blob answers 404.
    let e = fetch_failed_logs(&client(&fake), REPO, RUN_ID)
        .await
        .unwrap_err();
    assert!(
        matches!(e, GithubError::LogsExpired { status: 410, .. }),
        "the first (job log) error wins: {e}"
    );
    assert_eq!(
        fake.requests_to("run_logs").len(),
        1,
        "the archive was tried"
    );
    assert_no_token_at_blob_host(&fake);
}

#[tokio::test]
async fn fetch_keeps_the_logs_it_got_and_warns_about_the_rest() {
    let fake = FakeGithub::start();
    fake.add_failed_job(777, "lint", "Run ruff", "E501 line too long\n");
    fake.inject("job_logs", Reply::status(410));
    let fetched = fetch_failed_logs(&client(&fake), REPO, RUN_ID)
        .await
        .expect("partial logs are still useful");
    assert_eq!(fetched.failed_jobs.len(), 2);
    assert_eq!(fetched.failed_jobs[1].failed_steps[0].name, "Run ruff");
    let logs = &fetched.logs.as_ref().expect("downloaded").sources;
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].job.as_deref(), Some("lint"));
    assert_eq!(logs[0].step.as_deref(), Some("Run ruff"));
    assert_eq!(fetched.warnings.len(), 2, "{:?}", fetched.warnings);
    assert!(
        fetched.warnings[0].contains("logs expired"),
        "{:?}",
        fetched.warnings
    );
}

#[tokio::test]
async fn fetched_run_goes_through_the_guards_for_dispatch() {
    let fake = FakeGithub::start();
    fake.patch_run(|r| r["head_branch"] = json!("self-heal/5-abc"));
    let run = client(&fake).get_run(REPO, RUN_ID).await.expect("run");
    let reason = self_heal::github::skip_reason(&run, &Guards::default()).expect("skipped");
    assert!(reason.contains("loop guard"), "{reason}");
    fake.patch_run(|r| {
        r["head_branch"] = json!("main");
        r["conclusion"] = json!("success");
    });
    let run = client(&fake).get_run(REPO, RUN_ID).await.expect("run");
    assert!(self_heal::github::skip_reason(&run, &Guards::default()).is_some());
}

#[tokio::test]
async fn client_honours_an_enterprise_base_path() {
    let fake = FakeGithub::start();
    let base = format!("{}/api/v3", fake.url);
    let c = GithubClient::from_env_values(Some(&base), TOKEN, Duration::from_secs(20))
        .expect("client")
        .with_retry(fast_retry());
    let fetched = fetch_failed_logs(&c, REPO, RUN_ID).await.expect("fetch");
    assert_eq!(fetched.logs.as_ref().expect("downloaded").sources.len(), 1);
    for r in fake
        .requests()
        .iter()
        .filter(|r| !r.route.starts_with("blob_"))
    {
        assert!(r.path.starts_with("/api/v3/repos/"), "{}", r.path);
    }
}

#[tokio::test]
async fn client_updates_pulls_and_dispatches_workflows() {
    let fake = FakeGithub::start();
    let n = fake.add_pull("self-heal/1-a", "old", "open");
    let c = client(&fake);
    let pr = c
        .update_pull(REPO, n, None, Some("new body"))
        .await
        .expect("patched");
    assert_eq!(pr.body.as_deref(), Some("new body"));
    let sent = fake.requests_to("update_pull")[0].json();
    assert_eq!(sent, json!({"body": "new body"}), "title untouched");

    let mut inputs = serde_json::Map::new();
    inputs.insert("reason".into(), json!("self-heal"));
    c.dispatch_workflow(REPO, "ci.yml", "self-heal/1-a", &inputs)
        .await
        .expect("dispatched");
    let d = &fake.requests_to("dispatch")[0];
    assert!(d.path.ends_with("/actions/workflows/ci.yml/dispatches"));
    assert_eq!(d.json()["ref"], json!("self-heal/1-a"));
}

// ---------------------------------------------------------------- publish

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "Dev")
        .env("GIT_AUTHOR_EMAIL", "dev@example.com")
        .env("GIT_COMMITTER_NAME", "Dev")
        .env("GIT_COMMITTER_EMAIL", "dev@example.com")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

struct Repos {
    _tmp: tempfile::TempDir,
    bare: PathBuf,
    work: PathBuf,
    head: String,
}

const BUGGY: &str = "def add(a, b):\n    return a - b\n";
const FIXED: &str = "def add(a, b):\n    return a + b\n";

/// A bare origin, a clone with one commit on main, and local uncommitted work
/// (a modified file, a staged new file) that publishing must leave alone.
fn repos() -> Repos {
    let tmp = tempfile::tempdir().expect("tempdir");
    let bare = tmp.path().join("origin.git");
    let work = tmp.path().join("work");
    git(
        tmp.path(),
        &[
            "init",
            "-q",
            "--bare",
            "-b",
            "main",
            bare.to_str().expect("utf8"),
        ],
    );
    git(
        tmp.path(),
        &["init", "-q", "-b", "main", work.to_str().expect("utf8")],
    );
    std::fs::create_dir_all(work.join("src")).expect("mkdir");
    std::fs::write(work.join("src/calc.py"), BUGGY).expect("write");
    std::fs::write(work.join("README.md"), "hello\n").expect("write");
    git(&work, &["add", "-A"]);
    git(&work, &["commit", "-q", "-m", "initial"]);
    git(
        &work,
        &["remote", "add", "origin", bare.to_str().expect("utf8")],
    );
    git(&work, &["push", "-q", "origin", "main"]);
    std::fs::write(work.join("README.md"), "hello, local edit\n").expect("write");
    std::fs::write(work.join("notes.txt"), "staged\n").expect("write");
    git(&work, &["add", "notes.txt"]);
    let head = git(&work, &["rev-parse", "HEAD"]).trim().to_string();
    Repos {
        _tmp: tmp,
        bare,
        work,
        head,
    }
}

/// Everything about the checkout a user could notice.
fn checkout_state(work: &Path) -> Vec<String> {
    vec![
        git(work, &["rev-parse", "HEAD"]),
        git(work, &["status", "--porcelain=v1", "--untracked-files=all"]),
        git(work, &["diff"]),
        git(work, &["diff", "--cached"]),
        git(work, &["ls-files", "-s"]),
        git(work, &["for-each-ref"]),
        std::fs::read_to_string(work.join("src/calc.py")).expect("read"),
        std::fs::read_to_string(work.join("README.md")).expect("read"),
    ]
}

fn request(r: &Repos, fingerprint: &str, body: &str) -> PublishRequest {
    PublishRequest {
        workdir: r.work.clone(),
        changes: vec![FileChange {
            path: "src/calc.py".into(),
            before: Some(BUGGY.into()),
            after: FIXED.into(),
        }],
        run_id: RUN_ID,
        short_sha: r.head[..7].to_string(),
        commit_message: "Fix add() returning the difference".into(),
        sign_off: true,
        bot: BotIdentity::default(),
        token: TOKEN.into(),
        remote: "origin".into(),
        base_branch: "main".into(),
        branch_prefix: "self-heal/".into(),
        pr: PrContent {
            title: "self-heal: fix test_add".into(),
            body: body.into(),
            fingerprint: fingerprint.into(),
            draft: false,
        },
    }
}

fn assert_no_token_in_git_config(work: &Path) {
    let config = std::fs::read_to_string(work.join(".git/config")).expect("config");
    assert!(!config.contains(TOKEN), "token in .git/config");
    assert!(!config.contains("extraheader"), ".git/config: {config}");
}

#[tokio::test]
async fn publish_pushes_a_signed_off_bot_commit_and_opens_the_pr() {
    let fake = FakeGithub::start();
    let r = repos();
    let before = checkout_state(&r.work);
    let body = format!("body\n{}", fingerprint_marker("fp-1"));
    let out = publish(
        &client(&fake),
        REPO,
        &request(&r, "fp-1", &body),
        PublishMode::Pr,
    )
    .await
    .expect("published");
    let PublishOutcome::PullRequest { commit, pr, reused } = out else {
        panic!("expected a PR, got {out:?}")
    };
    assert!(!reused);
    let branch = branch_name("self-heal/", RUN_ID, &r.head[..7]);
    assert_eq!(commit.branch, branch);
    assert_eq!(commit.parent, r.head);

    // The bare origin has the branch, pointing at our commit.
    let bare = &r.bare;
    let pushed = git(bare, &["rev-parse", &format!("refs/heads/{branch}")]);
    assert_eq!(pushed.trim(), commit.sha);
    let meta = git(bare, &["log", "-1", "--format=%an|%ae|%cn|%P", &commit.sha]);
    assert_eq!(
        meta.trim(),
        format!(
            "self-heal[bot]|self-heal[bot]@users.noreply.github.com|self-heal[bot]|{}",
            r.head
        )
    );
    let msg = git(bare, &["log", "-1", "--format=%B", &commit.sha]);
    assert!(
        msg.starts_with("Fix add() returning the difference\n"),
        "{msg}"
    );
    assert!(
        msg.contains("Signed-off-by: self-heal[bot] <self-heal[bot]@users.noreply.github.com>"),
        "{msg}"
    );
    let diff = git(bare, &["diff", &r.head, &commit.sha]);
    assert!(
        diff.contains("-    return a - b\n+    return a + b"),
        "{diff}"
    );
    let files = git(bare, &["diff", "--name-only", &r.head, &commit.sha]);
    assert_eq!(files.trim(), "src/calc.py", "only the fix, no local edits");

    // The checkout is exactly as it was: HEAD, index, working tree, refs.
    assert_eq!(checkout_state(&r.work), before);
    assert_no_token_in_git_config(&r.work);

    // The PR request: head, base, title, body with the marker.
    let posts = fake.requests_to("create_pull");
    assert_eq!(posts.len(), 1);
    let sent = posts[0].json();
    assert_eq!(sent["head"], json!(branch));
    assert_eq!(sent["base"], json!("main"));
    assert_eq!(sent["title"], json!("self-heal: fix test_add"));
    assert!(sent["body"]
        .as_str()
        .unwrap_or("")
        .contains("self-heal:fingerprint=fp-1"));
    assert_eq!(pr.number, 100);
    assert!(pr.html_url.ends_with("/pull/100"));
}

#[tokio::test]
async fn publish_branch_mode_stops_after_the_push() {
    let fake = FakeGithub::start();
    let r = repos();
    let out = publish(
        &client(&fake),
        REPO,
        &request(&r, "fp", "b"),
        PublishMode::Branch,
    )
    .await
    .expect("pushed");
    let PublishOutcome::Branch { commit } = out else {
        panic!("expected branch only")
    };
    git(
        &r.bare,
        &["rev-parse", &format!("refs/heads/{}", commit.branch)],
    );
    assert!(fake.requests().is_empty(), "no API call in branch mode");
}

#[tokio::test]
async fn publish_comments_on_the_open_pr_with_the_same_fingerprint() {
    let fake = FakeGithub::start();
    fake.add_pull("someone/else", "unrelated", "open");
    let closed = fake.add_pull("self-heal/1-old", &fingerprint_marker("fp-9"), "closed");
    let open = fake.add_pull(
        "self-heal/2-old",
        &format!("x\n{}", fingerprint_marker("fp-9")),
        "open",
    );
    let r = repos();
    let out = publish(
        &client(&fake),
        REPO,
        &request(&r, "fp-9", "new body"),
        PublishMode::Pr,
    )
    .await
    .expect("published");
    let PublishOutcome::Commented { pr, comment_url } = out else {
        panic!("expected a comment, got {out:?}")
    };
    assert_eq!(pr.number, open);
    assert_ne!(pr.number, closed);
    assert!(comment_url.contains(&format!("/pull/{open}")));
    assert!(fake.requests_to("create_pull").is_empty(), "no second PR");
    let comments = fake.requests_to("create_comment");
    assert_eq!(comments.len(), 1);
    assert!(comments[0]
        .path
        .ends_with(&format!("/issues/{open}/comments")));
    let body = comments[0].json()["body"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        body.contains(&RUN_ID.to_string()) && body.contains("new body"),
        "{body}"
    );
    let branches = git(
        &r.bare,
        &[
            "for-each-ref",
            "--format=%(refname)",
            "refs/heads/self-heal/",
        ],
    );
    assert!(branches.trim().is_empty(), "nothing pushed: {branches}");
}

#[tokio::test]
async fn publish_reuses_the_pr_when_github_says_it_exists() {
    let fake = FakeGithub::start();
    let r = repos();
    let branch = branch_name("self-heal/", RUN_ID, &r.head[..7]);
    let existing = fake.add_pull(&branch, "no marker here", "open");
    fake.inject(
        "create_pull",
        Reply::json(
            422,
            json!({"message": "Validation Failed", "errors": [{"resource": "PullRequest",
                "code": "custom", "message": format!("A pull request already exists for octo-org:{branch}.")}]}),
        ),
    );
    let out = publish(
        &client(&fake),
        REPO,
        &request(&r, "fp", "b"),
        PublishMode::Pr,
    )
    .await
    .expect("published");
    let PublishOutcome::PullRequest { pr, reused, .. } = out else {
        panic!("expected a PR")
    };
    assert!(reused);
    assert_eq!(pr.number, existing);
}

#[tokio::test]
async fn publish_403_on_pr_explains_the_repository_setting() {
    let fake = FakeGithub::start();
    fake.inject(
        "create_pull",
        Reply::json(
            403,
            json!({"message": "GitHub Actions is not permitted to create or approve pull requests."}),
        ),
    );
    let r = repos();
    let e = publish(
        &client(&fake),
        REPO,
        &request(&r, "fp", "b"),
        PublishMode::Pr,
    )
    .await
    .unwrap_err();
    let s = e.to_string();
    assert!(
        s.contains("Allow GitHub Actions to create and approve pull requests"),
        "{s}"
    );
    // The branch made it to the remote; the message says so, so it can be used by hand.
    assert!(s.contains("pushed branch self-heal/"), "{s}");
    assert!(!s.contains(TOKEN));
    assert_no_token_in_git_config(&r.work);
}

#[tokio::test]
async fn publish_failure_never_shows_the_token() {
    let fake = FakeGithub::start();
    let r = repos();
    // git quotes the remote URL in its error; put the token there to prove scrubbing.
    let bad = r
        .work
        .parent()
        .expect("parent")
        .join(format!("missing-{TOKEN}.git"));
    git(
        &r.work,
        &["remote", "set-url", "origin", bad.to_str().expect("utf8")],
    );
    let before = checkout_state(&r.work);
    let e = publish(
        &client(&fake),
        REPO,
        &request(&r, "fp", "b"),
        PublishMode::Pr,
    )
    .await
    .unwrap_err();
    assert!(matches!(e, PublishError::PushRejected { .. }), "{e}");
    let s = format!("{e} {e:?}");
    assert!(!s.contains(TOKEN), "{s}");
    assert!(s.contains("***"), "{s}");
    assert_eq!(checkout_state(&r.work), before);
    let config = std::fs::read_to_string(r.work.join(".git/config")).expect("config");
    assert!(!config.contains("extraheader"));
    assert!(fake.requests_to("create_pull").is_empty());
}

#[tokio::test]
async fn publish_never_overwrites_an_existing_branch() {
    let fake = FakeGithub::start();
    let r = repos();
    let branch = branch_name("self-heal/", RUN_ID, &r.head[..7]);
    // Someone's unrelated commit already sits on the branch name we would use.
    let tree = git(&r.bare, &["rev-parse", "main^{tree}"]);
    let theirs = git(&r.bare, &["commit-tree", tree.trim(), "-m", "theirs"]);
    git(
        &r.bare,
        &["update-ref", &format!("refs/heads/{branch}"), theirs.trim()],
    );
    let out = publish(
        &client(&fake),
        REPO,
        &request(&r, "fp", "b"),
        PublishMode::Branch,
    )
    .await
    .expect("pushed");
    let PublishOutcome::Branch { commit } = out else {
        panic!("expected branch only")
    };
    assert_eq!(commit.branch, format!("{branch}-2"));
    assert_eq!(
        git(&r.bare, &["rev-parse", &format!("refs/heads/{branch}")]).trim(),
        theirs.trim()
    );
    let ours = git(&r.bare, &["rev-parse", &format!("refs/heads/{branch}-2")]);
    assert_eq!(ours.trim(), commit.sha);
}

#[tokio::test]
async fn publish_adds_new_files_and_keeps_the_executable_bit() {
    let fake = FakeGithub::start();
    let r = repos();
    use std::os::unix::fs::PermissionsExt;
    let script = r.work.join("run.sh");
    std::fs::write(&script, "#!/bin/sh\nexit 1\n").expect("write");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    git(&r.work, &["add", "run.sh"]);
    git(&r.work, &["commit", "-q", "-m", "script", "--", "run.sh"]);
    let mut req = request(&r, "fp", "b");
    req.short_sha = String::new();
    req.sign_off = false;
    req.changes = vec![
        FileChange {
            path: "run.sh".into(),
            before: None,
            after: "#!/bin/sh\nexit 0\n".into(),
        },
        FileChange {
            path: "src/[new]*.py".into(),
            before: None,
            after: "X = 1\n".into(),
        },
    ];
    let out = publish(&client(&fake), REPO, &req, PublishMode::Branch)
        .await
        .expect("pushed");
    let PublishOutcome::Branch { commit } = out else {
        panic!("expected branch only")
    };
    let head = git(&r.work, &["rev-parse", "HEAD"]);
    assert!(
        commit.branch.ends_with(&head.trim()[..7]),
        "{}",
        commit.branch
    );
    let tree = git(&r.bare, &["ls-tree", "-r", &commit.sha]);
    assert!(
        tree.lines()
            .any(|l| l.starts_with("100755") && l.ends_with("\trun.sh")),
        "{tree}"
    );
    assert!(
        tree.lines().any(|l| l.ends_with("\tsrc/[new]*.py")),
        "{tree}"
    );
    let msg = git(&r.bare, &["log", "-1", "--format=%B", &commit.sha]);
    assert!(!msg.contains("Signed-off-by"), "{msg}");
}

#[tokio::test]
async fn publish_from_a_monorepo_subdirectory_keeps_the_prefix() {
    let fake = FakeGithub::start();
    let r = repos();
    // The project is `svc/` of the repository; a same-named file at the root
    // must stay untouched.
    std::fs::create_dir_all(r.work.join("svc/cart")).expect("mkdir");
    std::fs::create_dir_all(r.work.join("cart")).expect("mkdir");
    std::fs::write(r.work.join("svc/cart/core.py"), BUGGY).expect("write");
    std::fs::write(r.work.join("cart/core.py"), BUGGY).expect("write");
    git(&r.work, &["add", "svc/cart/core.py", "cart/core.py"]);
    git(
        &r.work,
        &[
            "commit",
            "-q",
            "-m",
            "svc",
            "--",
            "svc/cart/core.py",
            "cart/core.py",
        ],
    );
    let head = git(&r.work, &["rev-parse", "HEAD"]).trim().to_string();
    let mut req = request(&r, "fp", "b");
    req.workdir = r.work.join("svc");
    req.short_sha = String::new();
    req.changes = vec![FileChange {
        path: "cart/core.py".into(),
        before: Some(BUGGY.into()),
        after: FIXED.into(),
    }];
    let out = publish(&client(&fake), REPO, &req, PublishMode::Branch)
        .await
        .expect("pushed");
    let PublishOutcome::Branch { commit } = out else {
        panic!("expected branch only")
    };
    assert_eq!(commit.parent, head);
    let files = git(&r.bare, &["diff", "--name-only", &head, &commit.sha]);
    assert_eq!(files.trim(), "svc/cart/core.py");
    let shown = git(
        &r.bare,
        &["show", &format!("{}:svc/cart/core.py", commit.sha)],
    );
    assert_eq!(shown, FIXED);
    let root = git(&r.bare, &["show", &format!("{}:cart/core.py", commit.sha)]);
    assert_eq!(root, BUGGY);
}

#[tokio::test]
async fn publish_sends_the_token_only_as_gits_extraheader() {
    let fake = FakeGithub::start();
    let r = repos();
    let url = format!("{}/octo-org/octo-repo.git", fake.url);
    git(&r.work, &["remote", "set-url", "origin", &url]);
    // What actions/checkout persists: it must be replaced, not sent next to ours.
    git(
        &r.work,
        &[
            "config",
            &format!("http.{}/.extraheader", fake.url),
            "AUTHORIZATION: basic b2xkOm9sZA==",
        ],
    );
    let e = publish(
        &client(&fake),
        REPO,
        &request(&r, "fp", "b"),
        PublishMode::Branch,
    )
    .await
    .unwrap_err();
    assert!(matches!(e, PublishError::PushRejected { .. }), "{e}");
    assert!(!format!("{e} {e:?}").contains(TOKEN));

    let seen = fake.requests_to("git_info_refs");
    assert!(!seen.is_empty(), "git never reached the fake");
    assert!(
        seen[0].path.contains("service=git-receive-pack"),
        "{}",
        seen[0].path
    );
    let auth: Vec<&str> = seen[0]
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("authorization"))
        .map(|(_, v)| v.as_str())
        .collect();
    // base64("x-access-token:" + TOKEN)
    let expected = format!(
        "basic {}",
        String::from_utf8(
            Command::new("base64")
                .arg("-w0")
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .and_then(|mut c| {
                    use std::io::Write;
                    c.stdin
                        .take()
                        .expect("stdin")
                        .write_all(format!("x-access-token:{TOKEN}").as_bytes())?;
                    c.wait_with_output()
                })
                .expect("base64 runs")
                .stdout
        )
        .expect("ascii")
    );
    assert_eq!(auth.len(), 1, "exactly one Authorization header: {auth:?}");
    assert!(
        auth[0].eq_ignore_ascii_case(&expected),
        "{} vs {expected}",
        auth[0]
    );

    let config = std::fs::read_to_string(r.work.join(".git/config")).expect("config");
    assert!(!config.contains(TOKEN));
    assert!(
        config.contains("b2xkOm9sZA=="),
        "the user's own config is left as it was"
    );
}

#[tokio::test]
async fn publish_without_a_change_is_refused() {
    let fake = FakeGithub::start();
    let r = repos();
    let mut req = request(&r, "fp", "b");
    req.changes[0].after = BUGGY.into();
    let e = publish(&client(&fake), REPO, &req, PublishMode::Branch)
        .await
        .unwrap_err();
    assert!(matches!(e, PublishError::NoChanges), "{e}");
}

// ---------------------------------------------------------------- PR body, summary, outputs

fn sample_report() -> Report {
    Report {
        status: Status::Fixed,
        reason: "validated fix pushed".into(),
        failures: vec![Failure {
            kind: FailureKind::TestFailure,
            tool: "pytest".into(),
            test: Some("tests/test_calc.py::test_add".into()),
            file: Some("src/calc.py".into()),
            line: Some(2),
            message: "AssertionError: assert -1 == 3".into(),
            ..Default::default()
        }],
        diagnosis: "add() subtracts instead of adding.".into(),
        attempts: vec![Attempt {
            n: 1,
            validation: Validation {
                passed: true,
                commands: vec!["python -m pytest tests/test_calc.py::test_add".into()],
                output_tail: "1 passed".into(),
            },
            ..Attempt::default()
        }],
        patch: "--- a/src/calc.py\n+++ b/src/calc.py\n@@ -1,2 +1,2 @@\n def add(a, b):\n-    return a - b\n+    return a + b\n".into(),
        changed_files: vec!["src/calc.py".into()],
        pr: Some(PrInfo {
            number: 7,
            url: "https://github.com/o/r/pull/7".into(),
            branch: "self-heal/1-abc".into(),
            ci_run_url: None,
        }),
        llm: LlmStats {
            requests: 1,
            prompt_tokens: 1200,
            completion_tokens: 80,
        },
        ..Report::default()
    }
}

#[test]
fn pr_body_has_every_section() {
    let report = sample_report();
    let url = "https://github.com/o/r/actions/runs/1";
    let body = PrBody::from_report(&report, Some(url), Some(1), "self-heal/1-abc", "fp-1").render();
    assert!(body.contains(&format!("[run 1]({url})")), "{body}");
    assert!(body.contains(
        "| `tests/test_calc.py::test_add` | `src/calc.py:2` | AssertionError: assert -1 == 3 |"
    ));
    assert!(body.contains("add() subtracts instead of adding."));
    assert!(body.contains("```diff\n--- a/src/calc.py"));
    assert!(body.contains("python -m pytest tests/test_calc.py::test_add"));
    assert!(body.contains("Result: **passed**"));
    assert!(body.contains("**Attempts:** 1"));
    assert!(body.contains("1200 prompt + 80 completion"));
    assert!(body.contains("Close this pull request and delete the branch `self-heal/1-abc`"));
    assert!(body.trim_end().ends_with(&fingerprint_marker("fp-1")));
    assert!(body.len() < 65_536);
}

#[test]
fn pr_body_truncates_huge_diffs_below_github_limit() {
    let mut report = sample_report();
    report.patch = (0..20_000).map(|i| format!("+line {i}\n")).collect();
    let body = PrBody::from_report(&report, None, Some(1), "b", "fp").render();
    assert!(body.len() < 65_536, "{}", body.len());
    assert!(body.contains("Diff truncated"));
    assert!(
        body.contains(&fingerprint_marker("fp")),
        "marker survives truncation"
    );
}

#[test]
fn summary_and_outputs_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let report = sample_report();
    let md = summary_markdown(&report, Some("https://github.com/o/r/actions/runs/1"));
    assert!(md.starts_with("## self-heal: fixed"));
    assert!(md.contains("[#7](https://github.com/o/r/pull/7)"));
    assert!(md.contains("src/calc.py:2"));
    assert!(md.contains("+    return a + b"));
    assert!(md.contains("Result: **passed**"));

    let out = dir.path().join("github_output");
    std::fs::write(&out, "earlier=1\n").expect("seed");
    write_outputs(
        &out,
        &[
            ("status", "fixed"),
            ("diagnosis", "two\nlines"),
            ("patch", &report.patch),
        ],
    )
    .expect("outputs");
    let text = std::fs::read_to_string(&out).expect("read");
    assert!(text.starts_with("earlier=1\n"), "appends");
    // Parse back the way the runner does.
    let mut values = std::collections::HashMap::new();
    let mut lines = text.lines().skip(1);
    while let Some(l) = lines.next() {
        let (name, delim) = l.split_once("<<").expect("heredoc form");
        let mut v = Vec::new();
        for inner in lines.by_ref() {
            if inner == delim {
                break;
            }
            v.push(inner);
        }
        values.insert(name.to_string(), v.join("\n"));
    }
    assert_eq!(values["status"], "fixed");
    assert_eq!(values["diagnosis"], "two\nlines");
    assert_eq!(values["patch"], report.patch, "trailing newline kept");
}

// ---------------------------------------------------------------- workflow dispatch

#[tokio::test]
async fn dispatch_falls_back_without_run_details_and_gives_up_after_its_polls() {
    use self_heal::github::dispatch::Polling;
    let fake = FakeGithub::start();
    let c = client(&fake);
    let polling = Polling {
        attempts: 3,
        interval: Duration::from_millis(10),
    };
    // An older server rejects the parameter: sent again without it, then polled.
    fake.inject(
        "dispatch",
        Reply::json(
            422,
            json!({"message": "Invalid request.\n\n\"return_run_details\" is not a permitted key."}),
        ),
    );
    fake.set_dispatch_details(false);
    let got = c
        .dispatch_on_branch(REPO, "ci.yml", "self-heal/1-abc", polling)
        .await
        .expect("dispatched");
    let sent = fake.requests_to("dispatch");
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].json()["return_run_details"], json!(true));
    assert!(
        sent[1].json().get("return_run_details").is_none(),
        "{}",
        sent[1].body
    );
    assert_eq!(sent[1].json()["ref"], "self-heal/1-abc");
    let url = fake.dispatched_runs()[0]["html_url"].clone();
    assert_eq!(got.html_url.as_deref(), url.as_str());

    // The run never shows up: bounded, no error, no URL.
    for _ in 0..3 {
        fake.inject(
            "list_workflow_runs",
            Reply::json(200, json!({"total_count": 0, "workflow_runs": []})),
        );
    }
    let got = c
        .dispatch_on_branch(REPO, "ci.yml", "self-heal/2-abc", polling)
        .await
        .expect("dispatched");
    assert_eq!(got.html_url, None);
    assert_eq!(fake.requests_to("list_workflow_runs").len(), 1 + 3);

    // A workflow without the trigger: GitHub's 422 is an error naming it.
    fake.inject(
        "dispatch",
        Reply::json(
            422,
            json!({"message": "Workflow does not have 'workflow_dispatch' trigger"}),
        ),
    );
    let err = c
        .dispatch_on_branch(REPO, "ci.yml", "self-heal/3-abc", polling)
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("workflow_dispatch"), "{err}");
    fake.inject("dispatch", Reply::status(403));
    let err = c
        .dispatch_on_branch(REPO, "ci.yml", "self-heal/4-abc", polling)
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("actions: write"), "{err}");
}

/// Issue 9 item 5: the logs are streamed to files in a private temporary
/// directory (only log bytes, never the token), gone once the run is dropped.
#[tokio::test]
async fn fetch_streams_logs_to_a_private_temp_dir_that_is_removed() {
    let fake = FakeGithub::start();
    let fetched = fetch_failed_logs(&client(&fake), REPO, RUN_ID)
        .await
        .expect("fetch");
    let downloads = fetched.logs.as_ref().expect("downloaded");
    let dir = downloads.dir.path().to_path_buf();
    assert!(dir.is_dir());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "directory mode {mode:o}");
        for s in &downloads.sources {
            let mode = std::fs::metadata(&s.path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "file mode {mode:o}");
        }
    }
    let mut files = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let text = std::fs::read(e.unwrap().path()).unwrap();
        assert!(
            !String::from_utf8_lossy(&text).contains(TOKEN),
            "token in the temp dir"
        );
        files += 1;
    }
    assert_eq!(files, 1);
    drop(fetched);
    assert!(!dir.exists(), "the downloads outlived the run");
}

/// Past the download cap the log is cut, not refused: what was read is
/// analysed and the cut reason is one line.
#[tokio::test]
async fn an_over_cap_job_log_is_cut_with_a_reason_and_still_analysed() {
    let fake = FakeGithub::start();
    let head = "FAILED tests/test_calc.py::test_add - assert 1 == 2\n";
    let log = format!("{head}{}", "filler line that goes on\n".repeat(2_000));
    fake.set_job_log(FAILED_JOB_ID, &log);
    let mut c = client(&fake);
    c.max_download = 4096;
    let fetched = fetch_failed_logs(&c, REPO, RUN_ID).await.expect("fetch");
    let downloads = fetched.logs.as_ref().expect("downloaded");
    assert_eq!(downloads.cuts.len(), 1, "{:?}", downloads.cuts);
    let cut = &downloads.cuts[0];
    assert!(cut.contains("first 4096 bytes"), "{cut}");
    assert!(cut.contains(FAILED_JOB_NAME), "{cut}");
    assert_eq!(cut.lines().count(), 1);
    assert_eq!(
        std::fs::metadata(&downloads.sources[0].path).unwrap().len(),
        4096
    );
    let analysis = self_heal::analyze::analyze_sources(
        &downloads.sources,
        &self_heal::secrets::Secrets::default(),
        &self_heal::analyze::AnalyzeOptions::default(),
    )
    .expect("analysed");
    assert!(
        analysis
            .failures
            .iter()
            .any(|f| f.test.as_deref() == Some("tests/test_calc.py::test_add")),
        "{:?}",
        analysis.failures
    );
}

/// A run archive that is no zip is a one-line reason naming the archive.
#[tokio::test]
async fn a_corrupt_run_archive_is_a_one_line_reason() {
    let fake = FakeGithub::start();
    fake.add_failed_job(777, "lint", "Run ruff", "E501 line too long\n");
    fake.inject("job_logs", Reply::status(410));
    fake.set_run_zip(b"PK\x03\x04 not a zip at all".to_vec());
    let fetched = fetch_failed_logs(&client(&fake), REPO, RUN_ID)
        .await
        .expect("the other job's log is still useful");
    let zip = fetched
        .warnings
        .iter()
        .find(|w| w.contains("run logs archive"))
        .expect("a warning about the archive");
    assert!(zip.contains("not a valid zip archive"), "{zip}");
    assert_eq!(zip.lines().count(), 1, "{zip}");
    let downloads = fetched.logs.as_ref().expect("downloaded");
    assert_eq!(downloads.sources.len(), 1, "only the lint log");
}

/// The zip fallback streams the archive too and reads only the failed job's entries.
#[tokio::test]
async fn the_run_archive_is_streamed_and_narrowed_to_the_failed_jobs() {
    let fake = FakeGithub::start();
    fake.inject("job_logs", Reply::status(410));
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let o = zip::write::SimpleFileOptions::default();
        for (name, text) in [
            (
                format!("{FAILED_JOB_NAME}/7_Run tests.txt"),
                "FAILED tests/test_calc.py::test_add - assert 1 == 2\n",
            ),
            (
                "build/3_Build.txt".to_string(),
                "FAILED tests/test_other.py::test_x - assert 0\n",
            ),
        ] {
            z.start_file(name, o).unwrap();
            std::io::Write::write_all(&mut z, text.as_bytes()).unwrap();
        }
        z.finish().unwrap();
    }
    fake.set_run_zip(buf.into_inner());
    let fetched = fetch_failed_logs(&client(&fake), REPO, RUN_ID)
        .await
        .expect("the archive is used");
    let downloads = fetched.logs.as_ref().expect("downloaded");
    let analysis = self_heal::analyze::analyze_sources(
        &downloads.sources,
        &self_heal::secrets::Secrets::default(),
        &self_heal::analyze::AnalyzeOptions::default(),
    )
    .expect("analysed");
    let tests: Vec<_> = analysis
        .failures
        .iter()
        .filter_map(|f| f.test.clone())
        .collect();
    assert_eq!(
        tests,
        vec!["tests/test_calc.py::test_add".to_string()],
        "{tests:?}"
    );
}
