//! async-openai on our own reqwest client: schema response format with fallback, retries.
//!
//! async-openai turns every non-2xx answer into an error that no longer carries the
//! response headers, so the retry logic lives in [`Transport`], a tower service
//! installed with `Client::with_http_service`: it sees status and headers (Retry-After,
//! x-ratelimit-reset-*), retries, and hands async-openai only successful responses.
//! Everything else comes back as a [`TransportFailure`] inside `OpenAIError::Boxed`.

use super::prompt::Prompt;
use super::reply::{parse_reply, LlmReply};
use super::usage::Usage;
use async_openai::config::OpenAIConfig;
use async_openai::error::OpenAIError;
use async_openai::middleware::HttpRequestFactory;
use async_openai::types::chat::{
    ChatCompletionRequestMessage, ChatCompletionRequestSystemMessage,
    ChatCompletionRequestUserMessage, CreateChatCompletionRequest, CreateChatCompletionResponse,
    FinishReason, ResponseFormat, ResponseFormatJsonSchema,
};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::time::{Duration, SystemTime};

/// Low but not zero: a little freedom helps the model get out of a wrong first idea
/// on a retry, while keeping edits focused.
const TEMPERATURE: f32 = 0.1;

/// Name of the response schema sent with `response_format: json_schema`.
const SCHEMA_NAME: &str = "self_heal_repair";

#[derive(Clone)]
pub struct LlmSettings {
    /// e.g. `https://api.openai.com/v1`, `https://models.github.ai/inference`, `http://127.0.0.1:PORT/v1`.
    pub base_url: String,
    pub api_key: String,
    pub model: String,
    /// Limit for one HTTP exchange (sending the request and reading the whole answer).
    pub timeout: Duration,
    /// Retries on 429/5xx/timeouts (Retry-After honoured).
    pub max_retries: u32,
    /// First backoff delay when the server gives no hint; doubles on each retry.
    pub retry_base: Duration,
    /// Longest single wait. A server asking for longer (a daily quota) ends the retries.
    pub retry_max_wait: Duration,
}

impl LlmSettings {
    /// Settings with the usual limits: 120 s timeout, 3 retries, 1 s backoff base, 60 s max wait.
    pub fn new(
        base_url: impl Into<String>,
        api_key: impl Into<String>,
        model: impl Into<String>,
    ) -> Self {
        LlmSettings {
            base_url: base_url.into(),
            api_key: api_key.into(),
            model: model.into(),
            timeout: Duration::from_secs(120),
            max_retries: 3,
            retry_base: Duration::from_secs(1),
            retry_max_wait: Duration::from_secs(60),
        }
    }
}

// Hand-written so the key never shows up in `{:?}` output or logs.
impl std::fmt::Debug for LlmSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmSettings")
            .field("base_url", &self.base_url)
            .field(
                "api_key",
                &if self.api_key.is_empty() {
                    "(none)"
                } else {
                    "(set)"
                },
            )
            .field("model", &self.model)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("retry_base", &self.retry_base)
            .field("retry_max_wait", &self.retry_max_wait)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error("LLM endpoint unreachable: {0}")]
    Unreachable(String),
    #[error("LLM endpoint rejected the key (HTTP {0})")]
    Auth(u16),
    #[error("LLM endpoint answered HTTP {status} after {}: {message}", tries(*attempts))]
    Status {
        status: u16,
        attempts: u32,
        message: String,
    },
    #[error("LLM request timed out after {0:?}")]
    Timeout(Duration),
    /// The model answered (and was billed: `usage`) but the content is not a usable reply.
    #[error("LLM reply is not usable: {reason}")]
    BadReply { reason: String, usage: Usage },
    #[error("LLM settings are not usable: {0}")]
    Config(String),
}

fn tries(n: u32) -> String {
    if n == 1 {
        "1 try".to_string()
    } else {
        format!("{n} tries")
    }
}

impl LlmError {
    /// Tokens spent on the request that failed (non-zero only for `BadReply`).
    pub fn usage(&self) -> Usage {
        match self {
            LlmError::BadReply { usage, .. } => *usage,
            _ => Usage::default(),
        }
    }
}

/// One OpenAI-compatible endpoint. Cheap to share by reference across attempts;
/// it remembers what the provider refused so later calls don't ask again.
pub struct LlmClient {
    client: async_openai::Client<OpenAIConfig>,
    model: String,
    timeout: Duration,
    /// The key, kept only to scrub it from any error text before it leaves this module.
    secret: String,
    /// Set when the key can't be sent as a header; reported by `complete`.
    key_problem: Option<String>,
    /// How far the provider pushed us down [`FORMATS`]: schema, then object, then none.
    format_level: AtomicU8,
    temperature_refused: AtomicBool,
}

/// Response formats from best to most widely accepted.
const FORMATS: [&str; 3] = ["json_schema", "json_object", "none"];

impl std::fmt::Debug for LlmClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmClient")
            .field("model", &self.model)
            .finish_non_exhaustive()
    }
}

impl LlmClient {
    /// `http` is the shared client from `crate::http::build_client`; the request
    /// timeout from `settings` is enforced here per exchange regardless of its own.
    pub fn new(settings: LlmSettings, http: reqwest::Client) -> Self {
        // A trailing newline from a secrets file is the usual way a key goes bad.
        let key = settings.api_key.trim().to_string();
        let key_problem = ::http::HeaderValue::from_str(&format!("Bearer {key}"))
            .err()
            .map(|_| "the API key contains characters not allowed in an HTTP header".to_string());
        // async-openai builds the header with `unwrap`; never hand it a key that would panic.
        let config_key = if key_problem.is_some() {
            String::new()
        } else {
            key.clone()
        };
        // async-openai appends "/chat/completions" to the base as is.
        let base = settings.base_url.trim().trim_end_matches('/').to_string();
        // Org and project come from our settings only, not from ambient env variables
        // that async-openai would otherwise read.
        let config = OpenAIConfig::new()
            .with_api_base(base)
            .with_api_key(config_key)
            .with_org_id("")
            .with_project_id("");
        let transport = Transport {
            http: http.clone(),
            policy: RetryPolicy {
                max_retries: settings.max_retries,
                base: settings.retry_base,
                max_wait: settings.retry_max_wait,
                timeout: settings.timeout,
            },
        };
        let client = async_openai::Client::build(http, config).with_http_service(transport);
        LlmClient {
            client,
            model: settings.model,
            timeout: settings.timeout,
            secret: key,
            key_problem,
            format_level: AtomicU8::new(0),
            temperature_refused: AtomicBool::new(false),
        }
    }

    /// The model name requests go to.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// One chat completion: one HTTP request, plus retries, plus one more for each
    /// setting the provider refuses (JSON schema, then JSON object format, temperature);
    /// a refusal is remembered for the client's later calls.
    ///
    /// A reply that doesn't parse is `BadReply`, which carries the usage it cost.
    pub async fn complete(&self, prompt: &Prompt) -> Result<LlmReply, LlmError> {
        self.complete_once(prompt)
            .await
            .map_err(|err| scrub_error(err, &self.secret))
    }

    async fn complete_once(&self, prompt: &Prompt) -> Result<LlmReply, LlmError> {
        if let Some(problem) = &self.key_problem {
            return Err(LlmError::Config(problem.clone()));
        }
        loop {
            let request = self.request(prompt);
            let err = match self.client.chat().create(request).await {
                Ok(response) => return reply_from_response(&response),
                Err(err) => self.map_error(err),
            };
            let err = match err {
                Mapped::Error(err) => err,
                Mapped::UntypedBody(body) => return reply_from_untyped(&body),
            };
            if let LlmError::Status {
                status: 400 | 422,
                message,
                ..
            } = &err
            {
                let message = message.to_ascii_lowercase();
                if message.contains("temperature")
                    && !self.temperature_refused.load(Ordering::Relaxed)
                {
                    tracing::info!("the LLM endpoint refuses the temperature; retrying without it");
                    self.temperature_refused.store(true, Ordering::Relaxed);
                    continue;
                }
                let level = usize::from(self.format_level.load(Ordering::Relaxed));
                if refuses_response_format(&message) && level + 1 < FORMATS.len() {
                    tracing::info!(
                        "the LLM endpoint refuses response_format {}; using {}",
                        FORMATS[level],
                        FORMATS[level + 1]
                    );
                    self.format_level.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
            }
            return Err(err);
        }
    }

    fn request(&self, prompt: &Prompt) -> CreateChatCompletionRequest {
        let level = self.format_level.load(Ordering::Relaxed);
        let mut system = prompt.system.clone();
        // OpenAI refuses json_object unless the messages mention JSON; an overridden
        // template might not, and without any format the model needs telling too.
        if level > 0
            && !system.to_ascii_lowercase().contains("json")
            && !prompt.user.to_ascii_lowercase().contains("json")
        {
            system.push_str("\n\nReply with a JSON object.");
        }
        let messages: Vec<ChatCompletionRequestMessage> = vec![
            ChatCompletionRequestSystemMessage::from(system).into(),
            ChatCompletionRequestUserMessage::from(prompt.user.as_str()).into(),
        ];
        let response_format = match level {
            0 => Some(ResponseFormat::JsonSchema {
                json_schema: ResponseFormatJsonSchema {
                    description: Some("Root cause and minimal search/replace edits".into()),
                    name: SCHEMA_NAME.into(),
                    schema: reply_schema(),
                    strict: Some(true),
                },
            }),
            1 => Some(ResponseFormat::JsonObject),
            _ => None,
        };
        CreateChatCompletionRequest {
            messages,
            model: self.model.clone(),
            response_format,
            temperature: (!self.temperature_refused.load(Ordering::Relaxed)).then_some(TEMPERATURE),
            stream: Some(false),
            ..Default::default()
        }
    }

    fn map_error(&self, err: OpenAIError) -> Mapped {
        let mapped = match err {
            OpenAIError::Boxed(boxed) => match boxed.downcast::<TransportFailure>() {
                Ok(failure) => match *failure {
                    TransportFailure::Auth(status) => LlmError::Auth(status),
                    TransportFailure::Status {
                        status,
                        attempts,
                        message,
                    } => LlmError::Status {
                        status,
                        attempts,
                        message,
                    },
                    TransportFailure::Timeout => LlmError::Timeout(self.timeout),
                    TransportFailure::Unreachable { attempts, message } => {
                        LlmError::Unreachable(format!("{message} (after {})", tries(attempts)))
                    }
                    TransportFailure::Build(message) => LlmError::Config(message),
                    TransportFailure::Untyped(body) => return Mapped::UntypedBody(body),
                },
                Err(other) => LlmError::Unreachable(other.to_string()),
            },
            // The body was read by us already, so this is a chat completion whose shape
            // async-openai's types don't accept (another provider's field values).
            OpenAIError::JSONDeserialize(_, body) => return Mapped::UntypedBody(body),
            OpenAIError::Reqwest(e) if e.is_builder() => {
                LlmError::Config(error_chain(&e.without_url()))
            }
            OpenAIError::Reqwest(e) if e.is_timeout() => LlmError::Timeout(self.timeout),
            OpenAIError::Reqwest(e) => LlmError::Unreachable(error_chain(&e.without_url())),
            OpenAIError::ApiError(api) => LlmError::Status {
                status: api.status_code.as_u16(),
                attempts: 1,
                message: api.api_error.message,
            },
            OpenAIError::InvalidArgument(message) => LlmError::Config(message),
            other => LlmError::Unreachable(other.to_string()),
        };
        Mapped::Error(mapped)
    }
}

enum Mapped {
    Error(LlmError),
    UntypedBody(String),
}

/// Does a 400 say that the structured-output format is the problem?
fn refuses_response_format(lowercase_message: &str) -> bool {
    [
        "response_format",
        "json_schema",
        "not supported",
        "unsupported",
    ]
    .iter()
    .any(|needle| lowercase_message.contains(needle))
}

/// The strict schema for `{"diagnosis", "edits": [{path, search, replace}]}`.
fn reply_schema() -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "properties": {
            "diagnosis": {"type": "string", "description": "Root cause in 1-3 sentences"},
            "edits": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "path": {"type": "string", "description": "File path relative to the repository root"},
                        "search": {"type": "string", "description": "Exact text now in the file, occurring once; empty to create a new file"},
                        "replace": {"type": "string", "description": "The new text"}
                    },
                    "required": ["path", "search", "replace"],
                    "additionalProperties": false
                }
            }
        },
        "required": ["diagnosis", "edits"],
        "additionalProperties": false
    })
}

fn usage_of(response: &CreateChatCompletionResponse) -> Usage {
    response
        .usage
        .as_ref()
        .map(|u| Usage {
            prompt_tokens: u64::from(u.prompt_tokens),
            completion_tokens: u64::from(u.completion_tokens),
        })
        .unwrap_or_default()
}

fn reply_from_response(response: &CreateChatCompletionResponse) -> Result<LlmReply, LlmError> {
    let usage = usage_of(response);
    let bad = |reason: String| LlmError::BadReply { reason, usage };
    let Some(choice) = response.choices.first() else {
        return Err(bad("the response has no choices".into()));
    };
    let content = choice.message.content.as_deref().unwrap_or("");
    if content.trim().is_empty() {
        if let Some(refusal) = choice.message.refusal.as_deref() {
            return Err(bad(format!(
                "the model refused: {}",
                one_line(refusal, 200)
            )));
        }
    }
    let truncated = matches!(choice.finish_reason, Some(FinishReason::Length));
    reply_from_content(content, usage, truncated)
}

/// A 2xx body that async-openai's types rejected: read what we need leniently.
fn reply_from_untyped(body: &str) -> Result<LlmReply, LlmError> {
    let value: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let tokens = |name: &str| {
        value
            .pointer(&format!("/usage/{name}"))
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0)
    };
    let usage = Usage {
        prompt_tokens: tokens("prompt_tokens"),
        completion_tokens: tokens("completion_tokens"),
    };
    let Some(content) = value
        .pointer("/choices/0/message/content")
        .and_then(serde_json::Value::as_str)
    else {
        return Err(LlmError::BadReply {
            reason: format!(
                "the response is not a chat completion: {}",
                one_line(body, 120)
            ),
            usage,
        });
    };
    let truncated = value.pointer("/choices/0/finish_reason") == Some(&"length".into());
    reply_from_content(content, usage, truncated)
}

fn reply_from_content(content: &str, usage: Usage, truncated: bool) -> Result<LlmReply, LlmError> {
    match parse_reply(content) {
        Ok((diagnosis, edits)) => Ok(LlmReply {
            diagnosis,
            edits,
            usage,
        }),
        Err(reason) if truncated => Err(LlmError::BadReply {
            reason: format!("{reason} (the reply was cut off at the token limit)"),
            usage,
        }),
        Err(reason) => Err(LlmError::BadReply { reason, usage }),
    }
}

/// Every text an error carries, with the key scrubbed out.
fn scrub_error(err: LlmError, secret: &str) -> LlmError {
    let scrub = |text: String| scrub_secret(&text, secret);
    match err {
        LlmError::Unreachable(message) => LlmError::Unreachable(scrub(message)),
        LlmError::Status {
            status,
            attempts,
            message,
        } => LlmError::Status {
            status,
            attempts,
            message: scrub(message),
        },
        LlmError::BadReply { reason, usage } => LlmError::BadReply {
            reason: scrub(reason),
            usage,
        },
        LlmError::Config(message) => LlmError::Config(scrub(message)),
        other @ (LlmError::Auth(_) | LlmError::Timeout(_)) => other,
    }
}

/// Replaces any occurrence of the key (servers sometimes echo it) in error text.
fn scrub_secret(text: &str, secret: &str) -> String {
    if secret.len() < 4 {
        return text.to_string();
    }
    text.replace(secret, "[redacted]")
}

/// `Display` of an error and its sources, on one line.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

fn one_line(text: &str, max_chars: usize) -> String {
    let flat: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(max_chars)
        .collect();
    flat
}

// ---------------------------------------------------------------------------
// Transport: the tower service that sends, times out and retries.

#[derive(Debug, Clone, Copy)]
struct RetryPolicy {
    max_retries: u32,
    base: Duration,
    max_wait: Duration,
    timeout: Duration,
}

#[derive(Debug, thiserror::Error)]
enum TransportFailure {
    #[error("HTTP {0}")]
    Auth(u16),
    #[error("HTTP {status} after {attempts} tries: {message}")]
    Status {
        status: u16,
        attempts: u32,
        message: String,
    },
    #[error("timed out")]
    Timeout,
    #[error("{message}")]
    Unreachable { attempts: u32, message: String },
    #[error("{0}")]
    Build(String),
    #[error("the response is not a standard chat completion")]
    Untyped(String),
}

impl TransportFailure {
    /// For logs: no server-provided text, which may echo the key.
    fn brief(&self) -> String {
        match self {
            TransportFailure::Auth(status) | TransportFailure::Status { status, .. } => {
                format!("HTTP {status}")
            }
            TransportFailure::Timeout => "timed out".to_string(),
            TransportFailure::Unreachable { .. } => "connection failed".to_string(),
            TransportFailure::Build(_) => "bad request".to_string(),
            TransportFailure::Untyped(_) => "non-standard response".to_string(),
        }
    }
}

#[derive(Clone)]
struct Transport {
    http: reqwest::Client,
    policy: RetryPolicy,
}

type TransportFuture = Pin<Box<dyn Future<Output = Result<reqwest::Response, OpenAIError>> + Send>>;

impl tower::Service<HttpRequestFactory> for Transport {
    type Response = reqwest::Response;
    type Error = OpenAIError;
    type Future = TransportFuture;

    fn poll_ready(
        &mut self,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, factory: HttpRequestFactory) -> Self::Future {
        let transport = self.clone();
        Box::pin(async move {
            transport
                .send(factory)
                .await
                .map_err(|failure| OpenAIError::Boxed(Box::new(failure)))
        })
    }
}

/// A response read completely within the timeout.
struct Buffered {
    status: reqwest::StatusCode,
    version: reqwest::Version,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Transport {
    async fn send(
        &self,
        factory: HttpRequestFactory,
    ) -> Result<reqwest::Response, TransportFailure> {
        let policy = self.policy;
        let mut attempts = 0u32;
        loop {
            attempts += 1;
            let request = factory
                .build()
                .await
                .map_err(|e| TransportFailure::Build(e.to_string()))?;
            let outcome = tokio::time::timeout(policy.timeout, exchange(&self.http, request)).await;
            let (failure, server_delay) = match outcome {
                Err(_elapsed) => (TransportFailure::Timeout, None),
                Ok(Err(e)) if e.is_builder() => {
                    return Err(TransportFailure::Build(error_chain(&e.without_url())))
                }
                Ok(Err(e)) if e.is_timeout() => (TransportFailure::Timeout, None),
                Ok(Err(e)) => (
                    TransportFailure::Unreachable {
                        attempts,
                        message: error_chain(&e.without_url()),
                    },
                    None,
                ),
                Ok(Ok(response)) => {
                    let status = response.status;
                    if status.is_success() {
                        // A body async-openai's types reject would be logged by it as an
                        // error; hand it to the lenient reader instead.
                        if serde_json::from_slice::<CreateChatCompletionResponse>(&response.body)
                            .is_err()
                        {
                            return Err(TransportFailure::Untyped(
                                String::from_utf8_lossy(&response.body).into_owned(),
                            ));
                        }
                        return Ok(rebuild(response));
                    }
                    let code = status.as_u16();
                    if code == 401 || code == 403 {
                        return Err(TransportFailure::Auth(code));
                    }
                    let message = error_message(&response.body);
                    let failure = TransportFailure::Status {
                        status: code,
                        attempts,
                        message: message.clone(),
                    };
                    let retryable = (code == 429 && !message.contains("insufficient_quota"))
                        || code == 408
                        || status.is_server_error();
                    if !retryable {
                        return Err(failure);
                    }
                    (failure, server_delay(&response.headers, SystemTime::now()))
                }
            };
            if attempts > policy.max_retries {
                return Err(failure);
            }
            let wait = match server_delay {
                Some(asked) if asked > policy.max_wait => {
                    // Waiting the cap and asking again would only fail again.
                    return Err(with_note(
                        failure,
                        &format!("the server asks to wait {}s", asked.as_secs()),
                    ));
                }
                Some(asked) => asked,
                None => backoff(policy.base, policy.max_wait, attempts),
            };
            tracing::warn!(
                "LLM request failed ({}); retry {attempts}/{} in {wait:?}",
                failure.brief(),
                policy.max_retries
            );
            tokio::time::sleep(wait).await;
        }
    }
}

async fn exchange(
    http: &reqwest::Client,
    request: reqwest::Request,
) -> Result<Buffered, reqwest::Error> {
    let response = http.execute(request).await?;
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let body = response.bytes().await?.to_vec();
    Ok(Buffered {
        status,
        version,
        headers,
        body,
    })
}

fn rebuild(buffered: Buffered) -> reqwest::Response {
    let mut response = ::http::Response::new(buffered.body);
    *response.status_mut() = buffered.status;
    *response.version_mut() = buffered.version;
    *response.headers_mut() = buffered.headers;
    reqwest::Response::from(response)
}

fn with_note(failure: TransportFailure, note: &str) -> TransportFailure {
    match failure {
        TransportFailure::Status {
            status,
            attempts,
            message,
        } => TransportFailure::Status {
            status,
            attempts,
            message: format!("{message} ({note})"),
        },
        other => other,
    }
}

/// The human part of an error body: OpenAI's `{"error": {"message"}}`, the other
/// shapes compatible servers use, or the raw text.
fn error_message(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) {
        let message = value
            .pointer("/error/message")
            .or_else(|| value.get("error").filter(|e| e.is_string()))
            .or_else(|| value.get("message"))
            .or_else(|| value.get("detail"))
            .and_then(serde_json::Value::as_str);
        if let Some(message) = message {
            let mut message = one_line(message, 300);
            // The code decides retryability (insufficient_quota) and the fallback.
            for key in ["code", "param", "type"] {
                if let Some(extra) = value
                    .pointer(&format!("/error/{key}"))
                    .and_then(serde_json::Value::as_str)
                {
                    message.push_str(&format!(" ({key}: {extra})"));
                }
            }
            return message;
        }
    }
    let flat = one_line(&text, 300);
    if flat.is_empty() {
        "(empty body)".to_string()
    } else {
        flat
    }
}

/// `base * 2^(n-1)`, capped, plus up to 25% jitter so parallel clients spread out.
fn backoff(base: Duration, max_wait: Duration, attempt: u32) -> Duration {
    let exp = base.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
    let capped = exp.min(max_wait);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let jitter = capped.mul_f64(f64::from(nanos % 1000) / 4000.0);
    (capped + jitter).min(max_wait)
}

/// The wait a server asks for: `retry-after-ms`, `Retry-After` (seconds or an HTTP
/// date), or the `x-ratelimit-reset-*` of the exhausted limit.
fn server_delay(headers: &reqwest::header::HeaderMap, now: SystemTime) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = header("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        if let Some(wait) = seconds(ms / 1000.0) {
            return Some(wait);
        }
    }
    if let Some(value) = header("retry-after") {
        if let Some(wait) = value.parse::<f64>().ok().and_then(seconds) {
            return Some(wait);
        }
        if let Ok(at) = httpdate::parse_http_date(value) {
            return Some(at.duration_since(now).unwrap_or(Duration::ZERO));
        }
    }
    ["requests", "tokens"]
        .iter()
        .filter(|limit| {
            // Only the limit that ran out matters; without the remaining count, trust the reset.
            header(&format!("x-ratelimit-remaining-{limit}")).is_none_or(|rest| rest == "0")
        })
        .filter_map(|limit| header(&format!("x-ratelimit-reset-{limit}")).and_then(parse_reset))
        .max()
}

/// A wait given in seconds by a server: `None` for a negative or non-finite value
/// (no wait was really asked for); a finite one too large for a `Duration` becomes
/// `Duration::MAX`, which is beyond any cap and so means "give up".
fn seconds(secs: f64) -> Option<Duration> {
    if !secs.is_finite() || secs < 0.0 {
        return None;
    }
    Some(Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX))
}

/// `x-ratelimit-reset-*` values: `20ms`, `1s`, `6m0s`, `1h2m3.5s`, or bare seconds.
fn parse_reset(value: &str) -> Option<Duration> {
    if let Ok(secs) = value.parse::<f64>() {
        return seconds(secs);
    }
    let mut total = 0.0f64;
    let mut rest = value;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..number_len].parse().ok()?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += number * scale;
        rest = &rest[unit_len..];
    }
    seconds(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn retry_after_seconds_ms_and_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(
            server_delay(&headers(&[("retry-after", "7")]), now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            server_delay(
                &headers(&[("retry-after-ms", "250"), ("retry-after", "9")]),
                now
            ),
            Some(Duration::from_millis(250))
        );
        // 784111777 is Sun, 06 Nov 1994 08:49:37 GMT.
        assert_eq!(
            server_delay(
                &headers(&[("retry-after", "Sun, 06 Nov 1994 08:50:07 GMT")]),
                now
            ),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            server_delay(
                &headers(&[("retry-after", "Sun, 06 Nov 1994 08:00:00 GMT")]),
                now
            ),
            Some(Duration::ZERO)
        );
        assert_eq!(
            server_delay(&headers(&[("retry-after", "soon")]), now),
            None
        );
        assert_eq!(server_delay(&HeaderMap::new(), now), None);
    }

    #[test]
    fn ratelimit_reset_of_the_exhausted_limit() {
        let now = SystemTime::now();
        let h = headers(&[
            ("x-ratelimit-remaining-requests", "0"),
            ("x-ratelimit-reset-requests", "1m30s"),
            ("x-ratelimit-remaining-tokens", "5000"),
            ("x-ratelimit-reset-tokens", "2h"),
        ]);
        assert_eq!(server_delay(&h, now), Some(Duration::from_secs(90)));
        let h = headers(&[("x-ratelimit-reset-tokens", "20ms")]);
        assert_eq!(server_delay(&h, now), Some(Duration::from_millis(20)));
    }

    #[test]
    fn reset_formats() {
        assert_eq!(parse_reset("6m0s"), Some(Duration::from_secs(360)));
        assert_eq!(parse_reset("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_reset("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_reset("1h2m3s"), Some(Duration::from_secs(3723)));
        assert_eq!(parse_reset("5 minutes"), None);
        assert_eq!(parse_reset("s"), None);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let base = Duration::from_millis(100);
        let cap = Duration::from_secs(1);
        let first = backoff(base, cap, 1);
        assert!(first >= base && first <= base.mul_f64(1.25), "{first:?}");
        let third = backoff(base, cap, 3);
        assert!(third >= base * 4, "{third:?}");
        assert!(backoff(base, cap, 30) <= cap);
    }

    #[test]
    fn error_messages_from_common_shapes() {
        assert_eq!(
            error_message(br#"{"error":{"message":"Rate limit","code":"rate_limit_exceeded"}}"#),
            "Rate limit (code: rate_limit_exceeded)"
        );
        assert_eq!(
            error_message(br#"{"error":"model not found"}"#),
            "model not found"
        );
        assert_eq!(
            error_message(b"<html>\n bad gateway </html>"),
            "<html> bad gateway </html>"
        );
        assert_eq!(error_message(b""), "(empty body)");
    }

    #[test]
    fn settings_debug_hides_the_key() {
        let settings = LlmSettings::new("http://x", "sk-very-secret", "m");
        let debug = format!("{settings:?}");
        assert!(!debug.contains("sk-very-secret"), "{debug}");
    }

    #[test]
    fn scrub_replaces_the_key() {
        assert_eq!(
            scrub_secret("bad key sk-abcdef given", "sk-abcdef"),
            "bad key [redacted] given"
        );
    }
}
