//! The text the whole-text parsers read: the cleaned lines since the last
//! flush, joined by `\n`, with where each line ends kept as it is added, so
//! the parsers get the chunk's lines without a search for them.

/// A chunk of cleaned lines (see the module doc).
#[derive(Debug, Default)]
pub struct Chunk {
    text: String,
    /// Where each line ends in `text` (at its `\n`).
    ends: Vec<usize>,
}

impl Chunk {
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    /// Adds one line made of `parts` (none of which holds a `\n`).
    pub fn push_line(&mut self, parts: &[&str]) {
        for p in parts {
            self.text.push_str(p);
        }
        self.ends.push(self.text.len());
        self.text.push('\n');
    }

    /// The lines with the text they come from (see [`Chunk::lines`]).
    pub fn text_lines(&self) -> crate::failure::sink::TextLines<'_> {
        crate::failure::sink::TextLines::new(&self.text, &self.ends, self.lines())
    }

    /// The lines as [`crate::failure::util::lines`] splits the text: each as
    /// [`crate::failure::util::line_view`] gives it, then the empty rest after
    /// the last `\n`.
    pub fn lines(&self) -> Vec<&str> {
        let mut out = Vec::with_capacity(self.ends.len() + 1);
        let mut start = 0;
        for &end in &self.ends {
            out.push(crate::failure::util::line_view(&self.text[start..end]));
            start = end + 1;
        }
        out.push(&self.text[start..]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_the_split_of_the_text() {
        let mut c = Chunk::default();
        let long = "é".repeat(crate::failure::util::MAX_LINE);
        for parts in [
            &["a"][..],
            &[""],
            &["##[step] ", "go test ./..."],
            &["progress\r"],
            &[&long],
            &["  x  "],
        ] {
            c.push_line(parts);
        }
        let split: Vec<&str> = crate::failure::util::lines(c.text()).collect();
        assert_eq!(c.lines(), split);
        assert_eq!(c.lines().len(), 7);
        // The search over the chunk marks exactly the lines whose text (before
        // a view cuts it) holds the needle; a view is part of its line's text.
        c.push_line(&["a.go:1: x.rs:2 a.go:3 .go:"]);
        let raw: Vec<&str> = c.text().split('\n').collect();
        for needle in [
            "é", "x", "a", "go test", "\r", " ", "ab", ".go:", ":", "x.rs:",
        ] {
            let f = memchr::memmem::Finder::new(needle);
            let want: Vec<bool> = raw.iter().map(|l| l.contains(needle)).collect();
            assert_eq!(c.text_lines().may_hold(&f), want, "{needle:?}");
        }
        c.clear();
        assert!(c.is_empty());
        assert_eq!(c.lines(), [""]);
    }
}
