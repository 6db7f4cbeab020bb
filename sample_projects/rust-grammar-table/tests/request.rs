use minihttp::{Body, Error, Method, Request, Version};

fn parse(raw: &str) -> Result<Request, Error> {
    Request::parse(raw.as_bytes()).map(|(req, _)| req)
}

#[test]
fn a_simple_get() {
    let req = parse("GET /search?q=rust HTTP/1.1\r\nHost: example.org\r\n\r\n").unwrap();
    assert_eq!(req.method, Method::Get);
    assert_eq!(req.path(), "/search");
    assert_eq!(req.query(), Some("q=rust"));
    assert_eq!(req.version, Version::Http11);
    assert!(req.keep_alive());
}

#[test]
fn a_post_with_a_body_length() {
    let raw = "POST /upload HTTP/1.1\r\nHost: example.org\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world";
    let (req, used) = Request::parse(raw.as_bytes()).unwrap();
    assert_eq!(req.body, Body::Length(11));
    assert_eq!(req.headers.get("content-type"), Some("text/plain"));
    assert_eq!(&raw[used..], "hello world");
}

#[test]
fn chunked_wins_over_content_length() {
    let req =
        parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n").unwrap();
    assert_eq!(req.body, Body::Chunked);
}

#[test]
fn incomplete_heads_ask_for_more() {
    assert_eq!(
        parse("GET / HTTP/1.1\r\nHost: a\r\n"),
        Err(Error::Incomplete)
    );
}

#[test]
fn smuggling_shapes_are_refused() {
    assert_eq!(
        parse("GET / HTTP/1.1\r\nHost : a\r\n\r\n"),
        Err(Error::WhitespaceBeforeColon { line: 2 })
    );
    assert_eq!(
        parse("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n"),
        Err(Error::ObsoleteLineFolding { line: 3 })
    );
    assert_eq!(
        parse("GET / HTTP/1.1\nHost: a\n\n"),
        Err(Error::BareLineFeed { line: 1 })
    );
}

#[test]
fn http10_closes_unless_asked() {
    let req = parse("GET / HTTP/1.0\r\n\r\n").unwrap();
    assert!(!req.keep_alive());
    let req = parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").unwrap();
    assert!(req.keep_alive());
}
