//! Installed-package paths, shortened for the excerpt. A runner's interpreter or venv
//! prefix (`.venv/lib/python3.11/site-packages/`, pytest's
//! `../../../../opt/hostedtoolcache/Python/3.8.12/x64/lib/python3.8/site-packages/`)
//! says nothing about a failure and costs the model tokens on every warning pytest
//! lists; what follows it (the package and its file) does. The prefix becomes
//! `<site-packages>/` (or `<dist-packages>/`): plainly not a path in the checkout, so
//! no edit is aimed at it, and the package path is kept whole. Only the lines of
//! pytest's warnings summary are shortened: a failure's lines (a traceback's frames
//! in a package) are quoted verbatim, as the log has them.

use std::borrow::Cow;

/// Bytes that end a path on a log line (a quote, a bracket, a space).
fn ends_path(b: u8) -> bool {
    b.is_ascii_whitespace()
        || matches!(
            b,
            b'"' | b'\'' | b'(' | b')' | b'<' | b'>' | b'[' | b']' | b',' | b'=' | b'`'
        )
}

/// `line` with every path's prefix up to `site-packages/` or `dist-packages/` replaced
/// by `<site-packages>/` or `<dist-packages>/`.
pub fn shorten(line: &str) -> Cow<'_, str> {
    if !line.contains("-packages") {
        return Cow::Borrowed(line);
    }
    let b = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut copied = 0;
    let mut from = 0;
    while let Some(i) = line[from..].find("-packages").map(|i| i + from) {
        let end = i + "-packages".len();
        from = end;
        let dir = if line[..i].ends_with("site") {
            "site"
        } else if line[..i].ends_with("dist") {
            "dist"
        } else {
            continue;
        };
        let name_start = i - dir.len();
        // A directory of its own: a separator before and after it.
        if !matches!(b.get(end), Some(b'/' | b'\\'))
            || name_start == 0
            || !matches!(b[name_start - 1], b'/' | b'\\')
        {
            continue;
        }
        let mut start = name_start;
        while start > copied && !ends_path(b[start - 1]) {
            start -= 1;
        }
        out.push_str(&line[copied..start]);
        out.push('<');
        out.push_str(dir);
        out.push_str("-packages>");
        copied = end;
    }
    if copied == 0 {
        return Cow::Borrowed(line);
    }
    out.push_str(&line[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::shorten;

    #[test]
    fn the_prefix_goes_and_the_package_path_stays() {
        assert_eq!(
            shorten(".venv/lib/python3.11/site-packages/pkg/x.py:12: DeprecationWarning: old"),
            "<site-packages>/pkg/x.py:12: DeprecationWarning: old"
        );
        assert_eq!(
            shorten("../../../../../../opt/hostedtoolcache/Python/3.8.12/x64/lib/python3.8/site-packages/jsonschema/compat.py:6"),
            "<site-packages>/jsonschema/compat.py:6"
        );
        assert_eq!(
            shorten("  File \"/usr/lib/python3/dist-packages/a/b.py\", line 3, in f"),
            "  File \"<dist-packages>/a/b.py\", line 3, in f"
        );
        assert_eq!(
            shorten("C:\\hostedtoolcache\\Python\\Lib\\site-packages\\pkg\\x.py:1 and /v/site-packages/y.py"),
            "<site-packages>\\pkg\\x.py:1 and <site-packages>/y.py"
        );
    }

    #[test]
    fn other_text_is_left_alone() {
        for l in [
            "Requirement already satisfied: six in /opt/py/lib/python3.8/site-packages (1.16.0)",
            "tests/test_site-packages/x.py:1",
            "mysite-packages/x",
            "no packages here",
        ] {
            assert_eq!(shorten(l), l);
        }
    }
}
