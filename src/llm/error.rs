//! What a model call costs and how it fails: shared by the client, the transport and
//! the reply readers (so none of them imports another's module).

use std::time::Duration;

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
    /// Named after the setting, so the one line says what to change.
    #[error(
        "no answer from the model within llm-timeout ({} s a request, {}); a model on a CPU can take longer: raise llm-timeout",
        limit.as_secs_f64(),
        tries(*attempts)
    )]
    Timeout { limit: Duration, attempts: u32 },
    /// The model answered (and was billed: `usage`) but the content is not a usable reply.
    #[error("LLM reply is not usable: {reason}")]
    BadReply { reason: String, usage: Usage },
    #[error("LLM settings are not usable: {0}")]
    Config(String),
    #[error("LLM response exceeds the {0} byte limit")]
    TooLarge(u64),
}

pub(super) fn tries(n: u32) -> String {
    if n == 1 {
        "1 try".to_string()
    } else {
        format!("{n} tries")
    }
}

impl LlmError {
    /// The server refused the prompt as longer than its context window: (the prompt's
    /// tokens, the window), from llama.cpp's `request (N tokens) exceeds the available
    /// context size (M tokens)` or OpenAI's `maximum context length is M tokens. However,
    /// your messages resulted in N tokens`.
    pub fn context_overflow(&self) -> Option<(usize, usize)> {
        let LlmError::Status {
            status: 400 | 413 | 422,
            message,
            ..
        } = self
        else {
            return None;
        };
        let lower = message.to_ascii_lowercase();
        let about_context = lower.contains("context")
            && (lower.contains("exceed") || lower.contains("maximum context length"));
        if !about_context {
            return None;
        }
        // The two token counts; the prompt is the larger (it did not fit).
        let numbers: Vec<usize> = lower
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse().ok())
            .filter(|n| *n >= 16)
            .collect();
        let (&a, &b) = (numbers.first()?, numbers.get(1)?);
        Some((a.max(b), a.min(b)))
    }

    /// Tokens spent on the request that failed (non-zero only for `BadReply`).
    pub fn usage(&self) -> Usage {
        match self {
            LlmError::BadReply { usage, .. } => *usage,
            _ => Usage::default(),
        }
    }
}

/// `text` on one line, at most `max_chars` characters.
pub(super) fn one_line(text: &str, max_chars: usize) -> String {
    let flat: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(max_chars)
        .collect();
    flat
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_overflow_from_llama_cpp_and_openai() {
        let status = |status, message: &str| LlmError::Status {
            status,
            attempts: 1,
            message: message.into(),
        };
        let llama = status(400, "request (3190 tokens) exceeds the available context size (2048 tokens), try increasing it (type: exceed_context_size_error)");
        assert_eq!(llama.context_overflow(), Some((3190, 2048)));
        let openai = status(400, "This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens. Please reduce the length of the messages. (code: context_length_exceeded)");
        assert_eq!(openai.context_overflow(), Some((130512, 128000)));
        assert_eq!(status(400, "bad temperature 2").context_overflow(), None);
        assert_eq!(
            status(
                500,
                "request (3190 tokens) exceeds the available context size (2048 tokens)"
            )
            .context_overflow(),
            None
        );
    }

    #[test]
    fn a_timeout_names_the_setting() {
        let e = LlmError::Timeout {
            limit: Duration::from_secs(120),
            attempts: 4,
        };
        assert_eq!(
            e.to_string(),
            "no answer from the model within llm-timeout (120 s a request, 4 tries); a model on a CPU can take longer: raise llm-timeout"
        );
    }

    #[test]
    fn one_line_flattens_and_cuts() {
        assert_eq!(one_line(" a\n  b\tc ", 3), "a b");
    }
}
