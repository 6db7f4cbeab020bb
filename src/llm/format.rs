//! The response-format fallback: a strict JSON schema, then `json_object`, then no
//! format, as a provider refuses each; and the chat request at a given level.

use super::prompt::Prompt;
use async_openai::types::chat::{
    ChatCompletionRequestMessage, ChatCompletionRequestSystemMessage,
    ChatCompletionRequestUserMessage, CreateChatCompletionRequest, ResponseFormat,
    ResponseFormatJsonSchema,
};

/// Low but not zero: a little freedom helps the model get out of a wrong first idea
/// on a retry, while keeping edits focused.
const TEMPERATURE: f32 = 0.1;

/// Name of the response schema sent with `response_format: json_schema`.
const SCHEMA_NAME: &str = "self_heal_repair";

/// Response formats from best to most widely accepted.
pub(super) const FORMATS: [&str; 3] = ["json_schema", "json_object", "none"];

/// The chat request at format `level` (an index into [`FORMATS`]).
pub(super) fn chat_request(
    model: &str,
    prompt: &Prompt,
    level: usize,
    with_temperature: bool,
    max_completion_tokens: Option<u32>,
) -> CreateChatCompletionRequest {
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
        model: model.to_string(),
        response_format,
        temperature: with_temperature.then_some(TEMPERATURE),
        max_completion_tokens,
        stream: Some(false),
        ..Default::default()
    }
}

/// Does a 400 say that the structured-output format is the problem?
pub(super) fn refuses_response_format(lowercase_message: &str) -> bool {
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
