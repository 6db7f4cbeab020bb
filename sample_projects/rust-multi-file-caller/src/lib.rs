//! Read and write CSV (RFC 4180) with any one-byte delimiter: `,`, `;` (the
//! spreadsheet default where the decimal separator is a comma), `\t`, `|`.
//!
//! ```
//! use csvlite::{Reader, Writer};
//! let mut out = Vec::new();
//! let mut w = Writer::new(&mut out);
//! w.write_record(&["name", "note"]).unwrap();
//! w.write_record(&["Ada", "says \"hi\""]).unwrap();
//! drop(w);
//! let text = String::from_utf8(out).unwrap();
//! assert_eq!(text, "name,note\nAda,\"says \"\"hi\"\"\"\n");
//! let rows: Vec<Vec<String>> = Reader::new(text.as_bytes()).records().map(|r| r.unwrap()).collect();
//! assert_eq!(rows[1][1], "says \"hi\"");
//! ```

use std::fmt;
use std::io;

mod quote;
mod reader;
mod record;
mod sniff;
mod writer;

pub use reader::{Reader, ReaderBuilder, Records};
pub use record::StringRecord;
pub use sniff::{sniff, Dialect};
pub use writer::{QuoteStyle, Writer, WriterBuilder};

/// A read or write failure, with the record (1-based) where it happened.
#[derive(Debug)]
pub enum Error {
    Io(io::Error),
    /// A quoted field was still open at the end of the input.
    UnterminatedQuote {
        record: usize,
    },
    /// Text after a closing quote (`"a"b`), with a strict reader.
    BadQuote {
        record: usize,
    },
    /// A record with another number of fields than the first, with a strict reader.
    FieldCount {
        record: usize,
        expected: usize,
        found: usize,
    },
    Utf8 {
        record: usize,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(e) => write!(f, "I/O error: {e}"),
            Error::UnterminatedQuote { record } => {
                write!(f, "record {record}: unterminated quoted field")
            }
            Error::BadQuote { record } => write!(f, "record {record}: text after a closing quote"),
            Error::FieldCount {
                record,
                expected,
                found,
            } => {
                write!(f, "record {record}: {found} fields, expected {expected}")
            }
            Error::Utf8 { record } => write!(f, "record {record}: invalid UTF-8"),
        }
    }
}

impl std::error::Error for Error {}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Error {
        Error::Io(e)
    }
}
