//! A record as one string and the bounds of its fields: one allocation per record
//! instead of one per field, for readers of large files.

use std::fmt;
use std::ops::Range;

/// The fields of one record.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct StringRecord {
    text: String,
    /// The end of each field in `text`; a field starts where the previous one ends.
    ends: Vec<usize>,
}

impl StringRecord {
    pub fn new() -> StringRecord {
        StringRecord::default()
    }

    pub fn with_capacity(bytes: usize, fields: usize) -> StringRecord {
        StringRecord {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(fields),
        }
    }

    pub fn push_field(&mut self, field: &str) {
        self.text.push_str(field);
        self.ends.push(self.text.len());
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    fn range(&self, i: usize) -> Option<Range<usize>> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(start..end)
    }

    pub fn get(&self, i: usize) -> Option<&str> {
        self.range(i).map(|r| &self.text[r])
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(move |i| self.get(i).expect("in bounds"))
    }

    /// Trims spaces around every field, in place.
    pub fn trim(&mut self) {
        let fields: Vec<String> = self.iter().map(|f| f.trim().to_string()).collect();
        self.clear();
        for f in &fields {
            self.push_field(f);
        }
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    /// The bytes of all fields together, as stored.
    pub fn as_slice(&self) -> &str {
        &self.text
    }
}

impl fmt::Debug for StringRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> FromIterator<&'a str> for StringRecord {
    fn from_iter<I: IntoIterator<Item = &'a str>>(iter: I) -> StringRecord {
        let mut r = StringRecord::new();
        for f in iter {
            r.push_field(f);
        }
        r
    }
}

impl From<Vec<String>> for StringRecord {
    fn from(fields: Vec<String>) -> StringRecord {
        fields.iter().map(String::as_str).collect()
    }
}

impl<'a> IntoIterator for &'a StringRecord {
    type Item = &'a str;
    type IntoIter = Box<dyn Iterator<Item = &'a str> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_share_one_string() {
        let mut r: StringRecord = ["a", "", " bc "].into_iter().collect();
        assert_eq!(r.len(), 3);
        assert_eq!(r.get(1), Some(""));
        r.trim();
        assert_eq!(r.get(2), Some("bc"));
        assert_eq!(r.as_slice(), "abc");
    }
}
