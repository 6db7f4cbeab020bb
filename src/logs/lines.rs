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

fn emit(line: &[u8], f: &mut impl FnMut(&str)) {
    match std::str::from_utf8(line) {
        Ok(s) => f(s),
        Err(e) if e.error_len().is_none() && e.valid_up_to() + 4 > line.len() => {
            // A multi-byte char cut by the length cap: drop the partial tail.
            f(std::str::from_utf8(&line[..e.valid_up_to()]).unwrap_or_default())
        }
        Err(_) => f(&String::from_utf8_lossy(line)),
    }
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
}
