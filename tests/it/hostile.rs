//! Hostile input, as an attacker would send it: the holes of issue 10 (each a test of
//! its own), then a table of every input kind × every output channel. Every row ends
//! as the contract says: a one-line reason, the right exit code, no token in any
//! output, and the checkout byte-identical (every file, `.git/` included).

use crate::support::fake_openai::{FakeOpenAi, Reply};
use crate::support::harness::{assert_same_tree, git, snapshot, Output, Test};

const KEY: &str = "sk-hostile-test-key-0123456789";

/// The sample used throughout: its bug is fixed by one edit of `pager/core.py`.
const SAMPLE: &str = "py-logic-error";
const FIX_PATH: &str = "pager/core.py";
const FIX_SEARCH: &str = "return total_items // per_page";
const FIX_REPLACE: &str = "return (total_items + per_page - 1) // per_page";

fn right_fix(diagnosis: &str) -> Reply {
    Reply::reply_edits(diagnosis, &[(FIX_PATH, FIX_SEARCH, FIX_REPLACE)])
}

/// `self-heal run` on the sample's own CI log, the report outside the checkout.
fn local_run(t: &Test, fake: Option<&FakeOpenAi>, extra: &[&str]) -> Output {
    let mut test = Test::new()
        .current_dir(t.repo())
        .args(["run", "--log", "ci.log"])
        .args(["--report", t.path("out/report.json").to_str().unwrap()])
        .args(extra.iter().copied());
    if let Some(fake) = fake {
        test = test
            .args(["--openai-base-url", &fake.base_url()])
            .env("OPENAI_API_KEY", KEY);
    }
    test.run()
}

// ---------------------------------------------------------------------------------
// The holes of issue 10.
// ---------------------------------------------------------------------------------

/// Hole 3: a new file under a committed directory symlink that leaves the checkout is
/// refused at the attempt (the sandbox leaves such links out), and the model is told.
#[test]
fn an_edit_through_a_committed_symlinked_directory_is_refused_at_the_attempt() {
    let t = Test::with_sample(SAMPLE);
    std::fs::create_dir_all(t.path("outside")).unwrap();
    std::fs::write(t.path("outside/keep.txt"), "outside\n").unwrap();
    std::os::unix::fs::symlink("../outside", t.repo().join("vendor")).unwrap();
    git(&t.repo(), &["add", "-A"]);
    git(
        &t.repo(),
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "vendor",
        ],
    );
    let outside_before = snapshot(&t.path("outside"));
    // The right fix plus a file through the link: validates in the sandbox, where the
    // link does not exist.
    let sneaky = Reply::reply_edits(
        "fix, and a helper",
        &[
            (FIX_PATH, FIX_SEARCH, FIX_REPLACE),
            ("vendor/evil.py", "", "print('written outside')\n"),
        ],
    );
    let fake = FakeOpenAi::start([sneaky, right_fix("ceiling division")]);
    let out = local_run(&t, Some(&fake), &["--yes"]);
    assert_eq!(out.code, 0, "the second attempt fixes it: {out:?}");
    assert_eq!(fake.request_count(), 2, "{out:?}");
    let r = out.report(&t.path("out/report.json"));
    let first = r["attempts"][0]["error"].as_str().unwrap_or_default();
    assert!(
        first.contains("vendor/evil.py") && first.contains("escapes"),
        "{r}"
    );
    let retry = fake.requests()[1].user_message();
    assert!(
        retry.contains("vendor/evil.py") && retry.contains("escapes"),
        "the reason is fed back: {retry}"
    );
    assert_same_tree(
        &outside_before,
        &snapshot(&t.path("outside")),
        "outside the checkout",
    );
}
