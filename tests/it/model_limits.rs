//! What a small or local model does to a run, against the fake OpenAI server: a reply
//! that copies the format example, a retry that would repeat a prompt, a context
//! window (set, reported by the server, or learnt from its refusal), a slow answer.
//! The same paths against a real llama.cpp server are in `local_model.rs`.

use crate::support::fake_openai::{FakeOpenAi, Reply, DEFAULT_PROMPT_TOKENS};
use crate::support::harness::{assert_same_tree, snapshot, Output, Test};
use serde_json::{json, Value};

const KEY: &str = "sk-test-key-0123456789";
const CUT_MARKER: &str = "[… cut to fit the model's context window]";

/// `self-heal run` on py-logic-error's own log against `fake`, with `extra` flags.
fn run(t: &Test, fake: &FakeOpenAi, extra: &[&str]) -> Output {
    Test::new()
        .current_dir(t.repo())
        .args(["run", "--log", t.repo().join("ci.log").to_str().unwrap()])
        .args(["--workdir", t.repo().to_str().unwrap()])
        .args(["--report", t.path("report.json").to_str().unwrap()])
        .args(["--openai-base-url", &fake.base_url()])
        .args(extra.iter().copied())
        .env("OPENAI_API_KEY", KEY)
        .run()
}

fn report(t: &Test, out: &Output) -> Value {
    out.report(&t.path("report.json"))
}

fn the_fix() -> Reply {
    Reply::reply_edits(
        "page_count rounds down",
        &[(
            "pager/core.py",
            "return total_items // per_page",
            "return (total_items + per_page - 1) // per_page",
        )],
    )
}

/// The example of a repository's own system prompt (the one self-heal shipped until
/// a 270M model on llama.cpp sent it back on every attempt).
const EXAMPLE: &str = r#"{"diagnosis": "the root cause in 1-3 sentences",
 "edits": [{"path": "relative/path/from/repo/root", "search": "exact text now in the file", "replace": "new text"}]}"#;

#[test]
fn a_copied_format_example_is_named_and_the_retry_lists_the_editable_paths() {
    let t = Test::with_sample("py-logic-error");
    let prompts = t.repo().join(".github/self-heal/prompts");
    std::fs::create_dir_all(&prompts).unwrap();
    std::fs::write(
        prompts.join("system.md"),
        format!("You repair failing CI. Reply with one JSON object:\n\n{EXAMPLE}\n"),
    )
    .unwrap();
    crate::support::harness::commit_all(&t.repo(), "our own prompt");
    // The model sends the example back, word for word.
    let fake = FakeOpenAi::start([Reply::content(EXAMPLE), the_fix()]);
    let out = run(&t, &fake, &["--yes", "--max-attempts", "2"]);
    let r = report(&t, &out);
    assert_eq!(r["status"], "fixed", "{out:?}");
    let first = &r["attempts"][0];
    assert_eq!(
        first["error"],
        "the model repeated the format example instead of answering (diagnosis \"the root cause in 1-3 sentences\")"
    );
    let retry = fake.requests()[1].user_message();
    assert!(
        retry.contains("the model repeated the format example"),
        "{retry}"
    );
    // The files it may edit: the code under test, not the test (allow-test-edits off).
    let paths = retry
        .lines()
        .find(|l| l.starts_with("Paths you may edit: "))
        .unwrap_or_else(|| panic!("{retry}"));
    assert!(paths.contains("pager/core.py"), "{paths}");
    assert!(!paths.contains("tests/test_pager.py"), "{paths}");
    // The copied edit is not shown back as an attempt (only the field that gave it away).
    assert!(!retry.contains("relative/path/from/repo/root"), "{retry}");
    // Both answers counted, and the wait shown.
    assert_eq!(r["llm"]["prompt_tokens"], 2 * DEFAULT_PROMPT_TOKENS);
    assert!(
        out.stderr.contains("the model answered in ")
            && out
                .stderr
                .contains(&format!("({DEFAULT_PROMPT_TOKENS} prompt + ")),
        "{}",
        out.stderr
    );
}

/// An overridden template that shows no previous attempt would send the same prompt
/// again once the retries run out of new code to show: the loop stops instead of
/// asking the same question twice.
#[test]
fn a_retry_that_would_repeat_the_prompt_is_not_sent() {
    let t = Test::with_sample("py-logic-error");
    let prompts = t.repo().join(".github/self-heal/prompts");
    std::fs::create_dir_all(&prompts).unwrap();
    std::fs::write(
        prompts.join("user.md"),
        "Fix this failure.\n\n{{excerpt}}\n\n{{files}}\n",
    )
    .unwrap();
    crate::support::harness::commit_all(&t.repo(), "a template without the attempts");
    let before = snapshot(&t.repo());
    let fake = FakeOpenAi::start([
        Reply::garbage("no idea"),
        Reply::garbage("no idea"),
        Reply::garbage("no idea"),
    ]);
    let out = run(&t, &fake, &["--yes", "--max-attempts", "3"]);
    let r = report(&t, &out);
    assert_eq!(r["status"], "not_fixed", "{out:?}");
    assert_eq!(out.code, 1);
    // Attempt 2 brings new evidence (the callers of the top suspects), so it is sent;
    // attempt 3 would have nothing new and repeat it.
    let sent: Vec<(String, String)> = fake
        .requests()
        .iter()
        .map(|r| (r.system_message(), r.user_message()))
        .collect();
    assert_eq!(sent.len(), 2, "the third request would repeat the second");
    assert_ne!(sent[0], sent[1], "the same prompt is never sent twice");
    assert!(
        r["reason"]
            .as_str()
            .unwrap()
            .contains("the next prompt would repeat an earlier one word for word"),
        "{}",
        r["reason"]
    );
    assert_same_tree(&before, &snapshot(&t.repo()), "repeat guard");
}

/// The prompt's tokens as the fit first counts them (four characters a token).
fn prompt_tokens_estimate(request: &crate::support::fake_openai::RecordedRequest) -> usize {
    let chars = request.system_message().chars().count() + request.user_message().chars().count();
    chars.div_ceil(4)
}

/// py-logic-error with maintainers' notes (about a thousand tokens) beside it: the
/// sample alone is hardly more than the instructions, the notes give a cut something
/// to take.
fn sample_with_notes() -> Test {
    let t = Test::with_sample("py-logic-error");
    let rule = "- Keep fixes small and focused on the code under test; explain the root cause in the diagnosis and never reformat unrelated lines.\n";
    std::fs::write(
        t.repo().join("AGENTS.md"),
        format!("# Contributing\n\n{}", rule.repeat(30)),
    )
    .unwrap();
    crate::support::harness::commit_all(&t.repo(), "notes");
    t
}

/// The whole prompt of the first attempt on [`sample_with_notes`], as the fit counts
/// it: the windows below are chosen from it, so they hold the instructions but not all
/// of it.
fn whole_prompt_tokens() -> usize {
    let t = sample_with_notes();
    let fake = FakeOpenAi::start([the_fix()]);
    let out = run(&t, &fake, &["--dry-run"]);
    assert_eq!(report(&t, &out)["status"], "proposed", "{out:?}");
    let whole = &fake.requests()[0];
    // Without a window: no limit on the reply either.
    assert!(whole.body.get("max_completion_tokens").is_none());
    assert!(!whole.user_message().contains(CUT_MARKER));
    prompt_tokens_estimate(whole)
}

#[test]
fn the_context_window_setting_cuts_the_prompt_and_bounds_the_reply() {
    // A window the whole prompt does not fit once the reply's room is kept.
    let window = whole_prompt_tokens() + 200;
    let t = sample_with_notes();
    let fake = FakeOpenAi::start([the_fix()]);
    let out = run(
        &t,
        &fake,
        &["--dry-run", "--context-window", &window.to_string()],
    );
    assert_eq!(report(&t, &out)["status"], "proposed", "{out:?}");
    let cut = &fake.requests()[0];
    let reply_room = (window / 4).clamp(256, 4096);
    assert_eq!(cut.body["max_completion_tokens"], json!(reply_room));
    assert!(
        prompt_tokens_estimate(cut) <= window - reply_room,
        "{} > {}",
        prompt_tokens_estimate(cut),
        window - reply_room
    );
    assert!(
        cut.user_message().contains(CUT_MARKER),
        "{}",
        cut.user_message()
    );
    // The failing test survives the cut, and the fix still validated.
    assert!(cut
        .user_message()
        .contains("tests/test_pager.py::test_page_count_partial_last_page"));
    assert!(
        out.stderr
            .contains("the prompt is cut to fit the model's context window of"),
        "{}",
        out.stderr
    );

    // A window that cannot hold even the instructions: a clear error, nothing sent.
    let t = Test::with_sample("py-logic-error");
    let before = snapshot(&t.repo());
    let fake = FakeOpenAi::start([the_fix()]);
    let out = run(&t, &fake, &["--dry-run", "--context-window", "512"]);
    let r = report(&t, &out);
    assert_eq!(r["status"], "error", "{out:?}");
    assert!(
        r["reason"]
            .as_str()
            .unwrap()
            .starts_with("the model's context window (512 tokens, 256 of them kept for the reply) cannot hold the prompt"),
        "{}",
        r["reason"]
    );
    assert_eq!(fake.request_count(), 0);
    assert_same_tree(&before, &snapshot(&t.repo()), "window too small");
}

#[test]
fn the_window_a_server_reports_is_used_and_check_shows_it() {
    let n_ctx = whole_prompt_tokens() + 300;
    let models = json!({"object": "list", "data": [{
        "id": "gemma-3-270m-q4_k_m.gguf", "object": "model", "owned_by": "llamacpp",
        "meta": {"n_ctx": n_ctx, "n_ctx_train": 32768}
    }]});
    let t = sample_with_notes();
    let fake = FakeOpenAi::start([the_fix()]);
    fake.serve_models(models);
    let out = run(&t, &fake, &["--dry-run"]);
    assert_eq!(report(&t, &out)["status"], "proposed", "{out:?}");
    let completion = fake
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap();
    let reply_room = n_ctx / 4;
    assert_eq!(completion.body["max_completion_tokens"], json!(reply_room));
    assert!(prompt_tokens_estimate(&completion) <= n_ctx - reply_room);
    assert!(completion.user_message().contains(CUT_MARKER));
    assert!(
        out.stderr.contains(&format!(
            "the model server reports a context window of {n_ctx} tokens"
        )),
        "{}",
        out.stderr
    );

    let check = Test::new()
        .current_dir(t.repo())
        .args(["check", "--openai-base-url", &fake.base_url()])
        .run();
    assert_eq!(check.code, 0, "{check:?}");
    assert!(
        check.stdout.contains(&format!(
            "PASS model: {} (model gpt-4.1-mini): reachable, no key sent; serves gemma-3-270m-q4_k_m.gguf; context window {n_ctx} tokens (reported by the server; the prompt is cut to fit)",
            fake.base_url()
        )),
        "{}",
        check.stdout
    );
}

/// A server that refuses the prompt as too long (llama.cpp's own words) tells its
/// window: the prompt is cut to it and sent once more in the same attempt.
#[test]
fn a_context_overflow_refusal_is_cut_to_the_window_it_names_and_sent_again() {
    let whole = whole_prompt_tokens();
    let server_window = whole - 100;
    let t = sample_with_notes();
    let fake = FakeOpenAi::start([
        Reply::json(
            400,
            json!({"error": {"code": 400, "type": "exceed_context_size_error",
                "message": format!("request ({whole} tokens) exceeds the available context size ({server_window} tokens), try increasing it")}}),
        ),
        the_fix(),
    ]);
    let out = run(&t, &fake, &["--yes", "--max-attempts", "1"]);
    let r = report(&t, &out);
    assert_eq!(r["status"], "fixed", "{out:?}");
    let sent = fake.requests();
    assert_eq!(sent.len(), 2);
    assert_eq!(r["llm"]["requests"], 2);
    assert!(sent[1].user_message().len() < sent[0].user_message().len());
    assert!(sent[1].user_message().contains(CUT_MARKER));
    assert_eq!(
        sent[1].body["max_completion_tokens"],
        json!(server_window / 4),
        "the reply is bounded by the window learnt"
    );
    assert!(
        out.stderr.contains(&format!(
            "the server's context window is {server_window} tokens and the prompt took {whole}: cutting it to fit"
        )),
        "{}",
        out.stderr
    );
}

#[test]
fn a_model_slower_than_llm_timeout_is_one_line_naming_the_setting() {
    let t = Test::with_sample("py-logic-error");
    let before = snapshot(&t.repo());
    let slow = || the_fix().delay(std::time::Duration::from_secs(4));
    let fake = FakeOpenAi::start([slow(), slow(), slow(), slow()]);
    let out = run(&t, &fake, &["--yes", "--llm-timeout", "1"]);
    let r = report(&t, &out);
    assert_eq!(r["status"], "error", "{out:?}");
    assert_eq!(out.code, 3);
    let reason = r["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("no answer from the model within llm-timeout (1 s a request, 4 tries)")
            && reason.ends_with("raise llm-timeout"),
        "{reason}"
    );
    // The wait was shown: what runs and its limit.
    assert!(
        out.stderr.contains(
            "attempt 1: asking the model (model attempt 1 of 3; gpt-4.1-mini, llm-timeout 1 s)"
        ),
        "{}",
        out.stderr
    );
    assert_same_tree(&before, &snapshot(&t.repo()), "timeout");
}

/// llama.cpp's server answers `GET /models` with 503 while it loads its model (a
/// run started with the server did so): the run waits for the list instead of
/// going on without a window, and so without a bound on the reply.
#[test]
fn a_server_still_loading_its_model_is_waited_for_and_its_window_used() {
    let n_ctx = whole_prompt_tokens() + 300;
    let t = sample_with_notes();
    let fake = FakeOpenAi::start([the_fix()]);
    fake.serve_models(json!({"object": "list", "data": [{
        "id": "gemma-3-270m-q4_k_m.gguf", "object": "model", "owned_by": "llamacpp",
        "meta": {"n_ctx": n_ctx}
    }]}));
    fake.models_loading(3);
    let out = run(&t, &fake, &["--dry-run"]);
    assert_eq!(report(&t, &out)["status"], "proposed", "{out:?}");
    assert!(
        out.stderr
            .contains("the model server is still loading its model: waiting for it"),
        "{}",
        out.stderr
    );
    let completion = fake
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap();
    assert_eq!(completion.body["max_completion_tokens"], json!(n_ctx / 4));
}
