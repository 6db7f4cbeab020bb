//! Line cleaning for CI logs: runner timestamps, ANSI escapes, carriage-return
//! progress bars, workflow-command markers and post-job cleanup noise.
//!
//! Cleaning is line-local except for one bit of state (are we inside the
//! post-job cleanup?), so it streams and is idempotent: cleaning cleaned text
//! changes nothing.

use std::borrow::Cow;

/// Longest line the analysis inspects, in bytes; the rest of a longer line is
/// dropped so one hostile line cannot cost more than this.
pub const MAX_LINE: usize = 16 * 1024;

/// Streaming cleaner: feed raw lines (without the newline), get cleaned lines.
#[derive(Debug, Default, Clone)]
pub struct Cleaner {
    in_cleanup: bool,
}

impl Cleaner {
    pub fn new() -> Self {
        Self::default()
    }

    /// Cleans one raw line. `None` means the line is noise and is dropped.
    pub fn line<'a>(&mut self, raw: &'a str) -> Option<Cow<'a, str>> {
        // Order matters for idempotence: every step's output is a fixed point
        // of the steps before it.
        let l = truncate(raw, MAX_LINE);
        let l = l.strip_suffix('\r').unwrap_or(l);
        // One search for both bytes: most lines have neither (Travis ends
        // every line with the `\r` just dropped).
        let (l, esc) = match crate::byte_search::find2(b'\r', 0x1b, l.as_bytes()) {
            None => (l, false),
            Some(i) => {
                let l = strip_cr_frames(l, i);
                (l, crate::byte_search::find(0x1b, l.as_bytes()).is_some())
            }
        };
        let l: Cow<'a, str> = if esc {
            // Trimmed and unstamped in place: the stamp cut is a prefix.
            let mut s = strip_ansi(l);
            let end = s.trim_end().len();
            let start = end - strip_timestamps(&s[..end]).len();
            s.truncate(end);
            s.drain(..start);
            Cow::Owned(s)
        } else {
            Cow::Borrowed(strip_timestamps(l.trim_end()))
        };
        if let Some(rest) = l.strip_prefix("##[") {
            // Workflow markers: keep the ones the analysis needs in a fixed form.
            let (name, body) = match rest.find(']') {
                Some(i) => (&rest[..i], &rest[i + 1..]),
                None => return Some(l),
            };
            return match name {
                "group" => {
                    if body.starts_with("Run ") {
                        self.in_cleanup = false;
                    }
                    if self.in_cleanup {
                        None
                    } else {
                        Some(Cow::Owned(format!("##[group]{body}")))
                    }
                }
                "endgroup" if !self.in_cleanup => Some(Cow::Borrowed("##[endgroup]")),
                "error" => Some(Cow::Owned(format!("##[error]{body}"))),
                "warning" if !self.in_cleanup => Some(Cow::Owned(format!("##[warning]{body}"))),
                // section, debug, command, notice...: formatting only.
                _ => None,
            };
        }
        if self.in_cleanup {
            return None;
        }
        if l == "Post job cleanup." {
            self.in_cleanup = true;
            return None;
        }
        Some(l)
    }
}

/// Cleans a whole text (see [`Cleaner`]).
pub fn clean_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(1 << 20));
    let mut c = Cleaner::new();
    for raw in text.lines() {
        if let Some(l) = c.line(raw) {
            out.push_str(&l);
            out.push('\n');
        }
    }
    if out.ends_with('\n') && !text.ends_with('\n') {
        out.pop();
    }
    out
}

/// Cuts `s` to at most `max` bytes on a char boundary.
pub fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut i = max;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    &s[..i]
}

/// Removes every leading runner timestamp (a stamp can follow a colour code).
pub fn strip_timestamps(mut l: &str) -> &str {
    loop {
        let s = strip_timestamp(l);
        if s.len() == l.len() {
            return l;
        }
        l = s;
    }
}

/// Removes a leading RFC 3339 runner timestamp (`2023-09-21T12:55:36.1540905Z `).
pub fn strip_timestamp(l: &str) -> &str {
    let b = l.as_bytes();
    // Optional BOM before the first timestamp.
    let (b, off) = if b.starts_with(&[0xEF, 0xBB, 0xBF]) {
        (&b[3..], 3)
    } else {
        (b, 0)
    };
    if b.len() < 20 {
        return l;
    }
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if !(digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19))
    {
        return l;
    }
    let mut i = 19;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    if i < b.len() && b[i] == b'Z' {
        i += 1;
    } else if i + 6 <= b.len() && (b[i] == b'+' || b[i] == b'-') && b[i + 3] == b':' {
        i += 6;
    } else {
        return l;
    }
    if i < b.len() && b[i] == b' ' {
        i += 1;
    }
    &l[off + i..]
}

/// Keeps what a terminal would show after carriage returns: the last
/// non-empty segment (progress bars redraw the same line). `l` has no
/// trailing `\r` and nothing before `from` is one.
fn strip_cr_frames(l: &str, from: usize) -> &str {
    if crate::byte_search::find(b'\r', &l.as_bytes()[from..]).is_none() {
        return l;
    }
    l.rsplit('\r').find(|s| !s.trim().is_empty()).unwrap_or("")
}

/// Removes ANSI escape sequences (CSI, OSC and two-byte escapes).
pub fn strip_ansi(l: &str) -> String {
    let b = l.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != 0x1b {
            // Copy the whole run up to the next escape at once.
            let end = crate::byte_search::find(0x1b, &b[i..]).map_or(b.len(), |j| i + j);
            out.extend_from_slice(&b[i..end]);
            i = end;
            continue;
        }
        i += 1;
        match b.get(i) {
            Some(b'[') => {
                i += 1;
                while i < b.len() && !(0x40..=0x7e).contains(&b[i]) {
                    i += 1;
                }
                i += 1;
            }
            Some(b']') => {
                // OSC ends with BEL or ESC \.
                i += 1;
                while i < b.len() && b[i] != 0x07 && b[i] != 0x1b {
                    i += 1;
                }
                if i < b.len() && b[i] == 0x1b {
                    i += 1;
                }
                i += 1;
            }
            Some(c) if c.is_ascii() => i += 1,
            _ => {}
        }
    }
    // Only ASCII bytes were removed, so UTF-8 stays valid; lossy guards anyway.
    match String::from_utf8(out) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_timestamp_ansi_and_markers() {
        let raw = "2024-07-16T20:34:28.4579987Z \x1b[31mERROR\x1b[0m tests/a.py\n\
                   2024-07-16T20:34:28.4579987Z ##[group]Run pytest -q\n\
                   2024-07-16T20:34:28.4579987Z ##[endgroup]\n\
                   2024-07-16T20:34:28.4579987Z ##[error]Process completed with exit code 1.\n\
                   2024-07-16T20:34:28.4579987Z Post job cleanup.\n\
                   2024-07-16T20:34:28.4579987Z [command]/usr/bin/git version\n";
        let c = clean_text(raw);
        assert_eq!(
            c,
            "ERROR tests/a.py\n##[group]Run pytest -q\n##[endgroup]\n##[error]Process completed with exit code 1.\n"
        );
        assert_eq!(clean_text(&c), c, "cleaning is idempotent");
    }

    #[test]
    fn carriage_return_keeps_last_frame() {
        assert_eq!(clean_text("10%\r50%\r100% done\r\n"), "100% done\n");
    }

    /// Carriage returns and escapes in either order, one search finding the
    /// first of them: the frames are cut first, then the colours.
    #[test]
    fn frames_and_colours_in_any_order() {
        for (raw, want) in [
            ("\x1b[31mred\x1b[0m\rover\r", "over"),
            ("travis_fold:end:install\r\x1b[0K$ make test", "$ make test"),
            // The last frame is the escape alone: nothing is left.
            ("x\r\x1b[0K\r", ""),
            ("\x1b[1m2024-07-16T20:34:28.4579987Z bold\x1b[0m  ", "bold"),
            ("plain  \r", "plain"),
            ("a\rb\x1b[2Kc", "bc"),
            ("\x1b[33m", ""),
        ] {
            let mut c = Cleaner::new();
            let got = c.line(raw).map(|l| l.into_owned());
            assert_eq!(got.as_deref(), Some(want), "{raw:?}");
            assert_eq!(clean_text(want), want, "idempotent on {raw:?}");
        }
    }

    #[test]
    fn timestamp_forms() {
        assert_eq!(strip_timestamp("2023-09-21T12:55:36.1540905Z x"), "x");
        assert_eq!(strip_timestamp("2023-09-21T12:55:36Z x"), "x");
        assert_eq!(strip_timestamp("2023-09-21T12:55:36+02:00 x"), "x");
        assert_eq!(
            strip_timestamp("2023-09-21 not a stamp"),
            "2023-09-21 not a stamp"
        );
    }

    #[test]
    fn truncate_respects_char_boundary() {
        let s = "ééé";
        assert_eq!(truncate(s, 3), "é");
    }
}
