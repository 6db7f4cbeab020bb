//! How a setting's text becomes a typed value: the parsers a row of
//! [`super::SETTINGS`] carries, each with its range and typed default. The row's
//! texts name them as `{default}`, `{min}` and `{max}`, so each is written once.

use std::time::Duration;

/// Where self-heal runs, for the defaults that differ (`publish`, `approve`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// `GITHUB_ACTIONS=true`.
    Actions,
    Local,
}

/// A text that is no value of the setting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Refused {
    /// The part refused (one item of a list), when not the whole text.
    pub part: Option<String>,
    /// Why, when the row's own "expected ..." does not say it.
    pub expected: Option<String>,
}

/// A parser of a setting's (trimmed) text, with its typed default.
pub trait Parse: Sync {
    type Value: Send + 'static;

    fn parse(&self, text: &str) -> Result<Self::Value, Refused>;

    /// The value when no source sets it.
    fn default(&self, place: Place) -> Self::Value;

    /// The values of `{default}`, `{min}` and `{max}` in the row's texts.
    fn placeholders(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// The error's "expected ..." when the parser can say it itself.
    fn expected(&self) -> Option<String> {
        None
    }

    /// `--name` alone means true.
    fn switch(&self) -> bool {
        false
    }
}

fn refused() -> Refused {
    Refused::default()
}

/// Any text; unset by default.
#[derive(Debug, Clone, Copy)]
pub struct Text;

impl Parse for Text {
    type Value = Option<String>;

    fn parse(&self, text: &str) -> Result<Option<String>, Refused> {
        Ok(Some(text.to_string()))
    }

    fn default(&self, _: Place) -> Option<String> {
        None
    }
}

/// Text that `valid` accepts, `default` when unset.
#[derive(Debug, Clone, Copy)]
pub struct TextOr {
    pub default: &'static str,
    pub valid: fn(&str) -> bool,
}

impl Parse for TextOr {
    type Value = String;

    fn parse(&self, text: &str) -> Result<String, Refused> {
        (self.valid)(text)
            .then(|| text.to_string())
            .ok_or_else(refused)
    }

    fn default(&self, _: Place) -> String {
        self.default.to_string()
    }

    fn placeholders(&self) -> Vec<(&'static str, String)> {
        vec![("default", self.default.to_string())]
    }
}

/// A value `check` accepts, as it returns it; unset by default.
#[derive(Debug, Clone, Copy)]
pub struct Checked<T: 'static> {
    pub check: fn(&str) -> Option<T>,
}

impl<T: Send + Sync + 'static> Parse for Checked<T> {
    type Value = Option<T>;

    fn parse(&self, text: &str) -> Result<Option<T>, Refused> {
        (self.check)(text).map(Some).ok_or_else(refused)
    }

    fn default(&self, _: Place) -> Option<T> {
        None
    }
}

/// Whether an item of a [`List`] is one; `Err`: why not ("expected ...").
pub type ItemCheck = fn(&str) -> Result<(), String>;

/// Items separated by commas or newlines, each one `check` accepts; empty by default.
#[derive(Debug, Clone, Copy)]
pub struct List {
    pub check: Option<ItemCheck>,
}

impl Parse for List {
    type Value = Vec<String>;

    fn parse(&self, text: &str) -> Result<Vec<String>, Refused> {
        let items: Vec<String> = text
            .split([',', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        if let Some(check) = self.check {
            for item in &items {
                check(item).map_err(|why| Refused {
                    part: Some(item.clone()),
                    expected: Some(why),
                })?;
            }
        }
        Ok(items)
    }

    fn default(&self, _: Place) -> Vec<String> {
        Vec::new()
    }
}

/// `true`/`yes`/`1`/`on` or `false`/`no`/`0`/`off`.
#[derive(Debug, Clone, Copy)]
pub struct Flag {
    pub default: bool,
}

/// The words of a boolean setting (also `--yes`).
pub fn parse_bool(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" | "on" => Some(true),
        "false" | "no" | "0" | "off" => Some(false),
        _ => None,
    }
}

impl Parse for Flag {
    type Value = bool;

    fn parse(&self, text: &str) -> Result<bool, Refused> {
        parse_bool(text).ok_or_else(refused)
    }

    fn default(&self, _: Place) -> bool {
        self.default
    }

    fn placeholders(&self) -> Vec<(&'static str, String)> {
        vec![("default", self.default.to_string())]
    }

    fn expected(&self) -> Option<String> {
        Some("expected true or false".into())
    }

    fn switch(&self) -> bool {
        true
    }
}

/// A whole number from `min` to `max`, `default` when unset.
#[derive(Debug, Clone, Copy)]
pub struct Number<T: 'static> {
    pub min: T,
    pub max: T,
    pub default: T,
}

impl<T> Parse for Number<T>
where
    T: std::str::FromStr + PartialOrd + Copy + ToString + Send + Sync + 'static,
{
    type Value = T;

    fn parse(&self, text: &str) -> Result<T, Refused> {
        in_range(text, self.min, self.max).ok_or_else(refused)
    }

    fn default(&self, _: Place) -> T {
        self.default
    }

    fn placeholders(&self) -> Vec<(&'static str, String)> {
        vec![
            ("default", self.default.to_string()),
            ("min", self.min.to_string()),
            ("max", self.max.to_string()),
        ]
    }
}

/// A whole number from `min` to `max`; unset by default (the default is another
/// module's, such as docker's limits).
#[derive(Debug, Clone, Copy)]
pub struct Limit<T: 'static> {
    pub min: T,
    pub max: T,
}

impl<T> Parse for Limit<T>
where
    T: std::str::FromStr + PartialOrd + Copy + ToString + Send + Sync + 'static,
{
    type Value = Option<T>;

    fn parse(&self, text: &str) -> Result<Option<T>, Refused> {
        in_range(text, self.min, self.max)
            .map(Some)
            .ok_or_else(refused)
    }

    fn default(&self, _: Place) -> Option<T> {
        None
    }

    fn placeholders(&self) -> Vec<(&'static str, String)> {
        vec![("min", self.min.to_string()), ("max", self.max.to_string())]
    }
}

/// `auto` or a whole number from `min` to `max`; `auto` (None) by default: another
/// module finds the value (the model server's context window).
#[derive(Debug, Clone, Copy)]
pub struct AutoOr<T: 'static> {
    pub min: T,
    pub max: T,
}

impl<T: Copy> AutoOr<T> {
    /// The same range without `auto`.
    fn limit(&self) -> Limit<T> {
        Limit {
            min: self.min,
            max: self.max,
        }
    }
}

impl<T> Parse for AutoOr<T>
where
    T: std::str::FromStr + PartialOrd + Copy + ToString + Send + Sync + 'static,
{
    type Value = Option<T>;

    fn parse(&self, text: &str) -> Result<Option<T>, Refused> {
        if text.eq_ignore_ascii_case("auto") {
            return Ok(None);
        }
        self.limit().parse(text)
    }

    fn default(&self, _: Place) -> Option<T> {
        None
    }

    fn placeholders(&self) -> Vec<(&'static str, String)> {
        self.limit().placeholders()
    }
}

fn in_range<T: std::str::FromStr + PartialOrd>(text: &str, min: T, max: T) -> Option<T> {
    text.parse::<T>().ok().filter(|n| (min..=max).contains(n))
}

/// Seconds, more than zero (`600`, `30s`, `10m`), `default` seconds when unset.
#[derive(Debug, Clone, Copy)]
pub struct Seconds {
    pub default: u64,
}

impl Parse for Seconds {
    type Value = Duration;

    fn parse(&self, text: &str) -> Result<Duration, Refused> {
        parse_secs(text).ok_or_else(refused)
    }

    fn default(&self, _: Place) -> Duration {
        Duration::from_secs(self.default)
    }

    fn placeholders(&self) -> Vec<(&'static str, String)> {
        vec![("default", self.default.to_string())]
    }
}

fn parse_secs(v: &str) -> Option<Duration> {
    let v = v.trim();
    let (num, mult) = if let Some(n) = v.strip_suffix('m') {
        (n, 60)
    } else {
        (v.strip_suffix('s').unwrap_or(v), 1)
    };
    num.trim()
        .parse::<u64>()
        .ok()
        .filter(|n| *n > 0)
        .map(|n| Duration::from_secs(n * mult))
}

/// One of `words`, each standing for a value; the default may differ in Actions.
#[derive(Debug, Clone, Copy)]
pub struct Words<T: 'static> {
    pub words: &'static [(&'static str, T)],
    pub actions: T,
    pub local: T,
}

impl<T: Copy + PartialEq + Send + Sync + 'static> Words<T> {
    fn word(&self, value: T) -> &'static str {
        self.words
            .iter()
            .find(|(_, v)| *v == value)
            .map_or("", |(w, _)| w)
    }
}

impl<T: Copy + PartialEq + Send + Sync + 'static> Parse for Words<T> {
    type Value = T;

    fn parse(&self, text: &str) -> Result<T, Refused> {
        self.words
            .iter()
            .find(|(w, _)| *w == text)
            .map(|(_, v)| *v)
            .ok_or_else(refused)
    }

    fn default(&self, place: Place) -> T {
        match place {
            Place::Actions => self.actions,
            Place::Local => self.local,
        }
    }

    fn placeholders(&self) -> Vec<(&'static str, String)> {
        vec![("default", self.word(self.local).to_string())]
    }

    /// `expected a, b or c`.
    fn expected(&self) -> Option<String> {
        let words: Vec<&str> = self.words.iter().map(|(w, _)| *w).collect();
        let (last, rest) = words.split_last()?;
        Some(format!("expected {} or {last}", rest.join(", ")))
    }
}

/// A docker memory size (`4g`, `512m`, `4096k`, bytes; a trailing `b` is fine),
/// at least docker's minimum of 6 MB; normalised to digits and one unit letter.
pub fn parse_size(v: &str) -> Option<String> {
    let lower = v.to_ascii_lowercase();
    let body = lower.strip_suffix('b').unwrap_or(&lower);
    let (num, unit, mult) = match body.chars().last()? {
        'k' => (&body[..body.len() - 1], "k", 1u64 << 10),
        'm' => (&body[..body.len() - 1], "m", 1 << 20),
        'g' => (&body[..body.len() - 1], "g", 1 << 30),
        _ => (body, "", 1),
    };
    let n = num.parse::<u64>().ok()?;
    (n.checked_mul(mult)? >= 6 << 20).then(|| format!("{n}{unit}"))
}

/// An http:// or https:// URL, without a trailing slash.
pub fn parse_url(v: &str) -> Option<String> {
    (v.starts_with("http://") || v.starts_with("https://"))
        .then(|| v.trim_end_matches('/').to_string())
}

/// A number of CPUs (`2`, `1.5`), as given.
pub fn parse_cpus(v: &str) -> Option<String> {
    v.parse::<f64>()
        .ok()
        .filter(|n| *n > 0.0 && *n <= 1024.0)
        .map(|_| v.to_string())
}

/// `owner/name`.
pub fn parse_repo(v: &str) -> Option<String> {
    let mut parts = v.split('/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(o), Some(n), None) if !o.is_empty() && !n.is_empty() => Some(v.to_string()),
        _ => None,
    }
}

/// A glob pattern that compiles.
pub fn check_glob(v: &str) -> Result<(), String> {
    globset::Glob::new(v)
        .map(|_| ())
        .map_err(|e| format!("expected glob patterns ({})", e.kind()))
}

/// A git branch prefix: no whitespace, no `..`.
pub fn valid_branch_prefix(v: &str) -> bool {
    !v.contains(char::is_whitespace) && !v.contains("..")
}

/// A git revision, or `none`.
pub fn parse_rev(v: &str) -> Option<String> {
    crate::analyze::changes::valid_rev(v).then(|| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_say_what_they_expect() {
        let w = Words {
            words: &[("a", 1), ("b", 2), ("c", 3)],
            actions: 1,
            local: 2,
        };
        assert_eq!(w.expected().unwrap(), "expected a, b or c");
        assert_eq!((w.parse("c"), w.default(Place::Actions)), (Ok(3), 1));
        assert_eq!(w.placeholders(), [("default", "b".to_string())]);
        assert!(w.parse("d").is_err());
    }

    #[test]
    fn numbers_keep_to_their_range() {
        let n = Number {
            min: 1u32,
            max: 10,
            default: 3,
        };
        assert_eq!(n.parse("10"), Ok(10));
        assert!(n.parse("0").is_err() && n.parse("11").is_err() && n.parse("x").is_err());
        let l = Limit {
            min: 16u32,
            max: 20,
        };
        assert_eq!(
            (l.parse("16"), l.default(Place::Local)),
            (Ok(Some(16)), None)
        );
    }

    #[test]
    fn a_list_names_the_item_it_refuses() {
        let globs = List {
            check: Some(check_glob),
        };
        assert_eq!(globs.parse(" a/*, b\n").unwrap(), ["a/*", "b"]);
        let refused = globs.parse("ok/*, src/[a").unwrap_err();
        assert_eq!(refused.part.as_deref(), Some("src/[a"));
        assert!(refused
            .expected
            .unwrap()
            .starts_with("expected glob patterns"));
    }
}
