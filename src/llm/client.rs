//! async-openai on our own reqwest client: schema response format with fallback, retries.

use super::prompt::Prompt;
use super::reply::LlmReply;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct LlmSettings {
    /// e.g. `https://api.openai.com/v1`, `https://models.github.ai/inference`, `http://127.0.0.1:PORT/v1`.
    pub base_url: String,
    pub api_key: String,
    pub model: String,
    pub timeout: Duration,
    /// Retries on 429/5xx/timeouts (Retry-After honoured).
    pub max_retries: u32,
}

impl Default for LlmSettings {
    fn default() -> Self {
        LlmSettings {
            base_url: String::new(),
            api_key: String::new(),
            model: String::new(),
            timeout: Duration::from_secs(120),
            max_retries: 4,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error("LLM endpoint unreachable: {0}")]
    Unreachable(String),
    #[error("LLM endpoint rejected the key (HTTP {0})")]
    Auth(u16),
    #[error("LLM endpoint answered HTTP {status} after {attempts} tries: {message}")]
    Status {
        status: u16,
        attempts: u32,
        message: String,
    },
    #[error("LLM request timed out after {0:?}")]
    Timeout(Duration),
    /// The request succeeded (and cost tokens) but the content is not a usable reply.
    #[error("LLM reply is not usable: {reason}")]
    BadReply { reason: String, usage: Usage },
}

pub struct LlmClient {
    _todo: (),
}

impl LlmClient {
    pub fn new(settings: LlmSettings, http: reqwest::Client) -> Self {
        let _ = (settings, http);
        todo!()
    }

    /// One chat completion. A reply that doesn't parse is `BadReply` (with usage lost).
    pub async fn complete(&self, prompt: &Prompt) -> Result<LlmReply, LlmError> {
        let _ = prompt;
        todo!()
    }
}
