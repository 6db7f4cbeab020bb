//! The grammar of a request head (RFC 9112): CRLF lines, the request line, header
//! fields and how long the body is. `Request::parse` drives it.

mod chars;

use crate::request::{Body, Method, Version};
use crate::{Error, HeaderMap, MAX_HEAD};
use chars::{is_field_char, is_target_char, is_token};
use std::str;

/// CRLF-terminated lines of the head.
pub(crate) struct Lines<'a> {
    buf: &'a [u8],
    pub(crate) pos: usize,
    line: usize,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Lines<'a> {
        Lines {
            buf,
            pos: 0,
            line: 0,
        }
    }

    pub(crate) fn next_line(&mut self) -> Result<&'a [u8], Error> {
        let rest = &self.buf[self.pos..];
        let Some(lf) = rest.iter().position(|&b| b == b'\n') else {
            return Err(if self.buf.len() > MAX_HEAD {
                Error::HeadTooLarge
            } else {
                Error::Incomplete
            });
        };
        self.line += 1;
        if lf == 0 || rest[lf - 1] != b'\r' {
            return Err(Error::BareLineFeed { line: self.line });
        }
        if self.pos + lf + 1 > MAX_HEAD {
            return Err(Error::HeadTooLarge);
        }
        self.pos += lf + 1;
        Ok(&rest[..lf - 1])
    }
}

pub(crate) fn request_line(line: &[u8]) -> Result<(Method, &str, Version), Error> {
    let mut parts = line.split(|&b| b == b' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Error::InvalidMethod(
            String::from_utf8_lossy(line).into_owned(),
        ));
    };
    if !is_token(method) {
        return Err(Error::InvalidMethod(
            String::from_utf8_lossy(method).into_owned(),
        ));
    }
    if target.is_empty() || !target.iter().all(|&b| is_target_char(b)) {
        return Err(Error::InvalidTarget);
    }
    let version = match version {
        b"HTTP/1.1" => Version::Http11,
        b"HTTP/1.0" => Version::Http10,
        other => {
            return Err(Error::InvalidVersion(
                String::from_utf8_lossy(other).into_owned(),
            ))
        }
    };
    // Tokens and targets are ASCII, checked above.
    let method = Method::from_token(str::from_utf8(method).expect("token is ASCII"));
    let target = str::from_utf8(target).expect("target is ASCII");
    Ok((method, target, version))
}

pub(crate) fn header(line: &[u8], line_no: usize) -> Result<(&str, &str), Error> {
    if line[0] == b' ' || line[0] == b'\t' {
        return Err(Error::ObsoleteLineFolding { line: line_no });
    }
    let Some(colon) = line.iter().position(|&b| b == b':') else {
        return Err(Error::InvalidHeaderName {
            line: line_no,
            name: String::from_utf8_lossy(line).into_owned(),
        });
    };
    let (name, value) = (&line[..colon], &line[colon + 1..]);
    if name.last().is_some_and(|&b| b == b' ' || b == b'\t') {
        return Err(Error::WhitespaceBeforeColon { line: line_no });
    }
    let name_text = String::from_utf8_lossy(name);
    if !is_token(name) {
        return Err(Error::InvalidHeaderName {
            line: line_no,
            name: name_text.into_owned(),
        });
    }
    if !value.iter().all(|&b| is_field_char(b)) {
        return Err(Error::InvalidHeaderValue {
            line: line_no,
            name: name_text.into_owned(),
        });
    }
    let value = trim_ows(value);
    let name = str::from_utf8(name).expect("token is ASCII");
    // obs-text is Latin-1 in practice; anything else is refused above.
    let value = str::from_utf8(value).map_err(|_| Error::InvalidHeaderValue {
        line: line_no,
        name: name.to_string(),
    })?;
    Ok((name, value))
}

fn trim_ows(mut v: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = v {
        v = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = v {
        v = rest;
    }
    v
}

/// RFC 9112 6.3: chunked wins over Content-Length (and must be the last coding);
/// several Content-Length values must agree.
pub(crate) fn body_length(headers: &HeaderMap) -> Result<Body, Error> {
    let codings = headers.list("transfer-encoding");
    if let Some(last) = codings.last() {
        if !last.eq_ignore_ascii_case("chunked") {
            return Err(Error::ChunkedNotLast);
        }
        return Ok(Body::Chunked);
    }
    let mut length: Option<u64> = None;
    for value in headers.list("content-length") {
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::InvalidContentLength(value));
        }
        let n: u64 = value
            .parse()
            .map_err(|_| Error::InvalidContentLength(value.clone()))?;
        match length {
            Some(prev) if prev != n => return Err(Error::ConflictingContentLength),
            _ => length = Some(n),
        }
    }
    Ok(match length {
        Some(0) | None => Body::None,
        Some(n) => Body::Length(n),
    })
}
