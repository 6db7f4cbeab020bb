//! `gofmt`: a `gofmt -l` / `go fmt` / `gofmt -d` failure, fixed by the Go toolchain's own
//! `gofmt -w` on the files the log named. A check that names no files
//! (`test -z "$(gofmt -l .)"`) is listed again with `gofmt -l` on the paths its script
//! gives, in the checkout (listing writes nothing). `-s` in the check is kept.

use super::{distinct_files, may_touch, tool, Recipe, RecipeFix, RecipeInput};
use std::process::Command;

pub(super) struct Gofmt;

impl Recipe for Gofmt {
    fn name(&self) -> &'static str {
        "gofmt"
    }

    fn find(&self, input: &RecipeInput<'_>) -> Result<Vec<RecipeFix>, String> {
        let mut files = distinct_files(input, &["gofmt"]);
        let silent = files.is_empty()
            && input
                .analysis
                .failures
                .iter()
                .any(|f| f.tool == "gofmt" && f.file.is_none());
        if files.is_empty() && !silent {
            return Ok(Vec::new());
        }
        let script = input.analysis.command.as_deref().and_then(check);
        let Some(bin) = tool::program(input.root, &[], Some("gofmt")) else {
            return Err(tool::missing("gofmt", "it comes with Go"));
        };
        let simplify = script.as_ref().is_some_and(|c| c.simplify);
        if silent {
            let Some(paths) = script
                .as_ref()
                .filter(|c| c.list)
                .and_then(|c| c.paths.as_ref())
            else {
                return Ok(Vec::new()); // a script we cannot read the paths of
            };
            let mut cmd = Command::new(&bin);
            cmd.current_dir(input.root).arg("-l");
            if simplify {
                cmd.arg("-s");
            }
            cmd.args(paths);
            let (_, out) = tool::run(cmd, input.opts.tool_timeout)?;
            for line in out.lines() {
                let rel = line.trim().trim_start_matches("./");
                if rel.ends_with(".go") && may_touch(input, rel) && !files.iter().any(|f| f == rel)
                {
                    files.push(rel.to_string());
                }
            }
        }
        let fix = tool::fix_in_copy(
            input.root,
            &files,
            self.name(),
            "Not formatted as gofmt would",
            input.opts.tool_timeout,
            |_| {
                let mut c = Command::new(&bin);
                c.arg("-w");
                if simplify {
                    c.arg("-s");
                }
                c.args(&files);
                c
            },
        )?;
        Ok(fix.into_iter().collect())
    }
}

/// A script's first `gofmt` command: `gofmt -s -l ./cmd .` → lists, simplifies, paths
/// [`./cmd`, `.`] (None when they are not plain relative paths inside the checkout:
/// variables, globs, `..`, absolute).
#[derive(Debug, PartialEq, Eq)]
struct Check {
    list: bool,
    simplify: bool,
    paths: Option<Vec<String>>,
}

fn check(script: &str) -> Option<Check> {
    for line in script.lines() {
        let mut rest = line;
        while let Some(at) = rest.find("gofmt") {
            let before = rest[..at].chars().next_back();
            let after = &rest[at + "gofmt".len()..];
            rest = after;
            let bounded = before.is_none_or(|c| " \t;&|(`$\"/".contains(c));
            if bounded && (after.is_empty() || after.starts_with([' ', '\t'])) {
                return Some(arguments(after));
            }
        }
    }
    None
}

/// The flags and paths after `gofmt`, up to the end of its command.
fn arguments(after: &str) -> Check {
    let (mut list, mut simplify, mut paths) = (false, false, Vec::new());
    let mut plain = true;
    for raw in after.split_whitespace() {
        if raw.starts_with(['|', ';', '&', '>', '<', ')']) || raw.starts_with("2>") {
            break;
        }
        let token = raw.trim_end_matches([')', '"', '\'', '`', ';']);
        if let Some(flags) = token.strip_prefix('-') {
            list |= flags.contains('l');
            simplify |= flags.contains('s');
        } else if !token.is_empty() {
            plain &= !token.starts_with('/')
                && !token.contains(['$', '*', '?', '[', '{', '~', '\\'])
                && !token.split('/').any(|c| c == "..");
            paths.push(token.to_string());
        }
        if token.len() != raw.len() {
            break;
        }
    }
    if paths.is_empty() {
        paths.push(".".into());
    }
    Check {
        list,
        simplify,
        paths: plain.then_some(paths),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(script: &str) -> Option<(bool, Vec<String>)> {
        let c = check(script)?;
        c.list.then_some((c.simplify, c.paths?))
    }

    #[test]
    fn the_paths_and_flags_of_a_silent_check_are_read_from_its_script() {
        let l = |simplify, paths: &[&str]| {
            Some((simplify, paths.iter().map(|p| p.to_string()).collect()))
        };
        assert_eq!(listed("test -z \"$(gofmt -l .)\""), l(false, &["."]));
        assert_eq!(
            listed("test -z \"$(gofmt -s -l ./cmd pkg)\""),
            l(true, &["./cmd", "pkg"])
        );
        assert_eq!(listed("[ -z \"$(gofmt -sl .)\" ]"), l(true, &["."]));
        assert_eq!(
            listed("gofmt -l . | tee /dev/stderr | (! read)"),
            l(false, &["."])
        );
        assert_eq!(
            listed("echo hi\nout=$(/usr/local/go/bin/gofmt -l internal); test -z \"$out\""),
            l(false, &["internal"])
        );
        assert_eq!(listed("gofmt -l"), l(false, &["."]));
    }

    #[test]
    fn a_check_whose_paths_are_not_plain_or_that_does_not_list_gives_nothing() {
        for script in [
            "test -z \"$(gofmt -l $(git ls-files '*.go'))\"",
            "gofmt -l ../other",
            "gofmt -l /abs",
            "gofmt -d .",
            "gofmt -w .",
            "go vet ./...",
            "mygofmt -l .",
            "gofmtx -l .",
        ] {
            assert_eq!(listed(script), None, "{script}");
        }
    }

    #[test]
    fn simplification_is_kept_for_a_diff_check_too() {
        assert!(check("gofmt -s -d .").is_some_and(|c| c.simplify && !c.list));
        assert!(check("gofmt -d .").is_some_and(|c| !c.simplify));
    }
}
