//! The local approval page: one self-contained HTML page on 127.0.0.1 with
//! Approve / Reject buttons, for `approve = web` and `self-heal approve-ui`.
//!
//! Any web page the user has open can send requests to 127.0.0.1, so a decision
//! needs the random per-run token (shown only in the URL printed on the terminal),
//! a Host header naming the loopback address (against DNS rebinding), a same-origin
//! Origin when the browser sends one, and a form or JSON body (plain-text CSRF posts
//! are refused).

use super::{Decision, Proposal};
use axum::extract::{FromRequest, Request, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::Deserialize;
use std::fmt::Write as _;
use std::future::IntoFuture;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;
use tokio::sync::{oneshot, Notify};

/// Reasons typed on the page are kept to this many characters in the report.
const MAX_REASON: usize = 500;
const DEFAULT_REJECT: &str = "rejected on the approval page";
/// How long in-flight responses (the "Approved" page) get to finish after a decision.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// The address to open: `http://127.0.0.1:PORT/?t=TOKEN`.
pub fn page_url(addr: SocketAddr, token: &str) -> String {
    format!("http://{addr}/?t={token}")
}

struct AppState {
    page: String,
    token: String,
    port: u16,
    decision: Mutex<Option<oneshot::Sender<Decision>>>,
}

/// Serves the page on `listener` (bound by the caller to 127.0.0.1, port 0 is fine)
/// until the first valid decision, then shuts the server down and returns it.
/// Requests with a wrong token get 403 and the page keeps waiting. There is no
/// timeout here: wrap the future in `tokio::time::timeout` or select on Ctrl-C.
pub async fn serve(
    proposal: &Proposal,
    listener: TcpListener,
    token: String,
) -> Result<Decision, std::io::Error> {
    let port = listener.local_addr()?.port();
    let (tx, rx) = oneshot::channel();
    let state = Arc::new(AppState {
        page: render_page(proposal, &token),
        token,
        port,
        decision: Mutex::new(Some(tx)),
    });
    let app = Router::new()
        .route("/", get(page))
        .route("/decision", post(decide))
        .with_state(state);

    let stop = Arc::new(Notify::new());
    let stop_signal = stop.clone();
    let server = axum::serve(listener, app)
        .with_graceful_shutdown(async move { stop_signal.notified().await })
        .into_future();
    tokio::pin!(server);
    tokio::select! {
        result = &mut server => {
            result?;
            Err(std::io::Error::other("approval server stopped before a decision"))
        }
        decision = rx => {
            // notify_one keeps a permit, so the signal is not lost if the server has
            // not polled its shutdown future yet. In-flight responses still complete.
            stop.notify_one();
            // A client that never finishes its request must not keep us waiting:
            // past the grace period the server future is dropped, closing it.
            if let Ok(result) = tokio::time::timeout(SHUTDOWN_GRACE, &mut server).await {
                result?;
            }
            decision.map_err(|_| std::io::Error::other("approval server dropped the decision"))
        }
    }
}

async fn page(State(st): State<Arc<AppState>>, headers: HeaderMap, uri: Uri) -> Response {
    if !host_ok(&headers, st.port) {
        return (StatusCode::FORBIDDEN, "unexpected Host header\n").into_response();
    }
    let token = uri.query().and_then(|q| query_param(q, "t"));
    if !token.is_some_and(|t| same_secret(t, &st.token)) {
        return (StatusCode::FORBIDDEN, "missing or wrong token\n").into_response();
    }
    html_response(StatusCode::OK, st.page.clone())
}

#[derive(Deserialize)]
struct DecisionBody {
    token: String,
    decision: String,
    #[serde(default)]
    reason: Option<String>,
}

async fn decide(State(st): State<Arc<AppState>>, req: Request) -> Response {
    let headers = req.headers();
    if !host_ok(headers, st.port) {
        return (StatusCode::FORBIDDEN, "unexpected Host header\n").into_response();
    }
    if !origin_ok(headers, st.port) {
        return (StatusCode::FORBIDDEN, "cross-origin request refused\n").into_response();
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let json = content_type.starts_with("application/json");
    let body = if json {
        match Json::<DecisionBody>::from_request(req, &()).await {
            Ok(Json(b)) => b,
            Err(rejection) => return rejection.into_response(),
        }
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        match Form::<DecisionBody>::from_request(req, &()).await {
            Ok(Form(b)) => b,
            Err(rejection) => return rejection.into_response(),
        }
    } else {
        return (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send a form or JSON body\n",
        )
            .into_response();
    };
    if !same_secret(&body.token, &st.token) {
        return (StatusCode::FORBIDDEN, "wrong token\n").into_response();
    }
    let decision = match body.decision.as_str() {
        "approve" => Decision::Approved,
        "reject" => {
            let reason: String = body
                .reason
                .as_deref()
                .map(|r| {
                    r.trim()
                        .chars()
                        .filter(|c| !c.is_control())
                        .take(MAX_REASON)
                        .collect()
                })
                .unwrap_or_default();
            Decision::Declined(if reason.is_empty() {
                DEFAULT_REJECT.to_string()
            } else {
                format!("{DEFAULT_REJECT}: {reason}")
            })
        }
        _ => {
            return (
                StatusCode::BAD_REQUEST,
                "decision must be approve or reject\n",
            )
                .into_response()
        }
    };
    let sender = match st.decision.lock() {
        Ok(mut slot) => slot.take(),
        Err(poisoned) => poisoned.into_inner().take(),
    };
    let Some(sender) = sender else {
        return (StatusCode::CONFLICT, "already decided\n").into_response();
    };
    let approved = decision == Decision::Approved;
    if sender.send(decision).is_err() {
        return (StatusCode::SERVICE_UNAVAILABLE, "no longer waiting\n").into_response();
    }
    let word = if approved { "approved" } else { "rejected" };
    if json {
        Json(serde_json::json!({ "decision": word })).into_response()
    } else {
        let what = if approved {
            "Approved: self-heal applies the fix now."
        } else {
            "Rejected: nothing was changed."
        };
        html_response(
            StatusCode::OK,
            format!(
                "<!doctype html><meta charset=utf-8><title>self-heal: {word}</title>\
                 <style>{CSS}</style><main><h1>{what}</h1>\
                 <p>You can close this tab; the terminal shows the outcome.</p></main>"
            ),
        )
    }
}

fn html_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            // No scripts, no external loads, no framing (clickjacking), and the
            // token in the URL never leaks through a Referer to another site.
            // Not `no-referrer`: under it browsers send `Origin: null` with the
            // page's own form posts, which the Origin check must refuse.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; \
                 frame-ancestors 'none'; base-uri 'none'",
            ),
            (header::X_FRAME_OPTIONS, "DENY"),
            (header::REFERRER_POLICY, "same-origin"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

fn loopback_hosts(port: u16) -> [String; 3] {
    [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ]
}

fn host_ok(headers: &HeaderMap, port: u16) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    loopback_hosts(port)
        .iter()
        .any(|h| h.eq_ignore_ascii_case(host))
}

/// Browsers send Origin on POSTs; other clients (curl, tests) may not, and then
/// the token alone decides.
fn origin_ok(headers: &HeaderMap, port: u16) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    loopback_hosts(port)
        .iter()
        .any(|h| origin.eq_ignore_ascii_case(&format!("http://{h}")))
}

fn query_param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then_some(v)
    })
}

/// Compares without stopping at the first difference, so response timing does
/// not reveal how much of a guessed token was right.
fn same_secret(given: &str, expected: &str) -> bool {
    let (a, b) = (given.as_bytes(), expected.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// One line of a unified diff, by what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    Meta,
    Hunk,
    Add,
    Del,
    Ctx,
}

impl LineKind {
    fn class(self) -> &'static str {
        match self {
            LineKind::Meta => "meta",
            LineKind::Hunk => "hunk",
            LineKind::Add => "add",
            LineKind::Del => "del",
            LineKind::Ctx => "ctx",
        }
    }
}

/// `(old_count, new_count)` of a `@@ -a,b +c,d @@` header (a count left out is 1).
fn hunk_counts(line: &str) -> Option<(usize, usize)> {
    let mut parts = line.strip_prefix("@@ ")?.split_whitespace();
    let count = |range: &str| -> Option<usize> {
        match range.split_once(',') {
            Some((_, n)) => n.parse().ok(),
            None => range.parse::<usize>().ok().map(|_| 1),
        }
    };
    let old = count(parts.next()?.strip_prefix('-')?)?;
    let new = count(parts.next()?.strip_prefix('+')?)?;
    Some((old, new))
}

/// Classifies every line by following the hunk headers' line counts, so a removed
/// line that reads `--- x` or an added `+++ y` is not taken for a file header.
fn classify(patch: &str) -> Vec<(LineKind, &str)> {
    let (mut old_left, mut new_left) = (0usize, 0usize);
    patch
        .lines()
        .map(|line| {
            let in_hunk = old_left > 0 || new_left > 0;
            let kind = if in_hunk {
                match line.as_bytes().first() {
                    Some(b'+') => {
                        new_left = new_left.saturating_sub(1);
                        LineKind::Add
                    }
                    Some(b'-') => {
                        old_left = old_left.saturating_sub(1);
                        LineKind::Del
                    }
                    // `\ No newline at end of file` belongs to the line before it.
                    Some(b'\\') => LineKind::Meta,
                    _ => {
                        old_left = old_left.saturating_sub(1);
                        new_left = new_left.saturating_sub(1);
                        LineKind::Ctx
                    }
                }
            } else if let Some((old, new)) = hunk_counts(line) {
                (old_left, new_left) = (old, new);
                LineKind::Hunk
            } else {
                LineKind::Meta
            };
            (kind, line)
        })
        .collect()
}

/// Words, runs of spaces and single punctuation marks: the units a changed line is
/// compared in, so `totl` → `total` marks the word rather than the whole line.
fn tokens(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let class = |c: char| {
        if c.is_alphanumeric() || c == '_' {
            0
        } else if c.is_whitespace() {
            1
        } else {
            2
        }
    };
    let mut prev: Option<u8> = None;
    for (i, c) in s.char_indices() {
        let k = class(c);
        if prev.is_some_and(|p| p != k || k == 2) {
            out.push(&s[start..i]);
            start = i;
        }
        prev = Some(k);
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// A removed and an added line with the differing words wrapped in `<mark>`; `None`
/// when they share nothing but spaces (then the line colour says it all).
fn word_marks(old: &str, new: &str) -> Option<(String, String)> {
    let (a, b) = (tokens(old), tokens(new));
    let diff = similar::TextDiff::from_slices(&a, &b);
    let (mut old_html, mut new_html) = (String::new(), String::new());
    let mut shared = false;
    for change in diff.iter_all_changes() {
        let text = escape_html(change.value());
        match change.tag() {
            similar::ChangeTag::Equal => {
                shared |= !change.value().trim().is_empty();
                old_html.push_str(&text);
                new_html.push_str(&text);
            }
            similar::ChangeTag::Delete => {
                let _ = write!(old_html, "<mark>{text}</mark>");
            }
            similar::ChangeTag::Insert => {
                let _ = write!(new_html, "<mark>{text}</mark>");
            }
        }
    }
    shared.then_some((old_html, new_html))
}

/// The diff, one `<span>` per line with a class for its kind; in a run of removed
/// lines followed by as many added ones, the changed words are marked too.
fn diff_html(patch: &str) -> String {
    let lines = classify(patch);
    let mut bodies: Vec<String> = lines
        .iter()
        .map(|(kind, line)| match kind {
            LineKind::Add | LineKind::Del => escape_html(&line[1..]),
            _ => escape_html(line),
        })
        .collect();
    let mut i = 0;
    while i < lines.len() {
        let dels = lines[i..]
            .iter()
            .take_while(|(k, _)| *k == LineKind::Del)
            .count();
        let adds = lines[i + dels..]
            .iter()
            .take_while(|(k, _)| *k == LineKind::Add)
            .count();
        if dels > 0 && dels == adds {
            for j in 0..dels {
                let (old, new) = (i + j, i + dels + j);
                if let Some((o, n)) = word_marks(&lines[old].1[1..], &lines[new].1[1..]) {
                    bodies[old] = o;
                    bodies[new] = n;
                }
            }
        }
        i += (dels + adds).max(1);
    }
    let mut out = String::with_capacity(patch.len() * 2);
    for ((kind, _), body) in lines.iter().zip(bodies) {
        let sign = match kind {
            LineKind::Add => "+",
            LineKind::Del => "-",
            _ => "",
        };
        // No newline between the block-level spans: inside <pre> it would show as
        // an empty line after every diff line.
        let _ = write!(out, "<span class=\"{}\">{sign}{body}</span>", kind.class());
    }
    out
}

/// `(added lines, removed lines)` of a patch.
fn diff_stat(patch: &str) -> (usize, usize) {
    let lines = classify(patch);
    let count = |kind| lines.iter().filter(|(k, _)| *k == kind).count();
    (count(LineKind::Add), count(LineKind::Del))
}

const CSS: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:0;background:#f6f8fa;color:#1f2328}\
main{max-width:1100px;margin:0 auto;padding:24px}h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;margin-top:28px}\
.summary{color:#59636e;margin-top:0}\
pre{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:12px;overflow:auto;font:13px/1.4 ui-monospace,monospace}\
.diff{padding:0}.diff span{display:block;white-space:pre;padding:0 12px}.add{background:#dafbe1}.del{background:#ffebe9}\
.add mark{background:#aceebb;color:inherit}.del mark{background:#ffcecb;color:inherit}\
.hunk{color:#0550ae;background:#ddf4ff}.meta{font-weight:600;background:#f6f8fa}\
.diag{white-space:pre-wrap;background:#fff;border-left:4px solid #0969da;padding:8px 12px;border-radius:0 6px 6px 0}\
table{border-collapse:collapse;background:#fff;width:100%}\
td,th{border:1px solid #d0d7de;padding:6px 8px;text-align:left;vertical-align:top}td code{font-size:13px}\
.pass{color:#1a7f37;font-weight:600}.fail{color:#cf222e;font-weight:600}\
.verdict{display:inline-block;padding:1px 10px;border-radius:12px;color:#fff}.verdict.pass{background:#1a7f37}.verdict.fail{background:#cf222e}\
.evidence ol{padding-left:22px}.evidence li{margin:4px 0}.output{max-height:320px}\
.actions{display:flex;gap:16px;align-items:flex-end;margin-top:24px;flex-wrap:wrap}.actions form{display:flex;gap:8px;align-items:center}\
button{font-size:15px;padding:8px 18px;border-radius:6px;border:1px solid #d0d7de;cursor:pointer}\
.approve{background:#1f883d;color:#fff}.reject{background:#fff;color:#cf222e}input[type=text]{padding:7px;width:320px}";

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The whole approval page; every piece of proposal text is escaped. It shows what
/// failed, the diagnosis, the diff with changed words marked, and the validation
/// evidence (verdict, the commands run in the sandbox, their output) above the
/// buttons, so nothing needed for the decision is folded away.
pub fn render_page(proposal: &Proposal, token: &str) -> String {
    let token = escape_html(token);
    let mut failures = String::new();
    for f in &proposal.failures {
        let location = match (&f.file, f.line) {
            (Some(file), Some(line)) => format!("{file}:{line}"),
            (Some(file), None) => file.clone(),
            _ => String::new(),
        };
        let _ = write!(
            failures,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape_html(f.kind.as_str()),
            escape_html(f.test.as_deref().unwrap_or("")),
            escape_html(&location),
            escape_html(&f.message),
        );
    }
    let failures = if failures.is_empty() {
        "<p>No failures recorded.</p>".to_string()
    } else {
        format!(
            "<table><tr><th>kind</th><th>test</th><th>location</th><th>message</th></tr>{failures}</table>"
        )
    };
    let v = &proposal.validation;
    let (verdict_class, verdict) = if v.passed {
        ("pass", "passed")
    } else {
        ("fail", "failed")
    };
    let commands: String = v
        .commands
        .iter()
        .map(|c| format!("<li><code>{}</code></li>", escape_html(c)))
        .collect();
    let commands = if commands.is_empty() {
        "<p>No test command was run.</p>".to_string()
    } else {
        format!("<p>Run in a sandbox copy of the checkout, with the fix applied:</p><ol>{commands}</ol>")
    };
    let tail = v.output_tail.trim_end();
    let output = if tail.is_empty() {
        String::new()
    } else {
        format!(
            "<h3>Output (last lines)</h3><pre class=output>{}</pre>",
            escape_html(tail)
        )
    };
    let files: String = proposal
        .changes
        .iter()
        .map(|c| format!("<li><code>{}</code></li>", escape_html(&c.path)))
        .collect();
    let (added, removed) = diff_stat(&proposal.patch);
    let summary = format!(
        "{} · {} changed (+{added} −{removed}) · validation <span class={verdict_class}>{verdict}</span>",
        plural(proposal.failures.len(), "failure", "failures"),
        plural(proposal.changes.len(), "file", "files"),
    );
    format!(
        "<!doctype html>\n<html lang=en><head><meta charset=utf-8>\
         <meta name=viewport content=\"width=device-width,initial-scale=1\">\
         <title>self-heal: approve the fix?</title><style>{CSS}</style></head><body><main>\
         <h1>self-heal proposes a fix</h1><p class=summary id=summary>{summary}</p>\
         <section id=failures><h2>Failures</h2>{failures}</section>\
         <section id=diagnosis><h2>Diagnosis</h2><p class=diag>{diagnosis}</p></section>\
         <section id=change><h2>Change</h2><ul>{files}</ul><pre class=diff id=diff>{diff}</pre></section>\
         <section id=evidence class=evidence><h2>Validation evidence: <span class=\"verdict {verdict_class}\">{verdict}</span></h2>\
         {commands}{output}</section>\
         <div class=actions>\
         <form method=post action=\"/decision\"><input type=hidden name=token value=\"{token}\">\
         <input type=hidden name=decision value=approve><button class=approve type=submit>Approve and apply</button></form>\
         <form method=post action=\"/decision\"><input type=hidden name=token value=\"{token}\">\
         <input type=hidden name=decision value=reject><input type=text name=reason placeholder=\"reason (optional)\" maxlength={MAX_REASON}>\
         <button class=reject type=submit>Reject</button></form>\
         </div></main></body></html>\n",
        diagnosis = escape_html(proposal.diagnosis.trim()),
        diff = diff_html(&proposal.patch),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_markup_character() {
        assert_eq!(
            escape_html(r#"<a href="x" onclick='y'>&</a>"#),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
    }

    #[test]
    fn diff_lines_get_classes_and_changed_words_marks() {
        let html = diff_html(
            "diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1,2 +1,2 @@\n-a < b\n+a <= b\n ctx\n",
        );
        assert!(html.contains("<span class=\"meta\">diff --git a/x.py b/x.py</span>"));
        assert!(html.contains("<span class=\"meta\">--- a/x.py</span>"));
        assert!(html.contains("<span class=\"hunk\">@@ -1,2 +1,2 @@</span>"));
        // `<` is kept, `=` is new: only the new character is marked.
        assert!(
            html.contains("<span class=\"del\">-a &lt; b</span>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"add\">+a &lt;<mark>=</mark> b</span>"),
            "{html}"
        );
        assert!(html.contains("<span class=\"ctx\"> ctx</span>"));
    }

    #[test]
    fn removed_lines_that_look_like_headers_stay_removed() {
        // A removed `-- x` line prints as `--- x`; the hunk's counts say what it is.
        let html = diff_html("--- a/x.sql\n+++ b/x.sql\n@@ -1,2 +1,1 @@\n--- x\n+++ y\n-z\n");
        assert!(html.contains("<span class=\"del\">--- x</span>"), "{html}");
        assert!(html.contains("<span class=\"add\">+++ y</span>"), "{html}");
        assert!(html.contains("<span class=\"del\">-z</span>"), "{html}");
        assert_eq!(diff_stat("@@ -1,2 +1,1 @@\n--- x\n+++ y\n-z\n"), (1, 2));
    }

    #[test]
    fn lines_sharing_nothing_are_not_marked() {
        let html = diff_html("@@ -1 +1 @@\n-alpha\n+beta\n");
        assert!(html.contains("<span class=\"del\">-alpha</span>"), "{html}");
        assert!(html.contains("<span class=\"add\">+beta</span>"), "{html}");
        assert_eq!(hunk_counts("@@ -3 +4,0 @@ fn x"), Some((1, 0)));
        assert_eq!(
            tokens("round(totl * 2)"),
            ["round", "(", "totl", " ", "*", " ", "2", ")"]
        );
    }

    #[test]
    fn host_and_origin_must_be_loopback_on_our_port() {
        let mut h = HeaderMap::new();
        assert!(!host_ok(&h, 8080), "no Host header");
        h.insert(header::HOST, "127.0.0.1:8080".parse().unwrap());
        assert!(host_ok(&h, 8080));
        assert!(!host_ok(&h, 8081));
        h.insert(header::HOST, "evil.example:8080".parse().unwrap());
        assert!(!host_ok(&h, 8080));

        let mut o = HeaderMap::new();
        assert!(origin_ok(&o, 8080));
        o.insert(header::ORIGIN, "http://localhost:8080".parse().unwrap());
        assert!(origin_ok(&o, 8080));
        o.insert(header::ORIGIN, "null".parse().unwrap());
        assert!(!origin_ok(&o, 8080));
        o.insert(header::ORIGIN, "http://127.0.0.1:9999".parse().unwrap());
        assert!(!origin_ok(&o, 8080));
    }

    #[test]
    fn query_and_secret_helpers() {
        assert_eq!(query_param("a=1&t=abc", "t"), Some("abc"));
        assert_eq!(query_param("tt=abc", "t"), None);
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abd", "abc"));
        assert!(!same_secret("ab", "abc"));
    }
}
