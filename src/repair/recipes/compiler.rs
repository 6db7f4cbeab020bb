//! Compiler suggestions: `rustc-similar-name` (E0425 and kin), `tsc-did-you-mean`
//! (`Did you mean 'x'?`, or a `Cannot find name`), `javac-symbol` (`cannot find symbol`)
//! and `go-undefined` (`undefined: x`, `but does have field x`). The wrong name comes
//! from the message (for javac, the one name on the reported line that the file uses
//! nowhere else); the right one is the compiler's own hint when it printed one, else:
//! for Go, the one value bound where the name is used ([`crate::lang::go::scope`]: a
//! local declared before the line, a parameter, a package-level value, an import, a
//! builtin; never a type, a keyword or a name bound later) that is closest to it;
//! for the others, the only name in the file one edit away (the Python recipe's rule,
//! [`levenshtein`]). It is replaced on the reported line only.

use super::{levenshtein, named_files, tool, Recipe, RecipeFix, RecipeInput};
use crate::lang::go::scope as go_scope;
use crate::repair::context::read_repo_file;
use regex::Regex;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

/// (wrong name if the message gives it, the compiler's own suggestion if it printed one).
type Parsed = Option<(Option<String>, Option<String>)>;

/// One compiler's recipe: which tools report it and how its message names the mistake.
pub(super) struct Compiler {
    name: &'static str,
    tools: &'static [&'static str],
    /// (wrong name, the compiler's own suggestion) from a message.
    parse: fn(&str) -> Parsed,
    keywords: &'static [&'static str],
    /// The values bound where the wrong name is used, when the language can tell
    /// (then the closest of them is taken, not any name of the file one edit away).
    values: Option<ValuesAt>,
}

/// (repository root, file path in it, its text, 1-based line, the message, the wrong
/// name) to the candidates there.
type ValuesAt = fn(&Path, &str, &str, usize, &str, &str) -> Vec<String>;

/// Most sibling files read for a Go package's package-level values.
const MAX_PACKAGE_FILES: usize = 256;

/// Go: the values bound where `wrong` is used, the package-level values of the other
/// files of its package, and the builtins. For `undefined: pkg.X`, the members of `pkg`
/// the package's files name (`pkg.Y`): the scope holds `pkg`, not its members.
fn go_values(
    root: &Path,
    rel: &str,
    text: &str,
    line: usize,
    msg: &str,
    wrong: &str,
) -> Vec<String> {
    static Q: OnceLock<Regex> = OnceLock::new();
    let dir = Path::new(rel).parent().unwrap_or(Path::new(""));
    let siblings = || {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".go") && dir.join(n) != Path::new(rel))
            .collect();
        names.sort();
        names.truncate(MAX_PACKAGE_FILES);
        names
            .into_iter()
            .filter_map(|n| read_repo_file(root, &dir.join(n).to_string_lossy()))
            .map(|f| f.text)
            .collect::<Vec<_>>()
    };
    if let Some(q) = re(&Q, r"undefined: (\w+)\.\w").captures(msg) {
        let member = Regex::new(&format!(r"\b{}\.([A-Za-z_]\w*)", regex::escape(&q[1])))
            .expect("escaped name");
        let mut out: Vec<String> = std::iter::once(text.to_string())
            .chain(siblings())
            .flat_map(|t| {
                member
                    .captures_iter(&t)
                    .map(|c| c[1].to_string())
                    .collect::<Vec<_>>()
            })
            .collect();
        out.sort();
        out.dedup();
        return out;
    }
    let Some(mut out) = go_scope::values_at(text, line as u32, wrong) else {
        return Vec::new();
    };
    let package = go_scope::package_values(text).map(|(p, _)| p);
    for other in siblings() {
        if let Some((p, names)) = go_scope::package_values(&other) {
            if Some(&p) == package.as_ref() {
                out.extend(names);
            }
        }
    }
    out.extend(go_scope::BUILTIN_VALUES.iter().map(|s| s.to_string()));
    out.sort();
    out.dedup();
    out
}

/// The candidate closest to `wrong` when it is close enough and no other is as close:
/// within CPython's budget ([`levenshtein::suggest`]'s third of the bytes, at least one
/// edit), or an abbreviation (`cnt` of `count`: same first letter, the shorter one's
/// letters in order in the longer one, two or more).
fn closest_value<'a>(wrong: &str, candidates: &'a [String]) -> Option<&'a str> {
    let abbreviates = |short: &str, long: &str| {
        let mut rest = long.bytes();
        short.len() >= 2
            && short.len() < long.len()
            && short.as_bytes().first() == long.as_bytes().first()
            && short.bytes().all(|b| rest.any(|c| c == b))
    };
    let mut best: Vec<(usize, &str)> = Vec::new();
    for c in candidates
        .iter()
        .map(String::as_str)
        .filter(|c| *c != wrong)
    {
        let budget =
            ((wrong.len() + c.len() + 3) * levenshtein::MOVE_COST / 6).max(levenshtein::MOVE_COST);
        let d = levenshtein::distance(wrong, c, usize::MAX / 2);
        if d <= budget || abbreviates(wrong, c) || abbreviates(c, wrong) {
            best.push((d, c));
        }
    }
    best.sort_unstable();
    match best.as_slice() {
        [(d, one), rest @ ..] if rest.first().is_none_or(|(e, _)| e > d) => Some(one),
        _ => None,
    }
}

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("static regex"))
}

fn rustc(msg: &str) -> Parsed {
    static R: OnceLock<Regex> = OnceLock::new();
    static H: OnceLock<Regex> = OnceLock::new();
    let c = re(
        &R,
        r"(?:E0425|E0412|E0422|E0423|E0433|E0599|E0609|E0560|cannot find (?:value|function|type|struct|macro|trait)|no (?:method|associated item) named|no field)[^`]*`([A-Za-z_]\w*)",
    )
    .captures(msg)?;
    let hint = re(&H, r"similar name exists:? `([A-Za-z_]\w*)`")
        .captures(msg)
        .map(|h| h[1].to_string());
    Some((Some(c[1].to_string()), hint))
}

fn tsc(msg: &str) -> Parsed {
    static R: OnceLock<Regex> = OnceLock::new();
    static H: OnceLock<Regex> = OnceLock::new();
    let c = re(
        &R,
        r"(?:Cannot find name|Property) '([A-Za-z_$][\w$]*)'(?:\.| does not exist)",
    )
    .captures(msg)?;
    let hint = re(&H, r"Did you mean '([A-Za-z_$][\w$]*)'\?")
        .captures(msg)
        .map(|h| h[1].to_string());
    Some((Some(c[1].to_string()), hint))
}

fn javac(msg: &str) -> Parsed {
    static R: OnceLock<Regex> = OnceLock::new();
    if !msg.contains("cannot find symbol") {
        return None;
    }
    let wrong = re(
        &R,
        r"symbol:\s+(?:variable|method|class)\s+([A-Za-z_$][\w$]*)",
    )
    .captures(msg)
    .map(|c| c[1].to_string());
    Some((wrong, None))
}

fn go(msg: &str) -> Parsed {
    static R: OnceLock<Regex> = OnceLock::new();
    static M: OnceLock<Regex> = OnceLock::new();
    if let Some(c) = re(
        &M,
        r"has no field or method (\w+), but does have (?:field|method) (\w+)",
    )
    .captures(msg)
    {
        return Some((Some(c[1].to_string()), Some(c[2].to_string())));
    }
    let c = re(&R, r"undefined: (?:\w+\.)?([A-Za-z_]\w*)").captures(msg)?;
    Some((Some(c[1].to_string()), None))
}

const RUST_KW: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn",
];
const TS_KW: &[&str] = &[
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "import",
    "in",
    "instanceof",
    "new",
    "null",
    "return",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "let",
    "type",
    "interface",
    "of",
    "as",
];
const JAVA_KW: &[&str] = &[
    "abstract",
    "boolean",
    "break",
    "byte",
    "case",
    "catch",
    "char",
    "class",
    "const",
    "continue",
    "default",
    "do",
    "double",
    "else",
    "enum",
    "extends",
    "final",
    "finally",
    "float",
    "for",
    "if",
    "implements",
    "import",
    "instanceof",
    "int",
    "interface",
    "long",
    "new",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "short",
    "static",
    "super",
    "switch",
    "this",
    "throw",
    "throws",
    "try",
    "void",
    "while",
    "var",
    "null",
    "true",
    "false",
];
const GO_KW: &[&str] = &[
    "break",
    "case",
    "chan",
    "const",
    "continue",
    "default",
    "defer",
    "else",
    "for",
    "func",
    "go",
    "goto",
    "if",
    "import",
    "interface",
    "map",
    "package",
    "range",
    "return",
    "select",
    "struct",
    "switch",
    "type",
    "var",
];

pub(super) static RUSTC: Compiler = Compiler {
    name: "rustc-similar-name",
    tools: &["rustc", "cargo", "cargo test"],
    parse: rustc,
    keywords: RUST_KW,
    values: None,
};
pub(super) static TSC: Compiler = Compiler {
    name: "tsc-did-you-mean",
    tools: &["tsc"],
    parse: tsc,
    keywords: TS_KW,
    values: None,
};
pub(super) static JAVAC: Compiler = Compiler {
    name: "javac-symbol",
    tools: &["javac", "maven", "gradle"],
    parse: javac,
    keywords: JAVA_KW,
    values: None,
};
pub(super) static GO: Compiler = Compiler {
    name: "go-undefined",
    tools: &["go", "go vet", "go test"],
    parse: go,
    keywords: GO_KW,
    values: Some(go_values),
};

/// Identifier tokens of a line with their byte offsets, outside string literals and
/// `//` comments (good enough for the C-like languages here).
fn idents(line: &str) -> Vec<(usize, &str)> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        if let Some(q) = quote {
            if c == b'\\' {
                i += 2;
                continue;
            }
            if c == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        if c == b'"' || c == b'\'' || c == b'`' {
            // A Rust lifetime or char is not worth telling apart: a quote ends at its pair.
            quote = Some(c);
            i += 1;
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            break;
        }
        if c.is_ascii_alphabetic() || c == b'_' || c == b'$' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$') {
                i += 1;
            }
            out.push((start, &line[start..i]));
            continue;
        }
        if c.is_ascii_digit() {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            continue;
        }
        i += 1;
    }
    out
}

/// Names one edit away from `wrong` among the file's identifiers ([`levenshtein::distance`]:
/// one insertion, deletion or substitution costs 2, a case change 1).
fn one_edit_away<'a>(wrong: &str, names: &[&'a str], keywords: &[&str]) -> Vec<&'a str> {
    let mut out: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| *n != wrong && !keywords.contains(n))
        .filter(|n| levenshtein::distance(wrong, n, 2) <= 2)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

impl Recipe for Compiler {
    fn name(&self) -> &'static str {
        self.name
    }

    fn find(&self, input: &RecipeInput<'_>) -> Result<Vec<RecipeFix>, String> {
        // path -> (new text, diagnoses)
        let mut changed: BTreeMap<String, (String, String, Vec<String>)> = BTreeMap::new();
        for (failure, rel) in named_files(input, self.tools) {
            let Some(line_no) = failure.line.map(|l| l as usize) else {
                continue;
            };
            let Some((wrong, hint)) = (self.parse)(&failure.message) else {
                continue;
            };
            let Some(file) = read_repo_file(input.root, &rel) else {
                continue;
            };
            let entry = changed
                .entry(rel.clone())
                .or_insert_with(|| (file.text.clone(), file.text.clone(), Vec::new()));
            let text = entry.1.clone();
            let lines: Vec<&str> = text.split('\n').collect();
            let Some(line) = lines.get(line_no.wrapping_sub(1)) else {
                continue;
            };
            let all: Vec<&str> = lines
                .iter()
                .flat_map(|l| idents(l))
                .map(|(_, w)| w)
                .collect();
            let on_line = idents(line);
            let wrong = match wrong {
                Some(w) => w,
                // javac names the symbol on the next lines; without them, the one name on
                // the line that the file uses nowhere else and that has a close neighbour.
                None => {
                    let lone: Vec<&str> = on_line
                        .iter()
                        .map(|(_, w)| *w)
                        .filter(|w| {
                            all.iter().filter(|a| *a == w).count()
                                == on_line.iter().filter(|(_, o)| o == w).count()
                                && one_edit_away(w, &all, self.keywords).len() == 1
                        })
                        .collect();
                    match lone.as_slice() {
                        [one] => one.to_string(),
                        _ => continue,
                    }
                }
            };
            if !on_line.iter().any(|(_, w)| *w == wrong) {
                continue;
            }
            let (right, why) = match hint {
                Some(h) if h != wrong => (h, "the compiler's own suggestion".to_string()),
                _ => match self.values {
                    Some(values) => {
                        let bound =
                            values(input.root, &rel, &text, line_no, &failure.message, &wrong);
                        match closest_value(&wrong, &bound) {
                            Some(one) => {
                                (one.to_string(), "the closest value bound there".to_string())
                            }
                            None => continue,
                        }
                    }
                    None => match one_edit_away(&wrong, &all, self.keywords).as_slice() {
                        [one] => (
                            one.to_string(),
                            "the only name in the file one edit away".to_string(),
                        ),
                        _ => continue,
                    },
                },
            };
            let mut new_line = String::with_capacity(line.len() + 4);
            let mut last = 0;
            for (at, w) in on_line.iter().filter(|(_, w)| *w == wrong) {
                new_line.push_str(&line[last..*at]);
                new_line.push_str(&right);
                last = at + w.len();
            }
            new_line.push_str(&line[last..]);
            let mut new_lines: Vec<&str> = lines.clone();
            new_lines[line_no - 1] = &new_line;
            entry.1 = new_lines.join("\n");
            entry.2.push(format!(
                "{rel}:{line_no}: `{wrong}` is not defined; `{right}` is {why}."
            ));
        }
        let mut edits = Vec::new();
        let mut diagnoses = Vec::new();
        for (rel, (before, after, notes)) in changed {
            if let Some(e) = tool::whole_change(&rel, &before, &after) {
                edits.push(e);
                diagnoses.extend(notes);
            }
        }
        if edits.is_empty() {
            return Ok(Vec::new());
        }
        Ok(vec![RecipeFix {
            recipe: self.name.to_string(),
            diagnosis: format!("{} (recipe {})", diagnoses.join(" "), self.name),
            edits,
        }])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_mistake() {
        assert_eq!(
            rustc("error[E0425]: cannot find value `summ` in this scope"),
            Some((Some("summ".into()), None))
        );
        assert_eq!(
            tsc("TS2552: Cannot find name 'totl'. Did you mean 'total'?"),
            Some((Some("totl".into()), Some("total".into())))
        );
        assert_eq!(
            tsc("TS2551: Property 'lenght' does not exist on type 'string[]'. Did you mean 'length'?"),
            Some((Some("lenght".into()), Some("length".into())))
        );
        assert_eq!(go("undefined: summ"), Some((Some("summ".into()), None)));
        assert_eq!(javac("cannot find symbol"), Some((None, None)));
        assert_eq!(idents(r#"let a = "b c"; // d"#), vec![(0, "let"), (4, "a")]);
        assert_eq!(
            one_edit_away("summ", &["sum", "sums", "x"], &[]),
            vec!["sum", "sums"]
        );
    }

    fn go_fix(src: &str, line: u32, message: &str) -> Vec<RecipeFix> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.go"), src).unwrap();
        let root = dir.path().canonicalize().unwrap();
        let analysis = crate::analyze::Analysis {
            failures: vec![crate::analyze::Failure {
                tool: "go".into(),
                file: Some("a.go".into()),
                line: Some(line),
                message: message.into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let opts = super::super::RecipeOptions::default();
        let input = RecipeInput {
            prefix: "",
            checkout: &root,
            root: &root,
            analysis: &analysis,
            opts: &opts,
            policy: None,
        };
        GO.find(&input).unwrap()
    }

    #[test]
    fn only_a_single_close_name_is_taken_and_only_on_the_reported_line() {
        let one = "package a\n\nfunc f() int {\n\tsum := 1\n\treturn summ // summ\n}\n";
        let fixes = go_fix(one, 5, "undefined: summ");
        assert_eq!(fixes.len(), 1);
        assert_eq!(fixes[0].edits[0].replace, "\treturn sum // summ\n");
        // Two names one edit away: no guess.
        let two = "package a\n\nfunc f() int {\n\tsum, sums := 1, 2\n\treturn summ + sums\n}\n";
        assert!(go_fix(two, 5, "undefined: summ").is_empty());
        // Not on the reported line, or no close name: nothing.
        assert!(go_fix(one, 4, "undefined: summ").is_empty());
        assert!(go_fix(one, 5, "undefined: zzzz").is_empty());
    }

    /// The issue's example: the file's only name one edit from `cnt` is the type `int`;
    /// the value in scope is the local `count` (an abbreviation, two insertions away).
    #[test]
    fn go_proposes_the_value_in_scope_not_a_type() {
        let src = "package tally\n\nfunc Count(words []string, n int) int {\n\tcount := 0\n\
                   \tfor _, w := range words {\n\t\tif len(w) > n {\n\t\t\tcount++\n\t\t}\n\t}\n\
                   \treturn cnt\n}\n";
        let fixes = go_fix(src, 10, "./a.go:10:9: undefined: cnt");
        assert_eq!(fixes.len(), 1, "{fixes:#?}");
        assert_eq!(fixes[0].edits[0].replace, "\treturn count\n");
        assert!(fixes[0].diagnosis.contains("closest value bound there"));
    }

    /// A name one edit away that is not bound at the line (declared after it, in another
    /// function, or a type) is no candidate; a parameter and a package-level value are.
    #[test]
    fn go_candidates_are_bound_at_the_line() {
        let later =
            "package a\n\nfunc f() int {\n\tx := totl\n\ttotal := 1\n\treturn x + total\n}\n";
        assert!(go_fix(later, 4, "undefined: totl").is_empty());
        let other =
            "package a\n\nfunc g() { total := 1; _ = total }\n\nfunc f() int {\n\treturn totl\n}\n";
        assert!(go_fix(other, 6, "undefined: totl").is_empty());
        let typ = "package a\n\ntype Total int\n\nfunc f() Total {\n\treturn Totl\n}\n";
        assert!(go_fix(typ, 6, "undefined: Totl").is_empty());
        let param = "package a\n\nfunc f(total int) int {\n\treturn totl\n}\n";
        assert_eq!(
            go_fix(param, 4, "undefined: totl")[0].edits[0].replace,
            "\treturn total\n"
        );
        let pkg = "package a\n\nfunc f() int {\n\treturn limt\n}\n\nconst limit = 3\n";
        assert_eq!(
            go_fix(pkg, 4, "undefined: limt")[0].edits[0].replace,
            "\treturn limit\n"
        );
    }

    /// `undefined: strings.Jon`: the scope holds `strings`, its members are the ones the
    /// file names elsewhere.
    #[test]
    fn go_qualified_names_take_the_members_the_file_uses() {
        let src = "package a\n\nimport \"strings\"\n\nfunc f(s []string) string {\n\t_ = strings.Join(s, \"\")\n\treturn strings.Jon(s, \",\")\n}\n";
        let fixes = go_fix(src, 7, "undefined: strings.Jon");
        assert_eq!(
            fixes[0].edits[0].replace,
            "\treturn strings.Join(s, \",\")\n"
        );
    }

    #[test]
    fn closest_value_needs_one_clear_winner() {
        let c = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            closest_value("cnt", &c(&["count", "n", "words"])),
            Some("count")
        );
        assert_eq!(closest_value("summ", &c(&["sum", "sums"])), None);
        assert_eq!(closest_value("idx", &c(&["index", "i"])), Some("index"));
        assert_eq!(closest_value("zzz", &c(&["count"])), None);
    }
}
