//! Shell-style glob patterns for paths.
//!
//! | syntax     | matches                                                   |
//! |------------|-----------------------------------------------------------|
//! | `?`        | any one character except `/`                              |
//! | `*`        | any run of characters except `/`                          |
//! | `**`       | as a whole path component: zero or more directories       |
//! | `[a-z]`    | one character of the class; `[!a-z]` one not in it       |
//! | `{a,b}`    | either alternative (they may nest)                        |
//! | `\*`       | a literal `*`                                             |
//!
//! ```
//! use globlite::Pattern;
//! let p = Pattern::new("src/**/*.{rs,toml}").unwrap();
//! assert!(p.matches("src/bin/main.rs"));
//! assert!(!p.matches("tests/main.rs"));
//! ```

use std::fmt;

mod class;
#[cfg(test)]
mod tests;

use class::CharClass;

/// A pattern that failed to parse, with where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    pub pattern: String,
    /// Character index of the problem.
    pub pos: usize,
    pub msg: &'static str,
}

impl PatternError {
    pub(crate) fn new(pattern: &str, pos: usize, msg: &'static str) -> PatternError {
        PatternError {
            pattern: pattern.to_string(),
            pos,
            msg,
        }
    }
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid glob {:?} at {}: {}",
            self.pattern, self.pos, self.msg
        )
    }
}

impl std::error::Error for PatternError {}

/// How matching treats case, `/` and leading dots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchOptions {
    pub case_sensitive: bool,
    /// `*`, `?` and classes never match `/` (the default); off, `*` is `**`.
    pub literal_separator: bool,
    /// A leading `.` of a component must be matched literally (`*` skips dot files).
    pub require_literal_leading_dot: bool,
}

impl Default for MatchOptions {
    fn default() -> Self {
        MatchOptions {
            case_sensitive: true,
            literal_separator: true,
            require_literal_leading_dot: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Char(char),
    AnyChar,
    AnySequence,
    /// `**/` at the start or `/**/` inside: zero or more whole directories.
    AnyDirs,
    /// `/**` at the end: everything below.
    AnyBelow,
    Class(CharClass),
}

/// A compiled glob pattern.
#[derive(Debug, Clone)]
pub struct Pattern {
    source: String,
    /// One token list per alternative of the brace expansion.
    alternatives: Vec<Vec<Token>>,
}

impl Pattern {
    pub fn new(pattern: &str) -> Result<Pattern, PatternError> {
        let expanded = expand_braces(pattern)?;
        let mut alternatives = Vec::with_capacity(expanded.len());
        for alt in &expanded {
            alternatives.push(compile(alt, pattern)?);
        }
        Ok(Pattern {
            source: pattern.to_string(),
            alternatives,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether `path` matches with the default options.
    pub fn matches(&self, path: &str) -> bool {
        self.matches_with(path, MatchOptions::default())
    }

    pub fn matches_with(&self, path: &str, options: MatchOptions) -> bool {
        let text: Vec<char> = path.chars().collect();
        self.alternatives
            .iter()
            .any(|tokens| Matcher { tokens, options }.match_from(0, &text, 0))
    }

    /// The part of the pattern before its first wildcard, up to a `/`: where a
    /// directory walk can start (`src/**/*.rs` → `src/`).
    pub fn literal_prefix(&self) -> String {
        let end = self
            .source
            .find(['*', '?', '[', '{', '\\'])
            .unwrap_or(self.source.len());
        match self.source[..end].rfind('/') {
            Some(slash) => self.source[..=slash].to_string(),
            None => String::new(),
        }
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

/// `a{b,c{d,e}}` → `ab`, `acd`, `ace`. Escaped braces and braces inside a class stay.
fn expand_braces(pattern: &str) -> Result<Vec<String>, PatternError> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut depth = 0usize;
    let mut open = None;
    let mut commas = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '[' => {
                // Skip the class: a brace in it is literal.
                while i < chars.len() && chars[i] != ']' {
                    i += 1;
                }
            }
            '{' => {
                if depth == 0 {
                    open = Some(i);
                    commas.clear();
                }
                depth += 1;
            }
            ',' if depth == 1 => commas.push(i),
            '}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    let start = open.expect("set when depth became 1");
                    let prefix: String = chars[..start].iter().collect();
                    let suffix: String = chars[i + 1..].iter().collect();
                    let mut bounds = vec![start];
                    bounds.extend(&commas);
                    bounds.push(i);
                    let mut out = Vec::new();
                    for w in bounds.windows(2) {
                        let middle: String = chars[w[0] + 1..w[1]].iter().collect();
                        out.extend(expand_braces(&format!("{prefix}{middle}{suffix}"))?);
                    }
                    return Ok(out);
                }
            }
            _ => {}
        }
        i += 1;
    }
    if depth > 0 {
        return Err(PatternError::new(
            pattern,
            open.unwrap_or(0),
            "unclosed brace",
        ));
    }
    Ok(vec![pattern.to_string()])
}

fn compile(pattern: &str, source: &str) -> Result<Vec<Token>, PatternError> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '?' => {
                tokens.push(Token::AnyChar);
                i += 1;
            }
            '*' if chars.get(i + 1) == Some(&'*') => {
                let at_start = i == 0 || chars[i - 1] == '/';
                let at_end = i + 2 == chars.len();
                let before_slash = chars.get(i + 2) == Some(&'/');
                if !at_start || !(at_end || before_slash) {
                    return Err(PatternError::new(
                        source,
                        i,
                        "`**` must be a whole path component",
                    ));
                }
                if at_end {
                    // `a/**`: drop the `/` already emitted; it is part of what follows.
                    if tokens.last() == Some(&Token::Char('/')) {
                        tokens.pop();
                        tokens.push(Token::AnyBelow);
                    } else {
                        tokens.push(Token::AnySequence);
                        tokens.push(Token::AnyBelow);
                    }
                    i += 2;
                } else {
                    tokens.push(Token::AnyDirs);
                    i += 3;
                }
            }
            '*' => {
                // `**` handled above; several `*` in a row are one.
                if tokens.last() != Some(&Token::AnySequence) {
                    tokens.push(Token::AnySequence);
                }
                i += 1;
            }
            '[' => {
                let (class, next) = CharClass::parse(&chars, i + 1, source)?;
                tokens.push(Token::Class(class));
                i = next;
            }
            '\\' => {
                let c = *chars
                    .get(i + 1)
                    .ok_or_else(|| PatternError::new(source, i, "dangling escape"))?;
                tokens.push(Token::Char(c));
                i += 2;
            }
            c => {
                tokens.push(Token::Char(c));
                i += 1;
            }
        }
    }
    Ok(tokens)
}

struct Matcher<'a> {
    tokens: &'a [Token],
    options: MatchOptions,
}

impl Matcher<'_> {
    /// Whether `tokens[ti..]` matches `text[pos..]` entirely.
    fn match_from(&self, ti: usize, text: &[char], pos: usize) -> bool {
        let opts = self.options;
        let Some(token) = self.tokens.get(ti) else {
            return pos == text.len();
        };
        let component_start = pos == 0 || text[pos - 1] == '/';
        match token {
            Token::Char(c) => {
                text.get(pos).is_some_and(|t| self.same(*t, *c))
                    && self.match_from(ti + 1, text, pos + 1)
            }
            Token::AnyChar => {
                let Some(&t) = text.get(pos) else {
                    return false;
                };
                if (t == '/' && opts.literal_separator)
                    || (t == '.' && component_start && opts.require_literal_leading_dot)
                {
                    return false;
                }
                self.match_from(ti + 1, text, pos + 1)
            }
            Token::AnySequence => {
                if component_start
                    && opts.require_literal_leading_dot
                    && text.get(pos) == Some(&'.')
                {
                    return self.match_from(ti + 1, text, pos);
                }
                let mut end = pos;
                loop {
                    if self.match_from(ti + 1, text, end) {
                        return true;
                    }
                    match text.get(end) {
                        Some('/') if opts.literal_separator => return false,
                        Some(_) => end += 1,
                        None => return false,
                    }
                }
            }
            Token::AnyDirs => {
                // Zero or more whole directories: the rest may start here or after any `/`.
                let after_slash = |(k, &c): (usize, &char)| (c == '/').then_some(pos + k + 1);
                let mut starts = text[pos..].iter().enumerate().filter_map(after_slash);
                starts.any(|s| {
                    let hidden = opts.require_literal_leading_dot
                        && text[pos..s]
                            .split(|&c| c == '/')
                            .any(|dir| dir.first() == Some(&'.'));
                    !hidden && self.match_from(ti + 1, text, s)
                })
            }
            Token::AnyBelow => {
                // `a/**` matches `a` itself and everything under it.
                pos == text.len()
                    || (text[pos] == '/'
                        && !(opts.require_literal_leading_dot && text.get(pos + 1) == Some(&'.')))
            }
            Token::Class(class) => {
                let Some(&t) = text.get(pos) else {
                    return false;
                };
                if t == '/' && opts.literal_separator {
                    return false;
                }
                class.matches(t, !opts.case_sensitive) && self.match_from(ti + 1, text, pos + 1)
            }
        }
    }

    fn same(&self, a: char, b: char) -> bool {
        if self.options.case_sensitive {
            a == b
        } else {
            a.to_lowercase().eq(b.to_lowercase())
        }
    }
}

/// Escapes the glob metacharacters of `text`, so the pattern matches it literally.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '{' | '}' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Whether `text` holds any glob metacharacter (is worth compiling as a pattern).
pub fn is_glob(text: &str) -> bool {
    let mut escaped = false;
    for c in text.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '*' | '?' | '[' | '{' => return true,
            _ => {}
        }
    }
    false
}

/// A set of patterns with gitignore-style negation: the last matching pattern wins,
/// and a pattern starting with `!` excludes what earlier ones included.
#[derive(Debug, Clone, Default)]
pub struct GlobSet {
    rules: Vec<(bool, Pattern)>,
}

impl GlobSet {
    pub fn new() -> GlobSet {
        GlobSet::default()
    }

    pub fn add(&mut self, pattern: &str) -> Result<&mut GlobSet, PatternError> {
        let (include, body) = match pattern.strip_prefix('!') {
            Some(rest) => (false, rest),
            None => (true, pattern),
        };
        self.rules.push((include, Pattern::new(body)?));
        Ok(self)
    }

    pub fn is_match(&self, path: &str) -> bool {
        self.rules
            .iter()
            .rev()
            .find(|(_, p)| p.matches(path))
            .is_some_and(|(include, _)| *include)
    }
}
