//! The reply schema: `{"diagnosis": "...", "edits": [{path, search, replace}]}`, and an
//! optional `"need": ["path or symbol", ...]`: code the model asks to see next attempt.

use super::error::Usage;
use crate::types::Edit;
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LlmReply {
    pub diagnosis: String,
    pub edits: Vec<Edit>,
    /// Paths or symbols the model asks to see (`need`); the next attempt carries them.
    pub need: Vec<String>,
    pub usage: Usage,
}

/// Needs taken from one reply, at most, and their length.
const MAX_NEED: usize = 16;
const MAX_NEED_CHARS: usize = 300;

/// How many `{` positions to try when the object is buried in prose; bounds the
/// work on a long garbage reply.
const MAX_OBJECT_STARTS: usize = 64;

/// Parses reply content (tolerates code fences, prose around the object and extra fields).
///
/// The error is a one-line reason meant for the report and for the next prompt.
pub fn parse_reply(content: &str) -> Result<(String, Vec<Edit>), String> {
    parse_reply_with_need(content).map(|(d, e, _)| (d, e))
}

/// [`parse_reply`], with the optional `need` list (strings; anything else in it is
/// ignored: it only asks for context, it never fails a reply).
pub fn parse_reply_with_need(content: &str) -> Result<(String, Vec<Edit>, Vec<String>), String> {
    let text = content.trim_start_matches('\u{feff}').trim();
    if text.is_empty() {
        return Err("the reply is empty".to_string());
    }
    let object = find_object(text).ok_or_else(|| {
        format!(
            "the reply contains no JSON object (starts with {:?})",
            preview(text)
        )
    })?;
    let (diagnosis, edits) = validate(&object)?;
    Ok((diagnosis, edits, need(&object)))
}

fn need(object: &Map<String, Value>) -> Vec<String> {
    let Some(Value::Array(items)) = object.get("need") else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty() && s.len() <= MAX_NEED_CHARS && !s.contains('\n'))
        .take(MAX_NEED)
        .map(str::to_string)
        .collect()
}

/// The first JSON object in `text`: the whole text, a fenced block, or an object
/// that starts somewhere after leading prose.
fn find_object(text: &str) -> Option<Map<String, Value>> {
    if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) {
        return Some(map);
    }
    for block in fenced_blocks(text) {
        if let Some(map) = first_object_from(block.trim()) {
            return Some(map);
        }
    }
    text.match_indices('{')
        .take(MAX_OBJECT_STARTS)
        .find_map(|(i, _)| first_object_from(&text[i..]))
}

/// Parses one JSON object at the start of `text`, ignoring whatever follows it.
fn first_object_from(text: &str) -> Option<Map<String, Value>> {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    match stream.next() {
        Some(Ok(Value::Object(map))) => Some(map),
        _ => None,
    }
}

/// Contents of the Markdown code fences in `text` (any info string, e.g. `json`).
fn fenced_blocks(text: &str) -> Vec<&str> {
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("```") {
        let after_ticks = &rest[open..];
        let ticks = after_ticks.bytes().take_while(|&b| b == b'`').count();
        let fence = &after_ticks[..ticks];
        // Skip the info string (`json`) up to the end of the line.
        let Some(line_end) = after_ticks.find('\n') else {
            break;
        };
        let body = &after_ticks[line_end + 1..];
        match body.find(fence) {
            Some(close) => {
                blocks.push(&body[..close]);
                rest = &body[close + ticks..];
            }
            None => {
                // An unclosed fence (truncated reply): take what is there.
                blocks.push(body);
                break;
            }
        }
    }
    blocks
}

fn validate(object: &Map<String, Value>) -> Result<(String, Vec<Edit>), String> {
    let diagnosis = match object.get("diagnosis") {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(other) => {
            return Err(format!(
                "\"diagnosis\" must be a string, not {}",
                kind(other)
            ))
        }
        None => return Err("the reply has no \"diagnosis\" field".to_string()),
    };
    let items = match object.get("edits") {
        Some(Value::Array(items)) => items,
        Some(other) => return Err(format!("\"edits\" must be an array, not {}", kind(other))),
        None => return Err("the reply has no \"edits\" field".to_string()),
    };
    let mut edits = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Value::Object(fields) = item else {
            return Err(format!("edits[{i}] must be an object, not {}", kind(item)));
        };
        let field = |name: &str| -> Result<String, String> {
            match fields.get(name) {
                Some(Value::String(s)) => Ok(s.clone()),
                Some(other) => Err(format!(
                    "edits[{i}].{name} must be a string, not {}",
                    kind(other)
                )),
                None => Err(format!("edits[{i}] has no \"{name}\" field")),
            }
        };
        let path = field("path")?;
        if path.trim().is_empty() {
            return Err(format!("edits[{i}].path is empty"));
        }
        edits.push(Edit {
            path,
            search: field("search")?,
            replace: field("replace")?,
        });
    }
    Ok((diagnosis, edits))
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The first few characters of a bad reply, on one line, for the reason.
fn preview(text: &str) -> String {
    let line: String = text
        .chars()
        .take(60)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    line.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(path: &str, search: &str, replace: &str) -> Edit {
        Edit {
            path: path.into(),
            search: search.into(),
            replace: replace.into(),
        }
    }

    #[test]
    fn plain_object() {
        let (d, e) = parse_reply(
            r#"{"diagnosis":"off by one","edits":[{"path":"a.py","search":"x - 1","replace":"x"}]}"#,
        )
        .unwrap();
        assert_eq!(d, "off by one");
        assert_eq!(e, vec![edit("a.py", "x - 1", "x")]);
    }

    #[test]
    fn json_fence_with_prose_around() {
        let content = "Here is the fix:\n```json\n{\"diagnosis\": \"d\", \"edits\": []}\n```\nHope it helps {not json}";
        let (d, e) = parse_reply(content).unwrap();
        assert_eq!(d, "d");
        assert!(e.is_empty());
    }

    #[test]
    fn bare_fence_and_unclosed_fence() {
        let (d, _) = parse_reply("```\n{\"diagnosis\":\"a\",\"edits\":[]}\n```").unwrap();
        assert_eq!(d, "a");
        let (d, _) = parse_reply("```json\n{\"diagnosis\":\"b\",\"edits\":[]}\n").unwrap();
        assert_eq!(d, "b");
    }

    #[test]
    fn leading_prose_without_fence_and_braces_in_prose() {
        let content = "I think {maybe} the issue is: {\"diagnosis\":\"c\",\"edits\":[{\"path\":\"p\",\"search\":\"\",\"replace\":\"new\"}]} done";
        let (d, e) = parse_reply(content).unwrap();
        assert_eq!(d, "c");
        assert_eq!(e, vec![edit("p", "", "new")]);
    }

    #[test]
    fn extra_fields_are_ignored() {
        let content = r#"{"diagnosis":"d","confidence":0.9,"explanation":"x","edits":[{"path":"a","search":"s","replace":"r","reason":"why"}]}"#;
        let (_, e) = parse_reply(content).unwrap();
        assert_eq!(e, vec![edit("a", "s", "r")]);
    }

    #[test]
    fn code_with_fences_inside_strings_survives() {
        let inner = r#"{"diagnosis":"d","edits":[{"path":"README.md","search":"```py\nx\n```","replace":"y"}]}"#;
        let (_, e) = parse_reply(inner).unwrap();
        assert_eq!(e[0].search, "```py\nx\n```");
    }

    #[test]
    fn rejections_have_one_line_reasons() {
        let cases = [
            ("", "empty"),
            ("I cannot help with that.", "no JSON object"),
            (r#"{"edits":[]}"#, "no \"diagnosis\""),
            (
                r#"{"diagnosis":3,"edits":[]}"#,
                "\"diagnosis\" must be a string",
            ),
            (r#"{"diagnosis":"d"}"#, "no \"edits\""),
            (
                r#"{"diagnosis":"d","edits":{}}"#,
                "\"edits\" must be an array",
            ),
            (
                r#"{"diagnosis":"d","edits":["x"]}"#,
                "edits[0] must be an object",
            ),
            (
                r#"{"diagnosis":"d","edits":[{"path":"a","replace":"r"}]}"#,
                "edits[0] has no \"search\"",
            ),
            (
                r#"{"diagnosis":"d","edits":[{"path":"a","search":"s","replace":null}]}"#,
                "edits[0].replace must be a string, not null",
            ),
            (
                r#"{"diagnosis":"d","edits":[{"path":" ","search":"s","replace":"r"}]}"#,
                "edits[0].path is empty",
            ),
            ("[1, 2]", "no JSON object"),
        ];
        for (content, want) in cases {
            let err = parse_reply(content).expect_err(content);
            assert!(err.contains(want), "{content:?} gave {err:?}");
            assert!(!err.contains('\n'), "multi-line reason: {err:?}");
        }
    }

    #[test]
    fn huge_garbage_is_rejected_quickly() {
        let content = "{".repeat(200_000);
        assert!(parse_reply(&content).is_err());
    }
}
