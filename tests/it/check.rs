//! `self-heal check`: PASS/FAIL lines and exit 1 on any FAIL, against real tools and fakes.

use crate::support::fake_openai::FakeOpenAi;
use crate::support::harness::Test;

#[test]
fn a_ready_checkout_passes() {
    let t = Test::with_sample("py-logic-error");
    let repo = t.repo();
    let fake = FakeOpenAi::start([]);
    let out = t
        .args(["check", "--openai-base-url", &fake.base_url()])
        .current_dir(repo)
        .env("OPENAI_API_KEY", "sk-check-key-123456")
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    for what in [
        "PASS config",
        "PASS model",
        "PASS git",
        "PASS checkout",
        "PASS validation",
    ] {
        assert!(
            out.stdout.contains(what),
            "missing {what:?}:\n{}",
            out.stdout
        );
    }
    assert!(out.stdout.contains("python -m pytest -q"), "{}", out.stdout);
    assert!(
        !out.stdout.contains("sk-check-key-123456"),
        "the key is never printed"
    );
}

#[test]
fn an_unreachable_model_and_a_missing_test_command_fail() {
    let t = Test::new();
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = t
        .args([
            "check",
            "--openai-base-url",
            &format!("http://127.0.0.1:{port}/v1"),
        ])
        .env("OPENAI_API_KEY", "sk-x-123456")
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout.contains("FAIL model") && out.stdout.contains("unreachable"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("FAIL validation"), "{}", out.stdout);
    assert!(
        out.stdout
            .lines()
            .all(|l| ["PASS ", "WARN ", "FAIL ", "SKIP "]
                .iter()
                .any(|p| l.starts_with(p))),
        "{}",
        out.stdout
    );
}

#[test]
fn no_model_is_a_warning_when_recipes_can_still_fix() {
    // A ready checkout and no key anywhere: recipes work keyless, so exit 0.
    let t = Test::with_sample("py-logic-error");
    let repo = t.repo();
    let out = t.args(["check"]).current_dir(repo).run();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .contains("WARN model: no model configured: only deterministic recipes can fix"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("FAIL"), "{}", out.stdout);
    assert!(out.stdout.contains("PASS validation"), "{}", out.stdout);
}

#[test]
fn no_model_with_something_broken_still_fails_on_that() {
    // No model is only a warning, but the missing test command is configured-and-broken.
    let out = Test::new().args(["check"]).run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains("WARN model:"), "{}", out.stdout);
    assert!(!out.stdout.contains("FAIL model"), "{}", out.stdout);
    assert!(out.stdout.contains("FAIL validation"), "{}", out.stdout);
}

#[test]
fn a_bad_setting_is_a_fail_line() {
    let out = Test::new().args(["check", "--validation", "vm"]).run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout.starts_with("FAIL config:") && out.stdout.contains("validation"),
        "{}",
        out.stdout
    );
}

#[test]
fn the_key_is_verified_against_the_endpoint() {
    let fake = FakeOpenAi::start([]);
    fake.accept_models_key("sk-right-key-123456");
    let repo = Test::with_sample("py-logic-error");
    let ok = Test::new()
        .args(["check", "--openai-base-url", &fake.base_url()])
        .current_dir(repo.repo())
        .env("OPENAI_API_KEY", "sk-right-key-123456")
        .run();
    assert!(
        ok.stdout.contains("PASS model") && ok.stdout.contains("key accepted"),
        "{}",
        ok.stdout
    );
    let bad = Test::new()
        .args(["check", "--openai-base-url", &fake.base_url()])
        .current_dir(repo.repo())
        .env("OPENAI_API_KEY", "sk-wrong-key-654321")
        .run();
    assert_eq!(bad.code, 1, "{bad:?}");
    assert!(
        bad.stdout.contains("FAIL model") && bad.stdout.contains("rejected"),
        "{}",
        bad.stdout
    );
    let sent: Vec<_> = fake
        .all_requests()
        .into_iter()
        .filter(|r| r.path == "/v1/models")
        .collect();
    assert_eq!(sent.len(), 2, "check asked GET /v1/models once per run");
}

/// A monorepo: no project at the root, so the projects below it are listed with their
/// commands, and a missing tool for one of them is a FAIL naming it.
#[test]
fn a_monorepo_lists_its_projects_and_their_tools() {
    let t = Test::new();
    let repo = t.repo();
    crate::support::harness::copy_dir(
        &crate::support::harness::sample_dir("go-wordfreq"),
        &repo.join("backend"),
    );
    std::fs::create_dir_all(repo.join("services/billing")).unwrap();
    std::fs::write(
        repo.join("services/billing/Cargo.toml"),
        "[package]\nname = \"billing\"\n",
    )
    .unwrap();
    crate::support::harness::init_and_commit(&repo, "monorepo");
    let out = Test::new().args(["check"]).current_dir(repo.clone()).run();
    let validation = out
        .stdout
        .lines()
        .find(|l| l.contains(" validation: "))
        .unwrap_or_else(|| panic!("{}", out.stdout))
        .to_string();
    assert!(
        validation.starts_with("PASS validation: no project at the root"),
        "{validation}"
    );
    assert!(
        validation.contains("backend/ `go test ./...`"),
        "{validation}"
    );
    assert!(
        validation.contains("services/billing/ `cargo test`"),
        "{validation}"
    );

    // Without cargo on PATH, that project's line says so and the check fails.
    let go = which::which("go").expect("go on PATH");
    let bin = t.path("bin");
    std::fs::create_dir_all(&bin).unwrap();
    for tool in ["git", "sh"] {
        std::os::unix::fs::symlink(which::which(tool).unwrap(), bin.join(tool)).unwrap();
    }
    std::os::unix::fs::symlink(&go, bin.join("go")).unwrap();
    let out = Test::new()
        .args(["check"])
        .current_dir(repo)
        .env("PATH", bin.to_str().unwrap())
        .run();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout
            .contains("FAIL validation: no project at the root")
            && out
                .stdout
                .contains("services/billing/ `cargo test`: cargo not found on PATH"),
        "{}",
        out.stdout
    );
}

/// A server of one's own: its list is shown, and a model name it does not list is a
/// WARN that names what it serves (Ollama, vLLM and LM Studio refuse unknown names;
/// llama.cpp answers whatever the name, so not a FAIL).
#[test]
fn a_local_server_shows_its_models_and_an_unlisted_model_is_a_warning() {
    let t = Test::with_sample("py-logic-error");
    let fake = FakeOpenAi::start([]);
    fake.serve_models(serde_json::json!({"object": "list", "data": [
        {"id": "qwen2.5-coder:latest", "object": "model", "owned_by": "library"},
        {"id": "llama3.2:1b", "object": "model", "owned_by": "library"}
    ]}));
    let check = |model: &str| {
        Test::new()
            .args([
                "check",
                "--openai-base-url",
                &fake.base_url(),
                "--model",
                model,
            ])
            .current_dir(t.repo())
            .run()
    };
    let out = check("gpt-4.1-mini");
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains(&format!(
            "PASS model: {} (model gpt-4.1-mini): reachable, no key sent; serves qwen2.5-coder:latest, llama3.2:1b; the server reports no context window (set context-window to the one it runs with)",
            fake.base_url()
        )),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("WARN model: gpt-4.1-mini is not among the models the server lists; llama.cpp's server answers with its one model whatever the name, Ollama, vLLM and LM Studio refuse an unknown one: set model to qwen2.5-coder:latest"),
        "{}",
        out.stdout
    );
    // Listed (Ollama's `:latest` may be left out): no warning.
    for model in ["llama3.2:1b", "qwen2.5-coder"] {
        let out = check(model);
        assert_eq!(out.code, 0, "{out:?}");
        assert!(
            !out.stdout.contains("WARN model"),
            "{model}: {}",
            out.stdout
        );
    }
    // A window set by hand is shown as such.
    let out = Test::new()
        .args(["check", "--openai-base-url", &fake.base_url()])
        .args(["--model", "llama3.2:1b", "--context-window", "4096"])
        .current_dir(t.repo())
        .run();
    assert!(
        out.stdout
            .contains("; context window 4096 tokens (context-window)"),
        "{}",
        out.stdout
    );
}
