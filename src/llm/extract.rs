//! Reading a reply out of a chat completion: the typed one async-openai parsed, or
//! a 2xx body its types rejected (another provider's field values), leniently.

use super::error::{one_line, LlmError, Usage};
use super::reply::{parse_reply_with_need, LlmReply};
use async_openai::types::chat::{CreateChatCompletionResponse, FinishReason};

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

pub(super) fn reply_from_response(
    response: &CreateChatCompletionResponse,
) -> Result<LlmReply, LlmError> {
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
pub(super) fn reply_from_untyped(body: &str) -> Result<LlmReply, LlmError> {
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
    match parse_reply_with_need(content) {
        Ok((diagnosis, edits, need)) => Ok(LlmReply {
            diagnosis,
            edits,
            need,
            usage,
        }),
        // What the parser says of a cut reply is about a fragment (a 270M model's
        // repeated edits read as "no diagnosis field"): the cut is the reason.
        Err(_) if truncated => Err(LlmError::BadReply {
            // Not a word of the fragment: a reply can echo what it read, secrets included.
            reason: format!(
                "the reply was cut off at the token limit ({} tokens) before its JSON ended",
                usage.completion_tokens
            ),
            usage,
        }),
        Err(reason) => Err(LlmError::BadReply { reason, usage }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reply cut at the token limit is named as cut, not by what its fragment lacks
    /// (llama.cpp with a 270M model: an edit repeated until the bound).
    #[test]
    fn a_cut_reply_is_named_as_cut() {
        let repeated = r#"{"path": "t.py", "replace": "1", "search": "1"}, "#.repeat(20);
        let content = format!("{{\"diagnosis\": \"failed\", \"edits\": [{repeated}");
        let usage = Usage {
            prompt_tokens: 1363,
            completion_tokens: 1024,
        };
        let Err(LlmError::BadReply { reason, .. }) = reply_from_content(&content, usage, true)
        else {
            panic!("a cut reply is a bad reply")
        };
        assert_eq!(
            reason,
            "the reply was cut off at the token limit (1024 tokens) before its JSON ended"
        );
        // Not cut: the parser's own reason.
        let Err(LlmError::BadReply { reason, .. }) = reply_from_content(&content, usage, false)
        else {
            panic!("still a bad reply")
        };
        assert!(!reason.contains("cut off"), "{reason}");
    }
}
