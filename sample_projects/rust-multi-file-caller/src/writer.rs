//! Writing records.

use crate::quote::{is_numeric, needs_quotes, write_quoted};
use std::io::{self, Write};

/// Which fields are written in quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QuoteStyle {
    /// Only fields that need them (the default).
    #[default]
    Necessary,
    /// Every field.
    Always,
    /// Every field that is not a number.
    NonNumeric,
    /// None: the caller promises no field needs them.
    Never,
}

/// Settings for a [`Writer`].
#[derive(Debug, Clone)]
pub struct WriterBuilder {
    delimiter: u8,
    quote_style: QuoteStyle,
    terminator: &'static [u8],
    capacity: usize,
}

impl Default for WriterBuilder {
    fn default() -> Self {
        WriterBuilder {
            delimiter: b',',
            quote_style: QuoteStyle::Necessary,
            terminator: b"\n",
            capacity: 8 * 1024,
        }
    }
}

impl WriterBuilder {
    pub fn new() -> WriterBuilder {
        WriterBuilder::default()
    }

    pub fn delimiter(&mut self, delimiter: u8) -> &mut WriterBuilder {
        self.delimiter = delimiter;
        self
    }

    pub fn quote_style(&mut self, style: QuoteStyle) -> &mut WriterBuilder {
        self.quote_style = style;
        self
    }

    /// `\r\n` as RFC 4180 asks, instead of `\n`.
    pub fn crlf(&mut self, yes: bool) -> &mut WriterBuilder {
        self.terminator = if yes { b"\r\n" } else { b"\n" };
        self
    }

    pub fn from_writer<W: Write>(&self, inner: W) -> Writer<W> {
        Writer {
            inner,
            delimiter: self.delimiter,
            quote_style: self.quote_style,
            terminator: self.terminator,
            buf: Vec::with_capacity(self.capacity),
            capacity: self.capacity,
            fields: None,
        }
    }
}

/// Writes records to `W`, buffered; flushed on drop.
pub struct Writer<W: Write> {
    inner: W,
    delimiter: u8,
    quote_style: QuoteStyle,
    terminator: &'static [u8],
    buf: Vec<u8>,
    capacity: usize,
    /// The field count of the first record; later ones must match.
    fields: Option<usize>,
}

impl<W: Write> Writer<W> {
    /// A comma-separated writer.
    pub fn new(inner: W) -> Writer<W> {
        WriterBuilder::new().from_writer(inner)
    }

    /// Writes one record; every record must have the first one's field count.
    pub fn write_record<I, F>(&mut self, record: I) -> io::Result<()>
    where
        I: IntoIterator<Item = F>,
        F: AsRef<str>,
    {
        let mut count = 0;
        for field in record {
            if count > 0 {
                self.buf.push(self.delimiter);
            }
            self.write_field(field.as_ref());
            count += 1;
        }
        match self.fields {
            Some(n) if n != count => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("record has {count} fields, the first had {n}"),
                ))
            }
            _ => self.fields = Some(count),
        }
        self.buf.extend_from_slice(self.terminator);
        if self.buf.len() >= self.capacity {
            self.flush_buf()?;
        }
        Ok(())
    }

    fn write_field(&mut self, field: &str) {
        let quoted = match self.quote_style {
            QuoteStyle::Always => true,
            QuoteStyle::Never => false,
            QuoteStyle::NonNumeric => !is_numeric(field),
            QuoteStyle::Necessary => needs_quotes(field),
        };
        if quoted {
            write_quoted(field, &mut self.buf);
        } else {
            self.buf.extend_from_slice(field.as_bytes());
        }
    }

    fn flush_buf(&mut self) -> io::Result<()> {
        self.inner.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.flush_buf()?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for Writer<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}
