//! The approval page in a real browser: `self-heal run` really validates a recipe fix
//! and keeps it pending, then the real `self-heal approve-ui` serves it and headless
//! Chromium (Debian's `chromium`, driven through `chromedriver` over WebDriver) reads
//! the page and clicks its buttons, as a person would.
//!
//! `UPDATE_GOLDEN=1` also writes the browser's screenshot to docs/approve-ui.png
//! (docs/how-it-works.md shows it). Pixels differ between machines, so it is not compared.

use crate::support::context::Run;
use crate::support::harness::{copy_dir, manifest_dir, snapshot, Test};
use fantoccini::{Client, ClientBuilder, Locator};
use self_heal::report::Status;
use std::collections::BTreeMap;
use std::io::BufRead;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Every wait in this file is a bound on something that normally takes well under a
/// second; hitting it fails the test with what was seen so far.
const WAIT: Duration = Duration::from_secs(60);

/// A process this test started, ended (by its own PID) when dropped.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// chromedriver in a process group of its own, which the browsers it starts join:
/// dropping it ends that group (by its id), so no Chromium outlives a test, even
/// one that panicked before closing its session.
struct Group(Child);

impl Drop for Group {
    fn drop(&mut self) {
        if let Ok(pgid) = i32::try_from(self.0.id()) {
            // SAFETY: kill(2) with a negative id signals exactly that process group.
            unsafe {
                libc::kill(-pgid, libc::SIGKILL);
            }
        }
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn chromedriver_path() -> PathBuf {
    which::which("chromedriver").unwrap_or_else(|_| {
        panic!("chromedriver not found: run scripts/install-test-deps.sh (Debian chromium + chromium-driver)")
    })
}

/// chromedriver on a free loopback port and one headless Chromium session through it.
struct Browser {
    client: Client,
    _driver: Group,
    _profile: tempfile::TempDir,
}

impl Browser {
    async fn start() -> Browser {
        let port = free_port();
        let driver = Group(
            Command::new(chromedriver_path())
                .arg(format!("--port={port}"))
                .process_group(0)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start chromedriver"),
        );
        let url = format!("http://127.0.0.1:{port}");
        let http = self_heal::http::build_client(Duration::from_secs(5), false).unwrap();
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            let ready = match http.get(format!("{url}/status")).send().await {
                Ok(r) => r
                    .json::<serde_json::Value>()
                    .await
                    .is_ok_and(|v| v["value"]["ready"] == true),
                Err(_) => false,
            };
            if ready {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "chromedriver never became ready"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // Root in a container: no sandbox; and nothing may phone home or update.
        let profile = tempfile::tempdir().unwrap();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-crash-reporter",
                    "--disable-breakpad",
                    "--disable-dev-shm-usage",
                    "--hide-scrollbars",
                    "--window-size=1200,1300",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&url)
            .await
            .expect("start a headless Chromium session");
        Browser {
            client,
            _driver: driver,
            _profile: profile,
        }
    }

    async fn text(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css} on the page: {e}"))
            .text()
            .await
            .unwrap()
    }

    async fn texts(&self, css: &str) -> Vec<String> {
        let mut out = Vec::new();
        for el in self.client.find_all(Locator::Css(css)).await.unwrap() {
            out.push(el.text().await.unwrap());
        }
        out
    }

    async fn css(&self, css: &str, property: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css} on the page: {e}"))
            .css_value(property)
            .await
            .unwrap()
    }

    async fn visible(&self, css: &str) -> bool {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css} on the page: {e}"))
            .is_displayed()
            .await
            .unwrap()
    }

    async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css} on the page: {e}"))
            .click()
            .await
            .unwrap();
    }

    /// The body text once it contains `want` (a form post navigates the tab).
    async fn body_once_it_says(&self, want: &str) -> String {
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            let body = match self.client.find(Locator::Css("body")).await {
                Ok(el) => el.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if body.contains(want) {
                return body;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the page never said {want:?}; it says:\n{body}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn close(self) {
        let _ = self.client.close().await;
    }
}

/// The py-name-error sample after a real `self-heal run` whose recipe fix passed
/// validation and was declined (no terminal to ask), so it waits in pending.json.
fn pending_fix() -> Test {
    let t = Test::with_sample("py-name-error");
    let out = Test::new()
        .args(["run", "--log", "ci.log"])
        .current_dir(t.repo())
        .run();
    assert_eq!(out.code, 0, "{out:?}");
    let run = Run::read(out, &t.repo().join(".self-heal/report.json"), t.dir.path());
    assert_eq!(run.report.status, Status::Proposed, "{run:?}");
    assert!(t.repo().join(".self-heal/pending.json").is_file());
    t
}

/// The real `self-heal approve-ui` on `repo`, its URL, and what it prints afterwards.
struct ApproveUi {
    proc: Proc,
    url: String,
    stdout: mpsc::Receiver<String>,
}

impl ApproveUi {
    fn start(repo: &Path) -> ApproveUi {
        let child = Command::new(env!("CARGO_BIN_EXE_self-heal"))
            .args(["approve-ui", "--port", "0"])
            .current_dir(repo)
            .env_remove("GITHUB_ACTIONS")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start self-heal approve-ui");
        let mut proc = Proc(child);
        let stdout = proc.0.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let first = rx.recv_timeout(WAIT).expect("approve-ui printed no URL");
        let url = first
            .strip_prefix("review the pending fix at ")
            .unwrap_or_else(|| panic!("unexpected first line: {first}"))
            .to_string();
        ApproveUi {
            proc,
            url,
            stdout: rx,
        }
    }

    /// `http://127.0.0.1:PORT`
    fn base(&self) -> String {
        self.url.split("/?").next().unwrap().to_string()
    }

    fn token(&self) -> String {
        self.url.split("?t=").nth(1).unwrap().to_string()
    }

    fn still_waiting(&mut self) -> bool {
        self.proc.0.try_wait().unwrap().is_none()
    }

    /// Exit code and the lines printed after the URL.
    async fn finish(mut self) -> (i32, String) {
        let deadline = std::time::Instant::now() + WAIT;
        let status = loop {
            if let Some(status) = self.proc.0.try_wait().unwrap() {
                break status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "approve-ui did not exit after the decision"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let rest: Vec<String> = self.stdout.try_iter().collect();
        (status.code().unwrap_or(-1), rest.join("\n"))
    }
}

/// The sources a decision may change: everything but `.git` and `.self-heal`.
fn sources(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    snapshot(dir)
        .into_iter()
        .filter(|(p, _)| !p.starts_with(".git") && !p.starts_with(".self-heal"))
        .collect()
}

async fn screenshot(browser: &Browser, name: &str) {
    let png = browser.client.screenshot().await.expect("screenshot");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let path = manifest_dir().join("docs").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, png).unwrap();
    }
}

#[tokio::test]
async fn browser_shows_the_fix_and_approve_applies_exactly_the_diff() {
    let t = pending_fix();
    let repo = t.repo();
    // A copy of the tree as it was, to apply the page's diff to by hand later.
    let pristine = t.path("pristine");
    copy_dir(&repo, &pristine);
    let before = sources(&repo);

    let ui = ApproveUi::start(&repo);
    let browser = Browser::start().await;
    browser.client.goto(&ui.url).await.unwrap();
    assert_eq!(
        browser.client.title().await.unwrap(),
        "self-heal: approve the fix?"
    );

    // What failed, why, and what the fix changes: all on screen.
    let failures = browser.text("#failures").await;
    assert!(
        failures.contains("tests/test_cart.py::test_cart_total"),
        "{failures}"
    );
    assert!(failures.contains("'totl' is not defined"), "{failures}");
    let diagnosis = browser.text("#diagnosis").await;
    assert!(
        diagnosis.contains("`totl`") && diagnosis.contains("`total`"),
        "{diagnosis}"
    );
    let summary = browser.text("#summary").await;
    assert!(summary.contains("1 file changed (+1 −1)"), "{summary}");

    // The diff is highlighted: real colours on the lines, and the changed word marked.
    let diff = browser.text("#diff").await;
    assert!(diff.contains("+++ b/cart/core.py"), "{diff}");
    // Line for line the patch self-heal recorded (no blank lines slipped in).
    let pending: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo.join(".self-heal/pending.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(diff, pending["patch"].as_str().unwrap().trim_end());
    assert_eq!(
        browser.css("#diff span.add", "background-color").await,
        "rgba(218, 251, 225, 1)"
    );
    assert_eq!(
        browser.css("#diff span.del", "background-color").await,
        "rgba(255, 235, 233, 1)"
    );
    assert_eq!(browser.texts("#diff span.del mark").await, ["totl"]);
    assert_eq!(browser.texts("#diff span.add mark").await, ["total"]);
    assert_ne!(
        browser.css("#diff span.add mark", "background-color").await,
        browser.css("#diff span.add", "background-color").await,
        "the changed word stands out from its line"
    );

    // The evidence: verdict, the commands the sandbox ran, and their output, unfolded.
    let evidence = browser.text("#evidence").await;
    assert!(
        evidence.contains("Validation evidence: passed"),
        "{evidence}"
    );
    assert!(
        evidence.contains("python -m pytest")
            && evidence.contains("tests/test_cart.py::test_cart_total"),
        "{evidence}"
    );
    assert!(browser.visible("#evidence .output").await);
    assert!(
        browser.text("#evidence .output").await.contains("passed"),
        "{evidence}"
    );
    screenshot(&browser, "approve-ui.png").await;

    browser.click("button.approve").await;
    let done = browser.body_once_it_says("Approved").await;
    assert!(done.contains("self-heal applies the fix now"), "{done}");
    browser.close().await;
    let (code, said) = ui.finish().await;
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("applied: cart/core.py"), "{said}");
    assert!(!repo.join(".self-heal/pending.json").exists());

    // Exactly the diff the browser showed: applying that text to the old tree by hand
    // gives the same bytes, file for file.
    let patch = t.path("shown.patch");
    std::fs::write(&patch, format!("{diff}\n")).unwrap();
    let applied = Command::new("git")
        .args(["apply", "--unsafe-paths", patch.to_str().unwrap()])
        .current_dir(&pristine)
        .output()
        .unwrap();
    assert!(
        applied.status.success(),
        "the shown diff does not apply: {}\n{diff}",
        String::from_utf8_lossy(&applied.stderr)
    );
    let after = sources(&repo);
    assert_eq!(
        after,
        sources(&pristine),
        "tree differs from the shown diff"
    );
    let changed: Vec<_> = after
        .iter()
        .filter(|(p, b)| before.get(*p) != Some(b))
        .map(|(p, _)| p.display().to_string())
        .collect();
    assert_eq!(changed, ["cart/core.py"]);
}

#[tokio::test]
async fn browser_reject_keeps_the_tree_byte_identical() {
    let t = pending_fix();
    let repo = t.repo();
    let before = snapshot(&repo);
    let ui = ApproveUi::start(&repo);
    let browser = Browser::start().await;
    browser.client.goto(&ui.url).await.unwrap();
    browser
        .client
        .find(Locator::Css("input[name=reason]"))
        .await
        .unwrap()
        .send_keys("wrong variable")
        .await
        .unwrap();
    browser.click("button.reject").await;
    let done = browser.body_once_it_says("Rejected").await;
    assert!(done.contains("nothing was changed"), "{done}");
    browser.close().await;
    let (code, said) = ui.finish().await;
    assert_eq!(code, 0, "{said}");
    assert!(
        said.contains("rejected (rejected on the approval page: wrong variable)"),
        "{said}"
    );
    // Every byte, .git and the still-pending fix included.
    assert_eq!(snapshot(&repo), before);
}

/// Another site the user has open: a form that posts a decision to the approval page.
async fn attacker_site(target: &str, token: &str) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let page = format!(
        "<!doctype html><title>cute cats</title>\
         <form method=post action=\"{target}/decision\">\
         <input type=hidden name=token value=\"{token}\">\
         <input type=hidden name=decision value=approve>\
         <button id=cats type=submit>See cats</button></form>"
    );
    let app = axum::Router::new().route(
        "/",
        axum::routing::get(move || {
            let page = page.clone();
            async move { axum::response::Html(page) }
        }),
    );
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, task)
}

#[tokio::test]
async fn browser_forged_requests_are_refused_and_change_nothing() {
    let t = pending_fix();
    let repo = t.repo();
    let before = snapshot(&repo);
    let mut ui = ApproveUi::start(&repo);
    let browser = Browser::start().await;

    // Cross-site: even a page that somehow knows the token is refused by its Origin.
    let (evil, evil_task) = attacker_site(&ui.base(), &ui.token()).await;
    browser.client.goto(&evil).await.unwrap();
    browser.click("#cats").await;
    browser
        .body_once_it_says("cross-origin request refused")
        .await;

    // The page without its token shows nothing.
    browser
        .client
        .goto(&format!("{}/", ui.base()))
        .await
        .unwrap();
    let body = browser.body_once_it_says("missing or wrong token").await;
    assert!(!body.contains("cart/core.py"), "{body}");

    // The real page, with its form's token removed or altered before the click.
    for forged in ["", "00000000000000000000000000000000"] {
        browser.client.goto(&ui.url).await.unwrap();
        browser
            .client
            .execute(
                "document.querySelector('form input[name=token]').value = arguments[0];",
                vec![serde_json::json!(forged)],
            )
            .await
            .unwrap();
        browser.click("button.approve").await;
        browser.body_once_it_says("wrong token").await;
    }

    // A DNS-rebinding page reaches the port under its own host name.
    let http = self_heal::http::build_client(Duration::from_secs(10), false).unwrap();
    let port = ui.base().rsplit(':').next().unwrap().to_string();
    let resp = http
        .post(format!("{}/decision", ui.base()))
        .header("host", format!("rebind.example:{port}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={}&decision=approve", ui.token()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert!(resp.text().await.unwrap().contains("unexpected Host"));

    assert!(ui.still_waiting(), "a forged request ended the wait");
    assert_eq!(snapshot(&repo), before, "a forged request changed the tree");

    // The page still works for its user afterwards.
    browser.client.goto(&ui.url).await.unwrap();
    browser.click("button.reject").await;
    browser.body_once_it_says("Rejected").await;
    browser.close().await;
    evil_task.abort();
    let (code, said) = ui.finish().await;
    assert_eq!(code, 0, "{said}");
    assert_eq!(snapshot(&repo), before);
}
