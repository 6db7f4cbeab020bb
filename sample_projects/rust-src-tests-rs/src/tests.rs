use crate::{escape, is_glob, GlobSet, MatchOptions, Pattern, PatternError};

fn glob(p: &str) -> Pattern {
    Pattern::new(p).unwrap()
}

#[test]
fn star_stays_in_one_component() {
    assert!(glob("*.rs").matches("lib.rs"));
    assert!(!glob("*.rs").matches("src/lib.rs"));
    assert!(glob("src/*.rs").matches("src/lib.rs"));
}

#[test]
fn question_mark_and_classes() {
    assert!(glob("file?.txt").matches("file1.txt"));
    assert!(glob("[a-c]*").matches("beta"));
    assert!(!glob("[!a-c]*").matches("beta"));
}

#[test]
fn braces_expand() {
    let p = glob("*.{rs,toml}");
    assert!(p.matches("Cargo.toml"));
    assert!(p.matches("lib.rs"));
    assert!(!p.matches("README.md"));
}

#[test]
fn double_star_matches_nested_directories() {
    let p = glob("src/**/*.rs");
    assert!(p.matches("src/bin/main.rs"));
    assert!(p.matches("src/a/b/c/mod.rs"));
}

#[test]
fn double_star_matches_zero_directories() {
    assert!(glob("src/**/*.rs").matches("src/lib.rs"));
    assert!(glob("**/Cargo.toml").matches("Cargo.toml"));
}

#[test]
fn trailing_double_star_matches_everything_below() {
    let p = glob("target/**");
    assert!(p.matches("target/debug/build"));
    assert!(p.matches("target"));
    assert!(!p.matches("targets"));
}

#[test]
fn options() {
    let ci = MatchOptions {
        case_sensitive: false,
        ..MatchOptions::default()
    };
    assert!(glob("*.RS").matches_with("lib.rs", ci));
    let dots = MatchOptions {
        require_literal_leading_dot: true,
        ..MatchOptions::default()
    };
    assert!(!glob("*").matches_with(".hidden", dots));
    assert!(glob(".*").matches_with(".hidden", dots));
}

#[test]
fn errors_say_where() {
    let e: PatternError = Pattern::new("src/[a-").unwrap_err();
    assert_eq!(e.msg, "unclosed character class");
    assert_eq!(Pattern::new("a**").unwrap_err().pos, 1);
    assert!(Pattern::new("{a,b").is_err());
}

#[test]
fn escaping_and_sets() {
    assert!(glob(&escape("what?.txt")).matches("what?.txt"));
    assert!(!is_glob("plain/path.txt"));
    let mut set = GlobSet::new();
    set.add("*.log").unwrap().add("!keep.log").unwrap();
    assert!(set.is_match("debug.log"));
    assert!(!set.is_match("keep.log"));
    assert_eq!(glob("src/**/*.rs").literal_prefix(), "src/");
}
