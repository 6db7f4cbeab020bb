//! The tower service installed into async-openai with `Client::with_http_service`.
//!
//! async-openai turns every non-2xx answer into an error that no longer carries the
//! response headers, so the retries happen below it, in the shared layer
//! ([`crate::http::send`]), which sees status and headers (Retry-After,
//! x-ratelimit-reset-*); async-openai gets only successful responses, everything
//! else comes back as a [`TransportFailure`] inside `OpenAIError::Boxed`.

use super::error::one_line;
use crate::http::{GaveUp, HttpError, SendOptions};
use async_openai::error::OpenAIError;
use async_openai::middleware::HttpRequestFactory;
use async_openai::types::chat::CreateChatCompletionResponse;
use std::future::Future;
use std::pin::Pin;

/// A chat completion is a few KB; a body past this is not one.
pub const LLM_BODY_LIMIT: u64 = 16 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub(super) enum TransportFailure {
    #[error("HTTP {0}")]
    Auth(u16),
    #[error("HTTP {status} after {attempts} tries: {message}")]
    Status {
        status: u16,
        attempts: u32,
        message: String,
    },
    #[error("timed out after {0} tries")]
    Timeout(u32),
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
pub(super) struct Transport {
    pub(super) http: reqwest::Client,
    pub(super) options: SendOptions,
    /// HTTP requests sent, every retry included (shared by the clones async-openai makes).
    pub(super) sent: std::sync::Arc<std::sync::atomic::AtomicU32>,
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
        let sent = crate::http::send(&self.http, request, &self.options).await;
        let tries = match &sent {
            Ok(response) => response.attempts,
            Err(HttpError::Timeout { attempts } | HttpError::Unreachable { attempts, .. }) => {
                *attempts
            }
            // Cut off while reading: at least that request went out.
            Err(HttpError::TooLarge { .. }) => 1,
            Err(HttpError::Build(_)) => 0,
        };
        self.sent
            .fetch_add(tries, std::sync::atomic::Ordering::Relaxed);
        let response = sent.map_err(|e| match e {
            HttpError::Timeout { attempts } => TransportFailure::Timeout(attempts),
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
pub(super) fn error_message(body: &[u8]) -> String {
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
}
