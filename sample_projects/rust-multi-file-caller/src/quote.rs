//! When a field needs quotes, and how to write it quoted.

/// Bytes that need quotes whatever the delimiter: the quote itself and line breaks.
const SPECIAL: &[u8] = b"\"\n\r";

/// Whether `field` must be quoted to read back as itself: it holds a delimiter, a
/// quote or a line break, or starts or ends with a space (which readers trim).
pub(crate) fn needs_quotes(field: &str) -> bool {
    let special = field.bytes().any(|b| b == b',' || SPECIAL.contains(&b));
    special || field.starts_with(' ') || field.ends_with(' ')
}

/// Appends `field` in quotes, doubling the quotes inside it.
pub(crate) fn write_quoted(field: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    for b in field.bytes() {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// Whether a field looks like a number a spreadsheet would reformat (leading zeros,
/// long digit runs): `QuoteStyle::NonNumeric` keeps such fields quoted.
pub(crate) fn is_numeric(field: &str) -> bool {
    let digits = field.strip_prefix('-').unwrap_or(field);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|&b| b == b'.').count() <= 1
        && !(digits.len() > 1 && digits.starts_with('0') && !digits.starts_with("0."))
}
