//! Bracket expressions: `[abc]`, `[a-z0-9]`, `[!.]` (negated), `[]]` (a literal `]`).

use crate::PatternError;

/// One parsed bracket expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CharClass {
    negated: bool,
    ranges: Vec<(char, char)>,
}

impl CharClass {
    /// Parses the class starting just after `[` at `chars[start..]`; returns it and the
    /// index just after its `]`.
    pub(crate) fn parse(
        chars: &[char],
        start: usize,
        pattern: &str,
    ) -> Result<(CharClass, usize), PatternError> {
        let mut i = start;
        let negated = matches!(chars.get(i), Some('!') | Some('^'));
        if negated {
            i += 1;
        }
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let Some(&c) = chars.get(i) else {
                return Err(PatternError::new(
                    pattern,
                    start - 1,
                    "unclosed character class",
                ));
            };
            if c == ']' && !first {
                i += 1;
                break;
            }
            first = false;
            let lo = if c == '\\' {
                i += 1;
                *chars
                    .get(i)
                    .ok_or_else(|| PatternError::new(pattern, i - 1, "dangling escape"))?
            } else {
                c
            };
            i += 1;
            if chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|&n| n != ']') {
                let hi = chars[i + 1];
                if hi < lo {
                    return Err(PatternError::new(pattern, i, "range out of order"));
                }
                ranges.push((lo, hi));
                i += 2;
            } else {
                ranges.push((lo, lo));
            }
        }
        Ok((CharClass { negated, ranges }, i))
    }

    pub(crate) fn matches(&self, c: char, case_insensitive: bool) -> bool {
        let hit = |c: char| self.ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi);
        let found = if case_insensitive {
            hit(c) || hit(c.to_ascii_lowercase()) || hit(c.to_ascii_uppercase())
        } else {
            hit(c)
        };
        found != self.negated
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    fn class(p: &str) -> CharClass {
        let chars: Vec<char> = p.chars().collect();
        CharClass::parse(&chars, 1, p).unwrap().0
    }

    #[test]
    fn ranges_and_negation() {
        assert!(class("[a-c]").matches('b', false));
        assert!(!class("[!a-c]").matches('b', false));
        assert!(class("[]x]").matches(']', false));
    }
}
