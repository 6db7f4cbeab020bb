//! JUnit XML as Surefire, Failsafe and Gradle write it (`TEST-pkg.Class.xml`,
//! `<testsuite>` or `<testsuites>` of `<testcase name classname>` with a
//! `<failure>`, `<error>` or `<skipped>` child). Ids are `classname#name`,
//! with Gradle's JUnit 5 `()` after the method name dropped.
//!
//! A small scanner rather than an XML library: only start tags and their
//! attributes matter, and CDATA (stack traces, captured output) is skipped whole.

use super::{Outcome, ReadError, TestRun};

/// One start or end tag: name, attributes, self-closing.
struct Tag<'a> {
    name: &'a str,
    end: bool,
    empty: bool,
    attrs: &'a str,
}

fn malformed(reason: &str) -> ReadError {
    ReadError::Malformed {
        format: "JUnit XML",
        reason: reason.to_string(),
    }
}

/// The tags of `xml` in order, skipping comments, CDATA, declarations.
fn tags(xml: &str) -> Result<Vec<Tag<'_>>, ReadError> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        let skip = [
            ("<![CDATA[", "]]>"),
            ("<!--", "-->"),
            ("<?", "?>"),
            ("<!", ">"),
        ]
        .iter()
        .find(|(open, _)| rest.starts_with(open));
        if let Some((open, close)) = skip {
            let end = rest[open.len()..]
                .find(close)
                .ok_or_else(|| malformed("unterminated section"))?;
            rest = &rest[open.len() + end + close.len()..];
            continue;
        }
        let close = rest
            .find('>')
            .ok_or_else(|| malformed("unterminated tag"))?;
        let body = &rest[1..close];
        rest = &rest[close + 1..];
        let (end, body) = match body.strip_prefix('/') {
            Some(b) => (true, b),
            None => (false, body),
        };
        let (empty, body) = match body.strip_suffix('/') {
            Some(b) => (true, b),
            None => (false, body),
        };
        let name_end = body.find(|c: char| c.is_whitespace()).unwrap_or(body.len());
        out.push(Tag {
            name: &body[..name_end],
            end,
            empty,
            attrs: &body[name_end..],
        });
    }
    Ok(out)
}

/// The value of attribute `key`, entities decoded.
fn attr(attrs: &str, key: &str) -> Option<String> {
    let mut rest = attrs;
    loop {
        let eq = rest.find('=')?;
        let name = rest[..eq].trim();
        let after = rest[eq + 1..].trim_start();
        let quote = after.chars().next()?;
        if quote != '"' && quote != '\'' {
            return None;
        }
        let end = after[1..].find(quote)?;
        let value = &after[1..1 + end];
        if name == key {
            return Some(decode(value));
        }
        rest = &after[end + 2..];
    }
}

fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(semi) = rest.find(';') else { break };
        let ent = &rest[1..semi];
        let ch = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => ent
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| ent.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Reads one report file.
pub fn read(xml: &str) -> Result<TestRun, ReadError> {
    let mut run = TestRun::default();
    read_into(xml, &mut run)?;
    Ok(run)
}

/// Reads every report file of one run (Surefire writes one per test class).
pub fn read_all<'a>(files: impl IntoIterator<Item = &'a str>) -> Result<TestRun, ReadError> {
    let mut run = TestRun::default();
    for f in files {
        read_into(f, &mut run)?;
    }
    Ok(run)
}

fn read_into(xml: &str, run: &mut TestRun) -> Result<(), ReadError> {
    let tags = tags(xml)?;
    if !tags
        .iter()
        .any(|t| !t.end && (t.name == "testsuite" || t.name == "testsuites"))
    {
        return Err(malformed("no <testsuite>"));
    }
    // (id, outcome) of the open <testcase>.
    let mut open: Option<(String, Outcome)> = None;
    for t in &tags {
        match (t.name, t.end) {
            ("testcase", false) => {
                if let Some((id, o)) = open.take() {
                    run.record(id, o);
                }
                let name = attr(t.attrs, "name").unwrap_or_default();
                let name = name.strip_suffix("()").unwrap_or(&name).to_string();
                let id = match attr(t.attrs, "classname").filter(|c| !c.is_empty()) {
                    Some(c) => format!("{c}#{name}"),
                    None => name,
                };
                if t.empty {
                    run.record(id, Outcome::Passed);
                } else {
                    open = Some((id, Outcome::Passed));
                }
            }
            ("testcase", true) => {
                if let Some((id, o)) = open.take() {
                    run.record(id, o);
                }
            }
            ("failure" | "error", false) => {
                if let Some((_, o)) = open.as_mut() {
                    *o = Outcome::Failed;
                }
            }
            // Surefire's reruns: a flaky test that passed on a rerun stays passed.
            ("skipped", false) => {
                if let Some((_, o)) = open.as_mut() {
                    if *o != Outcome::Failed {
                        *o = Outcome::Skipped;
                    }
                }
            }
            _ => {}
        }
    }
    if let Some((id, o)) = open.take() {
        run.record(id, o);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradle_shape_with_entities_cdata_and_skips() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="com.ex.ATest" tests="3" skipped="1" failures="1" errors="0">
  <properties/>
  <testcase name="adds()" classname="com.ex.ATest" time="0.01"/>
  <testcase name="quotes &quot;x&quot; &amp; y" classname="com.ex.ATest" time="0.01">
    <failure message="expected: &lt;1&gt;" type="org.opentest4j.AssertionFailedError"><![CDATA[
<testcase name="not a test"/> at com.ex.ATest.quotes(ATest.java:9)]]></failure>
  </testcase>
  <testcase name="later" classname="com.ex.ATest"><skipped/></testcase>
  <system-out><![CDATA[<testsuite>]]></system-out>
</testsuite>"#;
        let r = read(xml).unwrap();
        assert_eq!(r.passed(), vec!["com.ex.ATest#adds"]);
        assert_eq!(r.failed(), vec![r#"com.ex.ATest#quotes "x" & y"#]);
        assert_eq!(r.skipped(), vec!["com.ex.ATest#later"]);
    }

    #[test]
    fn not_junit_is_an_error() {
        assert!(read("<html><body/></html>").is_err());
        assert!(read("<testsuite><testcase name='a").is_err());
    }
}
