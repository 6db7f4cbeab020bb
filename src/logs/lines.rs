//! Bounded line reading: a line longer than [`MAX_LINE`] is cut, and the cut
//! part is skipped without ever being held in memory.

use super::MAX_LINE;
use std::io::BufRead;

/// Calls `f` with every line of `r` (without `\n`, lossily decoded, at most
/// [`MAX_LINE`] bytes). Memory stays bounded by `MAX_LINE` plus the reader's
/// buffer, whatever the input.
pub fn for_each_line<R: BufRead>(mut r: R, mut f: impl FnMut(&str)) -> std::io::Result<()> {
    let mut line: Vec<u8> = Vec::with_capacity(1024);
    loop {
        let buf = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            if !line.is_empty() {
                emit(&line, &mut f);
            }
            return Ok(());
        }
        if line.is_empty() {
            if let Some(used) = emit_complete_lines(buf, &mut f) {
                r.consume(used);
                continue;
            }
        }
        let nl = memchr::memchr(b'\n', buf);
        if let (Some(i), true) = (nl, line.is_empty()) {
            // Fast path: the whole line is in the reader's buffer.
            emit(&buf[..i.min(MAX_LINE)], &mut f);
            r.consume(i + 1);
            continue;
        }
        let (used, done) = match nl {
            Some(i) => (i + 1, Some(i)),
            None => (buf.len(), None),
        };
        let take = done.unwrap_or(used);
        let room = MAX_LINE.saturating_sub(line.len());
        line.extend_from_slice(&buf[..take.min(room)]);
        r.consume(used);
        if done.is_some() {
            emit(&line, &mut f);
            line.clear();
        }
    }
}

/// Emits every complete line of `buf` whose bytes are valid UTF-8 up to the
/// first invalid one, with one validation for them all instead of one per
/// line. Returns the bytes used, `None` if the first line is incomplete or invalid.
fn emit_complete_lines(buf: &[u8], f: &mut impl FnMut(&str)) -> Option<usize> {
    let block = &buf[..memchr::memrchr(b'\n', buf)?];
    // Checked with SIMD (17 M fewer instructions than std's check on the
    // 45 MB LogChunks unit). The `compat` check stops near the first invalid
    // byte, as std's does: one that read the whole block first would read
    // it again for every line of a binary log.
    let text = match simdutf8::compat::from_utf8(block) {
        Ok(s) => s,
        Err(e) => {
            let end = memchr::memrchr(b'\n', &block[..e.valid_up_to()])?;
            std::str::from_utf8(&block[..end]).ok()?
        }
    };
    let mut rest = text;
    loop {
        let (l, next) = match crate::byte_search::find(b'\n', rest.as_bytes()) {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        if l.len() <= MAX_LINE {
            f(l);
        } else {
            emit(&l.as_bytes()[..MAX_LINE], f);
        }
        match next {
            Some(n) => rest = n,
            None => return Some(text.len() + 1),
        }
    }
}

fn emit(line: &[u8], f: &mut impl FnMut(&str)) {
    match std::str::from_utf8(line) {
        Ok(s) => f(s),
        Err(e) if e.error_len().is_none() && e.valid_up_to() + 4 > line.len() => {
            // A multi-byte char cut by the length cap: drop the partial tail.
            f(std::str::from_utf8(&line[..e.valid_up_to()]).unwrap_or_default())
        }
        // Binary data holds nothing a person reads, and decoding it lossily triples
        // it into replacement characters that every parser would then scan.
        Err(_) if is_binary(line) => f(""),
        Err(_) => f(&String::from_utf8_lossy(line)),
    }
}

/// Fewest invalid bytes that make a line binary (a Latin-1 word or two is text).
const BINARY_MIN_INVALID: usize = 8;

/// Whether more than an eighth of `line`'s bytes (and at least
/// [`BINARY_MIN_INVALID`]) are not UTF-8: random bytes, an image, a core dump.
/// Such a line is read as empty.
pub fn is_binary(line: &[u8]) -> bool {
    let threshold = (line.len() / 8).max(BINARY_MIN_INVALID);
    let mut invalid = 0;
    for chunk in line.utf8_chunks() {
        invalid += chunk.invalid().len();
        if invalid > threshold {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_long_lines_and_keeps_the_rest() {
        let mut input = vec![b'a'; MAX_LINE * 3];
        input.extend_from_slice(b"\nnext\n\xffbad\nlast");
        let mut got = Vec::new();
        for_each_line(std::io::BufReader::with_capacity(64, &input[..]), |l| {
            got.push(l.to_string())
        })
        .unwrap();
        assert_eq!(got.len(), 4);
        assert_eq!(got[0].len(), MAX_LINE);
        assert_eq!(got[1], "next");
        assert_eq!(got[2], "\u{fffd}bad");
        assert_eq!(got[3], "last");
    }

    #[test]
    fn binary_lines_are_read_empty_and_latin1_text_is_kept() {
        let random: Vec<u8> = (0..512u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        assert!(is_binary(&random));
        let latin1 = b"Fehler: Gr\xf6\xdfe der Datei \xfcberschritten in m\xe4rz.txt".to_vec();
        assert!(!is_binary(&latin1));
        let mut input = random.clone();
        input.retain(|&b| b != b'\n');
        input.push(b'\n');
        input.extend_from_slice(&latin1);
        let mut got = Vec::new();
        for_each_line(&input[..], |l| got.push(l.to_string())).unwrap();
        assert_eq!(got[0], "");
        assert!(
            got[1].starts_with("Fehler: Gr\u{fffd}\u{fffd}e"),
            "{}",
            got[1]
        );
    }

    /// Whatever the buffer size, lines come out as if each were cut and
    /// decoded on its own (the bulk path must not change a line).
    #[test]
    fn bulk_lines_match_line_by_line_decoding() {
        let mut input = Vec::new();
        for i in 0..300 {
            match i % 7 {
                0 => input.extend_from_slice(b"plain ascii line"),
                1 => input.extend_from_slice("caf\u{e9} \u{2713}".as_bytes()),
                2 => input.extend_from_slice(b"bad \xff\xfe byte"),
                3 => {}
                4 => input.extend_from_slice(b"cut \xe2\x9c"),
                5 if i % 5 == 0 => {
                    input.extend(std::iter::repeat_n(b'x', MAX_LINE - 1));
                    input.extend_from_slice("\u{e9}tail".as_bytes());
                }
                _ => input.extend_from_slice(format!("line {i}").as_bytes()),
            }
            input.push(b'\n');
        }
        input.extend_from_slice(b"no newline at end");
        let mut want = Vec::new();
        for l in input.split(|&b| b == b'\n') {
            emit(&l[..l.len().min(MAX_LINE)], &mut |s: &str| {
                want.push(s.to_string())
            });
        }
        for cap in [7, 64, 4096, 1 << 16] {
            let mut got = Vec::new();
            for_each_line(std::io::BufReader::with_capacity(cap, &input[..]), |l| {
                got.push(l.to_string())
            })
            .unwrap();
            assert_eq!(got, want, "buffer of {cap} bytes");
        }
    }
}
