//! The reply schema: `{"diagnosis": "...", "edits": [{path, search, replace}]}`.

use super::client::Usage;
use crate::repair::Edit;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LlmReply {
    pub diagnosis: String,
    pub edits: Vec<Edit>,
    pub usage: Usage,
}

/// Parses reply content (tolerates code fences and extra fields).
pub fn parse_reply(content: &str) -> Result<(String, Vec<Edit>), String> {
    let _ = content;
    todo!()
}
