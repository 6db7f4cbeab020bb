//! Guessing a file's delimiter from a sample of its first lines.

/// What a sample looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    pub delimiter: u8,
    /// Whether the first record looks like a header (no numbers where the next
    /// records have them).
    pub has_header: bool,
}

/// The candidates, in order of preference when they tie.
const CANDIDATES: &[u8] = b",;\t|";

/// The delimiter that splits the sample's lines (outside quotes) into the same
/// number of fields, more than one; `,` when none does.
pub fn sniff(sample: &[u8]) -> Dialect {
    let text = String::from_utf8_lossy(sample);
    // The last line may be cut off by the sample's end.
    let mut lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.len() > 1 && !sample.ends_with(b"\n") {
        lines.pop();
    }
    let mut best = (b',', 0usize);
    for &c in CANDIDATES {
        let counts: Vec<usize> = lines.iter().map(|l| count_outside_quotes(l, c)).collect();
        let Some(&first) = counts.first() else {
            continue;
        };
        if first > 0 && counts.iter().all(|&n| n == first) && first > best.1 {
            best = (c, first);
        }
    }
    let delimiter = best.0;
    Dialect {
        delimiter,
        has_header: looks_like_header(&lines, delimiter),
    }
}

fn count_outside_quotes(line: &str, delimiter: u8) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for b in line.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if b == delimiter && !quoted {
            n += 1;
        }
    }
    n
}

fn looks_like_header(lines: &[&str], delimiter: u8) -> bool {
    let split = |l: &str| -> Vec<String> {
        l.split(delimiter as char)
            .map(|f| f.trim().trim_matches('"').to_string())
            .collect()
    };
    let numeric = |f: &str| {
        !f.is_empty()
            && f.replace(['.', ',', '-'], "")
                .bytes()
                .all(|b| b.is_ascii_digit())
    };
    let (Some(first), Some(second)) = (lines.first(), lines.get(1)) else {
        return false;
    };
    let (head, row) = (split(first), split(second));
    // A column that holds numbers in the data but not in the first line.
    head.iter()
        .zip(&row)
        .any(|(h, r)| numeric(r) && !numeric(h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolons_and_headers() {
        let d = sniff(b"name;price\nTea;3,50\nMilk;1,20\n");
        assert_eq!(d.delimiter, b';');
        assert!(d.has_header);
        assert_eq!(sniff(b"1\t2\n3\t4\n").delimiter, b'\t');
    }
}
