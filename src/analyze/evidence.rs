//! The log's own lines for a failure found by a whole-text parser (go,
//! rust, diagnostics): its block, verbatim, so the excerpt can quote what a
//! person reads (`x_test.go:10: expected 1 but actual 2`, a compiler error's
//! snippet, `= note:` and `help:` lines) instead of a one-line summary.

use crate::failure::Failure;

/// Most lines taken for one failure.
const MAX_BLOCK: usize = crate::failure::sink::MAX_DETAILS;

fn indent(l: &str) -> usize {
    l.len() - l.trim_start().len()
}

/// The block of `f` in `chunk` (cleaned text), or nothing when it cannot be found.
pub fn block(chunk: &str, f: &Failure) -> Vec<String> {
    if let Some(id) = f.test.as_deref().filter(|_| f.tool.starts_with("go")) {
        // Our id is `pkg.TestX/sub`; go prints `TestX/sub`. The package may
        // hold dots too: try each cut after a dot, longest name first.
        let names = std::iter::once(id).chain(id.match_indices('.').map(|(i, _)| &id[i + 1..]));
        for t in names {
            if contains(chunk, &format!("--- FAIL: {t} "))
                || contains(chunk, &format!("\"Test\":\"{t}\""))
            {
                let b = go_test_block(chunk, t);
                if !b.is_empty() {
                    return b;
                }
            }
        }
    }
    anchored_block(chunk, f)
}

/// `go test` text and `-json`: the test's output between its `=== RUN` and
/// its `--- FAIL`, the `--- FAIL` line, and (older Go) the deeper-indented
/// output after it.
fn go_test_block(chunk: &str, test: &str) -> Vec<String> {
    let header = format!("--- FAIL: {test} ");
    let json_test = format!("\"Test\":\"{test}\"");
    let mut out = Vec::new();
    if chunk.contains(&json_test) {
        for l in chunk.lines() {
            if !l.contains(&json_test) || !l.contains("\"Action\":\"output\"") {
                continue;
            }
            let Ok(v) = serde_json::from_str::<serde_json::Value>(l) else {
                continue;
            };
            let Some(o) = v.get("Output").and_then(|o| o.as_str()) else {
                continue;
            };
            let o = o.trim_end();
            let t = o.trim_start();
            if o.is_empty() || t.starts_with("=== ") || t.starts_with("--- PASS") {
                continue;
            }
            out.push(o.to_string());
            if out.len() >= MAX_BLOCK {
                break;
            }
        }
        return out;
    }
    let Some(at) = chunk.find(&header) else {
        return out;
    };
    let line_start = chunk[..at].rfind('\n').map_or(0, |i| i + 1);
    let before = &chunk[..line_start];
    // Output printed while the test ran (Go 1.14+ streams it before the result).
    // The whole line: `=== RUN   TestX` must not match `=== RUN   TestX/sub`.
    let run = format!("=== RUN   {test}\n");
    if let Some(r) = before.rfind(&run) {
        let from = before[r..].find('\n').map_or(before.len(), |i| r + i + 1);
        for l in before[from..].lines() {
            let t = l.trim_start();
            if t.starts_with("=== RUN") {
                break;
            }
            if t.is_empty() || t.starts_with("=== ") || t.starts_with("--- ") {
                continue;
            }
            out.push(l.to_string());
        }
        // Keep the newest lines when the test printed a lot.
        if out.len() > MAX_BLOCK - 1 {
            out.drain(..out.len() - (MAX_BLOCK - 1));
        }
    }
    let mut rest = chunk[line_start..].lines();
    let Some(h) = rest.next() else { return out };
    out.push(h.to_string());
    let hi = indent(h);
    for l in rest {
        if out.len() >= MAX_BLOCK {
            break;
        }
        let t = l.trim_start();
        if t.is_empty() || indent(l) <= hi || t.starts_with("--- ") || t.starts_with("=== ") {
            break;
        }
        out.push(l.to_string());
    }
    out
}

/// Lines that continue a diagnostic: deeper indentation, a code gutter
/// (`12 |`), or a compiler's sub-diagnostic (`help:`, `note:`, `= note:`).
fn continues(l: &str, anchor_indent: usize) -> bool {
    let t = l.trim_start();
    if t.is_empty() {
        return false;
    }
    if indent(l) > anchor_indent {
        return true;
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && t[digits..].trim_start().starts_with('|') {
        return true;
    }
    ["|", "=", "^", "~", "help:", "note:", "-->"]
        .iter()
        .any(|p| t.starts_with(p))
}

/// The line holding the failure's message (or its `file:line`), and the
/// lines that continue it.
fn anchored_block(chunk: &str, f: &Failure) -> Vec<String> {
    let msg = f.message.trim();
    let needle = crate::failure::sink::cap(msg.to_string(), 80);
    let needle = needle.trim_end_matches('…');
    let place = match (f.file.as_deref(), f.line) {
        (Some(file), Some(n)) => Some(format!(
            "{}:{n}",
            file.rsplit(['/', '\\']).next().unwrap_or(file)
        )),
        _ => None,
    };
    // Our message may add the rule (`msg (rule)`, `msg [rule]`) the tool
    // printed elsewhere on the line: try without it too.
    let short = needle
        .rfind([' '])
        .filter(|&i| needle[i + 1..].starts_with(['(', '[']))
        .map(|i| &needle[..i])
        .filter(|s| s.len() >= 8);
    let mut anchor = None;
    for needle in std::iter::once(needle).chain(short) {
        if needle.len() < 4 || anchor.is_some() {
            continue;
        }
        let mut first = None;
        // memmem's SIMD search: a chunk is about 1 MiB, scanned once per finding.
        for i in memchr::memmem::find_iter(chunk.as_bytes(), needle.as_bytes()) {
            let (ls, le) = line_bounds(chunk, i);
            first.get_or_insert(ls);
            if place.as_deref().is_none_or(|p| chunk[ls..le].contains(p)) {
                anchor = Some(ls);
                break;
            }
        }
        anchor = anchor.or(first);
    }
    if anchor.is_none() {
        if let Some(p) = place.as_deref() {
            anchor = memchr::memmem::find(chunk.as_bytes(), p.as_bytes())
                .map(|i| line_bounds(chunk, i).0);
        }
    }
    let Some(start) = anchor else {
        return Vec::new();
    };
    let mut it = chunk[start..].lines();
    let Some(first) = it.next() else {
        return Vec::new();
    };
    let mut out = vec![first.to_string()];
    let ai = indent(first);
    let mut has_place = place.as_deref().is_none_or(|p| first.contains(p));
    for l in it {
        if out.len() >= MAX_BLOCK || !continues(l, ai) {
            break;
        }
        has_place |= place.as_deref().is_some_and(|p| l.contains(p));
        out.push(l.to_string());
    }
    // A panic's or trace's frame in the repository, when not in the block.
    if !has_place && out.len() < MAX_BLOCK {
        if let Some(p) = place.as_deref() {
            if let Some(i) = chunk[start..].find(p) {
                let at = line_bounds(chunk, start + i).0;
                let prev_start = chunk[..at.saturating_sub(1)]
                    .rfind('\n')
                    .map_or(0, |j| j + 1);
                if prev_start > start {
                    let prev = chunk[prev_start..at].trim_end();
                    if !prev.trim().is_empty() {
                        out.push(prev.to_string());
                    }
                }
                if let Some(l) = chunk[at..].lines().next() {
                    out.push(l.to_string());
                }
            }
        }
    }
    out
}

fn contains(haystack: &str, needle: &str) -> bool {
    memchr::memmem::find(haystack.as_bytes(), needle.as_bytes()).is_some()
}

/// Start and end (exclusive, before `\n`) of the line holding byte `i`.
fn line_bounds(text: &str, i: usize) -> (usize, usize) {
    let s = text[..i].rfind('\n').map_or(0, |j| j + 1);
    let e = text[i..].find('\n').map_or(text.len(), |j| i + j);
    (s, e)
}
