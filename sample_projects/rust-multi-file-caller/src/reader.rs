//! Reading records.

use crate::Error;
use std::io::{BufRead, BufReader, Read};

/// Settings for a [`Reader`].
#[derive(Debug, Clone)]
pub struct ReaderBuilder {
    delimiter: u8,
    has_headers: bool,
    trim: bool,
    flexible: bool,
    strict_quotes: bool,
    comment: Option<u8>,
}

impl Default for ReaderBuilder {
    fn default() -> Self {
        ReaderBuilder {
            delimiter: b',',
            has_headers: false,
            trim: true,
            flexible: true,
            strict_quotes: false,
            comment: None,
        }
    }
}

impl ReaderBuilder {
    pub fn new() -> ReaderBuilder {
        ReaderBuilder::default()
    }

    pub fn delimiter(&mut self, delimiter: u8) -> &mut ReaderBuilder {
        self.delimiter = delimiter;
        self
    }

    /// The first record is a header: kept apart, see [`Reader::headers`].
    pub fn has_headers(&mut self, yes: bool) -> &mut ReaderBuilder {
        self.has_headers = yes;
        self
    }

    /// Trim spaces around unquoted fields (on by default).
    pub fn trim(&mut self, yes: bool) -> &mut ReaderBuilder {
        self.trim = yes;
        self
    }

    /// Allow records with another field count than the first (on by default).
    pub fn flexible(&mut self, yes: bool) -> &mut ReaderBuilder {
        self.flexible = yes;
        self
    }

    /// Refuse text after a closing quote instead of keeping it.
    pub fn strict_quotes(&mut self, yes: bool) -> &mut ReaderBuilder {
        self.strict_quotes = yes;
        self
    }

    /// Skip lines starting with this byte (`#`).
    pub fn comment(&mut self, byte: Option<u8>) -> &mut ReaderBuilder {
        self.comment = byte;
        self
    }

    pub fn from_reader<R: Read>(&self, inner: R) -> Reader<R> {
        Reader {
            inner: BufReader::new(inner),
            opts: self.clone(),
            headers: None,
            record: 0,
            first_len: None,
            done: false,
        }
    }
}

/// Reads records from `R`.
pub struct Reader<R: Read> {
    inner: BufReader<R>,
    opts: ReaderBuilder,
    headers: Option<Vec<String>>,
    record: usize,
    first_len: Option<usize>,
    done: bool,
}

impl<R: Read> Reader<R> {
    /// A comma-separated reader without headers.
    pub fn new(inner: R) -> Reader<R> {
        ReaderBuilder::new().from_reader(inner)
    }

    /// The header record (reading it first if needed); None without `has_headers`.
    pub fn headers(&mut self) -> Result<Option<&[String]>, Error> {
        if self.opts.has_headers && self.headers.is_none() && self.record == 0 {
            let h = self.read_record()?.unwrap_or_default();
            self.headers = Some(h);
        }
        Ok(self.headers.as_deref())
    }

    pub fn records(&mut self) -> Records<'_, R> {
        Records { reader: self }
    }

    /// The next record, or None at the end of the input.
    pub fn read_record(&mut self) -> Result<Option<Vec<String>>, Error> {
        if self.opts.has_headers && self.headers.is_none() && self.record == 0 {
            self.record += 1;
            let h = self.parse_next()?;
            self.headers = Some(h.unwrap_or_default());
        }
        let Some(fields) = self.parse_next()? else {
            return Ok(None);
        };
        self.record += 1;
        match self.first_len {
            None => self.first_len = Some(fields.len()),
            Some(n) if n != fields.len() && !self.opts.flexible => {
                return Err(Error::FieldCount {
                    record: self.record,
                    expected: n,
                    found: fields.len(),
                })
            }
            _ => {}
        }
        Ok(Some(fields))
    }

    fn parse_next(&mut self) -> Result<Option<Vec<String>>, Error> {
        if self.done {
            return Ok(None);
        }
        let mut line = Vec::new();
        loop {
            line.clear();
            if self.inner.read_until(b'\n', &mut line)? == 0 {
                self.done = true;
                return Ok(None);
            }
            let blank = line.iter().all(|&b| b == b'\r' || b == b'\n');
            let comment = self.opts.comment.is_some() && line.first() == self.opts.comment.as_ref();
            if !blank && !comment {
                break;
            }
        }
        let record = self.record + 1;
        let mut fields = Vec::new();
        let mut field = Vec::new();
        let mut i = 0;
        loop {
            // Start of a field.
            while self.opts.trim && i < line.len() && line[i] == b' ' {
                i += 1;
            }
            if i < line.len() && line[i] == b'"' {
                i += 1;
                loop {
                    if i == line.len() {
                        // The quoted field goes on on the next line.
                        let mut more = Vec::new();
                        if self.inner.read_until(b'\n', &mut more)? == 0 {
                            return Err(Error::UnterminatedQuote { record });
                        }
                        line.extend_from_slice(&more);
                        continue;
                    }
                    let b = line[i];
                    i += 1;
                    if b != b'"' {
                        field.push(b);
                    } else if line.get(i) == Some(&b'"') {
                        field.push(b'"');
                        i += 1;
                    } else {
                        break;
                    }
                }
                // After the closing quote: a delimiter, the line's end, or stray text.
                let rest_start = i;
                while i < line.len()
                    && line[i] != self.opts.delimiter
                    && line[i] != b'\n'
                    && line[i] != b'\r'
                {
                    i += 1;
                }
                let stray = &line[rest_start..i];
                if !stray.iter().all(|&b| b == b' ') {
                    if self.opts.strict_quotes {
                        return Err(Error::BadQuote { record });
                    }
                    field.extend_from_slice(stray);
                }
            } else {
                let start = i;
                while i < line.len()
                    && line[i] != self.opts.delimiter
                    && line[i] != b'\n'
                    && line[i] != b'\r'
                {
                    i += 1;
                }
                let mut raw = &line[start..i];
                if self.opts.trim {
                    while let [rest @ .., b' '] = raw {
                        raw = rest;
                    }
                }
                field.extend_from_slice(raw);
            }
            let text = String::from_utf8(std::mem::take(&mut field))
                .map_err(|_| Error::Utf8 { record })?;
            fields.push(text);
            if i < line.len() && line[i] == self.opts.delimiter {
                i += 1;
                continue;
            }
            break;
        }
        Ok(Some(fields))
    }
}

/// An iterator over the remaining records.
pub struct Records<'r, R: Read> {
    reader: &'r mut Reader<R>,
}

impl<R: Read> Iterator for Records<'_, R> {
    type Item = Result<Vec<String>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        self.reader.read_record().transpose()
    }
}
