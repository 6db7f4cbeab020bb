//! Ruby: RSpec and Minitest projects (Gemfile, Rakefile, `.rspec`).

pub mod context;
pub mod coverage;
pub mod frameworks;
pub mod grammar;
pub mod log;

use super::framework::Framework;
use super::Lang;
use crate::failure::LogParser;
use frameworks::has_files;
use std::path::Path;
use std::process::Command;

pub struct Ruby;

impl Lang for Ruby {
    fn name(&self) -> &'static str {
        "ruby"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["rb", "rspec", "minitest", "rake"]
    }

    fn tools(&self) -> &'static [&'static str] {
        &["rspec", "minitest", "ruby"]
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["rb"]
    }

    fn manifests(&self) -> &'static [&'static str] {
        &["Gemfile", "Rakefile", ".rspec"]
    }

    fn fence_tag(&self, ext: &str) -> Option<&'static str> {
        (ext == "rb").then_some("ruby")
    }

    /// `rspec` where the project has specs, `rake test` where its Rakefile defines a
    /// test task, else every Minitest file loaded by `ruby` itself.
    fn detect_test_command(&self, root: &Path, declared: bool) -> Option<String> {
        let rakefile = std::fs::read_to_string(root.join("Rakefile")).unwrap_or_default();
        let specs = has_files(&root.join("spec"), "_spec.rb");
        if root.join(".rspec").is_file() || specs && (declared || root.join("Gemfile").is_file()) {
            return Some("rspec".to_string());
        }
        if rakefile.contains("TestTask") {
            return Some("rake test".to_string());
        }
        let tests = has_files(&root.join("test"), "_test.rb");
        (tests && (declared || root.join("Gemfile").is_file() || !rakefile.is_empty()))
            .then(|| format!("ruby -Ilib -Itest -e '{}'", frameworks::LOAD_TESTS))
    }

    fn coverage(&self) -> Option<&'static dyn super::coverage::CoverageRunner> {
        Some(&coverage::RubyCoverage)
    }

    fn framework(&self, root: &Path, command: Option<&str>) -> Option<Framework> {
        frameworks::of_project(root, command)
    }

    /// RSpec locations (`./spec/x_spec.rb:12`) or Minitest's `Class#test_name`.
    fn claims_test_ids(&self, ids: &[String]) -> bool {
        ids.iter().all(|t| {
            let t = t.trim_matches('\'');
            t.split_once(".rb:")
                .is_some_and(|(_, n)| n.parse::<u32>().is_ok())
                || t.contains(".rb[")
                || t.split_once('#').is_some_and(|(c, m)| {
                    c.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                        && m.starts_with("test_")
                })
        })
    }

    fn test_file_name(&self, stem: &str, ext: &str) -> Option<bool> {
        (ext == "rb").then(|| {
            stem.ends_with("_spec") || stem.ends_with("_test") || stem.starts_with("test_")
        })
    }

    /// The official image has no rspec or minitest gem: `setup-command: bundle install`.
    fn docker_image(&self) -> &'static str {
        "ruby:3"
    }

    /// An `rspec` command needs rspec loadable by the Ruby it runs on.
    fn check_test_tool(&self, cmd: &str, program: &str) -> Option<Result<(), String>> {
        if !cmd
            .split_whitespace()
            .any(|w| w == "rspec" || w.ends_with("/rspec"))
        {
            return None;
        }
        let ok = Command::new("ruby")
            .args(["-e", "require 'rspec/core'"])
            .output()
            .is_ok_and(|o| o.status.success());
        Some(if ok {
            Ok(())
        } else {
            Err(format!(
                "rspec is not installed for the ruby {program} runs on (gem install rspec, or bundle install)"
            ))
        })
    }

    /// `cannot load such file -- rspec/core` (LoadError): a library of the test run.
    fn missing_tool(&self, _command: &str, output: &str) -> Option<(String, String)> {
        let lib = output.lines().find_map(|l| {
            let rest = l.split("cannot load such file -- ").nth(1)?;
            let lib = rest.split_whitespace().next()?.trim_end_matches(')');
            (lib.starts_with("rspec") || lib.starts_with("minitest") || lib == "rake")
                .then(|| lib.to_string())
        })?;
        Some((
            format!("the Ruby library `{lib}`"),
            format!("cannot load such file -- {lib}"),
        ))
    }

    fn grammars(&self) -> &'static [&'static dyn crate::syntax::Grammar] {
        &[&grammar::Ruby]
    }

    fn log_parsers(&self) -> Vec<Box<dyn LogParser>> {
        vec![Box::new(log::Ruby::new())]
    }

    fn context(&self) -> &'static dyn super::context::SourceContext {
        &context::RubyContext
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_command_from_the_projects_files() {
        let dir = tempfile::tempdir().unwrap();
        let put = |rel: &str, text: &str| {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        put("test/a_test.rb", "");
        assert_eq!(
            Ruby.detect_test_command(dir.path(), false),
            None,
            "no manifest"
        );
        assert!(Ruby
            .detect_test_command(dir.path(), true)
            .unwrap()
            .starts_with("ruby -Ilib -Itest -e"));
        put("Rakefile", "Rake::TestTask.new(:test)\n");
        assert_eq!(
            Ruby.detect_test_command(dir.path(), false).as_deref(),
            Some("rake test")
        );
        put(".rspec", "--require spec_helper\n");
        assert_eq!(
            Ruby.detect_test_command(dir.path(), false).as_deref(),
            Some("rspec")
        );
    }

    #[test]
    fn test_ids_and_test_files() {
        let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(Ruby.claims_test_ids(&ids(&["./spec/a_spec.rb:12", "WordCountTest#test_top"])));
        assert!(!Ruby.claims_test_ids(&ids(&["com.x.ATest#adds"])));
        assert!(!Ruby.claims_test_ids(&ids(&["tests/test_a.py::t"])));
        assert_eq!(Ruby.test_file_name("cart_spec", "rb"), Some(true));
        assert_eq!(Ruby.test_file_name("cart", "rb"), Some(false));
        assert_eq!(Ruby.test_file_name("cart", "py"), None);
    }

    #[test]
    fn a_missing_test_library_is_named() {
        let out =
            "<internal:…>:85:in `require': cannot load such file -- minitest/autorun (LoadError)";
        assert_eq!(
            Ruby.missing_tool("rake test", out),
            Some((
                "the Ruby library `minitest/autorun`".to_string(),
                "cannot load such file -- minitest/autorun".to_string()
            ))
        );
        assert_eq!(
            Ruby.missing_tool("rspec", "cannot load such file -- cart (LoadError)"),
            None,
            "the project's own file is its failure, not a missing tool"
        );
    }
}
