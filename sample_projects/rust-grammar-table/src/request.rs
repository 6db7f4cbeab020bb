//! The request head: request line and header fields, and how long the body is.

use crate::parse::{self, Lines};
use crate::{Error, HeaderMap, MAX_HEADERS};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Post,
    Put,
    Delete,
    Connect,
    Options,
    Trace,
    Patch,
    /// Any other token (`PROPFIND`, `PURGE`).
    Extension(String),
}

impl Method {
    pub(crate) fn from_token(token: &str) -> Method {
        match token {
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "DELETE" => Method::Delete,
            "CONNECT" => Method::Connect,
            "OPTIONS" => Method::Options,
            "TRACE" => Method::Trace,
            "PATCH" => Method::Patch,
            other => Method::Extension(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Connect => "CONNECT",
            Method::Options => "OPTIONS",
            Method::Trace => "TRACE",
            Method::Patch => "PATCH",
            Method::Extension(m) => m,
        }
    }

    /// Safe methods do not change the server's state (RFC 9110 9.2.1).
    pub fn is_safe(&self) -> bool {
        matches!(
            self,
            Method::Get | Method::Head | Method::Options | Method::Trace
        )
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    Http10,
    Http11,
}

/// How the message body is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    None,
    Length(u64),
    Chunked,
}

/// A parsed request head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    pub target: String,
    pub version: Version,
    pub headers: HeaderMap,
    pub body: Body,
}

impl Request {
    /// Parses the head at the start of `buf`; returns it and the bytes it used (the
    /// body, if any, follows). `Err(Error::Incomplete)` asks for more bytes.
    pub fn parse(buf: &[u8]) -> Result<(Request, usize), Error> {
        let mut lines = Lines::new(buf);
        let request_line = lines.next_line()?;
        let (method, target, version) = parse::request_line(request_line)?;
        let mut headers = HeaderMap::new();
        let mut line_no = 1;
        loop {
            let line = lines.next_line()?;
            line_no += 1;
            if line.is_empty() {
                break;
            }
            if headers.len() == MAX_HEADERS {
                return Err(Error::TooManyHeaders);
            }
            let (name, value) = parse::header(line, line_no)?;
            headers.append(name, value);
        }
        let body = parse::body_length(&headers)?;
        if version == Version::Http11 && !headers.contains("host") {
            return Err(Error::MissingHost);
        }
        let request = Request {
            method,
            target: target.to_string(),
            version,
            headers,
            body,
        };
        Ok((request, lines.pos))
    }

    /// Whether the connection stays open after the response (RFC 9112 9.3).
    pub fn keep_alive(&self) -> bool {
        let tokens = self.headers.list("connection");
        let has = |t: &str| tokens.iter().any(|x| x.eq_ignore_ascii_case(t));
        match self.version {
            Version::Http11 => !has("close"),
            Version::Http10 => has("keep-alive"),
        }
    }

    /// The path of an origin-form target, without its query.
    pub fn path(&self) -> &str {
        self.target.split(['?', '#']).next().unwrap_or("")
    }

    /// The query of the target, without the `?`.
    pub fn query(&self) -> Option<&str> {
        self.target
            .split_once('?')
            .map(|(_, q)| q.split('#').next().unwrap_or(q))
    }
}
