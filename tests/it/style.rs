//! Output style of the real binary: model retry warnings in the `self-heal:` line
//! style, colour only on a terminal, `NO_COLOR` and `CLICOLOR_FORCE` honoured.

use crate::support::fake_openai::{FakeOpenAi, Reply};
use crate::support::harness::{sample_dir, Output, Test};

/// The model's reply with `py-logic-error`'s expected fix.
pub fn logic_fix() -> Reply {
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(sample_dir("py-logic-error").join("expected.json")).unwrap(),
    )
    .unwrap();
    let e = &expected["fix"][0];
    Reply::reply_edits(
        "page_count rounds down; use ceiling division.",
        &[(
            e["path"].as_str().unwrap(),
            e["search"].as_str().unwrap(),
            e["replace"].as_str().unwrap(),
        )],
    )
}

/// A run whose first model request gets a 503 (retried at once), stderr to a pipe.
fn run_with_one_retry(env: &[(&str, &str)]) -> Output {
    let llm = FakeOpenAi::start([
        FakeOpenAi::status(503).header("retry-after-ms", "15"),
        logic_fix(),
    ]);
    let t = Test::with_sample("py-logic-error");
    let repo = t.repo();
    let mut test = t
        .args([
            "run",
            "--log",
            "ci.log",
            "--dry-run",
            "--openai-base-url",
            &llm.base_url(),
        ])
        .current_dir(repo)
        .env("OPENAI_API_KEY", "sk-style-test-123456");
    for (k, v) in env {
        test = test.env(k, v);
    }
    let out = test.run();
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(llm.request_count(), 2, "one retry, then the fix");
    out
}

fn warning_line(out: &Output) -> String {
    out.stderr
        .lines()
        .find(|l| l.contains("retry 1/"))
        .unwrap_or_else(|| panic!("no retry warning:\n{}", out.stderr))
        .to_string()
}

#[test]
fn retry_warnings_in_a_file_are_plain_self_heal_lines() {
    // The harness sets NO_COLOR=1; an empty one does not count, so only the
    // missing terminal keeps colour out here.
    let out = run_with_one_retry(&[("NO_COLOR", "")]);
    let line = warning_line(&out);
    assert!(line.starts_with("self-heal: warning: "), "{line:?}");
    // Attempts and HTTP retries are told apart by their wording, not just numbers.
    assert!(
        out.stderr
            .contains("self-heal: attempt 1: asking the model (model attempt 1 of "),
        "{}",
        out.stderr
    );
    assert!(!line.contains("model attempt"), "{line:?}");
    assert!(!out.stderr.contains('\x1b'), "{:?}", out.stderr);
    assert!(!out.stdout.contains('\x1b'), "{:?}", out.stdout); // The summary counts every HTTP request, the retried one too.
    assert!(out.stdout.contains("model: 2 request(s)"), "{}", out.stdout);
}

#[test]
fn clicolor_force_colours_without_a_terminal_and_no_color_wins() {
    let out = run_with_one_retry(&[("NO_COLOR", ""), ("CLICOLOR_FORCE", "1")]);
    let line = warning_line(&out);
    assert!(
        line.starts_with("self-heal: \x1b[33mwarning\x1b[0m: "),
        "{line:?}"
    );
    let out = run_with_one_retry(&[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")]);
    assert!(!out.stderr.contains('\x1b'), "{:?}", out.stderr);
}
