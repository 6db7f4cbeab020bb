//! The model: an OpenAI-compatible chat completion per attempt.

mod client;
mod prompt;
mod reply;

pub use client::{LlmClient, LlmError, LlmSettings, Usage, LLM_BODY_LIMIT};
pub use prompt::{
    build_prompt, fence, PreviousAttempt, Prompt, PromptInput, Templates, OVERRIDE_DIR,
};
pub use reply::{parse_reply, LlmReply};
