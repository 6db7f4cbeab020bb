//! async-openai on our own reqwest client: schema response format with fallback, retries.
//!
//! async-openai turns every non-2xx answer into an error that no longer carries the
//! response headers, so the retry logic lives in [`Transport`], a tower service
//! installed with `Client::with_http_service`: it sees status and headers (Retry-After,
//! x-ratelimit-reset-*), retries, and hands async-openai only successful responses.
//! Everything else comes back as a [`TransportFailure`] inside `OpenAIError::Boxed`.

use super::prompt::Prompt;
use super::reply::{parse_reply, LlmReply};
use crate::http::{error_chain, GaveUp, HttpError, Replay, RetryPolicy, SendOptions};
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
use std::time::Duration;

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

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

impl std::ops::AddAssign for Usage {
    fn add_assign(&mut self, other: Usage) {
        self.prompt_tokens += other.prompt_tokens;
        self.completion_tokens += other.completion_tokens;
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
    #[error("LLM response exceeds the {0} byte limit")]
    TooLarge(u64),
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
    secret: crate::secrets::Secrets,
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
            options: SendOptions {
                retry: RetryPolicy {
                    max_retries: settings.max_retries,
                    backoff: settings.retry_base,
                    max_wait: settings.retry_max_wait,
                },
                // Asking the model again changes nothing the user sees: 5xx and
                // timeouts are retried like a GET.
                replay: Replay::Safe,
                body_limit: LLM_BODY_LIMIT,
                exchange_timeout: Some(settings.timeout),
                final_429_marker: Some("insufficient_quota"),
            },
        };
        let client = async_openai::Client::build(http, config).with_http_service(transport);
        LlmClient {
            client,
            model: settings.model,
            timeout: settings.timeout,
            secret: crate::secrets::Secrets::new([key]),
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
                    TransportFailure::TooLarge(limit) => LlmError::TooLarge(limit),
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
fn scrub_error(err: LlmError, secret: &crate::secrets::Secrets) -> LlmError {
    let scrub = |text: String| secret.mask(&text);
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
        other @ (LlmError::Auth(_) | LlmError::Timeout(_) | LlmError::TooLarge(_)) => other,
    }
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
// Transport: the tower service that hands async-openai's requests to the shared
// retry layer and maps what it ends with.

/// A chat completion is a few KB; a body past this is not one.
pub const LLM_BODY_LIMIT: u64 = 16 * 1024 * 1024;

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
    #[error("the response exceeds the {0} byte limit")]
    TooLarge(u64),
    #[error("{0}")]
    Build(String),
    #[error("the response is not a standard chat completion")]
    Untyped(String),
}

#[derive(Clone)]
struct Transport {
    http: reqwest::Client,
    options: SendOptions,
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

impl Transport {
    async fn send(
        &self,
        factory: HttpRequestFactory,
    ) -> Result<reqwest::Response, TransportFailure> {
        let request = factory
            .build()
            .await
            .map_err(|e| TransportFailure::Build(e.to_string()))?;
        let response = crate::http::send(&self.http, request, &self.options)
            .await
            .map_err(|e| match e {
                HttpError::Timeout { .. } => TransportFailure::Timeout,
                HttpError::Unreachable { attempts, message } => {
                    TransportFailure::Unreachable { attempts, message }
                }
                HttpError::TooLarge { limit } => TransportFailure::TooLarge(limit),
                HttpError::Build(message) => TransportFailure::Build(message),
            })?;
        let status = response.status;
        if status.is_success() {
            // A body async-openai's types reject would be logged by it as an
            // error; hand it to the lenient reader instead.
            if serde_json::from_slice::<CreateChatCompletionResponse>(&response.body).is_err() {
                return Err(TransportFailure::Untyped(response.text()));
            }
            return Ok(response.into_reqwest());
        }
        let code = status.as_u16();
        if code == 401 || code == 403 {
            return Err(TransportFailure::Auth(code));
        }
        let mut message = error_message(&response.body);
        if let Some(GaveUp::WaitTooLong(asked)) = response.gave_up {
            message = format!("{message} (the server asks to wait {}s)", asked.as_secs());
        }
        Err(TransportFailure::Status {
            status: code,
            attempts: response.attempts,
            message,
        })
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let key = crate::secrets::Secrets::new(["sk-abcdef"]);
        let err = scrub_error(LlmError::Config("bad key sk-abcdef given".into()), &key);
        assert_eq!(
            err.to_string(),
            "LLM settings are not usable: bad key *** given"
        );
    }
}
