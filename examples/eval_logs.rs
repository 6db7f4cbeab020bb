//! Prints failing-test recall and precision per framework on the BugSwarm
//! log fixtures as a markdown table (the README table comes from here).
//!
//! Fixtures: `SELF_HEAL_FIXTURES`, else `../shared/fixtures`, else `/work/shared/fixtures`.

#[path = "../tests/it/support/bugswarm.rs"]
mod bugswarm;

fn main() {
    let (groups, total, misses) = bugswarm::evaluate();
    print!("{}", bugswarm::markdown(&groups, &total));
    if std::env::args().any(|a| a == "--verbose") {
        for m in misses {
            eprintln!("{m}");
        }
    }
}
