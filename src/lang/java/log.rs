//! Java: Maven Surefire/Failsafe (`<<< FAILURE!` blocks, `Tests run:`,
//! `Failures:`/`Errors:`/`Failed tests:`/`Tests in error:` summaries),
//! Gradle (`Class > method() FAILED` with its indented trace), Ant JUnit 4
//! (`Testcase: m(pkg.C): FAILED`) and JUnit 5 launcher (`Failures (N):`),
//! sbt (`Test pkg.C.m failed:`), and compile errors from javac, Maven
//! (`[ERROR] /path/X.java:[12,5] msg`) and kotlinc (`e: file.kt:12:5 msg`).
//!
//! Test ids keep the framework's notation: `method(pkg.Class)` when the tool
//! prints it so, otherwise `pkg.Class#method`. The location is the first
//! stack frame in the project's own code (not the JDK, JUnit, build tools).

use crate::failure::paths;
use crate::failure::sink::{Found, LogParser, Sink, Tier, MAX_DETAILS};
use crate::failure::util::FastTrim;
use crate::failure::{Failure, FailureKind};
use std::collections::HashMap;

const MAX_PENDING: usize = 2000;

#[derive(Debug, Default)]
struct JTest {
    id: String,
    tool: &'static str,
    message: Option<String>,
    /// (class.method, file, line) in order, top of the stack first.
    frames: Vec<(String, String, u32)>,
    /// `Class.java:12` from a summary line when no frames are known.
    summary_loc: Option<(String, u32)>,
    details: Vec<String>,
    error: bool,
    /// Further runs of the same test that failed (reruns, several Gradle tasks).
    repeats: u32,
}

#[derive(Debug, PartialEq)]
enum Mode {
    None,
    /// Reading the trace of `tests[i]`; `indent` for Gradle's indented block.
    Trace {
        i: usize,
        indented: bool,
    },
    /// Inside a Surefire `Failures:` / `Errors:` / `Failed tests:` list.
    Summary,
    /// Inside the JUnit 5 launcher's `Failures (N):` list (Ant).
    Launcher,
}

#[derive(Debug)]
pub struct Java {
    tests: Vec<JTest>,
    index: HashMap<String, usize>,
    mode: Mode,
    /// Launcher entries name the class on the line after the test.
    launcher_pending: Option<String>,
    current_launcher: Option<usize>,
    java_colon: memchr::memmem::Finder<'static>,
}

impl Default for Java {
    fn default() -> Self {
        Java {
            tests: Vec::new(),
            index: HashMap::new(),
            mode: Mode::None,
            launcher_pending: None,
            current_launcher: None,
            java_colon: memchr::memmem::Finder::new(b".java:").into_owned(),
        }
    }
}

/// Drops Maven/Ant/sbt line prefixes: `[ERROR] `, `[junit] `, `[info] `...
fn strip_prefixes(l: &str) -> &str {
    let mut s = l.trim_start_fast();
    loop {
        // Every prefix opens with `[`: most lines are done after one byte.
        if !s.starts_with('[') {
            return s;
        }
        let before = s.len();
        for p in [
            "[ERROR]",
            "[INFO]",
            "[WARNING]",
            "[WARN]",
            "[junit]",
            "[info]",
            "[error]",
            "[javac]",
        ] {
            if let Some(r) = s.strip_prefix(p) {
                s = r.trim_start_fast();
            }
        }
        if s.len() == before {
            return s;
        }
    }
}

/// `pkg.Class.method(args)[n]` → `pkg.Class#method(args)[n]`.
fn dotted_to_hash(id: &str) -> String {
    let head_end = id.find('(').unwrap_or(id.len());
    match id[..head_end].rfind('.') {
        Some(i) => format!("{}#{}", &id[..i], &id[i + 1..]),
        None => id.to_string(),
    }
}

/// Merge key: simple class name + method, from any notation.
fn key_of(id: &str) -> String {
    // `method(pkg.Class)`
    if let Some(open) = id.find('(') {
        let method = &id[..open];
        if !method.contains('.') && !method.contains('#') && id.ends_with(')') {
            let class = &id[open + 1..id.len() - 1];
            let simple = class.rsplit('.').next().unwrap_or(class);
            return format!("{simple}.{method}");
        }
    }
    let head = &id[..id.find('(').unwrap_or(id.len())];
    let head = head.split(':').next().unwrap_or(head);
    let (class, method) = match head.rfind(['#', '.']) {
        Some(i) => (&head[..i], &head[i + 1..]),
        None => ("", head),
    };
    // `Sub>Base.method`: the class the test ran in comes first.
    let class = class.split('>').next().unwrap_or(class);
    let simple = class.rsplit('.').next().unwrap_or(class);
    format!("{simple}.{method}")
}

/// A stack frame: `at pkg.C.m(C.java:12)` (also Ant's bare form and
/// Gradle's `app//` / JDK module prefixes).
fn frame(s: &str) -> Option<(String, String, u32)> {
    let t = s.trim_start_fast();
    let t = t.strip_prefix("at ").unwrap_or(t);
    let open = t.find('(')?;
    let close = t[open..].find(')')? + open;
    let mut qual = &t[..open];
    if let Some(i) = qual.rfind('/') {
        qual = &qual[i + 1..];
    }
    if qual.is_empty() || qual.contains(' ') || !qual.contains('.') {
        return None;
    }
    let inner = &t[open + 1..close];
    let (file, line) = inner.rsplit_once(':')?;
    let line = line.parse().ok()?;
    if !(file.ends_with(".java")
        || file.ends_with(".kt")
        || file.ends_with(".scala")
        || file.ends_with(".groovy"))
    {
        return None;
    }
    Some((qual.to_string(), file.to_string(), line))
}

/// A frame whose location is not a file (`(Native Method)`, `(Unknown Source)`).
fn frame_like(s: &str) -> bool {
    let t = s.trim_start_fast();
    let t = t.strip_prefix("at ").unwrap_or(t);
    match t.find('(') {
        Some(open) => {
            open > 0 && !t[..open].contains(' ') && t[..open].contains('.') && t.ends_with(')')
        }
        None => false,
    }
}

fn is_library_class(q: &str) -> bool {
    const LIB: &[&str] = &[
        "java.",
        "javax.",
        "jdk.",
        "sun.",
        "com.sun.",
        "org.junit.",
        "junit.",
        "org.opentest4j.",
        "org.apache.maven.",
        "org.gradle.",
        "worker.org.gradle.",
        "org.assertj.",
        "org.hamcrest.",
        "org.mockito.",
        "kotlin.",
        "kotlinx.",
        "scala.",
        "org.testng.",
        "net.bytebuddy.",
        "org.spockframework.",
        "groovy.",
        "org.codehaus.groovy.",
        "org.apache.tools.ant.",
        "com.google.common.",
        "org.springframework.",
        "reactor.",
        "io.netty.",
        "org.eclipse.jetty.",
    ];
    LIB.iter().any(|p| q.starts_with(p))
}

/// `pkg.sub.Class.method` + `Class.java` → `pkg/sub/Class.java`.
fn frame_path(qual: &str, file: &str) -> String {
    let mut parts: Vec<&str> = qual.split('.').collect();
    parts.pop(); // method
    parts.pop(); // class
    if parts.is_empty() {
        return file.to_string();
    }
    format!("{}/{}", parts.join("/"), file)
}

/// The first two package components of the test's class (`com.acme`), the
/// best guess at "the project's own code"; `None` without a package.
fn package_root(id: &str) -> Option<String> {
    let class = match id.find('(') {
        // `method(pkg.Class)`
        Some(open)
            if id.ends_with(')')
                && id[open + 1..id.len() - 1].contains('.')
                && !id[..open].contains(['.', '#']) =>
        {
            &id[open + 1..id.len() - 1]
        }
        Some(open) => &id[..open],
        None => id,
    };
    let class = class.split('#').next().unwrap_or(class);
    let parts: Vec<&str> = class.split('.').collect();
    // Need at least package + class, and the root must be a package (lowercase).
    if parts.len() < 3
        || !parts[0]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase())
    {
        return None;
    }
    Some(format!("{}.{}.", parts[0], parts[1]))
}

impl Java {
    pub fn new() -> Self {
        Self::default()
    }

    fn test(&mut self, id: &str, tool: &'static str, error: bool) -> Option<usize> {
        let key = key_of(id);
        if let Some(&i) = self.index.get(&key) {
            return Some(i);
        }
        if self.tests.len() >= MAX_PENDING {
            return None;
        }
        self.index.insert(key, self.tests.len());
        self.tests.push(JTest {
            id: id.to_string(),
            tool,
            error,
            ..Default::default()
        });
        Some(self.tests.len() - 1)
    }

    fn start_trace(&mut self, id: &str, tool: &'static str, error: bool, indented: bool) {
        self.mode = match self.test(id, tool, error) {
            Some(i) if self.tests[i].message.is_none() && self.tests[i].frames.is_empty() => {
                Mode::Trace { i, indented }
            }
            Some(i) => {
                // A rerun of a known test: count it, keep the first trace.
                self.tests[i].repeats = self.tests[i].repeats.saturating_add(1);
                Mode::None
            }
            None => Mode::None,
        };
    }

    fn compile_error(&self, path: &str, line: u32, msg: &str, tool: &str, out: &mut Sink) {
        let f = Failure {
            kind: FailureKind::CompileError,
            tool: tool.into(),
            file: Some(paths::normalize(path)),
            line: Some(line),
            message: msg.trim_fast().to_string(),
            ..Default::default()
        };
        out.push(Found::new(f, Tier::Strong));
    }

    /// Feeds one cleaned line.
    pub fn line(&mut self, raw: &str, out: &mut Sink) {
        let s = strip_prefixes(raw);
        if let Mode::Trace { i, indented } = self.mode {
            if self.trace_line(i, indented, raw, s) {
                return;
            }
            self.mode = Mode::None;
        }
        if self.mode == Mode::Summary {
            if self.summary_line(raw, s) {
                return;
            }
            self.mode = Mode::None;
        }
        if self.mode == Mode::Launcher {
            if self.launcher_line(s) {
                return;
            }
            self.mode = Mode::None;
        }
        if s.is_empty() {
            return;
        }
        let b = s.as_bytes()[0];

        // Surefire: `pkg.C.m  Time elapsed: 0.1 s  <<< FAILURE!` (also `m(pkg.C)`).
        if s.ends_with("<<< FAILURE!") || s.ends_with("<<< ERROR!") {
            if !s.starts_with("Tests run:") {
                if let Some(i) = s.find("Time elapsed") {
                    let id = s[..i].trim_fast().trim_end_matches("--").trim_fast();
                    if !id.is_empty() && !id.contains(' ') {
                        let id = if id.ends_with(')') {
                            super::ids::canonical(id)
                        } else {
                            dotted_to_hash(id)
                        };
                        let error = s.ends_with("<<< ERROR!");
                        let tool = if raw.contains("IT") && id.contains("IT") {
                            "failsafe"
                        } else {
                            "maven"
                        };
                        self.start_trace(&id, tool, error, false);
                    }
                }
            }
            return;
        }
        // Gradle: `Class > method() FAILED` at column 0.
        if raw.ends_with(" FAILED")
            && !raw.starts_with(' ')
            && raw.contains(" > ")
            && !raw.starts_with("> Task")
        {
            let body = raw[..raw.len() - 7].trim_fast();
            let segs: Vec<&str> = body.split(" > ").map(str::trim).collect();
            if segs.len() >= 2 && !segs[0].contains(' ') {
                let last = segs[segs.len() - 1];
                let id = if last.contains('.') && last.contains('(') && !last.starts_with('[') {
                    // JUnit 5 display of a parameterised case: already fully qualified.
                    dotted_to_hash(last)
                } else {
                    format!("{}#{}", segs[..segs.len() - 1].join("$"), last)
                };
                self.start_trace(&id, "gradle", false, true);
                return;
            }
        }
        match b {
            b'F' | b'T' | b'E' => {
                if s.starts_with("Failures:")
                    || s.starts_with("Errors:")
                    || s == "Failed tests:"
                    || s == "Tests in error:"
                    || s.starts_with("Failed tests: ")
                    || s.starts_with("Tests in error: ")
                {
                    self.mode = Mode::Summary;
                    // Old Surefire puts the first entry on the header line.
                    if let Some(rest) = s
                        .strip_prefix("Failed tests:")
                        .or_else(|| s.strip_prefix("Tests in error:"))
                    {
                        if !rest.trim_fast().is_empty() {
                            self.summary_line(rest, rest.trim_fast());
                        }
                    }
                    return;
                }
                if let Some(rest) = s
                    .strip_prefix("Failures (")
                    .or_else(|| s.strip_prefix("Errors ("))
                {
                    if rest.ends_with("):") {
                        self.mode = Mode::Launcher;
                        return;
                    }
                }
                // Ant JUnit 4: `Testcase: m(pkg.C):\tFAILED` / `Caused an ERROR`.
                if let Some(rest) = s.strip_prefix("Testcase: ") {
                    let (id, status) = match rest.rsplit_once("):") {
                        Some((id, st)) => (format!("{id})"), st.trim_fast()),
                        None => return,
                    };
                    if status.starts_with("FAILED") || status.contains("ERROR") {
                        self.start_trace(&id, "ant", status.contains("ERROR"), false);
                    }
                    return;
                }
                // sbt junit-interface: `Test pkg.C.m failed: msg, took 0.1s`.
                if let Some(rest) = s.strip_prefix("Test ") {
                    if let Some((id, msg)) = rest.split_once(" failed: ") {
                        if !id.contains(' ') {
                            let id = dotted_to_hash(id);
                            if let Some(i) = self.test(&id, "sbt", false) {
                                let msg = msg.rsplit_once(", took ").map(|x| x.0).unwrap_or(msg);
                                self.tests[i].message.get_or_insert_with(|| msg.to_string());
                                self.mode = Mode::Trace { i, indented: false };
                            }
                        }
                    }
                    return;
                }
            }
            b'e' => {
                // kotlinc: `e: file:///p/X.kt:12:5 msg` or `e: /p/X.kt: (12, 5): msg`.
                if let Some(rest) = s.strip_prefix("e: ") {
                    let rest = rest.strip_prefix("file://").unwrap_or(rest);
                    if let Some((path, tail)) = rest.split_once(".kt") {
                        let path = format!("{path}.kt");
                        let tail = tail.trim_start_matches('s');
                        let nums: String =
                            tail.chars().take_while(|c| !c.is_alphabetic()).collect();
                        let line = nums
                            .split(|c: char| !c.is_ascii_digit())
                            .find(|x| !x.is_empty())
                            .and_then(|x| x.parse().ok());
                        if let Some(line) = line {
                            let msg = tail[nums.len()..].trim_fast();
                            self.compile_error(&path, line, msg, "kotlinc", out);
                        }
                    }
                    return;
                }
            }
            _ => {}
        }
        let Some(p) = self.java_colon.find(s.as_bytes()) else {
            return;
        };
        // Maven compiler: `/path/X.java:[12,5] msg`.
        if s.as_bytes().get(p + 6) == Some(&b'[') {
            let path = &s[..p + 5];
            let rest = &s[p + 7..];
            if let Some(close) = rest.find(']') {
                let line = rest[..close]
                    .split(',')
                    .next()
                    .and_then(|x| x.trim_fast().parse().ok());
                if let (Some(line), false) = (line, path.contains(' ')) {
                    if raw.contains("[ERROR]")
                        || !raw.contains("[WARNING]") && !raw.contains("warning")
                    {
                        self.compile_error(path, line, &rest[close + 1..], "maven", out);
                    }
                }
            }
            return;
        }
        // javac: `path/X.java:12: error: msg`.
        {
            let path = &s[..p + 5];
            let rest = &s[p + 6..];
            if let Some((num, msg)) = rest.split_once(": error: ") {
                if let (Ok(line), false) = (num.parse::<u32>(), path.contains(' ')) {
                    self.compile_error(path, line, msg, "javac", out);
                }
            }
        }
    }

    /// One line of a failure's trace; false when the trace is over.
    fn trace_line(&mut self, i: usize, indented: bool, raw: &str, s: &str) -> bool {
        if indented {
            // Gradle: the block is indented; anything at column 0 ends it.
            if !raw.is_empty() && !raw.starts_with(' ') && !raw.starts_with('\t') {
                return false;
            }
        } else if s.starts_with("Tests run:")
            || s.starts_with("Running ")
            || s.starts_with("Results")
            || s.ends_with("<<< FAILURE!")
            || s.ends_with("<<< ERROR!")
            || s.starts_with("Testsuite:")
            || s.starts_with("Testcase:")
            || s.starts_with("Test ") && s.contains(" FAILED")
            || raw.starts_with("[INFO]")
        {
            return false;
        }
        let t = &mut self.tests[i];
        if s.is_empty() {
            // A blank line may separate a multi-line message from its frames.
            return indented || t.frames.is_empty();
        }
        if let Some(f) = frame(s) {
            if t.frames.len() < 64 {
                t.frames.push(f);
            }
            return true;
        }
        if s.starts_with("...") || s.starts_with("[...]") || s.starts_with("at ") && frame_like(s) {
            return true;
        }
        if let Some(c) = s.strip_prefix("Caused by: ") {
            if t.details.len() < MAX_DETAILS {
                t.details.push(format!("Caused by: {c}"));
            }
            return true;
        }
        if t.message.as_deref().is_some_and(|m| m.ends_with(':')) && t.frames.is_empty() {
            // `AssertionFailedError:` with the text on the next line.
            if let Some(m) = t.message.as_mut() {
                m.push(' ');
                m.push_str(s);
            }
            return true;
        }
        if t.message.is_none() {
            // Gradle's short form: `java.lang.AssertionError at Foo.java:100`.
            if let Some((exc, at)) = s.rsplit_once(" at ") {
                if let Some((file, line)) = at.rsplit_once(':') {
                    if let (true, Ok(n)) = (
                        file.ends_with(".java") || file.ends_with(".kt"),
                        line.parse::<u32>(),
                    ) {
                        t.summary_loc = Some((file.to_string(), n));
                        t.message = Some(exc.to_string());
                        return true;
                    }
                }
            }
            t.message = Some(s.to_string());
        } else if t.frames.is_empty() && t.details.len() < 6 {
            // A multi-line assertion message.
            t.details.push(s.to_string());
        } else if !t.frames.is_empty() && !indented {
            return false;
        }
        true
    }

    /// One entry of a Surefire summary list; false when the list is over.
    fn summary_line(&mut self, raw: &str, s: &str) -> bool {
        if s.starts_with("Tests run:") || raw.starts_with("[INFO]") || raw.starts_with("[WARNING]")
        {
            return false;
        }
        if s.is_empty()
            || s.starts_with("Errors:")
            || s.starts_with("Failures:")
            || s.starts_with("Flakes:")
        {
            return true;
        }
        // Entries are indented (`[ERROR]   X` / `  X`); lines at the margin
        // continue the previous entry's multi-line message.
        let body = raw.strip_prefix("[ERROR]").unwrap_or(raw);
        if !body.starts_with("  ") && !body.starts_with('\t') {
            return !raw.starts_with('[');
        }
        if s.starts_with("Run ") {
            // `Run 1: Class.setUp:68 » Exc` under a flaky test: evidence, not a test.
            return true;
        }
        // `Class.method:72 message` / `Class.method:72 » Exc msg` / `m(pkg.C): msg` / `Class.method`.
        let (id, rest) = if let Some(p) = s.find("): ") {
            (&s[..p + 1], Some(s[p + 3..].trim_fast()))
        } else {
            match s.split_once(' ') {
                Some((a, b)) => (a, Some(b.trim_fast())),
                None => (s, None),
            }
        };
        if id.contains(' ') || !(id.contains('.') || id.contains('(')) {
            return false;
        }
        // A bare class name (sbt's list of failed suites) names no test.
        if rest.is_none() && !id.contains('(') && !id.contains(':') {
            return true;
        }
        let (id, line) = match id.rsplit_once(':') {
            Some((a, n)) if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() => {
                (a, n.parse::<u32>().ok())
            }
            _ => (id, None),
        };
        let display = if id.ends_with(')') {
            super::ids::canonical(id)
        } else {
            dotted_to_hash(id)
        };
        if let Some(i) = self.test(&display, "maven", false) {
            let t = &mut self.tests[i];
            if t.message.is_none() {
                t.message = rest
                    .map(|r| r.trim_start_matches('»').trim_fast().to_string())
                    .filter(|r| !r.is_empty());
            }
            if let Some(n) = line {
                let class = id.split('>').next().unwrap_or(id);
                let class = class.rsplit_once('.').map(|x| x.0).unwrap_or(class);
                let simple = class.rsplit('.').next().unwrap_or(class);
                t.summary_loc.get_or_insert((format!("{simple}.java"), n));
            }
        }
        true
    }

    /// One line of the JUnit 5 launcher's failure list; false when it is over.
    fn launcher_line(&mut self, s: &str) -> bool {
        if s.is_empty() {
            return true;
        }
        if let Some(rest) = s
            .strip_prefix("JUnit Jupiter:")
            .or_else(|| s.strip_prefix("JUnit Vintage:"))
        {
            self.launcher_pending = Some(rest.to_string());
            return true;
        }
        if let Some(rest) = s.strip_prefix("MethodSource [className = '") {
            let class = rest.split('\'').next().unwrap_or("");
            let method = rest
                .split("methodName = '")
                .nth(1)
                .and_then(|m| m.split('\'').next())
                .unwrap_or("");
            if let Some(_p) = self.launcher_pending.take() {
                let id = format!("{class}#{method}");
                if let Some(i) = self.test(&id, "ant", false) {
                    self.mode = Mode::Launcher;
                    self.current_launcher = Some(i);
                }
            }
            return true;
        }
        if let Some(msg) = s.strip_prefix("=> ") {
            if let Some(i) = self.current_launcher {
                self.tests[i].message.get_or_insert_with(|| msg.to_string());
            }
            return true;
        }
        if let Some(f) = frame(s) {
            if let Some(i) = self.current_launcher {
                if self.tests[i].frames.len() < 64 {
                    self.tests[i].frames.push(f);
                }
            }
            return true;
        }
        s.starts_with("[...]") || s.starts_with("...") || frame_like(s)
    }

    /// Emits every test failure held so far.
    pub fn finish(&mut self, out: &mut Sink) {
        self.mode = Mode::None;
        self.current_launcher = None;
        self.index.clear();
        for t in std::mem::take(&mut self.tests) {
            let root = package_root(&t.id);
            let ours = |q: &str| root.as_deref().is_some_and(|r| q.starts_with(r));
            let chosen = t
                .frames
                .iter()
                .find(|f| ours(&f.0))
                .or_else(|| t.frames.iter().find(|f| !is_library_class(&f.0)));
            let (file, line) = match (chosen, &t.summary_loc) {
                (Some((q, file, line)), _) => (Some(frame_path(q, file)), Some(*line)),
                (None, Some((file, line))) => (Some(file.clone()), Some(*line)),
                _ => (None, None),
            };
            let f = Failure {
                kind: FailureKind::TestFailure,
                tool: t.tool.into(),
                test: Some(t.id.clone()),
                file,
                line,
                message: t.message.clone().unwrap_or_else(|| {
                    if t.error {
                        "error".into()
                    } else {
                        "failed".into()
                    }
                }),
                repeats: t.repeats,
                ..Default::default()
            };
            let mut found = Found::new(f, Tier::Strong);
            found.details = t.details.clone();
            for (q, file, line) in t
                .frames
                .iter()
                .filter(|f| ours(&f.0) || !is_library_class(&f.0))
                .take(6)
            {
                found.details.push(format!("at {q}({file}:{line})"));
            }
            out.push(found);
        }
    }
}

impl LogParser for Java {
    fn line(&mut self, l: &str, out: &mut Sink) {
        Java::line(self, l, out)
    }
    fn finish(&mut self, out: &mut Sink) {
        Java::finish(self, out)
    }
}

/// Parses a whole cleaned text (tests and small inputs).
pub fn parse(text: &str) -> Vec<Failure> {
    crate::failure::sink::parse_text(Java::new(), text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surefire_block_and_summary_merge() {
        let log = "\
[INFO] Running com.acme.calc.CalcTest
[ERROR] Tests run: 2, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.014 s <<< FAILURE! - in com.acme.calc.CalcTest
[ERROR] com.acme.calc.CalcTest.adds  Time elapsed: 0.006 s  <<< FAILURE!
org.opentest4j.AssertionFailedError: expected: <4> but was: <3>
\tat org.junit.jupiter.api.AssertionUtils.fail(AssertionUtils.java:55)
\tat com.acme.calc.Calc.add(Calc.java:7)
\tat com.acme.calc.CalcTest.adds(CalcTest.java:12)
\tat java.base/java.lang.reflect.Method.invoke(Method.java:568)

[INFO] Results:
[ERROR] Failures: 
[ERROR]   CalcTest.adds:12 expected: <4> but was: <3>
[ERROR] Tests run: 2, Failures: 1, Errors: 0, Skipped: 0
";
        let f = parse(log);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].test.as_deref(), Some("com.acme.calc.CalcTest#adds"));
        assert_eq!(
            f[0].message,
            "org.opentest4j.AssertionFailedError: expected: <4> but was: <3>"
        );
        // First frame in the project's code, not JUnit's.
        assert_eq!(
            (f[0].file.as_deref(), f[0].line),
            (Some("com/acme/calc/Calc.java"), Some(7))
        );
    }

    #[test]
    fn old_surefire_lists() {
        let log = "\
Results :

Failed tests: 
  shouldAdd(com.acme.CalcTest): expected:<4> but was:<3>
Tests in error: 
  CalcTest.divides:31 » Arithmetic / by zero

Tests run: 5, Failures: 1, Errors: 1, Skipped: 0
";
        let f = parse(log);
        let ids: Vec<_> = f.iter().filter_map(|f| f.test.as_deref()).collect();
        assert_eq!(ids, vec!["com.acme.CalcTest#shouldAdd", "CalcTest#divides"]);
        assert_eq!(f[1].message, "Arithmetic / by zero");
        assert_eq!(
            (f[1].file.as_deref(), f[1].line),
            (Some("CalcTest.java"), Some(31))
        );
    }

    #[test]
    fn gradle_failure_and_repeat() {
        let log = "\
FooTest > GetUser > returnsNotFound() FAILED
    org.opentest4j.AssertionFailedError: expected: <404> but was: <200>
        at app//org.junit.jupiter.api.AssertionUtils.fail(AssertionUtils.java:55)
        at app//com.acme.FooTest$GetUser.returnsNotFound(FooTest.java:82)

3 tests completed, 1 failed
> Task :test FAILED
FooTest > GetUser > returnsNotFound() FAILED
    java.lang.AssertionError at FooTest.java:82
";
        let f = parse(log);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            f[0].test.as_deref(),
            Some("FooTest$GetUser#returnsNotFound()")
        );
        assert_eq!(f[0].tool, "gradle");
        assert_eq!(
            (f[0].file.as_deref(), f[0].line),
            (Some("com/acme/FooTest.java"), Some(82))
        );
        assert_eq!(f[0].repeats, 1);
    }

    #[test]
    fn compile_errors() {
        let log = "\
[ERROR] COMPILATION ERROR : 
[ERROR] /home/runner/work/app/app/src/main/java/com/acme/Calc.java:[12,5] cannot find symbol
[WARNING] /home/runner/work/app/app/src/main/java/com/acme/Old.java:[3,1] deprecated
src/main/java/com/acme/Util.java:9: error: ';' expected
e: file:///home/runner/work/app/app/src/main/kotlin/A.kt:4:9 Unresolved reference: foo
";
        let f = parse(log);
        let got: Vec<_> = f
            .iter()
            .map(|f| {
                (
                    f.kind,
                    f.file.clone().unwrap_or_default(),
                    f.line.unwrap_or(0),
                    f.message.clone(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    FailureKind::CompileError,
                    "src/main/java/com/acme/Calc.java".into(),
                    12,
                    "cannot find symbol".into()
                ),
                (
                    FailureKind::CompileError,
                    "src/main/java/com/acme/Util.java".into(),
                    9,
                    "';' expected".into()
                ),
                (
                    FailureKind::CompileError,
                    "src/main/kotlin/A.kt".into(),
                    4,
                    "Unresolved reference: foo".into()
                ),
            ]
        );
    }

    #[test]
    fn ant_junit4_and_launcher() {
        let log = "\
    [junit] Testcase: testInvoke(com.acme.CallTest):\tFAILED
    [junit] expected same
    [junit] junit.framework.AssertionFailedError: expected same
    [junit] \tat com.acme.CallTest.testInvoke(CallTest.java:969)
    [junit] 
    [junit] Test com.acme.CallTest FAILED
    [junit] Failures (1):
    [junit]   JUnit Jupiter:VaultTest:putBytes()
    [junit]     MethodSource [className = 'com.acme.vault.VaultTest', methodName = 'putBytes', methodParameterTypes = '']
    [junit]     => java.lang.RuntimeException: boom
    [junit]        com.acme.vault.Vault.put(Vault.java:44)
    [junit]        sun.reflect.NativeMethodAccessorImpl.invoke0(Native Method)
    [junit]        [...]
";
        let f = parse(log);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[0].test.as_deref(), Some("testInvoke(com.acme.CallTest)"));
        assert_eq!(
            (f[0].file.as_deref(), f[0].line),
            (Some("com/acme/CallTest.java"), Some(969))
        );
        assert_eq!(
            f[1].test.as_deref(),
            Some("com.acme.vault.VaultTest#putBytes")
        );
        assert_eq!(f[1].message, "java.lang.RuntimeException: boom");
        assert_eq!(
            (f[1].file.as_deref(), f[1].line),
            (Some("com/acme/vault/Vault.java"), Some(44))
        );
    }

    #[test]
    fn passing_runs_give_nothing() {
        let log = "\
[INFO] Tests run: 3, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.1 s - in com.acme.CalcTest
FooTest > works() PASSED
[INFO] BUILD SUCCESS
";
        assert!(parse(log).is_empty());
    }
}
