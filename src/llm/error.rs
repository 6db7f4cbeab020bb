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

pub(super) fn tries(n: u32) -> String {
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
    fn one_line_flattens_and_cuts() {
        assert_eq!(one_line(" a\n  b\tc ", 3), "a b");
    }
}
