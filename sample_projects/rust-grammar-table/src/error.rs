use std::fmt;

/// Why a request was refused; `Incomplete` only means more bytes are needed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The head has not ended yet: read more and parse again.
    Incomplete,
    HeadTooLarge,
    TooManyHeaders,
    BareLineFeed {
        line: usize,
    },
    InvalidMethod(String),
    InvalidTarget,
    InvalidVersion(String),
    InvalidHeaderName {
        line: usize,
        name: String,
    },
    InvalidHeaderValue {
        line: usize,
        name: String,
    },
    WhitespaceBeforeColon {
        line: usize,
    },
    ObsoleteLineFolding {
        line: usize,
    },
    InvalidContentLength(String),
    ConflictingContentLength,
    ChunkedNotLast,
    MissingHost,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Incomplete => write!(f, "incomplete request head"),
            Error::HeadTooLarge => write!(f, "request head exceeds {} bytes", crate::MAX_HEAD),
            Error::TooManyHeaders => write!(f, "more than {} headers", crate::MAX_HEADERS),
            Error::BareLineFeed { line } => {
                write!(f, "line {line}: line feed without carriage return")
            }
            Error::InvalidMethod(m) => write!(f, "invalid method {m:?}"),
            Error::InvalidTarget => write!(f, "invalid request target"),
            Error::InvalidVersion(v) => write!(f, "unsupported HTTP version {v:?}"),
            Error::InvalidHeaderName { line, name } => {
                write!(f, "line {line}: invalid header name {name:?}")
            }
            Error::InvalidHeaderValue { line, name } => {
                write!(f, "line {line}: invalid value for header {name:?}")
            }
            Error::WhitespaceBeforeColon { line } => {
                write!(f, "line {line}: whitespace before the colon")
            }
            Error::ObsoleteLineFolding { line } => write!(f, "line {line}: obsolete line folding"),
            Error::InvalidContentLength(v) => write!(f, "invalid Content-Length {v:?}"),
            Error::ConflictingContentLength => write!(f, "conflicting Content-Length headers"),
            Error::ChunkedNotLast => write!(f, "chunked is not the last transfer coding"),
            Error::MissingHost => write!(f, "HTTP/1.1 request without a Host header"),
        }
    }
}

impl std::error::Error for Error {}
