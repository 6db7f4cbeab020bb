//! A small Python lexer for the recipes: where a name occurs as code on a line
//! (not in strings or comments), and rewriting those sites.

use regex::Regex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SiteKind {
    /// A bare name: not after `.`, not a keyword argument.
    Name,
    /// An attribute: right after `.`.
    Attribute,
    /// A name after `import` on an import line.
    Imported,
}

pub(super) fn kind_of(attribute: bool, import: bool) -> SiteKind {
    if attribute {
        SiteKind::Attribute
    } else if import {
        SiteKind::Imported
    } else {
        SiteKind::Name
    }
}

/// Byte offsets of `name` as an identifier of the given kind on one line of code,
/// skipping comments and string literals (but looking inside f-string fields).
pub(super) fn sites(line: &str, name: &str, kind: SiteKind) -> Vec<usize> {
    let mut idents = Vec::new();
    scan_code(line, 0, &mut idents);
    let prev_char = |i: usize| line[..i].trim_end().chars().last();
    let next_two = |i: usize| {
        let rest = line[i..].trim_start();
        let mut it = rest.chars();
        (it.next(), it.next())
    };
    let import_at = if kind == SiteKind::Imported {
        match Regex::new(r"\bimport\b").ok().and_then(|r| r.find(line)) {
            Some(m) => m.end(),
            None => return Vec::new(),
        }
    } else {
        0
    };
    idents
        .into_iter()
        .filter(|&(start, end)| &line[start..end] == name)
        .filter(|&(start, end)| {
            let after_dot = prev_char(start) == Some('.');
            match kind {
                SiteKind::Attribute => after_dot,
                SiteKind::Imported => !after_dot && start >= import_at,
                SiteKind::Name => {
                    let kwarg = matches!(prev_char(start), Some('(' | ','))
                        && matches!(next_two(end), (Some('='), n) if n != Some('='));
                    !after_dot && !kwarg
                }
            }
        })
        .map(|(start, _)| start)
        .collect()
}

/// Collects identifier spans of a code fragment; `base` offsets them into the whole line.
fn scan_code(code: &str, base: usize, out: &mut Vec<(usize, usize)>) {
    let chars: Vec<(usize, char)> = code.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if c == '#' {
            return;
        }
        if c.is_alphabetic() || c == '_' {
            let mut j = i;
            while j < chars.len() && (chars[j].1.is_alphanumeric() || chars[j].1 == '_') {
                j += 1;
            }
            let end = chars.get(j).map(|&(p, _)| p).unwrap_or(code.len());
            let word = &code[pos..end];
            let is_prefix = matches!(chars.get(j), Some((_, '\'' | '"')))
                && word.len() <= 2
                && word.chars().all(|c| "rRbBuUfF".contains(c));
            if is_prefix {
                let fstring = word.contains(['f', 'F']);
                match skip_string(code, end, fstring, base, out) {
                    Some(next) => {
                        i = chars.partition_point(|&(p, _)| p < next);
                        continue;
                    }
                    None => return,
                }
            }
            // Digits glued to letters (`1e5`, `0x1f`) are numbers, not names.
            let in_number = pos > 0
                && code[..pos]
                    .chars()
                    .last()
                    .is_some_and(|p| p.is_ascii_digit());
            if !in_number {
                out.push((base + pos, base + end));
            }
            i = j;
            continue;
        }
        if c == '\'' || c == '"' {
            match skip_string(code, pos, false, base, out) {
                Some(next) => {
                    i = chars.partition_point(|&(p, _)| p < next);
                    continue;
                }
                None => return,
            }
        }
        i += 1;
    }
}

/// Skips the string literal starting at byte `start` (its opening quote); returns the byte
/// after it, or None if it doesn't close on this line. f-string fields are scanned as code.
fn skip_string(
    code: &str,
    start: usize,
    fstring: bool,
    base: usize,
    out: &mut Vec<(usize, usize)>,
) -> Option<usize> {
    let rest = &code[start..];
    let quote = rest.chars().next()?;
    let triple: String = std::iter::repeat_n(quote, 3).collect();
    let delim = if rest.starts_with(&triple) {
        triple
    } else {
        quote.to_string()
    };
    let mut i = start + delim.len();
    let mut field_start: Option<usize> = None;
    let mut depth = 0usize;
    while i < code.len() {
        let tail = &code[i..];
        let c = tail.chars().next()?;
        if field_start.is_none() {
            if c == '\\' {
                i += 1 + tail[1..].chars().next().map(char::len_utf8).unwrap_or(0);
                continue;
            }
            if tail.starts_with(&delim) {
                return Some(i + delim.len());
            }
            if fstring && c == '{' {
                if tail.starts_with("{{") {
                    i += 2;
                    continue;
                }
                field_start = Some(i + 1);
                depth = 1;
            }
        } else if c == '{' {
            depth += 1;
        } else if c == '}' {
            depth -= 1;
            if depth == 0 {
                if let Some(fs) = field_start.take() {
                    scan_code(&code[fs..i], base + fs, out);
                }
            }
        }
        i += c.len_utf8();
    }
    None
}

pub(super) fn replace_sites(line: &str, starts: &[usize], wrong: &str, new: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut last = 0;
    for &s in starts {
        out.push_str(&line[last..s]);
        out.push_str(new);
        last = s + wrong.len();
    }
    out.push_str(&line[last..]);
    out
}
