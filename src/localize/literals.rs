//! The text a failure prints, found in the source that printed it: a source string
//! literal whose static part the message contains (`raise ValueError("unexpected end
//! of input while parsing %s" % x)` for `ValueError: unexpected end of input while
//! parsing foo`), and a value the message quotes found as a literal (`KeyError:
//! 'user_id'` → `row['user_id']`).
//!
//! Literals are found by a one-line quote scan that knows no language: good enough for
//! the one-line messages code raises, and cheap on any file.

use std::collections::BTreeSet;

/// Quoted values shorter than this are too common to point anywhere.
const MIN_QUOTED: usize = 3;
const MAX_QUOTED: usize = 200;
/// A literal's static fragment must be this long to count as found in a message...
const MIN_FRAGMENT: usize = 12;
/// ...or this long when it holds at least two words.
const MIN_FRAGMENT_WORDS: usize = 8;
/// Hits kept per file: a file quoting the message everywhere is not more suspect.
const MAX_HITS_PER_FILE: usize = 32;
/// Lines longer than this are data, not code.
const MAX_LINE: usize = 2000;

/// The values a message quotes: `'x'`, `"x"`, `` `x` ``, `‘x’`, `“x”`.
pub fn quoted(message: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for lit in scan_quotes(
        message,
        &[('\'', '\''), ('"', '"'), ('`', '`'), ('‘', '’'), ('“', '”')],
    ) {
        let n = lit.chars().count();
        if (MIN_QUOTED..=MAX_QUOTED).contains(&n)
            && lit.chars().any(|c| c.is_alphanumeric())
            && !out.iter().any(|o| o == lit)
        {
            out.push(lit.to_string());
        }
    }
    out
}

/// Identifiers in the messages that look like code, not prose: with an underscore, an
/// inner capital or a digit, or written as a call (`name(`) or a member (`.name`).
pub fn code_names(messages: &[String]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for m in messages {
        let chars: Vec<(usize, char)> = m.char_indices().collect();
        let mut i = 0;
        while i < chars.len() {
            let (start, c) = chars[i];
            if !(c.is_alphabetic() || c == '_') {
                i += 1;
                continue;
            }
            let mut j = i;
            while j < chars.len() && (chars[j].1.is_alphanumeric() || chars[j].1 == '_') {
                j += 1;
            }
            let end = chars.get(j).map_or(m.len(), |(b, _)| *b);
            let word = &m[start..end];
            let before = if i > 0 { Some(chars[i - 1].1) } else { None };
            let after = chars.get(j).map(|(_, c)| *c);
            let inner_cap = word.chars().skip(1).any(|c| c.is_uppercase())
                && word.chars().any(|c| c.is_lowercase());
            let codeish = word.contains('_')
                || inner_cap
                || word.chars().any(|c| c.is_ascii_digit())
                || after == Some('(')
                || before == Some('.');
            if word.chars().count() >= 4 && codeish {
                out.insert(word.to_string());
            }
            i = j;
        }
    }
    out
}

/// Lines of `text` holding a literal the messages print or quote: (line, what matched).
pub fn hits(text: &str, messages: &[String], quoted: &[String]) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    if messages.iter().all(|m| m.trim().is_empty()) {
        return out;
    }
    for (i, line) in text.lines().enumerate() {
        if line.len() > MAX_LINE || !line.contains(['"', '\'', '`']) {
            continue;
        }
        let found = scan_quotes(line, &[('\'', '\''), ('"', '"'), ('`', '`')])
            .into_iter()
            .find_map(|lit| matches(lit, messages, quoted));
        if let Some(what) = found {
            out.push((i as u32 + 1, what));
            if out.len() >= MAX_HITS_PER_FILE {
                break;
            }
        }
    }
    out
}

/// What of `lit` the messages print (a long static fragment) or quote (the value).
fn matches(lit: &str, messages: &[String], quoted: &[String]) -> Option<String> {
    for q in quoted {
        if lit == q || (q.chars().count() >= MIN_FRAGMENT_WORDS && lit.contains(q.as_str())) {
            return Some(q.clone());
        }
    }
    fragments(lit)
        .into_iter()
        .filter(|f| {
            let n = f.chars().count();
            f.chars().any(|c| c.is_alphabetic())
                && (n >= MIN_FRAGMENT || (n >= MIN_FRAGMENT_WORDS && f.contains(' ')))
        })
        .find(|f| messages.iter().any(|m| m.contains(f)))
        .map(str::to_string)
}

/// The static parts of a literal, split at format placeholders (`%s`, `%(x)d`, `{}`,
/// `{name}`, `${x}`, `%v`) and escapes.
fn fragments(lit: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let b = lit.as_bytes();
    let mut start = 0;
    let mut i = 0;
    fn cut<'a>(lit: &'a str, from: usize, to: usize, out: &mut Vec<&'a str>) {
        if let Some(t) = lit.get(from..to).map(str::trim).filter(|t| !t.is_empty()) {
            out.push(t);
        }
    }
    while i < b.len() {
        let skip = match b[i] {
            b'%' => {
                // `%s`, `%-5.2f`, `%(name)s`, `%v`: up to the conversion letter.
                let mut j = i + 1;
                if b.get(j) == Some(&b'(') {
                    while j < b.len() && b[j] != b')' {
                        j += 1;
                    }
                    j += 1;
                }
                while j < b.len() && (b[j].is_ascii_digit() || b"-+. #*".contains(&b[j])) {
                    j += 1;
                }
                if j < b.len() && b[j].is_ascii_alphabetic() {
                    Some(j + 1)
                } else {
                    None
                }
            }
            b'{' => b[i..].iter().position(|&c| c == b'}').map(|k| i + k + 1),
            b'$' if b.get(i + 1) == Some(&b'{') => {
                b[i..].iter().position(|&c| c == b'}').map(|k| i + k + 1)
            }
            b'\\' => Some((i + 2).min(b.len())),
            _ => None,
        };
        match skip {
            Some(next) if next > i => {
                cut(lit, start, i, &mut out);
                start = next;
                i = next;
            }
            _ => i += 1,
        }
    }
    cut(lit, start, b.len(), &mut out);
    out
}

/// Contents between matching quotes on one line (escaped quotes skipped); an unclosed
/// quote is taken as an apostrophe and skipped.
fn scan_quotes<'a>(line: &'a str, pairs: &[(char, char)]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        let Some(&(_, close)) = pairs.iter().find(|(open, _)| *open == c) else {
            i += 1;
            continue;
        };
        let mut j = i + 1;
        let mut end = None;
        while j < chars.len() {
            match chars[j].1 {
                '\\' => j += 2,
                ch if ch == close => {
                    end = Some(j);
                    break;
                }
                _ => j += 1,
            }
        }
        match end {
            Some(e) => {
                let from = at + c.len_utf8();
                out.push(&line[from..chars[e].0]);
                i = e + 1;
            }
            None => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msgs(m: &[&str]) -> Vec<String> {
        m.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_raised_message_is_found_in_the_format_string_that_built_it() {
        let m = msgs(&["ValueError: unexpected end of input while parsing 'abc' at 3"]);
        let src = "x = 1\n    raise ValueError(\"unexpected end of input while parsing %r at %d\" % (s, i))\n";
        assert_eq!(
            hits(src, &m, &quoted(&m[0])),
            vec![(2, "unexpected end of input while parsing".to_string())]
        );
        // Go's %v, JS's template literal, Rust's {}.
        for src in [
            "return fmt.Errorf(\"unexpected end of input while parsing %v\", s)",
            "throw new Error(`unexpected end of input while parsing ${s}`)",
            "bail!(\"unexpected end of input while parsing {}\", s)",
        ] {
            assert_eq!(hits(src, &m, &[]).len(), 1, "{src}");
        }
    }

    #[test]
    fn a_quoted_value_is_found_as_a_literal_but_short_or_prose_ones_are_not() {
        let m = msgs(&["KeyError: 'user_id'"]);
        let q = quoted(&m[0]);
        assert_eq!(q, vec!["user_id"]);
        assert_eq!(
            hits("  v = row['user_id']\n", &m, &q),
            vec![(1, "user_id".to_string())]
        );
        assert!(hits("  v = row['user']\n", &m, &q).is_empty());
        // Short fragments that any message may contain are no evidence.
        let m = msgs(&["assert 1 == 2: value is wrong"]);
        assert!(hits("print('value')\n", &m, &quoted(&m[0])).is_empty());
        // An apostrophe in a comment does not swallow the rest of the line.
        assert_eq!(quoted("don't use \"fancy_mode\" here"), vec!["fancy_mode"]);
    }

    #[test]
    fn placeholders_and_escapes_split_fragments() {
        assert_eq!(
            fragments("bad value %(name)s in {field}: ${x}\\n end"),
            vec!["bad value", "in", ":", "end"]
        );
        assert_eq!(fragments("100%"), vec!["100%"]);
    }

    #[test]
    fn code_names_skip_prose() {
        let names = code_names(&msgs(&[
            "AttributeError: 'Foo' object has no attribute 'parse_date' in obj.render() via loadConfig",
        ]));
        assert_eq!(
            names.into_iter().collect::<Vec<_>>(),
            vec!["AttributeError", "loadConfig", "parse_date", "render"]
        );
    }
}
