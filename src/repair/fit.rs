//! Fitting the prompt into the model's context window (the `context-window` setting,
//! or what the server reports): a prompt that would not fit is cut by the same budget
//! rules that shape it rather than refused by the server. Tokens are estimated from
//! characters, at the ratio the server itself last counted; should the estimate
//! still miss, the server's refusal names the prompt's tokens and its window, and the
//! loop cuts to those and asks once more.
//!
//! The window keeps room for the reply; the rest is the prompt's. What can shrink
//! shrinks together by one scale: the source files' budget (gathered again, so the
//! most relevant code stays), the excerpt, the "what changed" diff, the earlier
//! attempts' output and the repository's instructions, each cut at a line boundary
//! with a marker. The instructions (system prompt) and the failing test ids stay.

use crate::llm::PromptInput;

/// Characters per token until the server has counted a prompt: the budgets' rule
/// (close for logs and code on current tokenizers). Every reply's `usage` (and a
/// refusal that names the prompt's tokens) replaces it with what the server counted.
pub const DEFAULT_CHARS_PER_TOKEN: f64 = 4.0;

/// Scales tried at most after the first; each is [`SHRINK`] times the last (the
/// first is computed, so one usually fits).
pub const ROUNDS: usize = 6;

/// How much the next scale shrinks when a cut still misses.
pub const SHRINK: f64 = 0.8;

/// What a window holds: the prompt, and the reply's room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub tokens: usize,
}

impl Window {
    /// The reply's room: a quarter of the window, at least 256 tokens (one edit with
    /// its diagnosis) and at most 4096 (several edits).
    pub fn reply_tokens(&self) -> usize {
        (self.tokens / 4).clamp(256, 4096).min(self.tokens / 2)
    }

    /// What the prompt may take.
    pub fn prompt_tokens(&self) -> usize {
        self.tokens - self.reply_tokens()
    }
}

/// The prompt's tokens at `chars_per_token` (rounded up).
pub fn estimate_tokens(chars: usize, chars_per_token: f64) -> usize {
    (chars as f64 / chars_per_token).ceil() as usize
}

/// Characters per token as a server counted them (`chars` sent, `tokens` counted);
/// None for a count that says nothing (no usage, or an absurd ratio).
pub fn observed_chars_per_token(chars: usize, tokens: u64) -> Option<f64> {
    if tokens == 0 {
        return None;
    }
    let ratio = chars as f64 / tokens as f64;
    (1.0..=10.0).contains(&ratio).then_some(ratio)
}

/// The scale whose cut should fit `allowance`: what shrinks (`full - floor`, where
/// `floor` is the prompt with every cuttable part cut to nothing) shrinks to what the
/// allowance leaves over the floor, with a margin for cuts at line boundaries.
pub fn first_scale(full: usize, floor: usize, allowance: usize) -> f64 {
    let room = allowance.saturating_sub(floor) as f64;
    let cuttable = full.saturating_sub(floor).max(1) as f64;
    (room / cuttable * 0.95).min(1.0)
}

/// `input` with its cuttable parts at `scale` of their length (the source files are
/// gathered at the scaled budget by the caller).
pub fn scale_input(input: &PromptInput, scale: f64) -> PromptInput {
    if scale >= 1.0 {
        return input.clone();
    }
    let cut = |text: &str| cut_text(text, scaled(text.chars().count(), scale));
    let mut out = input.clone();
    out.excerpt = cut(&input.excerpt);
    if let Some(changed) = out.changed_since.as_mut() {
        changed.diff = cut(&changed.diff);
    }
    out.instructions = input.instructions.as_deref().map(cut);
    out.memory_hint = input.memory_hint.as_deref().map(cut);
    for previous in &mut out.previous {
        previous.result = cut(&previous.result);
    }
    out
}

fn scaled(len: usize, scale: f64) -> usize {
    (len as f64 * scale.clamp(0.0, 1.0)).floor() as usize
}

/// What a cut leaves in place of the rest.
pub const CUT_MARKER: &str = "[… cut to fit the model's context window]";

/// The first `max_chars` characters of `text`, ended at a line boundary when one is in
/// the second half, with [`CUT_MARKER`] after them; `text` itself when it fits.
pub fn cut_text(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let end = text
        .char_indices()
        .nth(max_chars)
        .map_or(text.len(), |(i, _)| i);
    let head = &text[..end];
    let head = match head.rfind('\n') {
        Some(nl) if nl >= head.len() / 2 => &head[..=nl],
        _ => head,
    };
    let newline = if head.is_empty() || head.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    format!("{head}{newline}{CUT_MARKER}\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::{ChangedInput, PreviousAttempt};

    #[test]
    fn the_reply_keeps_a_quarter_within_bounds() {
        assert_eq!(Window { tokens: 2048 }.reply_tokens(), 512);
        assert_eq!(Window { tokens: 2048 }.prompt_tokens(), 1536);
        assert_eq!(Window { tokens: 512 }.reply_tokens(), 256);
        assert_eq!(Window { tokens: 131_072 }.reply_tokens(), 4096);
    }

    #[test]
    fn a_cut_ends_on_a_line_and_says_so() {
        let text = "line one\nline two\nline three\n";
        assert_eq!(cut_text(text, 100), text);
        assert_eq!(
            cut_text(text, 20),
            format!("line one\nline two\n{CUT_MARKER}\n")
        );
        // No line boundary in the second half: cut inside the line.
        assert_eq!(cut_text("abcdefghij", 4), format!("abcd\n{CUT_MARKER}\n"));
        assert_eq!(cut_text("ééééé", 2), format!("éé\n{CUT_MARKER}\n"));
    }

    #[test]
    fn scaling_cuts_every_long_part_and_keeps_the_test_ids() {
        let long = "x\n".repeat(500);
        let input = PromptInput {
            excerpt: long.clone(),
            failing_tests: vec!["tests/test_a.py::test_b".into()],
            instructions: Some(long.clone()),
            changed_since: Some(ChangedInput {
                summary: "a.py changed".into(),
                diff: long.clone(),
            }),
            previous: vec![PreviousAttempt {
                result: long.clone(),
                ..PreviousAttempt::default()
            }],
            ..PromptInput::default()
        };
        let half = scale_input(&input, 0.5);
        for text in [
            &half.excerpt,
            half.instructions.as_ref().unwrap(),
            &half.changed_since.as_ref().unwrap().diff,
            &half.previous[0].result,
        ] {
            assert!(text.len() < 600, "{}", text.len());
            assert!(text.ends_with(&format!("{CUT_MARKER}\n")));
        }
        assert_eq!(half.failing_tests, input.failing_tests);
        assert_eq!(half.changed_since.unwrap().summary, "a.py changed");
        assert_eq!(scale_input(&input, 1.0).excerpt, long);
    }

    #[test]
    fn the_server_count_replaces_the_default() {
        assert_eq!(estimate_tokens(4001, DEFAULT_CHARS_PER_TOKEN), 1001);
        assert_eq!(observed_chars_per_token(3700, 1000), Some(3.7));
        assert_eq!(observed_chars_per_token(3700, 0), None);
        assert_eq!(observed_chars_per_token(100_000, 10), None);
    }

    #[test]
    fn the_first_scale_leaves_the_floor_alone() {
        // 2300 tokens, 1300 of which never shrink, into 1536: 236 of 1000 are left.
        let scale = first_scale(2300, 1300, 1536);
        assert!((0.22..0.236).contains(&scale), "{scale}");
        assert_eq!(first_scale(1000, 0, 5000), 1.0);
    }
}
