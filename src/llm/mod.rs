//! The model: an OpenAI-compatible chat completion per attempt.

mod client;
mod prompt;
mod reply;
mod usage;

pub use client::{LlmClient, LlmError, LlmSettings};
pub use prompt::{
    build_prompt, fence, PreviousAttempt, Prompt, PromptInput, Templates, OVERRIDE_DIR,
};
pub use reply::{parse_reply, LlmReply};
pub use usage::Usage;
