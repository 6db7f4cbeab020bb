//! An OpenAI-compatible chat completions server on 127.0.0.1 that answers from a
//! per-test script and records every request.
//!
//! It runs on its own thread with its own runtime, so it serves sync tests that run
//! the real binary as well as `#[tokio::test]`s.
//!
//! ```ignore
//! let fake = FakeOpenAi::start([
//!     FakeOpenAi::status(429).retry_after(1),
//!     FakeOpenAi::reply_edits("off by one", &[("src/a.py", "x - 1", "x")]),
//! ]);
//! // point the client at fake.base_url() ...
//! assert_eq!(fake.requests().len(), 2);
//! ```

use serde_json::{json, Value};
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// Paths answered as chat completions: OpenAI style (`/v1`), bare, and GitHub Models.
const COMPLETION_PATHS: [&str; 3] = [
    "/v1/chat/completions",
    "/chat/completions",
    "/inference/chat/completions",
];

/// Token counts the fake reports unless a reply sets its own.
pub const DEFAULT_PROMPT_TOKENS: u64 = 1200;
pub const DEFAULT_COMPLETION_TOKENS: u64 = 80;

#[derive(Debug, Clone)]
enum Body {
    /// A chat completion whose message content is this text.
    Completion {
        content: String,
        prompt_tokens: u64,
        completion_tokens: u64,
    },
    Json(Value),
    Raw(String),
}

/// One scripted answer.
#[derive(Debug, Clone)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Body,
    delay: Duration,
    /// Strings every message of the request must contain, together, for this reply;
    /// otherwise `otherwise` answers (a model that only finds the fix in the right context).
    requires: Vec<String>,
    otherwise: Option<Box<Reply>>,
}

impl Reply {
    /// 200 with a completion whose content is `{"diagnosis", "edits"}`;
    /// each edit is `(path, search, replace)`.
    pub fn reply_edits(diagnosis: &str, edits: &[(&str, &str, &str)]) -> Reply {
        let edits: Vec<Value> = edits
            .iter()
            .map(|(path, search, replace)| json!({"path": path, "search": search, "replace": replace}))
            .collect();
        Reply::content(&json!({"diagnosis": diagnosis, "edits": edits}).to_string())
    }

    /// 200 with a completion whose message content is exactly `content`.
    pub fn content(content: &str) -> Reply {
        Reply {
            status: 200,
            headers: Vec::new(),
            body: Body::Completion {
                content: content.to_string(),
                prompt_tokens: DEFAULT_PROMPT_TOKENS,
                completion_tokens: DEFAULT_COMPLETION_TOKENS,
            },
            delay: Duration::ZERO,
            requires: Vec::new(),
            otherwise: None,
        }
    }

    /// 200 with a completion whose content is not a usable reply.
    pub fn garbage(content: &str) -> Reply {
        Reply::content(content)
    }

    /// An error answer with an OpenAI-style error body.
    pub fn status(status: u16) -> Reply {
        Reply::error(status, &format!("fake server error {status}"), None)
    }

    /// An error answer with this message (and optional `code`) in the OpenAI error shape.
    pub fn error(status: u16, message: &str, code: Option<&str>) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Body::Json(json!({"error": {
                "message": message,
                "type": if status >= 500 { "server_error" } else { "invalid_request_error" },
                "param": null,
                "code": code,
            }})),
            delay: Duration::ZERO,
            requires: Vec::new(),
            otherwise: None,
        }
    }

    /// The 400 a provider without structured outputs answers to `json_schema`.
    pub fn refuse_json_schema() -> Reply {
        let mut reply = Reply::error(
            400,
            "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.",
            None,
        );
        if let Body::Json(body) = &mut reply.body {
            body["error"]["param"] = json!("response_format");
        }
        reply
    }

    /// Any JSON body with this status.
    pub fn json(status: u16, body: Value) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Body::Json(body),
            delay: Duration::ZERO,
            requires: Vec::new(),
            otherwise: None,
        }
    }

    /// A raw (non-JSON) body with this status.
    pub fn raw(status: u16, body: &str) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Body::Raw(body.to_string()),
            delay: Duration::ZERO,
            requires: Vec::new(),
            otherwise: None,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn retry_after(self, seconds: u64) -> Reply {
        self.header("retry-after", &seconds.to_string())
    }

    /// Wait this long before answering (for timeouts).
    pub fn delay(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }

    /// Token counts reported in a completion's `usage`.
    /// This reply only when the request's messages contain every one of `needles`;
    /// `otherwise` when one is missing.
    pub fn only_if_request_contains(mut self, needles: &[String], otherwise: Reply) -> Reply {
        self.requires = needles.to_vec();
        self.otherwise = Some(Box::new(otherwise));
        self
    }

    pub fn usage(mut self, prompt: u64, completion: u64) -> Reply {
        if let Body::Completion {
            prompt_tokens,
            completion_tokens,
            ..
        } = &mut self.body
        {
            *prompt_tokens = prompt;
            *completion_tokens = completion;
        }
        self
    }
}

/// What the fake received.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    /// Lower-case names.
    pub headers: Vec<(String, String)>,
    /// The body parsed as JSON (`Null` if it wasn't).
    pub body: Value,
    pub raw_body: String,
}

impl RecordedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn authorization(&self) -> Option<&str> {
        self.header("authorization")
    }

    /// (role, content) of each message.
    pub fn messages(&self) -> Vec<(String, String)> {
        self.body["messages"]
            .as_array()
            .map(|messages| {
                messages
                    .iter()
                    .map(|m| {
                        let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
                        (text(&m["role"]), text(&m["content"]))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Content of the first message with this role.
    pub fn message(&self, role: &str) -> Option<String> {
        self.messages()
            .into_iter()
            .find(|(r, _)| r == role)
            .map(|(_, content)| content)
    }

    pub fn system_message(&self) -> String {
        self.message("system").unwrap_or_default()
    }

    pub fn user_message(&self) -> String {
        self.message("user").unwrap_or_default()
    }

    /// `GET .../models`.
    pub fn is_model_list(&self) -> bool {
        self.method == "GET" && self.path.ends_with("/models")
    }

    /// `response_format.type`: `json_schema`, `json_object`, ...
    pub fn response_format_type(&self) -> Option<&str> {
        self.body["response_format"]["type"].as_str()
    }
}

#[derive(Default)]
struct State {
    script: Mutex<VecDeque<Reply>>,
    requests: Mutex<Vec<RecordedRequest>>,
    /// When set, `GET .../models` lists models for this bearer key and answers 401 otherwise.
    models_key: Mutex<Option<String>>,
    /// When set, the body of `GET .../models` (else a list of `fake-model`).
    models: Mutex<Option<Value>>,
    /// How many `GET .../models` still get llama.cpp's 503 "Loading model".
    models_loading: Mutex<usize>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A test that panicked while holding the lock must not hide the other tests' data.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The running fake; stops serving when dropped.
pub struct FakeOpenAi {
    addr: SocketAddr,
    state: Arc<State>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl FakeOpenAi {
    /// Starts the server with this script.
    pub fn start(script: impl IntoIterator<Item = Reply>) -> FakeOpenAi {
        let state = Arc::new(State::default());
        lock(&state.script).extend(script);
        let listener =
            std::net::TcpListener::bind("127.0.0.1:0").expect("bind the fake OpenAI server");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let addr = listener.local_addr().expect("fake OpenAI address");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let served = state.clone();
        std::thread::Builder::new()
            .name(format!("fake-openai-{}", addr.port()))
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("fake OpenAI runtime");
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener)
                        .expect("tokio listener for the fake OpenAI server");
                    let app =
                        axum::Router::new().fallback(move |request: axum::extract::Request| {
                            let state = served.clone();
                            async move { handle(state, request).await }
                        });
                    let _ = axum::serve(listener, app)
                        .with_graceful_shutdown(async {
                            let _ = rx.await;
                        })
                        .await;
                });
            })
            .expect("spawn the fake OpenAI thread");
        FakeOpenAi {
            addr,
            state,
            shutdown: Some(tx),
        }
    }

    /// Serve `GET .../models` (as `self-heal check` calls it), accepting only `key`.
    pub fn accept_models_key(&self, key: &str) {
        *lock(&self.state.models_key) = Some(key.to_string());
    }

    /// Serve `GET .../models` with this body (any key), e.g. llama.cpp's list with
    /// `meta.n_ctx`.
    pub fn serve_models(&self, body: Value) {
        *lock(&self.state.models) = Some(body);
    }

    /// Answer the next `n` `GET .../models` with the 503 llama.cpp's server sends while
    /// it loads its model.
    pub fn models_loading(&self, n: usize) {
        *lock(&self.state.models_loading) = n;
    }

    /// `http://127.0.0.1:PORT/v1`, what `openai-base-url` should be set to.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// `http://127.0.0.1:PORT`, to build other bases (`/inference` like GitHub Models).
    pub fn root_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Appends an answer to the script.
    pub fn push(&self, reply: Reply) {
        lock(&self.state.script).push_back(reply);
    }

    /// Every request received so far, in order, but the model list (`GET .../models`,
    /// which `check` and a run's context-window probe ask): what the tests count.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.all_requests()
            .into_iter()
            .filter(|r| !r.is_model_list())
            .collect()
    }

    pub fn request_count(&self) -> usize {
        self.requests().len()
    }

    /// Every request received so far, the model list's too.
    pub fn all_requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state.requests).clone()
    }

    /// Scripted answers not yet used.
    pub fn remaining(&self) -> usize {
        lock(&self.state.script).len()
    }

    // The constructors again, so a script reads `FakeOpenAi::status(500)`.

    pub fn reply_edits(diagnosis: &str, edits: &[(&str, &str, &str)]) -> Reply {
        Reply::reply_edits(diagnosis, edits)
    }
    pub fn content(content: &str) -> Reply {
        Reply::content(content)
    }
    pub fn garbage(content: &str) -> Reply {
        Reply::garbage(content)
    }
    pub fn status(status: u16) -> Reply {
        Reply::status(status)
    }
    pub fn refuse_json_schema() -> Reply {
        Reply::refuse_json_schema()
    }
}

impl Drop for FakeOpenAi {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

async fn handle(state: Arc<State>, request: axum::extract::Request) -> axum::response::Response {
    let (parts, body) = request.into_parts();
    let raw = axum::body::to_bytes(body, 64 * 1024 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let recorded = RecordedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: serde_json::from_str(&raw).unwrap_or(Value::Null),
        raw_body: raw,
    };
    let model = recorded.body["model"]
        .as_str()
        .unwrap_or("fake-model")
        .to_string();
    let is_completion =
        recorded.method == "POST" && COMPLETION_PATHS.contains(&recorded.path.as_str());
    let messages: String = recorded
        .messages()
        .into_iter()
        .map(|(_, content)| content)
        .collect::<Vec<_>>()
        .join("\n");
    let number = {
        let mut requests = lock(&state.requests);
        requests.push(recorded);
        requests.len()
    };
    let models_key = lock(&state.models_key).clone();
    let models = lock(&state.models).clone();
    let is_models = parts.method == "GET" && parts.uri.path().ends_with("/models");
    if is_models && {
        let mut loading = lock(&state.models_loading);
        let still = *loading > 0;
        *loading = loading.saturating_sub(1);
        still
    } {
        let body = serde_json::json!({"error": {"code": 503, "message": "Loading model", "type": "unavailable_error"}});
        return respond(Reply::json(503, body), &model, number);
    }
    if let (Some(body), None, true) = (&models, &models_key, is_models) {
        return respond(Reply::json(200, body.clone()), &model, number);
    }
    if let (Some(key), true) = (models_key, is_models) {
        let auth = parts
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        return if auth == format!("Bearer {key}") {
            respond(
                Reply::json(
                    200,
                    models.unwrap_or_else(
                        || serde_json::json!({"object": "list", "data": [{"id": "fake-model"}]}),
                    ),
                ),
                &model,
                number,
            )
        } else {
            respond(
                Reply::error(401, "invalid api key", Some("invalid_api_key")),
                &model,
                number,
            )
        };
    }
    if !is_completion {
        return respond(
            Reply::error(404, "fake OpenAI server: no such endpoint", None),
            &model,
            number,
        );
    }
    let next = lock(&state.script).pop_front();
    let reply = next.unwrap_or_else(|| {
        Reply::error(
            500,
            &format!("fake OpenAI server: script exhausted at request {number}"),
            Some("script_exhausted"),
        )
    });
    let reply = match reply.otherwise.clone() {
        Some(otherwise) if !reply.requires.iter().all(|n| messages.contains(n.as_str())) => {
            *otherwise
        }
        _ => reply,
    };
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    respond(reply, &model, number)
}

fn respond(reply: Reply, model: &str, number: usize) -> axum::response::Response {
    let (content_type, body) = match reply.body {
        Body::Completion {
            content,
            prompt_tokens,
            completion_tokens,
        } => (
            "application/json",
            json!({
                "id": format!("chatcmpl-fake-{number}"),
                "object": "chat.completion",
                "created": 1_700_000_000u64,
                "model": model,
                "choices": [{
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop"
                }],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens
                }
            })
            .to_string(),
        ),
        Body::Json(value) => ("application/json", value.to_string()),
        Body::Raw(text) => ("text/plain", text),
    };
    let mut builder = axum::http::Response::builder()
        .status(reply.status)
        .header("content-type", content_type);
    for (name, value) in &reply.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder
        .body(axum::body::Body::from(body))
        .unwrap_or_else(|_| {
            let mut response = axum::response::Response::new(axum::body::Body::from(
                "fake OpenAI server: bad scripted reply",
            ));
            *response.status_mut() = axum::http::StatusCode::INTERNAL_SERVER_ERROR;
            response
        })
}
