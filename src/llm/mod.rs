//! The model: an OpenAI-compatible chat completion per attempt.

mod client;
mod echo;
mod error;
mod extract;
mod format;
mod prompt;
mod reply;
mod server;
mod transport;

pub use client::{LlmClient, LlmSettings};
pub use echo::echoed_example;
pub use error::{LlmError, Usage};
pub use prompt::{
    build_prompt, fence, ChangedInput, PreviousAttempt, Prompt, PromptInput, Templates,
    OVERRIDE_DIR,
};
pub use reply::{parse_reply, LlmReply};
pub use server::{parse_models, probe_models, ModelsAnswer, ServerModels};
pub use transport::LLM_BODY_LIMIT;
