//! Ruby: an RSpec id (`./spec/x_spec.rb:12`) is its file and the example at that
//! line; a Minitest id (`Class#test_name`) is the `def test_name` of the file that
//! defines the class. A file leads to what it requires (`require_relative` from its
//! own directory, `require` from `lib/`, the root, `test/` and `spec/`), and a spec or
//! test to the code it is named after (`spec/a/b_spec.rb`, `test/a/b_test.rb`,
//! `test/a/test_b.rb` → `lib/a/b.rb`).

use crate::lang::context::{
    self, join, parent_dir, push_unique, re, RepoView, SourceContext, TestRef,
};
use regex::Regex;
use std::sync::OnceLock;

pub struct RubyContext;

impl SourceContext for RubyContext {
    /// An RSpec location id's `func` is the example's 1-based line (an RSpec example
    /// has no name to search for); [`RubyContext::test_ranges`] reads it back so.
    fn test_ref(&self, repo: &dyn RepoView, id: &str, located: Option<&str>) -> Option<TestRef> {
        let id = id.trim().trim_matches('\'');
        if let Some((file, line)) = id.rsplit_once(':').filter(|(f, _)| f.ends_with(".rb")) {
            let file = file.strip_prefix("./").unwrap_or(file).to_string();
            let file = in_checkout(repo, &file, located);
            let func = line
                .chars()
                .all(|c| c.is_ascii_digit())
                .then(|| line.to_string());
            return Some(TestRef {
                file,
                class: None,
                func,
            });
        }
        if let Some((file, _)) = id.split_once('[').filter(|(f, _)| f.ends_with(".rb")) {
            let file = file.strip_prefix("./").unwrap_or(file).to_string();
            return Some(TestRef {
                file: in_checkout(repo, &file, located),
                class: None,
                func: None,
            });
        }
        let (class, name) = id.rsplit_once('#')?;
        let defines = |rel: &str| repo.read(rel).is_some_and(|t| defines_class(&t, class));
        let mut candidates: Vec<String> = located
            .filter(|l| l.ends_with(".rb"))
            .map(str::to_string)
            .into_iter()
            .collect();
        let snake = snake_case(class.rsplit("::").next().unwrap_or(class));
        let base = snake.strip_suffix("_test").unwrap_or(&snake).to_string();
        let base = base.strip_prefix("test_").unwrap_or(&base).to_string();
        for dir in ["test", "spec"] {
            candidates.push(format!("{dir}/{base}_test.rb"));
            candidates.push(format!("{dir}/test_{base}.rb"));
            candidates.push(format!("{dir}/{snake}.rb"));
        }
        candidates.extend(repo.list("test"));
        candidates
            .into_iter()
            .find(|c| c.ends_with(".rb") && defines(c))
            .map(|file| TestRef {
                file,
                class: Some(class.to_string()),
                func: Some(name.to_string()),
            })
    }

    fn test_ranges(&self, lines: &[&str], test: &TestRef) -> Option<Vec<(usize, usize)>> {
        let func = test.func.as_deref()?;
        let start = match func.parse::<usize>() {
            // RSpec: the example (`it "…" do`) at or around that line.
            Ok(n) => example_start(lines, n.checked_sub(1)?)?,
            Err(_) => {
                let def = format!("def {func}");
                lines.iter().position(|l| {
                    let t = l.trim_start();
                    t.strip_prefix(&def)
                        .is_some_and(|r| r.is_empty() || r.starts_with(['(', ' ', ';']))
                })?
            }
        };
        let mut v: Vec<(usize, usize)> = context::header(lines, |l| {
            let t = l.trim_start();
            !(t.is_empty() || t.starts_with('#') || t.starts_with("require"))
        })
        .filter(|&(_, b)| b < start)
        .into_iter()
        .collect();
        if let Some(class) = test.class.as_deref() {
            if let Some(i) = lines.iter().position(|l| defines_class(l, class)) {
                v.push((i, i));
            }
        }
        v.push((start, block_end(lines, start)));
        Some(v)
    }

    fn related(&self, repo: &dyn RepoView, rel: &str, text: &str) -> Vec<String> {
        static REQUIRE: OnceLock<Regex> = OnceLock::new();
        let require = re(
            &REQUIRE,
            r#"^\s*(require|require_relative|load)\s*\(?\s*["']([^"']+)["']"#,
        );
        let dir = parent_dir(rel);
        let mut out = Vec::new();
        for line in text.lines() {
            let Some(c) = require.captures(line) else {
                continue;
            };
            let name = c[2].strip_suffix(".rb").unwrap_or(&c[2]);
            let found = if &c[1] == "require_relative" {
                context::normalize(&join(dir, name))
                    .map(|p| format!("{p}.rb"))
                    .filter(|p| repo.is_file(p))
            } else {
                ["lib", "", "test", "spec", "app"]
                    .iter()
                    .map(|d| format!("{}.rb", join(d, name)))
                    .find(|p| repo.is_file(p))
            };
            if let Some(p) = found {
                push_unique(&mut out, rel, p);
            }
        }
        // A spec or test is about the code it is named after.
        if let Some(code) = code_under_test(rel).filter(|p| repo.is_file(p)) {
            push_unique(&mut out, rel, code);
        }
        out
    }
}

/// `spec/a/b_spec.rb`, `test/a/b_test.rb`, `test/a/test_b.rb` → `lib/a/b.rb`.
fn code_under_test(rel: &str) -> Option<String> {
    let rest = rel
        .strip_prefix("spec/")
        .or_else(|| rel.strip_prefix("test/"))?;
    let (dir, name) = match rest.rsplit_once('/') {
        Some((d, n)) => (d, n),
        None => ("", rest),
    };
    let stem = name.strip_suffix(".rb")?;
    let stem = stem
        .strip_suffix("_spec")
        .or_else(|| stem.strip_suffix("_test"))
        .or_else(|| stem.strip_prefix("test_"))?;
    Some(format!("{}.rb", join(&join("lib", dir), stem)))
}

/// Whether `text` opens `class Name` (the last `::` segment of `class`, which a
/// test file may nest in modules).
fn defines_class(text: &str, class: &str) -> bool {
    let last = class.rsplit("::").next().unwrap_or(class);
    text.lines().any(|l| {
        let t = l.trim_start();
        t.strip_prefix("class ").is_some_and(|r| {
            let r = r.trim_start();
            r == class
                || r == last
                || [class, last].iter().any(|c| {
                    r.strip_prefix(c)
                        .is_some_and(|rest| rest.starts_with([' ', '<', ';']))
                })
        })
    })
}

/// `WordCountTest` → `word_count_test`.
fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The line (0-based) of the example that holds line `at`: the nearest `it`,
/// `specify`, `example`, `scenario` or `test` line at or above it.
fn example_start(lines: &[&str], at: usize) -> Option<usize> {
    let at = at.min(lines.len().checked_sub(1)?);
    (0..=at).rev().find(|&i| {
        let t = lines[i].trim_start();
        ["it", "specify", "example", "scenario", "test", "its"]
            .iter()
            .any(|k| {
                t.strip_prefix(k)
                    .is_some_and(|r| r.starts_with([' ', '(', '{']))
            })
    })
}

/// The last line of the block opened at `start`: its `end` (or `}`) at the same
/// indentation, else the line before the next line indented as little.
fn block_end(lines: &[&str], start: usize) -> usize {
    const MAX_BLOCK_LINES: usize = 400;
    let indent = |l: &str| l.len() - l.trim_start().len();
    let own = indent(lines[start]);
    let last = (start + MAX_BLOCK_LINES).min(lines.len().saturating_sub(1));
    for (i, l) in lines.iter().enumerate().take(last + 1).skip(start + 1) {
        let t = l.trim_start();
        if t.is_empty() {
            continue;
        }
        if indent(l) == own && (t == "end" || t.starts_with("end ") || t.starts_with('}')) {
            return i;
        }
        if indent(l) <= own {
            return i.saturating_sub(1).max(start);
        }
    }
    last
}

/// The id's file as the checkout has it: an id relative to a project below the root
/// (`spec/a_spec.rb` for `api/spec/a_spec.rb`) is the located file that ends with it.
fn in_checkout(repo: &dyn RepoView, file: &str, located: Option<&str>) -> String {
    match located {
        Some(l) if !repo.is_file(file) && l.ends_with(&format!("/{file}")) => l.to_string(),
        _ => file.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::context::Files;

    const REPO: Files = Files(&[
        ("lib/invoice.rb", "require_relative \"invoice/line\"\n\nclass Invoice\nend\n"),
        ("lib/invoice/line.rb", "class Invoice\n  class Line\n  end\nend\n"),
        (
            "spec/invoice_spec.rb",
            "require \"invoice\"\n\nRSpec.describe Invoice do\n  it \"adds\" do\n    expect(1).to eq(1)\n  end\n\n  it \"discounts\" do\n    expect(2).to eq(3)\n  end\nend\n",
        ),
        (
            "test/word_count_test.rb",
            "require \"minitest/autorun\"\nrequire \"word_count\"\n\nclass WordCountTest < Minitest::Test\n  def test_size\n    assert true\n  end\n\n  def test_top\n    assert_equal 1, 2\n  end\nend\n",
        ),
        ("lib/word_count.rb", "class WordCount\nend\n"),
    ]);

    #[test]
    fn an_rspec_example_by_its_line_with_the_files_requires() {
        let t = RubyContext
            .test_ref(&REPO, "./spec/invoice_spec.rb:8", None)
            .unwrap();
        assert_eq!(t.file, "spec/invoice_spec.rb");
        let text = REPO.read(&t.file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            RubyContext.test_ranges(&lines, &t),
            Some(vec![(0, 0), (7, 9)])
        );
        // A line inside the example finds it too.
        let inner = TestRef {
            func: Some("9".into()),
            ..t
        };
        assert_eq!(
            RubyContext.test_ranges(&lines, &inner).unwrap().last(),
            Some(&(7, 9))
        );
    }

    #[test]
    fn a_minitest_test_by_its_class_and_method() {
        let t = RubyContext
            .test_ref(&REPO, "WordCountTest#test_top", Some("lib/word_count.rb"))
            .unwrap();
        assert_eq!(t.file, "test/word_count_test.rb");
        let text = REPO.read(&t.file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            RubyContext.test_ranges(&lines, &t),
            Some(vec![(0, 1), (3, 3), (8, 10)])
        );
    }

    #[test]
    fn requires_and_the_code_a_spec_is_named_after() {
        let spec = "spec/invoice_spec.rb";
        assert_eq!(
            RubyContext.related(&REPO, spec, &REPO.read(spec).unwrap()),
            vec!["lib/invoice.rb"]
        );
        let lib = "lib/invoice.rb";
        assert_eq!(
            RubyContext.related(&REPO, lib, &REPO.read(lib).unwrap()),
            vec!["lib/invoice/line.rb"]
        );
        let test = "test/word_count_test.rb";
        assert_eq!(
            RubyContext.related(&REPO, test, &REPO.read(test).unwrap()),
            vec!["lib/word_count.rb"]
        );
        assert_eq!(
            code_under_test("test/a/test_b.rb").as_deref(),
            Some("lib/a/b.rb")
        );
    }
}
