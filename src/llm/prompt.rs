//! Prompt templates (`prompts/`, compiled in, overridable per repository).

use crate::repair::Edit;

/// Templates; `Templates::default()` is the compiled-in set.
#[derive(Debug, Clone)]
pub struct Templates {
    pub system: String,
    pub user: String,
}

impl Default for Templates {
    fn default() -> Self {
        todo!()
    }
}

impl Templates {
    /// Compiled-in templates, with any override in `<workdir>/.github/self-heal/prompts/`.
    pub fn load(workdir: &std::path::Path) -> Templates {
        let _ = workdir;
        todo!()
    }
}

/// A previous attempt, shown to the model on a retry.
#[derive(Debug, Clone, Default)]
pub struct PreviousAttempt {
    pub diagnosis: String,
    pub edits: Vec<Edit>,
    /// Why it failed: the edit error, or the validation output tail.
    pub result: String,
}

/// Everything that goes into one request.
#[derive(Debug, Clone, Default)]
pub struct PromptInput {
    pub excerpt: String,
    pub failing_tests: Vec<String>,
    pub command: Option<String>,
    /// (path, line-numbered source)
    pub files: Vec<(String, String)>,
    pub instructions: Option<String>,
    pub previous: Vec<PreviousAttempt>,
    /// An earlier accepted fix for the same failure fingerprint.
    pub memory_hint: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub system: String,
    pub user: String,
}

pub fn build_prompt(templates: &Templates, input: &PromptInput) -> Prompt {
    let _ = (templates, input);
    todo!()
}
