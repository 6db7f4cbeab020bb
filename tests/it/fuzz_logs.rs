//! Hostile input for the log reader and every parser: arbitrary bytes,
//! invalid UTF-8, huge lines, floods of failures. Nothing may panic, and
//! state must stay bounded (capped failure list, bounded excerpt).

use proptest::prelude::*;
use self_heal::analyze::{self, analyze_reader, excerpt, AnalyzeOptions, MAX_FAILURES};
use self_heal::{lang, logs};
use std::io::{BufReader, Read};

/// Fragments that steer parsers into their states.
const PIECES: &[&str] = &[
    "FAILED ",
    "ERROR ",
    "::",
    "[",
    "]",
    " - ",
    "●",
    " › ",
    "Tests run: 1, Failures: 1",
    "<<< FAILURE!",
    "<<< ERROR!",
    "  Time elapsed: 1 s",
    "  File \"",
    "\", line ",
    ", in ",
    "E   ",
    "_____ ",
    " _____",
    "=== FAILURES ===",
    "=== 1 failed in 1s ===",
    "at ",
    "(",
    ")",
    ":12:",
    ":[3,4]",
    ".java",
    ".py",
    ".ts",
    "Traceback (most recent call last):",
    "FAIL: ",
    "======================================================================",
    "----------",
    "\x1b[31m",
    "\x1b]0;x\x07",
    "\r",
    "##[group]Run ",
    "##[endgroup]",
    "##[error]",
    "Post job cleanup.",
    "2023-09-21T12:55:36.1540905Z ",
    "1) ",
    " failing",
    "FAIL ",
    " > ",
    " FAILED",
    "Failures:",
    "Testcase: ",
    "JUnit Jupiter:",
    "MethodSource [className = '",
    "=> ",
    "e: ",
    "--> ",
    "panic: ",
    "--- FAIL: ",
    "error[E0308]: ",
    "    ",
    "\t",
    "é",
    "\u{0}",
    "…",
    "SyntaxError: x",
    "^",
];

fn line_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..8).prop_map(|v| v.concat())
}

fn text_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(line_strategy(), 0..60).prop_map(|v| v.join("\n"))
}

fn check_analysis(a: &analyze::Analysis, budget: usize) {
    assert!(a.failures.len() <= MAX_FAILURES);
    // The header and the "… and N more" line may exceed the budget by a line.
    assert!(
        excerpt::tokens(&a.context) <= budget + 64,
        "{} tokens",
        excerpt::tokens(&a.context)
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let text = logs::clean_bytes(&bytes);
        let a = analyze_reader(&bytes[..], &AnalyzeOptions::default()).unwrap();
        check_analysis(&a, 1500);
        for p in [lang::python::log::parse, lang::java::log::parse, lang::javascript::log::parse,
                  lang::go::log::parse, lang::rust::log::parse, analyze::diagnostics::parse] {
            let _ = p(&text);
        }
        let _ = logs::read_zip_bytes(&bytes);
        let mut zipish = b"PK\x03\x04".to_vec();
        zipish.extend_from_slice(&bytes);
        let _ = logs::read_zip_bytes(&zipish);
    }

    #[test]
    fn structured_garbage_never_panics(text in text_strategy(), budget in 0usize..2000) {
        let opts = AnalyzeOptions { budget_tokens: budget, ..Default::default() };
        let a = analyze::analyze_text(&text, &opts);
        check_analysis(&a, budget);
        let cleaned = logs::clean_text(&text);
        prop_assert_eq!(logs::clean_text(&cleaned), cleaned.clone(), "cleaning is idempotent");
        for p in [lang::python::log::parse, lang::java::log::parse, lang::javascript::log::parse,
                  lang::go::log::parse, lang::rust::log::parse, analyze::diagnostics::parse] {
            for f in p(&cleaned) {
                prop_assert!(!f.message.contains('\n'));
            }
        }
        // Streaming and in-memory analysis agree.
        let s = analyze_reader(text.as_bytes(), &opts).unwrap();
        prop_assert_eq!(s, a);
    }
}

/// A reader that repeats `unit` until `total` bytes were produced, without
/// holding them (so the test itself stays small).
struct Repeat {
    unit: Vec<u8>,
    pos: usize,
    left: u64,
}

impl Repeat {
    fn new(unit: &[u8], total: u64) -> Self {
        Repeat {
            unit: unit.to_vec(),
            pos: 0,
            left: total,
        }
    }
}

impl Read for Repeat {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut n = 0;
        while n < buf.len() && self.left > 0 {
            let chunk = (self.unit.len() - self.pos)
                .min(buf.len() - n)
                .min(self.left as usize);
            buf[n..n + chunk].copy_from_slice(&self.unit[self.pos..self.pos + chunk]);
            n += chunk;
            self.pos = (self.pos + chunk) % self.unit.len();
            self.left -= chunk as u64;
        }
        Ok(n)
    }
}

#[test]
fn hundred_megabyte_single_line() {
    // No newline at all: the reader keeps at most MAX_LINE bytes of it.
    let r = BufReader::new(Repeat::new(b"FAILED tests/x.py::t[", 100 << 20));
    let a = analyze_reader(r, &AnalyzeOptions::default()).unwrap();
    check_analysis(&a, 1500);
    assert!(a.context.len() < 16 * 1024);
}

#[test]
fn million_identical_failures_collapse() {
    let unit = b"FAILED tests/test_x.py::test_same - AssertionError: boom\n";
    let r = BufReader::new(Repeat::new(unit, unit.len() as u64 * 1_000_000));
    let a = analyze_reader(r, &AnalyzeOptions::default()).unwrap();
    assert_eq!(a.failures.len(), 1);
    assert_eq!(a.failures[0].repeats, 999_999);
    assert!(a.context.contains("(x1000000)"), "{}", a.context);
}

#[test]
fn flood_of_distinct_failures_is_capped() {
    let mut log = Vec::new();
    for i in 0..200_000u32 {
        log.extend_from_slice(format!("FAILED tests/t.py::test_{i} - boom {i}\n").as_bytes());
        log.extend_from_slice(
            format!(
                "Foo{i}Test > case{i}() FAILED\n    java.lang.AssertionError at Foo.java:{i}\n"
            )
            .as_bytes(),
        );
    }
    let a = analyze_reader(&log[..], &AnalyzeOptions::default()).unwrap();
    assert_eq!(a.failures.len(), MAX_FAILURES);
    check_analysis(&a, 1500);
    assert!(a.context.contains("… and "), "says how many are not shown");
}

#[test]
fn million_gradle_and_jest_repeats() {
    let unit = b"FooTest > bar() FAILED\n    java.lang.AssertionError at FooTest.java:3\nFAIL src/a.test.js\n  \xe2\x97\x8f a \xe2\x80\xba b\n\n    boom\n";
    let r = BufReader::new(Repeat::new(unit, unit.len() as u64 * 200_000));
    let a = analyze_reader(r, &AnalyzeOptions::default()).unwrap();
    assert_eq!(a.failures.len(), 2, "{:?}", a.failures);
}

#[test]
fn invalid_utf8_everywhere() {
    let mut log = Vec::new();
    for i in 0..1000u32 {
        log.extend_from_slice(b"FAILED tests/\xff\xfe.py::test_");
        log.extend_from_slice(i.to_string().as_bytes());
        log.extend_from_slice(b" - \xc3\x28 bad\n\xed\xa0\x80\n");
    }
    let a = analyze_reader(&log[..], &AnalyzeOptions::default()).unwrap();
    assert_eq!(a.failures.len(), 1000);
    assert!(a.failures[0].test.as_deref().unwrap().contains('\u{fffd}'));
}

/// Found by `scripts/fuzz.sh` (target `analyze`): two isort failures of one file share
/// a cause but name no test, and the group line indexed the empty test list.
#[test]
fn failures_sharing_a_cause_without_tests_are_counted_not_listed() {
    let path = crate::support::harness::manifest_dir()
        .join("tests/it/data/fuzz/two-untested-failures-sharing-a-cause.log");
    let a = analyze_reader(
        BufReader::new(std::fs::File::open(path).unwrap()),
        &AnalyzeOptions::default(),
    )
    .unwrap();
    check_analysis(&a, 1500);
    assert!(
        a.context.contains("formatted. (shapes/area.py) (x2)"),
        "{}",
        a.context
    );
    assert!(!a.context.contains(" in 2 tests: "), "{}", a.context);
}

/// Found by `scripts/fuzz.sh` (target `log_reader`): the same steps as the target, on
/// the input it saved.
#[test]
fn the_log_reader_fuzz_input_of_an_isort_step() {
    let data = std::fs::read(
        crate::support::harness::manifest_dir()
            .join("tests/it/data/fuzz/log-reader-isort-step-with-a-secret-prefix.log"),
    )
    .unwrap();
    let text = logs::clean_bytes(&data);
    let _ = logs::clean::clean_text(&text);
    if let Some(secret) = text
        .get(..8)
        .filter(|s| s.trim().len() == 8 && !s.contains('*'))
    {
        let secrets = self_heal::secrets::Secrets::new([secret]);
        if !secrets.is_empty() {
            assert!(
                !secrets.mask(&text).contains(secret),
                "mask left the secret in"
            );
        }
    }
    let opts = AnalyzeOptions {
        workdir: None,
        budget_tokens: 200,
    };
    let a = analyze_reader(BufReader::with_capacity(7, &data[..]), &opts).unwrap();
    check_analysis(&a, 200);
}
