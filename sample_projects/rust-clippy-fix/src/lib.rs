//! Word statistics.

/// Whether the text has no words.
pub fn is_blank(words: &[&str]) -> bool {
    words.len() == 0
}

/// The longest word, or "" for none.
pub fn longest<'a>(words: &[&'a str]) -> &'a str {
    let mut best = "";
    for w in words {
        if w.len() > best.len() {
            best = w;
        }
    }
    return best;
}
