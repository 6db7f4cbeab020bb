//! Small helpers shared by the Go, Rust and diagnostics parsers.

/// Longest message kept per failure; a hostile 100 MB line must not become a 100 MB message.
pub(crate) const MAX_MESSAGE: usize = 500;

/// Failures returned by one parse call at most. A log with a million identical
/// failures would otherwise cost hundreds of MB of `Failure` values.
pub(crate) const MAX_FAILURES: usize = 10_000;

/// `s` cut to [`MAX_MESSAGE`] bytes on a char boundary, without allocating.
pub(crate) fn clip_str(s: &str) -> &str {
    crate::logs::clean::truncate(s, MAX_MESSAGE)
}

/// Trims and cuts `s` to [`MAX_MESSAGE`] bytes on a char boundary.
pub(crate) fn clip(s: &str) -> String {
    let s = s.trim();
    if s.len() <= MAX_MESSAGE {
        return s.to_string();
    }
    let mut end = MAX_MESSAGE;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// `str::trim`, `trim_start` and `trim_end` with an ASCII fast path: the same
/// result (every char `char::is_whitespace` accepts is removed), but a line that
/// starts (or ends) with an ASCII byte costs a few byte compares instead of a
/// call that decodes chars. These run several times on every line of a log.
pub(crate) trait FastTrim {
    fn trim_start_fast(&self) -> &str;
    fn trim_end_fast(&self) -> &str;
    fn trim_fast(&self) -> &str;
}

impl FastTrim for str {
    #[inline]
    fn trim_start_fast(&self) -> &str {
        let b = self.as_bytes();
        let mut i = 0;
        while i < b.len() && matches!(b[i], b' ' | b'\t'..=b'\r') {
            i += 1;
        }
        match b.get(i) {
            // A non-ASCII char may be whitespace too (U+00A0, U+3000...).
            Some(&c) if c >= 0x80 => self[i..].trim_start(),
            _ => &self[i..],
        }
    }

    #[inline]
    fn trim_end_fast(&self) -> &str {
        let b = self.as_bytes();
        let mut j = b.len();
        while j > 0 && matches!(b[j - 1], b' ' | b'\t'..=b'\r') {
            j -= 1;
        }
        if j > 0 && b[j - 1] >= 0x80 {
            self[..j].trim_end()
        } else {
            &self[..j]
        }
    }

    #[inline]
    fn trim_fast(&self) -> &str {
        self.trim_end_fast().trim_start_fast()
    }
}

/// Longest line prefix the parsers look at. Every format we read puts its
/// location and message first; cutting here bounds the regex work per line.
pub(crate) const MAX_LINE: usize = 16 * 1024;

/// Lines without their terminator (`\n` or `\r\n`), cut to [`MAX_LINE`] bytes.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = &str> {
    // memchr's splitter: this runs over every chunk three times (go, rust, diagnostics).
    SplitNl {
        text,
        pos: 0,
        done: false,
    }
    .map(line_view)
}

/// One line as [`lines`] gives it: without a `\r` terminator, cut to [`MAX_LINE`] bytes.
pub(crate) fn line_view(l: &str) -> &str {
    crate::logs::clean::truncate(l.strip_suffix('\r').unwrap_or(l), MAX_LINE)
}

/// Parses a decimal line/column number; `None` on overflow or garbage.
pub(crate) fn num(s: &str) -> Option<u32> {
    s.parse().ok()
}

/// `./x` → `x`: both spellings name the same file relative to the working directory.
pub(crate) fn clean_path(p: &str) -> String {
    p.strip_prefix("./").unwrap_or(p).to_string()
}

/// `text.split('\n')` with memchr's faster search (same pieces, including the
/// empty one after a trailing newline).
struct SplitNl<'a> {
    text: &'a str,
    pos: usize,
    done: bool,
}

impl<'a> Iterator for SplitNl<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.done {
            return None;
        }
        let rest = &self.text[self.pos..];
        match crate::byte_search::find(b'\n', rest.as_bytes()) {
            Some(i) => {
                self.pos += i + 1;
                Some(&rest[..i])
            }
            None => {
                self.done = true;
                Some(rest)
            }
        }
    }
}

/// A small seeded xorshift generator for tests that build many varied inputs:
/// `pick(n)` is in `0..n`, the same sequence for the same seed.
#[cfg(test)]
pub fn test_picker(mut seed: u64) -> impl FnMut(usize) -> usize {
    move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_respects_char_boundaries() {
        let s = "é".repeat(MAX_MESSAGE);
        let c = clip(&s);
        assert!(c.len() <= MAX_MESSAGE + '…'.len_utf8());
        assert!(c.ends_with('…'));
    }

    #[test]
    fn long_lines_are_cut_on_a_char_boundary() {
        let s = format!("{}\nb", "é".repeat(MAX_LINE));
        let v: Vec<_> = lines(&s).collect();
        assert_eq!(v.len(), 2);
        assert!(v[0].len() <= MAX_LINE && v[0].len() > MAX_LINE - 4);
        assert_eq!(v[1], "b");
    }

    proptest::proptest! {
        #[test]
        fn fast_trims_match_std(s in "[ \t\n\r\u{b}\u{c}\u{1c}\u{85}\u{a0}\u{2028}\u{3000}ax\u{e9}\u{4e2d}]{0,12}") {
            proptest::prop_assert_eq!(s.trim_start_fast(), s.trim_start());
            proptest::prop_assert_eq!(s.trim_end_fast(), s.trim_end());
            proptest::prop_assert_eq!(s.trim_fast(), s.trim());
        }
    }

    #[test]
    fn lines_strip_crlf() {
        let v: Vec<_> = lines("a\r\nb\nc").collect();
        assert_eq!(v, ["a", "b", "c"]);
    }
}
