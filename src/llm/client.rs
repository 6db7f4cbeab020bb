//! The model client: async-openai on our own reqwest client, one chat completion
//! per call, with the format fallback ([`super::format`]), the reply readers
//! ([`super::extract`]) and the retrying transport ([`super::transport`]).

use super::error::{tries, LlmError};
use super::extract::{reply_from_response, reply_from_untyped};
use super::format::{chat_request, refuses_response_format, FORMATS};
use super::prompt::Prompt;
use super::reply::LlmReply;
use super::transport::{Transport, TransportFailure, LLM_BODY_LIMIT};
use crate::http::{error_chain, Replay, RetryPolicy, SendOptions};
use async_openai::config::OpenAIConfig;
use async_openai::error::OpenAIError;
use async_openai::types::chat::CreateChatCompletionRequest;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU8, Ordering};
use std::time::Duration;

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
    /// `max_completion_tokens` of every request: the room a known context window keeps
    /// for the reply (it also bounds how long a slow local model writes). None: the
    /// server's default.
    pub max_completion_tokens: Option<u32>,
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
            max_completion_tokens: None,
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
            .field("max_completion_tokens", &self.max_completion_tokens)
            .finish()
    }
}

/// One OpenAI-compatible endpoint. Cheap to share by reference across attempts;
/// it remembers what the provider refused so later calls don't ask again.
pub struct LlmClient {
    client: async_openai::Client<OpenAIConfig>,
    model: String,
    timeout: Duration,
    /// `max_completion_tokens` of each request; 0: none sent.
    max_completion_tokens: AtomicU32,
    /// The key, kept only to scrub it from any error text before it leaves this module.
    secret: crate::secrets::Secrets,
    /// Set when the key can't be sent as a header; reported by `complete`.
    key_problem: Option<String>,
    /// How far the provider pushed us down [`FORMATS`]: schema, then object, then none.
    format_level: AtomicU8,
    temperature_refused: AtomicBool,
    /// HTTP requests sent so far (the transport counts each retry).
    sent: std::sync::Arc<std::sync::atomic::AtomicU32>,
}

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
        let sent = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
        let transport = Transport {
            sent: sent.clone(),
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
            max_completion_tokens: AtomicU32::new(settings.max_completion_tokens.unwrap_or(0)),
            secret: crate::secrets::Secrets::new([key]),
            key_problem,
            format_level: AtomicU8::new(0),
            temperature_refused: AtomicBool::new(false),
            sent,
        }
    }

    /// HTTP requests sent by this client so far: retries and format fallbacks count
    /// each (the report's `model: N request(s)`).
    pub fn requests_sent(&self) -> u32 {
        self.sent.load(Ordering::Relaxed)
    }

    /// The model name requests go to.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// Bounds each later reply to `tokens` (a context window learnt from the server).
    pub fn limit_reply(&self, tokens: u32) {
        self.max_completion_tokens.store(tokens, Ordering::Relaxed);
    }

    /// The limit of one request (the `llm-timeout` setting).
    pub fn timeout(&self) -> Duration {
        self.timeout
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
        chat_request(
            &self.model,
            prompt,
            usize::from(self.format_level.load(Ordering::Relaxed)),
            !self.temperature_refused.load(Ordering::Relaxed),
            Some(self.max_completion_tokens.load(Ordering::Relaxed)).filter(|t| *t > 0),
        )
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
                    TransportFailure::Timeout(attempts) => LlmError::Timeout {
                        limit: self.timeout,
                        attempts,
                    },
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
            OpenAIError::Reqwest(e) if e.is_timeout() => LlmError::Timeout {
                limit: self.timeout,
                attempts: 1,
            },
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
        other @ (LlmError::Auth(_) | LlmError::Timeout { .. } | LlmError::TooLarge(_)) => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
