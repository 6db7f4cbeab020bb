//! A loopback proxy in front of a real model server (llama.cpp's `llama-server` in
//! `local_model.rs`): it forwards every request as it came and records it with the
//! server's answer, so a test asserts on what the server received and what it said
//! (`usage`, its errors). It can also play a provider that refuses `json_schema`
//! (the 400 such providers answer, not forwarded), so the `json_object` fallback is
//! proven against the real server too. And it can cap the reply the server writes
//! (`cap_reply`): a small model on a CPU takes seconds a token, and the tests need a
//! reply's shape, not its length; the request is recorded as the binary sent it.

use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// One request and the answer it got.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub method: String,
    pub path: String,
    /// The request body as JSON (`Null` if it was not).
    pub request: Value,
    pub status: u16,
    /// The answer's body as JSON (`Null` if it was not).
    pub response: Value,
    /// Answered here, not by the server.
    pub refused_here: bool,
    pub elapsed: Duration,
}

impl Exchange {
    pub fn is_completion(&self) -> bool {
        self.method == "POST" && self.path.ends_with("/chat/completions")
    }

    /// `response_format.type` of the request.
    pub fn format(&self) -> Option<&str> {
        self.request
            .pointer("/response_format/type")
            .and_then(Value::as_str)
    }

    /// `usage.{name}` of the answer (0 without one).
    pub fn usage(&self, name: &str) -> u64 {
        self.response
            .pointer(&format!("/usage/{name}"))
            .and_then(Value::as_u64)
            .unwrap_or(0)
    }
}

#[derive(Default)]
struct State {
    exchanges: Mutex<Vec<Exchange>>,
    /// `json_schema` requests still to refuse here.
    refuse_schema: Mutex<usize>,
    /// The most completion tokens a forwarded request may ask the server for.
    reply_cap: Mutex<Option<u64>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub struct RecordingProxy {
    addr: SocketAddr,
    state: Arc<State>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl RecordingProxy {
    /// Forwards to `upstream` (`http://127.0.0.1:PORT`, the server's root).
    pub fn start(upstream: &str) -> RecordingProxy {
        let state = Arc::new(State::default());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        listener.set_nonblocking(true).expect("non-blocking");
        let addr = listener.local_addr().expect("proxy address");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let served = state.clone();
        let upstream = upstream.trim_end_matches('/').to_string();
        std::thread::Builder::new()
            .name(format!("recording-proxy-{}", addr.port()))
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("proxy runtime");
                runtime.block_on(async move {
                    // A slow model on a loaded CPU: the client's llm-timeout decides, not this.
                    let http = self_heal::http::build_client(Duration::from_secs(3600), false)
                        .expect("proxy HTTP client");
                    let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                    let app =
                        axum::Router::new().fallback(move |request: axum::extract::Request| {
                            let state = served.clone();
                            let http = http.clone();
                            let upstream = upstream.clone();
                            async move { forward(state, http, &upstream, request).await }
                        });
                    let _ = axum::serve(listener, app)
                        .with_graceful_shutdown(async {
                            let _ = rx.await;
                        })
                        .await;
                });
            })
            .expect("spawn the proxy thread");
        RecordingProxy {
            addr,
            state,
            shutdown: Some(tx),
        }
    }

    /// `http://127.0.0.1:PORT/v1`, for `openai-base-url`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Answers the next `n` requests that ask for `json_schema` with the 400 of a
    /// provider without structured outputs, instead of forwarding them.
    pub fn refuse_json_schema(&self, n: usize) {
        *lock(&self.state.refuse_schema) = n;
    }

    /// Forwards every chat request with `max_completion_tokens` at most `tokens`
    /// (the server stops there with `finish_reason: length`, as at the client's own
    /// bound); [`Exchange::request`] keeps what the binary sent.
    pub fn cap_reply(&self, tokens: u64) {
        *lock(&self.state.reply_cap) = Some(tokens);
    }

    pub fn exchanges(&self) -> Vec<Exchange> {
        lock(&self.state.exchanges).clone()
    }

    pub fn completions(&self) -> Vec<Exchange> {
        self.exchanges()
            .into_iter()
            .filter(Exchange::is_completion)
            .collect()
    }
}

impl Drop for RecordingProxy {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

async fn forward(
    state: Arc<State>,
    http: reqwest::Client,
    upstream: &str,
    request: axum::extract::Request,
) -> axum::response::Response {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let raw = axum::body::to_bytes(body, 64 * 1024 * 1024)
        .await
        .unwrap_or_default();
    let request_json: Value = serde_json::from_slice(&raw).unwrap_or(Value::Null);
    let path = parts.uri.path().to_string();
    let asks_schema = request_json.pointer("/response_format/type") == Some(&json!("json_schema"));
    let refuse = asks_schema && {
        let mut left = lock(&state.refuse_schema);
        let refuse = *left > 0;
        *left = left.saturating_sub(1);
        refuse
    };
    let (status, content_type, body, refused_here) = if refuse {
        let body = json!({"error": {
            "message": "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.",
            "type": "invalid_request_error", "param": "response_format", "code": null}});
        (
            400,
            "application/json".to_string(),
            body.to_string().into_bytes(),
            true,
        )
    } else {
        let url = format!(
            "{upstream}{}",
            parts.uri.path_and_query().map_or("/", |p| p.as_str())
        );
        let cap = *lock(&state.reply_cap);
        let forwarded = match (cap, &request_json) {
            (Some(cap), Value::Object(fields)) if path.ends_with("/chat/completions") => {
                let mut fields = fields.clone();
                let asked = fields
                    .get("max_completion_tokens")
                    .and_then(Value::as_u64)
                    .unwrap_or(u64::MAX);
                fields.insert("max_completion_tokens".into(), json!(asked.min(cap)));
                if let Some(old) = fields.get("max_tokens").and_then(Value::as_u64) {
                    fields.insert("max_tokens".into(), json!(old.min(cap)));
                }
                serde_json::to_vec(&fields).unwrap_or_else(|_| raw.to_vec())
            }
            _ => raw.to_vec(),
        };
        let mut outgoing = http.request(parts.method.clone(), &url).body(forwarded);
        for name in ["content-type", "authorization", "accept"] {
            if let Some(value) = parts.headers.get(name) {
                outgoing = outgoing.header(name, value.as_bytes());
            }
        }
        match outgoing.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                let content_type = response
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("application/json")
                    .to_string();
                let bytes = response.bytes().await.unwrap_or_default().to_vec();
                (status, content_type, bytes, false)
            }
            Err(e) => {
                let body =
                    json!({"error": {"message": format!("proxy: upstream unreachable: {e}")}});
                (
                    502,
                    "application/json".to_string(),
                    body.to_string().into_bytes(),
                    true,
                )
            }
        }
    };
    lock(&state.exchanges).push(Exchange {
        method: parts.method.to_string(),
        path,
        request: request_json,
        status,
        response: serde_json::from_slice(&body).unwrap_or(Value::Null),
        refused_here,
        elapsed: started.elapsed(),
    });
    axum::http::Response::builder()
        .status(status)
        .header("content-type", content_type)
        .body(axum::body::Body::from(body))
        .unwrap_or_else(|_| axum::response::Response::new(axum::body::Body::empty()))
}
