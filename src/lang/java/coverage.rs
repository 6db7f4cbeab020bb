//! Java: JaCoCo's XML report (`jacococli report … --xml`, or the Maven/Gradle plugins').
//! Per source file, `<line nr ci mi …>` says how many instructions of a line ran
//! (`ci`) or did not (`mi`): a line with `ci > 0` was executed. Files are named by
//! package and source file (`com/example/Titles.java`): [`in_source_root`] finds them
//! under the build's source roots. Multi-module reports nest packages in `<group>`s.
//!
//! The agent records one JVM: per-test spectra need one dump per test (the agent's
//! `sessionid` + dump, or one run per test method), else the report is an aggregate.

use crate::coverage::{malformed, CoverageError, CoverageReport};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// Reads a JaCoCo XML report; paths are `package/SourceFile.java`.
pub fn read(xml: &str) -> Result<CoverageReport, CoverageError> {
    let mut reader = Reader::from_str(xml);
    let mut report = CoverageReport::default();
    let mut package = String::new();
    let mut file: Option<String> = None;
    let mut saw_report = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| malformed("JaCoCo XML", e))?;
        match event {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"report" => saw_report = true,
                b"package" => package = attr(&e, b"name")?.unwrap_or_default(),
                b"sourcefile" => {
                    let name = attr(&e, b"name")?.unwrap_or_default();
                    let path = if package.is_empty() {
                        name
                    } else {
                        format!("{package}/{name}")
                    };
                    report.all.entry(path.clone()).or_default();
                    file = Some(path);
                }
                b"line" => {
                    let (Some(path), Some(nr), Some(ci)) =
                        (file.as_ref(), attr(&e, b"nr")?, attr(&e, b"ci")?)
                    else {
                        continue;
                    };
                    let (Ok(nr), Ok(ci)) = (nr.parse::<u32>(), ci.parse::<u64>()) else {
                        return Err(malformed("JaCoCo XML", format!("bad line nr={nr} ci={ci}")));
                    };
                    if ci > 0 {
                        report.all.entry(path.clone()).or_default().insert(nr);
                    }
                }
                _ => {}
            },
            Event::End(e) => match e.name().as_ref() {
                b"sourcefile" => file = None,
                b"package" => package.clear(),
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_report {
        return Err(malformed("JaCoCo XML", "no <report> element"));
    }
    Ok(report)
}

fn attr(e: &BytesStart, name: &[u8]) -> Result<Option<String>, CoverageError> {
    for a in e.attributes() {
        let a = a.map_err(|err| malformed("JaCoCo XML", err))?;
        if a.key.as_ref() == name {
            let v = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|err| malformed("JaCoCo XML", err))?;
            return Ok(Some(v.into_owned()));
        }
    }
    Ok(None)
}

/// The checkout path of a JaCoCo `package/File.java`: the first source root (from the
/// build: `src/main/java`, a pom's `<sourceDirectory>`, a module's) where it is a file.
pub fn in_source_root(
    package_path: &str,
    roots: &[String],
    is_file: impl Fn(&str) -> bool,
) -> Option<String> {
    roots
        .iter()
        .map(|r| {
            let r = r.trim_end_matches('/');
            if r.is_empty() {
                package_path.to_string()
            } else {
                format!("{r}/{package_path}")
            }
        })
        .find(|p| is_file(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_nest_packages_and_bad_input_is_an_error() {
        let xml = r#"<?xml version="1.0"?><!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd">
<report name="all"><group name="core"><package name="a/b"><sourcefile name="X.java">
<line nr="3" mi="0" ci="2" mb="0" cb="0"/><line nr="4" mi="5" ci="0" mb="0" cb="0"/>
</sourcefile></package></group><package name=""><sourcefile name="Y.java"/></package></report>"#;
        let r = read(xml).unwrap();
        assert_eq!(
            r.all["a/b/X.java"].iter().copied().collect::<Vec<_>>(),
            vec![3]
        );
        assert!(r.all["Y.java"].is_empty());
        assert!(read("<html></html>").is_err());
        assert!(
            read("<report><package name='a'><sourcefile name='X.java'><line nr='x' ci='1'/>")
                .is_err()
        );
        let roots = vec!["core/src/main/java".to_string(), "src".to_string()];
        assert_eq!(
            in_source_root("a/b/X.java", &roots, |p| p == "src/a/b/X.java").as_deref(),
            Some("src/a/b/X.java")
        );
    }
}
