//! A reply that repeats the reply format's example instead of answering: small models
//! (a 270M one on llama.cpp did it on every attempt) copy a template's
//! `"path": "relative/path/from/repo/root"` verbatim. Such a reply is not an attempt
//! at a fix; the retry says what went wrong and which paths are real. The compiled-in
//! template describes the reply in words for that reason; a repository's own
//! template may still show an example.

use super::reply::LlmReply;

/// Values shorter than this are never taken for a copy: a short word quoted in the
/// instructions can be a real answer.
const MIN_ECHO_CHARS: usize = 6;

/// The first field of `reply` whose value is a quoted string of the system prompt
/// (the example in its reply format), as `path "relative/path"`; None for a real reply.
///
/// Data never goes into the system prompt (the user message carries logs and code),
/// so a value found quoted there came from the instructions, not from the repository.
pub fn echoed_example(system_prompt: &str, reply: &LlmReply) -> Option<String> {
    let fields = std::iter::once(("diagnosis", reply.diagnosis.as_str())).chain(
        reply.edits.iter().flat_map(|e| {
            [
                ("path", e.path.as_str()),
                ("search", e.search.as_str()),
                ("replace", e.replace.as_str()),
            ]
        }),
    );
    fields
        .filter(|(_, value)| quoted_in(system_prompt, value))
        .map(|(name, value)| format!("{name} {value:?}"))
        .next()
}

/// Is `value` (trimmed, or without a final full stop) written as `"value"` in `text`?
fn quoted_in(text: &str, value: &str) -> bool {
    let value = value.trim();
    [value, value.trim_end_matches('.')]
        .iter()
        .filter(|v| v.chars().count() >= MIN_ECHO_CHARS && !v.contains('\n'))
        .any(|v| {
            // The example is JSON: its strings are escaped as JSON strings are.
            let quoted = serde_json::to_string(v).unwrap_or_default();
            text.contains(&quoted)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Edit;

    const SYSTEM: &str = r#"Reply with:
{"diagnosis": "the root cause in 1-3 sentences",
 "edits": [{"path": "relative/path/from/repo/root", "search": "exact text now in the file", "replace": "new text"}]}
Use "utf-8" files."#;

    fn reply(diagnosis: &str, path: &str, search: &str, replace: &str) -> LlmReply {
        LlmReply {
            diagnosis: diagnosis.into(),
            edits: vec![Edit {
                path: path.into(),
                search: search.into(),
                replace: replace.into(),
            }],
            ..LlmReply::default()
        }
    }

    #[test]
    fn the_example_copied_verbatim_is_recognised() {
        let copied = reply(
            "the root cause in 1-3 sentences",
            "relative/path/from/repo/root",
            "exact text now in the file",
            "new text",
        );
        assert_eq!(
            echoed_example(SYSTEM, &copied).as_deref(),
            Some(r#"diagnosis "the root cause in 1-3 sentences""#)
        );
    }

    #[test]
    fn one_copied_field_is_enough() {
        let path_only = reply(
            "an off-by-one in the pager",
            "relative/path/from/repo/root",
            "return n - 1",
            "return n",
        );
        assert_eq!(
            echoed_example(SYSTEM, &path_only).as_deref(),
            Some(r#"path "relative/path/from/repo/root""#)
        );
        let with_stop = reply("The root cause in 1-3 sentences.", "a.py", "x", "y");
        assert!(echoed_example(SYSTEM, &with_stop).is_none(), "case counts");
        let with_stop = reply("the root cause in 1-3 sentences.", "a.py", "x", "y");
        assert!(echoed_example(SYSTEM, &with_stop).is_some());
    }

    /// The compiled-in template describes the reply in words: it holds no JSON
    /// example a small model could send back (a repository's own template may).
    #[test]
    fn the_compiled_in_template_has_no_example_to_copy() {
        let system = crate::llm::Templates::default().system;
        assert!(crate::llm::parse_reply(&system).is_err());
        assert!(!system.contains("\"diagnosis\""), "{system}");
    }

    #[test]
    fn real_answers_and_short_words_are_not_echoes() {
        let real = reply(
            "page_count rounds down instead of up",
            "src/pager.py",
            "return total // size",
            "return -(-total // size)",
        );
        assert!(echoed_example(SYSTEM, &real).is_none());
        // "utf-8" is quoted in the instructions but too short to be a copy.
        let short = reply("encoding", "setup.cfg", "utf-8", "latin-1");
        assert!(echoed_example(SYSTEM, &short).is_none());
        assert!(echoed_example(SYSTEM, &LlmReply::default()).is_none());
    }
}
