//! What localization is given: plain values the caller gathered (coverage read back by
//! a language's reader, functions from `syntax`, frames from the analysis, the lines
//! changed since the last green run, the failure messages). Paths are relative to the
//! repository root, `/`-separated; lines are 1-based.

use std::collections::{BTreeMap, BTreeSet};

/// Executed lines per file.
pub type FileLines = BTreeMap<String, BTreeSet<u32>>;

/// The lines one test run executed: one test, or an aggregate of several when the tool
/// could not tell them apart (then `tests` says how many it stands for).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TestRun {
    /// The test id, or a label for an aggregate.
    pub id: String,
    /// How many tests this record stands for: 1 for per-test coverage.
    pub tests: u32,
    pub lines: FileLines,
}

impl TestRun {
    pub fn single(id: impl Into<String>, lines: FileLines) -> TestRun {
        TestRun {
            id: id.into(),
            tests: 1,
            lines,
        }
    }
}

/// Coverage of the failing tests and of passing tests near them (same files/classes).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Coverage {
    pub failing: Vec<TestRun>,
    pub passing: Vec<TestRun>,
}

impl Coverage {
    /// Whether any failing test executed anything.
    pub fn executed_anything(&self) -> bool {
        self.failing
            .iter()
            .any(|r| r.tests > 0 && r.lines.values().any(|l| !l.is_empty()))
    }
}

/// What kind of definition a function is (from `syntax::FunctionKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    #[default]
    Function,
    /// A test block (`it("…")`).
    TestBlock,
    /// A hook block (`beforeEach`, `let`).
    Hook,
}

/// A function of a source file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FunctionInfo {
    pub name: String,
    pub qualified: String,
    pub role: Role,
    /// The whole definition (decorators and doc comments included).
    pub start_line: u32,
    pub end_line: u32,
    /// The definition proper: lines after it are the body.
    pub def_line: u32,
    pub decorators: Vec<String>,
    /// Names it calls.
    pub calls: Vec<String>,
    /// Its signature as written (whitespace collapsed): the types it takes.
    pub signature: String,
}

/// A type a file defines, with the text of its fields (its lines outside its methods).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TypeInfo {
    pub name: String,
    pub fields: String,
}

/// A file whose functions may be suspects.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceFile {
    pub path: String,
    /// A test file (its functions are suspects only as failing tests or fixtures).
    pub is_test: bool,
    pub functions: Vec<FunctionInfo>,
    /// The types (classes, structs, interfaces) it defines.
    pub types: Vec<TypeInfo>,
    /// Names called outside any function: what runs as the module loads (a static
    /// table's builder, a compiled pattern).
    pub top_level_calls: Vec<String>,
    /// The file's text, searched for the literals a failure message quotes; empty
    /// when not searched.
    pub text: String,
}

/// One frame of a stack trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub file: String,
    pub line: u32,
}

/// A failing test, as its id names it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FailingTest {
    /// Its file when known.
    pub file: Option<String>,
    /// The test function's name or qualified name (`TestX.test_y`, `suite works`).
    pub name: String,
}

/// Everything localization weighs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Evidence {
    /// None when nothing ran under coverage (a compile error, no tool).
    pub coverage: Option<Coverage>,
    pub files: Vec<SourceFile>,
    /// Innermost first (the raise, then its callers).
    pub frames: Vec<Frame>,
    /// Lines changed since the last green run (new side of the diff).
    pub changed: FileLines,
    /// The failure messages (and other text the failure printed) to find quoted
    /// literals and names in.
    pub messages: Vec<String>,
    pub failing_tests: Vec<FailingTest>,
}

impl SourceFile {
    /// A parsed file's functions as localization weighs them (with the names each calls).
    pub fn from_syntax(
        path: &str,
        is_test: bool,
        parsed: &crate::syntax::ParsedFile,
    ) -> SourceFile {
        use crate::syntax::FunctionKind;
        let functions = parsed
            .functions
            .iter()
            .enumerate()
            .map(|(i, f)| FunctionInfo {
                name: f.name.clone(),
                qualified: f.qualified.clone(),
                role: match f.kind {
                    FunctionKind::Test => Role::TestBlock,
                    FunctionKind::Hook => Role::Hook,
                    FunctionKind::Function | FunctionKind::Method => Role::Function,
                },
                start_line: f.span.start_line,
                end_line: f.span.end_line,
                def_line: f.def_line,
                decorators: f.decorators.clone(),
                calls: parsed.calls_in(i).into_iter().map(|c| c.name).collect(),
                signature: f.signature.clone(),
            })
            .collect();
        SourceFile {
            path: path.to_string(),
            is_test,
            functions,
            types: parsed
                .containers
                .iter()
                .map(|c| TypeInfo {
                    name: c.name.clone(),
                    fields: fields_text(parsed, c),
                })
                .collect(),
            top_level_calls: top_level_calls(parsed),
            text: parsed.text().to_string(),
        }
    }
}

/// Names written as calls (`name(`) on lines outside every function and class.
fn top_level_calls(parsed: &crate::syntax::ParsedFile) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, line) in parsed.text().lines().enumerate() {
        let l = i as u32 + 1;
        if parsed.functions.iter().any(|f| f.span.contains_line(l))
            || parsed.containers.iter().any(|c| c.span.contains_line(l))
        {
            continue;
        }
        let chars: Vec<char> = line.chars().collect();
        let mut j = 0;
        while j < chars.len() {
            if chars[j].is_alphabetic() || chars[j] == '_' {
                let start = j;
                while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
                    j += 1;
                }
                if chars.get(j) == Some(&'(') {
                    let name: String = chars[start..j].iter().collect();
                    if !out.contains(&name) && out.len() < 64 {
                        out.push(name);
                    }
                }
            } else {
                j += 1;
            }
        }
    }
    out
}

/// A container's lines outside its functions, at most 4 KiB: its fields' types.
fn fields_text(parsed: &crate::syntax::ParsedFile, c: &crate::syntax::Container) -> String {
    let mut out = String::new();
    for (i, line) in parsed.text().lines().enumerate() {
        let l = i as u32 + 1;
        if !c.span.contains_line(l) || parsed.functions.iter().any(|f| f.span.contains_line(l)) {
            continue;
        }
        if out.len() + line.len() > 4096 {
            break;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}
