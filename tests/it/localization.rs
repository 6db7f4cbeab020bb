//! Finding the code that broke (issue 19): one sample per shape in which real
//! bugs were missed (sample_projects/README.md, "Localization samples"), each
//! repaired by the real binary from its real CI log (`--log`, no GitHub), against
//! the fake OpenAI server on 127.0.0.1, validated by the real toolchain.
//!
//! (a) The first request must carry the buggy lines: every `context_must_include`
//!     line of the sample (the fix's `search` lines and the head of the function
//!     they sit in).
//! (b) The fake model answers with the expected fix only when the request holds
//!     all of them, and otherwise proposes no edits, as a model shown the wrong
//!     code would; the repair must end `fixed` after exactly one request, the fix
//!     proven by a real run and the tree equal to the expected fix.
//!
//! The retry sample (`localization.first_reply`) answers its first request with
//! no edits and a `need`; there the second request must carry the buggy lines and
//! code of the repository the first did not (new evidence, not the same prompt
//! again), and the fix lands on request 2.
//!
//! Failure messages say what the request carried instead: the sample's files it
//! names and how large it was, so a miss reads as "shown the wrong code".

use crate::repair_ecosystems::{checkout, expected, fix, sources};
use crate::results::toolchain_env;
use crate::support::fake_openai::{FakeOpenAi, RecordedRequest, Reply};
use crate::support::harness::{assert_same_tree, Test};
use self_heal::report::{AttemptSource, Report, Status};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const KEY: &str = "sk-test-key-0123456789";

/// Everything the model reads in one request: all messages, in order.
fn request_text(r: &RecordedRequest) -> String {
    r.messages()
        .into_iter()
        .map(|(_, content)| content)
        .collect::<Vec<_>>()
        .join("\n")
}

/// What a request carried, for a failure message: its size and the sample's files
/// whose path it mentions (as a file it shows, or in the log excerpt).
fn carried(text: &str, tree: &BTreeMap<PathBuf, Vec<u8>>) -> String {
    let named: Vec<String> = tree
        .keys()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .filter(|p| !p.starts_with(".git") && p != "ci.log" && p != "expected.json")
        .filter(|p| text.contains(p.as_str()))
        .collect();
    format!("{} characters mentioning {named:?}", text.len())
}

/// Lines of the sample's source files (long enough to be unambiguous) that
/// `later` carries and `earlier` does not.
fn new_source_lines(
    earlier: &str,
    later: &str,
    tree: &BTreeMap<PathBuf, Vec<u8>>,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (path, bytes) in tree {
        let p = path.to_string_lossy();
        if p.starts_with(".git") || p == "ci.log" || p == "expected.json" {
            continue;
        }
        let Ok(text) = std::str::from_utf8(bytes) else {
            continue;
        };
        for line in text.lines().map(str::trim) {
            if line.len() >= 16 && later.contains(line) && !earlier.contains(line) {
                out.insert(format!("{p}: {line}"));
            }
        }
    }
    out
}

fn no_edits(diagnosis: &str) -> Reply {
    Reply::content(&json!({"diagnosis": diagnosis, "edits": []}).to_string()).usage(1000, 30)
}

/// The repair of one localization sample; see the module's comment.
fn localize(sample: &str) {
    let e = expected(sample);
    let loc = &e["localization"];
    assert!(
        loc.is_object(),
        "{sample}: expected.json has no `localization`"
    );
    let needles: Vec<String> = e["context_must_include"]
        .as_array()
        .unwrap_or_else(|| panic!("{sample}: expected.json has context_must_include"))
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect();
    let fix = fix(&e);
    // Each buggy line is one line: it is looked for as it stands in the file.
    for n in &needles {
        assert!(!n.contains('\n'), "{sample}: {n:?} spans lines");
    }

    let t = checkout(sample);
    let repo = t.repo();
    let before = sources(&repo);
    let mut want = before.clone();
    for (path, search, replace) in &fix {
        let key = PathBuf::from(path);
        let text = String::from_utf8(want[&key].clone()).unwrap();
        assert_eq!(
            text.matches(search.as_str()).count(),
            1,
            "{sample}: fix matches once"
        );
        want.insert(key, text.replacen(search.as_str(), replace, 1).into_bytes());
    }
    for n in &needles {
        assert!(
            before
                .values()
                .any(|b| String::from_utf8_lossy(b).contains(n.as_str())),
            "{sample}: {n:?} is not in the sample"
        );
    }

    let edits: Vec<(&str, &str, &str)> = fix
        .iter()
        .map(|(p, s, r)| (p.as_str(), s.as_str(), r.as_str()))
        .collect();
    let right = || {
        Reply::reply_edits("the root cause", &edits)
            .usage(900, 60)
            .only_if_request_contains(
                &needles,
                no_edits("nothing in the code shown explains the failure"),
            )
    };
    let first_reply = &loc["first_reply"];
    let requests_to_fix = if first_reply.is_null() { 1 } else { 2 };
    let mut script = Vec::new();
    if !first_reply.is_null() {
        script.push(Reply::content(&first_reply.to_string()).usage(1000, 60));
    }
    // Enough answers for every attempt, so a miss ends `not_fixed`, not in an error.
    while script.len() < 3 {
        script.push(right());
    }
    let fake = FakeOpenAi::start(script);

    let mut run = Test::new()
        .current_dir(repo.clone())
        .args(["run", "--log", repo.join("ci.log").to_str().unwrap()])
        .args(["--workdir", repo.to_str().unwrap(), "--yes"])
        .args(["--report", t.path("report.json").to_str().unwrap()])
        .args(["--openai-base-url", &fake.base_url()])
        .env("OPENAI_API_KEY", KEY);
    for (k, v) in toolchain_env() {
        run = run.env(&k, v);
    }
    let out = run.run();
    let r: Report = serde_json::from_value(out.report(&t.path("report.json")))
        .expect("report.json is a Report");
    let requests = fake.requests();
    assert!(!requests.is_empty(), "{sample}: no request: {out:?}");
    let texts: Vec<String> = requests.iter().map(request_text).collect();
    assert!(
        texts.iter().all(|t| !t.contains(KEY)),
        "{sample}: the key reached the prompt"
    );

    // (a) The request that must lead to the fix carries every buggy line.
    let decisive = requests_to_fix - 1;
    let missing: Vec<&String> = needles
        .iter()
        .filter(|n| !texts.get(decisive).is_some_and(|t| t.contains(n.as_str())))
        .collect();
    assert!(
        missing.is_empty(),
        "{sample}: request {} lacks the buggy lines {missing:?}; it carried {}",
        decisive + 1,
        texts
            .get(decisive)
            .map(|t| carried(t, &before))
            .unwrap_or_else(|| format!("nothing: the run made {} requests", texts.len()))
    );
    if requests_to_fix == 2 {
        let fresh = new_source_lines(&texts[0], &texts[1], &before);
        assert!(
            !fresh.is_empty(),
            "{sample}: request 2 carries no code request 1 did not (after a reply that asked for {}); it carried {}",
            first_reply["need"],
            carried(&texts[1], &before)
        );
    }

    // (b) Fixed on that request, proven by a real run, the tree as the fix leaves it.
    let attempts = &r.attempts;
    let tails: Vec<&str> = attempts
        .iter()
        .map(|a| a.validation.output_tail.as_str())
        .collect();
    assert_eq!(
        r.status,
        Status::Fixed,
        "{sample}: {}\n{out:?}\n{}",
        r.reason,
        tails.join("\n----\n")
    );
    assert_eq!(out.code, 0, "{sample}: {out:?}");
    assert_eq!(fake.request_count(), requests_to_fix, "{sample}");
    assert_eq!(r.llm.requests as usize, requests_to_fix, "{sample}");
    let last = attempts.last().expect("an attempt");
    assert_eq!(last.source, AttemptSource::Llm, "{sample}");
    assert!(last.validation.passed, "{sample}: {}", tails.join("\n"));
    assert!(
        !last.validation.commands.is_empty(),
        "{sample}: validated by a real run: {last:?}"
    );
    assert_same_tree(&want, &sources(&repo), sample);
    assert_expected_functions_exist(sample, loc, &repo);
}

/// The functions expected.json names as the buggy ones are where it says (the
/// benchmark ranks them by these names).
fn assert_expected_functions_exist(sample: &str, loc: &Value, repo: &Path) {
    for f in loc["functions"].as_array().expect("localization.functions") {
        let f = f.as_str().unwrap();
        let (path, name) = f.split_once(':').expect("path:function");
        let text = std::fs::read_to_string(repo.join(path))
            .unwrap_or_else(|e| panic!("{sample}: {path}: {e}"));
        let simple = name.rsplit(['.', ':']).next().unwrap();
        assert!(text.contains(simple), "{sample}: {simple} not in {path}");
    }
}

// ------------------------------------------------------------------ Python

/// Assertion in the test, no source frame; the buggy method is 585 lines down.
#[test]
fn py_ini_long_module() {
    localize("py-ini-long-module");
}

/// The raise is in the parser; the number pattern of a vendored tokenizer is wrong.
#[test]
fn py_vendored_tokenizer() {
    localize("py-vendored-tokenizer");
}

/// The CLI runs in a subprocess: only its error message leads to the source.
#[test]
fn py_cli_error_message() {
    localize("py-cli-error-message");
}

/// The raise is 410 lines after the buggy line, in a module three imports away.
#[test]
fn py_template_window() {
    localize("py-template-window");
}

// -------------------------------------------------------------------- Java

/// Three failing test classes; the bug is in the class the last one is named after.
#[test]
fn java_three_test_classes() {
    localize("java-three-test-classes");
}

/// `<sourceDirectory>src</sourceDirectory>`, `<testSourceDirectory>test</testSourceDirectory>`.
#[test]
fn java_custom_source_dirs() {
    localize("java-custom-source-dirs");
}

/// The ledger refuses the entry; the amount was parsed wrong by a value class.
#[test]
fn java_value_class() {
    localize("java-value-class");
}

// ---------------------------------------------------------------------- Go

/// Validation in the package reports it; the duration parser of `internal/` is wrong.
#[test]
fn go_internal_parser() {
    localize("go-internal-parser");
}

/// The test panics in the function quoting a token's line; the lexer that counted
/// the lines had returned before (on no frame of the panic).
#[test]
fn go_panic_lexer() {
    localize("go-panic-lexer");
}

/// The first reply proposes no edits and names what it needs.
#[test]
fn go_retry_no_edits() {
    localize("go-retry-no-edits");
}

// -------------------------------------------------------------------- Rust

/// A unit test in `src/tests.rs` (`use crate::{...}`) of code in the crate root.
#[test]
fn rust_src_tests_rs() {
    localize("rust-src-tests-rs");
}

/// The request parser refuses a header; the table of token characters lacks `-`.
#[test]
fn rust_grammar_table() {
    localize("rust-grammar-table");
}

/// The fix changes a function and its caller, in two files.
#[test]
fn rust_multi_file_caller() {
    localize("rust-multi-file-caller");
}

// --------------------------------------------------- JavaScript, TypeScript

/// A TypeScript spec importing from "./index", which only re-exports.
#[test]
fn ts_index_spec() {
    localize("ts-index-spec");
}

/// Assertion in the test; the buggy function is 404 lines down a re-exported module.
#[test]
fn js_long_module() {
    localize("js-long-module");
}

/// The loader collects the scanner's message; the test prints it verbatim.
#[test]
fn js_error_message() {
    localize("js-error-message");
}

/// Every sample with a `localization` section has a test above, and each
/// ecosystem has at least two.
#[test]
fn every_localization_sample_is_tested() {
    let me = include_str!("localization.rs");
    let root = crate::support::harness::manifest_dir().join("sample_projects");
    let mut per_eco: BTreeMap<String, usize> = BTreeMap::new();
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        let Ok(text) = std::fs::read_to_string(root.join(&name).join("expected.json")) else {
            continue;
        };
        let e: Value = serde_json::from_str(&text).unwrap();
        if e["localization"].is_null() {
            continue;
        }
        assert!(
            me.contains(&format!("localize(\"{name}\")")),
            "{name} has no test in localization.rs"
        );
        let eco = e["ecosystem"].as_str().unwrap_or("python").to_string();
        *per_eco.entry(eco).or_default() += 1;
    }
    for eco in ["python", "java", "go", "rust", "javascript"] {
        assert!(
            per_eco.get(eco).copied().unwrap_or(0) >= 2,
            "at least two {eco} localization samples: {per_eco:?}"
        );
    }
    assert!(per_eco.values().sum::<usize>() >= 14, "{per_eco:?}");
}
