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
        c.clear();
        assert!(c.is_empty());
        assert_eq!(c.lines(), [""]);
    }
}
