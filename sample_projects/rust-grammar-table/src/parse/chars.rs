//! Character classes of the HTTP grammar (RFC 9110 section 5.6.2), as lookup tables.

/// `tchar`: the characters of a token (method names, header field names).
///
/// ```text
/// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
///         "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
/// ```
static TCHAR: [bool; 256] = build_tchar();

const fn build_tchar() -> [bool; 256] {
    const EXTRA: &[u8] = b"!#$%&'*+.^_`|~";
    let mut table = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        table[c] = b.is_ascii_alphanumeric();
        c += 1;
    }
    let mut i = 0;
    while i < EXTRA.len() {
        table[EXTRA[i] as usize] = true;
        i += 1;
    }
    table
}

/// Whether `b` may appear in a token.
#[inline]
pub(crate) fn is_tchar(b: u8) -> bool {
    TCHAR[b as usize]
}

/// Whether `s` is a non-empty token.
pub(crate) fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| is_tchar(b))
}

/// `field-vchar` plus the spaces allowed inside a field value: visible ASCII,
/// obs-text (0x80-0xFF), SP and HTAB.
#[inline]
pub(crate) fn is_field_char(b: u8) -> bool {
    b == b'\t' || b == b' ' || (0x21..=0x7e).contains(&b) || b >= 0x80
}

/// Characters allowed in a request target (origin-form and absolute-form): visible
/// ASCII; the URI's own grammar is checked by whoever routes the request.
#[inline]
pub(crate) fn is_target_char(b: u8) -> bool {
    (0x21..=0x7e).contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_digits_and_punctuation() {
        assert!(is_token(b"GET"));
        assert!(is_token(b"X_Custom.1"));
        assert!(!is_token(b"Bad Name"));
        assert!(!is_token(b"a:b"));
        assert!(!is_token(b""));
    }
}
