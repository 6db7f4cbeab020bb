//! Ruby: RSpec (`Failures:` blocks, paired with their `rspec ./spec/x_spec.rb:12 #
//! description` lines, and files that failed to load), Minitest (`Failure:` and
//! `Error:` blocks naming `Class#test_name` or `test_name(Class)`), syntax errors,
//! and uncaught exceptions with their backtraces (`path.rb:12:in 'method': message
//! (Class)`, Ruby 3.4's quotes or older Rubies' backtick).
//!
//! Line-driven with bounded state, so it streams. RSpec prints the examples' ids
//! only in its closing list, so failures are held until that list ends (or the
//! input does).

use crate::failure::paths;
use crate::failure::sink::{Found, LogParser, Sink, Tier, MAX_DETAILS};
use crate::failure::util::clip;
use crate::failure::util::FastTrim;
use crate::failure::{Failure, FailureKind};
use regex::Regex;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// Most examples held until RSpec's closing list.
const MAX_PENDING: usize = 2000;
/// Most lines read into one failure's block.
const MAX_BLOCK_LINES: usize = 200;

/// `./lib/cart.rb:15:in 'first_name'` (RSpec prefixes `# `; Minitest indents).
static FRAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:# )?([^\s:]+\.r[bu]):(\d+)(?::in [`'](.*)'.*)?$").expect("static regex")
});
/// `path.rb:3:in 'm': undefined method 'x' for nil (NoMethodError)`.
static UNCAUGHT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([^\s:]+\.rb):(\d+):in [`'][^']*': (.+) \(([A-Z][\w:]*)\)$")
        .expect("static regex")
});
/// `/repo/lib/cart.rb:4: syntax error, unexpected 'end'`, also after an `<internal:…>` prefix.
static SYNTAX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\s)([^\s:]+\.rb):(\d+): (syntax errors?\b.*?)(?: \(SyntaxError\))?$")
        .expect("static regex")
});
/// What [`SYNTAX`] and [`UNCAUGHT`] need on a line, found before running them.
static RB_LOC: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new(".rb:"));
static SYNTAX_WORDS: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new("syntax error"));
static IN_METHOD: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new(":in "));
/// Minitest's block header: `  1) Failure:`, `  2) Error:`.
static MINITEST_HEAD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\d+\) (Failure|Error):$").expect("static regex"));
/// `Class#test_name [path:12]:` or `test_name(Class) [path:12]:` (older Minitest).
static MINITEST_TEST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:([\w:]+)#(\S.*?)|(\w+)\(([\w:]+)\))(?: \[([^\]]+?):(\d+)\])?:$")
        .expect("static regex")
});
/// RSpec's example header in `Failures:`: `  1) Cart sums prices`.
static RSPEC_HEAD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^  (\d+)\) (.+)$").expect("static regex"));
/// RSpec's closing list: `rspec ./spec/cart_spec.rb:4 # Cart sums prices`.
static RSPEC_RERUN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^rspec '?([^\s']+)'? # (.+)$").expect("static regex"));

#[derive(Debug, Default)]
struct Block {
    /// What the block is about: an RSpec description, a Minitest id, a spec file.
    name: String,
    /// `[path:line]` of a Minitest failure, the test's own line.
    at: Option<(String, u32)>,
    lines: Vec<String>,
    frames: Vec<(String, u32)>,
}

impl Block {
    fn named(name: &str) -> Block {
        Block {
            name: name.to_string(),
            ..Block::default()
        }
    }

    fn add(&mut self, l: &str) {
        let t = l.trim_fast();
        if let Some(c) = FRAME.captures(t) {
            if self.frames.len() < 64 {
                self.frames
                    .push((paths::normalize(&c[1]), c[2].parse().unwrap_or(0)));
            }
            return;
        }
        if self.lines.len() < MAX_DETAILS {
            self.lines.push(t.to_string());
        }
    }

    /// The innermost frame in the repository (Ruby prints innermost first), else
    /// the test's own line.
    fn location(&self) -> Option<(String, u32)> {
        self.frames
            .iter()
            .find(|(p, _)| in_repo(p))
            .cloned()
            .or_else(|| self.at.clone())
            .or_else(|| self.frames.first().cloned())
    }

    /// The error: `Class: message` when an exception names itself, else the
    /// expectation's lines (`expected: 2 got: 4`).
    fn message(&self) -> String {
        let lines: Vec<&str> = self
            .lines
            .iter()
            .map(String::as_str)
            .filter(|l| !l.is_empty() && !l.starts_with("Failure/Error:") && !is_caret(l))
            .collect();
        if let Some(i) = lines.iter().position(|l| is_exception_header(l)) {
            let head = lines[i].trim_end_matches(':');
            return match lines.get(i + 1).filter(|_| lines[i].ends_with(':')) {
                Some(text) => clip(&format!("{head}: {text}")),
                None => clip(head),
            };
        }
        clip(&lines.iter().take(3).copied().collect::<Vec<_>>().join(" "))
    }

    fn details(&self) -> Vec<String> {
        let mut d: Vec<String> = self
            .lines
            .iter()
            .filter(|l| !l.is_empty())
            .cloned()
            .collect();
        d.extend(
            self.frames
                .iter()
                .filter(|(p, _)| in_repo(p))
                .map(|(p, n)| format!("at {p}:{n}")),
        );
        d.truncate(MAX_DETAILS);
        d
    }
}

/// Gems, interpreters and toolchains are not the project's code.
fn in_repo(p: &str) -> bool {
    paths::in_repo(p) && !p.contains("/gems/") && !p.contains("/vendor/bundle/")
}

fn is_caret(l: &str) -> bool {
    !l.is_empty() && l.chars().all(|c| c == '^' || c == '~' || c == ' ')
}

/// `NoMethodError:`, `RSpec::Expectations::ExpectationNotMetError: text`, `Minitest::Assertion: x`.
fn is_exception_header(l: &str) -> bool {
    let name = l.split(':').next().unwrap_or("");
    let rest = &l[name.len()..];
    let name = l.split(": ").next().unwrap_or(l).trim_end_matches(':');
    !name.is_empty()
        && rest.starts_with(':')
        && name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ':' || c == '_')
        && (name.ends_with("Error") || name.ends_with("Exception") || name.contains("::"))
}

#[derive(Debug, PartialEq, Eq)]
enum Mode {
    None,
    /// RSpec's `Pending:` section, whose examples did not fail.
    Pending,
    /// RSpec's `Failures:` section.
    Failures,
    /// RSpec's `Failed examples:` list.
    Rerun,
}

#[derive(Debug)]
enum Open {
    RSpec(Block),
    RSpecLoad(Block),
    Minitest { error: bool, block: Block },
    Uncaught(Block, String),
}

/// The Ruby parser for the analysis engine.
pub struct Ruby {
    mode: Mode,
    open: Option<(Open, usize)>,
    /// RSpec failures waiting for their ids from the closing list.
    rspec: Vec<Block>,
    /// Description → `./spec/x_spec.rb:12`, from the closing list.
    ids: HashMap<String, String>,
    /// Minitest's test header is the line after `N) Failure:`.
    minitest_next: Option<bool>,
}

impl Default for Ruby {
    fn default() -> Self {
        Self::new()
    }
}

impl Ruby {
    pub fn new() -> Self {
        Ruby {
            mode: Mode::None,
            open: None,
            rspec: Vec::new(),
            ids: HashMap::new(),
            minitest_next: None,
        }
    }

    fn close(&mut self, out: &mut Sink) {
        let Some((open, _)) = self.open.take() else {
            return;
        };
        match open {
            Open::RSpec(b) => {
                if self.rspec.len() < MAX_PENDING {
                    self.rspec.push(b);
                }
            }
            Open::RSpecLoad(b) => {
                let syntax = b.lines.iter().any(|l| l.starts_with("SyntaxError"));
                let (kind, loc) = if syntax {
                    // The file that does not parse is on the line after `SyntaxError:`.
                    let at = b
                        .lines
                        .iter()
                        .find_map(|l| SYNTAX.captures(l))
                        .map(|c| (paths::normalize(&c[1]), c[2].parse().unwrap_or(0)));
                    (FailureKind::CompileError, at.or_else(|| b.location()))
                } else {
                    (FailureKind::TestFailure, b.location())
                };
                let message = match b.lines.iter().find_map(|l| SYNTAX.captures(l)) {
                    Some(c) => clip(&format!("SyntaxError: {}", &c[3])),
                    None => b.message(),
                };
                let f = Failure {
                    kind,
                    tool: "rspec".into(),
                    file: loc.as_ref().map(|l| l.0.clone()),
                    line: loc.map(|l| l.1),
                    message: format!("{} (while loading {})", message, b.name),
                    ..Default::default()
                };
                push(out, f, b.details(), Tier::Strong);
            }
            Open::Minitest { error, block } => {
                let loc = if error {
                    block.location()
                } else {
                    block.at.clone().or_else(|| block.location())
                };
                let f = Failure {
                    kind: FailureKind::TestFailure,
                    tool: "minitest".into(),
                    test: Some(block.name.clone()),
                    file: loc.as_ref().map(|l| l.0.clone()),
                    line: loc.map(|l| l.1),
                    message: block.message(),
                    ..Default::default()
                };
                push(out, f, block.details(), Tier::Strong);
            }
            Open::Uncaught(b, message) => {
                let loc = b.location();
                let f = Failure {
                    kind: FailureKind::Unknown,
                    tool: "ruby".into(),
                    file: loc.as_ref().map(|l| l.0.clone()),
                    line: loc.map(|l| l.1),
                    message,
                    ..Default::default()
                };
                push(out, f, b.details(), Tier::Weak);
            }
        }
    }

    /// The held RSpec failures, with the ids the closing list gave them.
    fn flush_rspec(&mut self, out: &mut Sink) {
        let ids = std::mem::take(&mut self.ids);
        let mut named: HashSet<&str> = HashSet::new();
        for b in std::mem::take(&mut self.rspec) {
            let id = ids.get_key_value(&b.name).map(|(desc, id)| {
                named.insert(desc.as_str());
                id.clone()
            });
            let loc = b.location();
            let f = Failure {
                kind: FailureKind::TestFailure,
                tool: "rspec".into(),
                test: id.map(|i| example_id(&i)),
                file: loc.as_ref().map(|l| l.0.clone()),
                line: loc.map(|l| l.1),
                message: b.message(),
                ..Default::default()
            };
            push(out, f, b.details(), Tier::Strong);
        }
        // Listed examples whose block the log lacks (cut, or another formatter).
        let mut rest: Vec<(&String, &String)> = ids
            .iter()
            .filter(|(d, _)| !named.contains(d.as_str()))
            .collect();
        rest.sort_by(|a, b| a.1.cmp(b.1));
        for (desc, id) in rest {
            let id = example_id(id);
            let (file, line) = match id.rsplit_once(':') {
                Some((f, n)) if n.chars().all(|c| c.is_ascii_digit()) => {
                    (Some(paths::normalize(f)), n.parse().ok())
                }
                _ => (None, None),
            };
            let f = Failure {
                kind: FailureKind::TestFailure,
                tool: "rspec".into(),
                test: Some(id),
                file,
                line,
                message: clip(desc),
                ..Default::default()
            };
            push(out, f, Vec::new(), Tier::Strong);
        }
    }

    pub fn line(&mut self, l: &str, out: &mut Sink) {
        let t = l.trim_end_fast();
        if let Some(error) = self.minitest_next.take() {
            if let Some(c) = MINITEST_TEST.captures(t) {
                let id = match (c.get(1), c.get(2), c.get(3), c.get(4)) {
                    (Some(class), Some(name), _, _) => {
                        format!("{}#{}", class.as_str(), name.as_str())
                    }
                    (_, _, Some(name), Some(class)) => {
                        format!("{}#{}", class.as_str(), name.as_str())
                    }
                    _ => String::new(),
                };
                let mut block = Block::named(&id);
                block.at = c.get(5).zip(c.get(6)).map(|(p, n)| {
                    (
                        paths::normalize(p.as_str()),
                        n.as_str().parse().unwrap_or(0),
                    )
                });
                self.open = Some((Open::Minitest { error, block }, 0));
                return;
            }
        }
        // Lines that end whatever block is open. (Each regex below runs only
        // on the lines its cheap check lets through: this runs on every line.)
        let minitest_head = (t.ends_with("Failure:") || t.ends_with("Error:"))
            .then(|| MINITEST_HEAD.captures(t))
            .flatten();
        if let Some(c) = minitest_head {
            self.close(out);
            self.minitest_next = Some(&c[1] == "Error");
            return;
        }
        let summary = is_summary(t);
        match t {
            "Failures:" => {
                self.close(out);
                self.mode = Mode::Failures;
                return;
            }
            "Pending: (Failures listed here are expected and do not affect your suite's status)" => {
                self.close(out);
                self.mode = Mode::Pending;
                return;
            }
            "Failed examples:" => {
                self.close(out);
                self.mode = Mode::Rerun;
                return;
            }
            _ => {}
        }
        if let Some(file) = t
            .strip_prefix("An error occurred while loading ")
            .map(|r| r.trim_end_matches('.'))
        {
            self.close(out);
            self.open = Some((Open::RSpecLoad(Block::named(&paths::normalize(file))), 0));
            return;
        }
        if self.mode == Mode::Rerun {
            if let Some(c) = RSPEC_RERUN.captures(t) {
                if self.ids.len() < MAX_PENDING {
                    self.ids.insert(c[2].to_string(), c[1].to_string());
                }
                return;
            }
            if !t.is_empty() {
                self.mode = Mode::None;
                self.flush_rspec(out);
            }
        }
        if summary || t.starts_with("Finished in ") || t == "rake aborted!" {
            self.close(out);
            if self.mode != Mode::Rerun {
                self.mode = Mode::None;
            }
            return;
        }
        if matches!(self.mode, Mode::Failures | Mode::Pending) {
            if let Some(c) = RSPEC_HEAD.captures(t) {
                self.close(out);
                if self.mode == Mode::Failures {
                    self.open = Some((Open::RSpec(Block::named(&c[2])), 0));
                }
                return;
            }
            if !t.is_empty() && !t.starts_with(' ') {
                self.close(out);
                self.mode = Mode::None;
            }
        }
        if let Some((open, n)) = self.open.as_mut() {
            // An uncaught exception goes on with its source snippet, `Did you mean?`
            // and its backtrace's indented `from` lines; nothing unindented after.
            let more = match open {
                Open::Uncaught(..) => {
                    t.is_empty()
                        || t.starts_with(char::is_whitespace)
                        || t.starts_with("Did you mean?")
                }
                _ => true,
            };
            if more && *n < MAX_BLOCK_LINES {
                *n += 1;
                let block = match open {
                    Open::RSpec(b) | Open::RSpecLoad(b) | Open::Uncaught(b, _) => b,
                    Open::Minitest { block, .. } => block,
                };
                block.add(t.trim_start_fast().strip_prefix("from ").unwrap_or(t));
                return;
            }
            if !more || *n >= MAX_BLOCK_LINES {
                self.close(out);
            }
        }
        let rb_loc = RB_LOC.find(t.as_bytes()).is_some();
        let syntax = (rb_loc && SYNTAX_WORDS.find(t.as_bytes()).is_some())
            .then(|| SYNTAX.captures(t))
            .flatten();
        if let Some(c) = syntax {
            let f = Failure {
                kind: FailureKind::CompileError,
                tool: "ruby".into(),
                file: Some(paths::normalize(&c[1])),
                line: c[2].parse().ok(),
                message: clip(&format!("SyntaxError: {}", &c[3])),
                ..Default::default()
            };
            push(out, f, vec![t.trim_fast().to_string()], Tier::Weak);
            return;
        }
        let uncaught = (rb_loc && IN_METHOD.find(t.as_bytes()).is_some())
            .then(|| UNCAUGHT.captures(t))
            .flatten();
        if let Some(c) = uncaught {
            let mut b = Block::default();
            b.add(&format!("{}:{}", &c[1], &c[2]));
            let message = clip(&format!("{}: {}", &c[4], &c[3]));
            self.open = Some((Open::Uncaught(b, message), 0));
        }
    }

    pub fn finish(&mut self, out: &mut Sink) {
        self.close(out);
        self.flush_rspec(out);
        self.mode = Mode::None;
        self.minitest_next = None;
    }
}

impl LogParser for Ruby {
    fn line(&mut self, l: &str, out: &mut Sink) {
        Ruby::line(self, l, out)
    }
    fn finish(&mut self, out: &mut Sink) {
        Ruby::finish(self, out)
    }
}

/// RSpec's and Minitest's closing lines: `3 examples, 1 failure`, `3 runs, 2 assertions, …`.
fn is_summary(t: &str) -> bool {
    if !t.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let mut words = t.split_whitespace();
    let (Some(n), Some(what)) = (words.next(), words.next()) else {
        return false;
    };
    n.chars().all(|c| c.is_ascii_digit())
        && matches!(
            what.trim_end_matches(','),
            "example" | "examples" | "runs" | "run"
        )
        && (t.contains("failure") || t.contains("assertion"))
}

/// `./spec/x_spec.rb:12` as RSpec prints it (its own rerun form, quotes dropped).
fn example_id(id: &str) -> String {
    id.trim_matches('\'').to_string()
}

fn push(out: &mut Sink, f: Failure, details: Vec<String>, tier: Tier) {
    let mut found = Found::new(f, tier);
    found.details = details;
    out.push(found);
}

/// Runs the parser over a whole cleaned text (tests and small inputs).
pub fn parse(text: &str) -> Vec<Failure> {
    crate::failure::sink::parse_text(Ruby::new(), text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// rspec 3.12 on Ruby 3.1, as run on a runner.
    const RSPEC: &str = "\
..F.F

Failures:

  1) Invoice applies the bulk discount from ten items
     Failure/Error: expect(invoice.total).to eq(18.0)

       expected: 18.0
            got: 20

       (compared using ==)
     # ./spec/invoice_spec.rb:11:in `block (2 levels) in <top (required)>'

  2) Cart names upcases the first
     Failure/Error: @items.first.fetch(0).upcase

     NoMethodError:
       undefined method `fetch' for nil:NilClass

           @items.first.fetch(0).upcase
                       ^^^^^^
     # ./lib/cart.rb:15:in `first_name'
     # ./spec/cart_spec.rb:16:in `block (3 levels) in <top (required)>'

Finished in 0.23627 seconds (files took 1.63 seconds to load)
5 examples, 2 failures

Failed examples:

rspec ./spec/invoice_spec.rb:9 # Invoice applies the bulk discount from ten items
rspec ./spec/cart_spec.rb:15 # Cart names upcases the first

";

    #[test]
    fn rspec_failures_get_their_ids_from_the_closing_list() {
        let f = parse(RSPEC);
        assert_eq!(f.len(), 2, "{f:#?}");
        assert_eq!(f[0].test.as_deref(), Some("./spec/invoice_spec.rb:9"));
        assert_eq!(f[0].file.as_deref(), Some("spec/invoice_spec.rb"));
        assert_eq!(f[0].line, Some(11));
        assert_eq!(f[0].message, "expected: 18.0 got: 20 (compared using ==)");
        assert_eq!(f[0].tool, "rspec");
        assert_eq!(f[1].test.as_deref(), Some("./spec/cart_spec.rb:15"));
        assert_eq!(
            (f[1].file.as_deref(), f[1].line),
            (Some("lib/cart.rb"), Some(15))
        );
        assert_eq!(
            f[1].message,
            "NoMethodError: undefined method `fetch' for nil:NilClass"
        );
        assert!(f.iter().all(|f| f.kind == FailureKind::TestFailure));
    }

    #[test]
    fn minitest_failures_and_errors_with_their_locations() {
        let text = "\
Run options: --seed 33613

# Running:

F.E

Finished in 0.002582s, 1161.9688 runs/s, 774.6458 assertions/s.

  1) Failure:
StackTest#test_size [/home/runner/work/s/s/test/stack_test.rb:6]:
Expected: 1
  Actual: 2

  2) Error:
StackTest#test_peek:
NoMethodError: undefined method `name' for 1:Integer

    @items.last.name
               ^^^^^
Did you mean?  names
    /home/runner/work/s/s/lib/stack.rb:16:in `peek'
    /home/runner/work/s/s/test/stack_test.rb:14:in `test_peek'

  3) Failure:
test_old(OldTest) [test/old_test.rb:3]:
Failed assertion, no message given.

3 runs, 2 assertions, 1 failures, 1 errors, 0 skips
";
        let f = parse(text);
        assert_eq!(f.len(), 3, "{f:#?}");
        assert_eq!(f[0].test.as_deref(), Some("StackTest#test_size"));
        assert_eq!(
            (f[0].file.as_deref(), f[0].line),
            (Some("test/stack_test.rb"), Some(6))
        );
        assert_eq!(f[0].message, "Expected: 1 Actual: 2");
        assert_eq!(f[1].test.as_deref(), Some("StackTest#test_peek"));
        assert_eq!(
            (f[1].file.as_deref(), f[1].line),
            (Some("lib/stack.rb"), Some(16))
        );
        assert_eq!(
            f[1].message,
            "NoMethodError: undefined method `name' for 1:Integer"
        );
        assert_eq!(f[2].test.as_deref(), Some("OldTest#test_old"));
        assert!(f.iter().all(|f| f.tool == "minitest"));
    }

    #[test]
    fn files_that_do_not_load_and_uncaught_exceptions() {
        let load = "\
An error occurred while loading ./spec/cart_spec.rb.
Failure/Error: require \"cart\"

SyntaxError:
  /home/runner/work/c/c/lib/cart.rb:4: syntax error, unexpected `end', expecting ')'
    end
    ^~~
# ./spec/cart_spec.rb:1:in `<top (required)>'
No examples found.

0 examples, 0 failures, 1 error occurred outside of examples
";
        let f = parse(load);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].kind, FailureKind::CompileError);
        assert_eq!(
            (f[0].file.as_deref(), f[0].line),
            (Some("lib/cart.rb"), Some(4))
        );
        assert!(
            f[0].message
                .starts_with("SyntaxError: syntax error, unexpected"),
            "{}",
            f[0].message
        );

        let crash = "\
/usr/lib/ruby/3.1.0/set.rb:9:in `x': undefined method `fetch' for nil:NilClass (NoMethodError)
\tfrom app/boom.rb:2:in `boom'
\tfrom app/boom.rb:4:in `<main>'
";
        let f = parse(crash);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(
            (f[0].file.as_deref(), f[0].line),
            (Some("app/boom.rb"), Some(2))
        );
        assert_eq!(f[0].tool, "ruby");
        assert_eq!(
            f[0].message,
            "NoMethodError: undefined method `fetch' for nil:NilClass"
        );

        let require = "<internal:/usr/lib/ruby/vendor_ruby/rubygems/core_ext/kernel_require.rb>:85:in `require': /home/runner/work/m/m/lib/stack.rb:4: syntax error, unexpected `end', expecting ')' (SyntaxError)\n";
        let f = parse(require);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(
            (f[0].file.as_deref(), f[0].line),
            (Some("lib/stack.rb"), Some(4))
        );
        assert_eq!(f[0].kind, FailureKind::CompileError);
    }

    #[test]
    fn ruby_34_quotes_and_a_list_without_blocks() {
        let f = parse("rspec ./spec/a_spec.rb:3 # A works\n");
        assert_eq!(f.len(), 0, "a rerun line outside the list is not a failure");
        let f = parse("Failed examples:\n\nrspec './spec/a_spec.rb[1:2]' # A works\n");
        assert_eq!(f[0].test.as_deref(), Some("./spec/a_spec.rb[1:2]"));
        let f = parse("lib/a.rb:3:in 'A#go': boom (RuntimeError)\n");
        assert_eq!(
            (f[0].file.as_deref(), f[0].line),
            (Some("lib/a.rb"), Some(3))
        );
    }
}
