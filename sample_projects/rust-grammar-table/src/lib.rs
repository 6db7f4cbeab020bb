//! A strict HTTP/1.1 request parser (RFC 9112).
//!
//! ```
//! use minihttp::{Method, Request};
//! let (req, used) = Request::parse(b"GET /index.html HTTP/1.1\r\nHost: example.org\r\n\r\n").unwrap();
//! assert_eq!(req.method, Method::Get);
//! assert_eq!(req.headers.get("host"), Some("example.org"));
//! assert_eq!(used, 47);
//! ```
//!
//! Strict means: bare `\n` line ends, whitespace before a header's colon, obsolete
//! line folding and conflicting `Content-Length` headers are errors, as the RFC asks
//! of a server (they are how request smuggling starts).

mod error;
mod headers;
mod parse;
mod request;

pub use error::Error;
pub use headers::HeaderMap;
pub use request::{Body, Method, Request, Version};

/// The longest request head (request line and headers) accepted, in bytes.
pub const MAX_HEAD: usize = 64 * 1024;
/// The most headers a request may have.
pub const MAX_HEADERS: usize = 100;
