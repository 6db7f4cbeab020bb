//! Java: JaCoCo's XML report (`jacococli report … --xml`, or the Maven/Gradle plugins').
//! Per source file, `<line nr ci mi …>` says how many instructions of a line ran
//! (`ci`) or did not (`mi`): a line with `ci > 0` was executed. Files are named by
//! package and source file (`com/example/Titles.java`): [`in_source_root`] finds them
//! under the build's source roots. Multi-module reports nest packages in `<group>`s.
//!
//! The agent records one JVM: per-test spectra need one dump per test (the agent's
//! `sessionid` + dump, or one run per test method), else the report is an aggregate.

use crate::coverage::{malformed, CoverageError, CoverageReport};
use crate::lang::coverage::{
    CoverageOutput, CoveragePlan, CoverageRead, CoverageRequest, CoverageRunner, SupportContents,
    SupportFile, ToolCache, MISSING_TOOL_EXIT,
};
use crate::lang::framework::sh_quote;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

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

/// The JaCoCo version whose agent (runtime classifier) and command line (`nodeps`)
/// self-heal uses (0.8.16's runtime jar is not served everywhere).
pub const JACOCO_VERSION: &str = "0.8.15";

/// The agent and the command line's file names in the cache (and in Maven's layout).
fn jacoco_jars() -> [(&'static str, String, String); 2] {
    [
        (
            "org.jacoco.agent",
            "runtime".to_string(),
            format!("org.jacoco.agent-{JACOCO_VERSION}-runtime.jar"),
        ),
        (
            "org.jacoco.cli",
            "nodeps".to_string(),
            format!("org.jacoco.cli-{JACOCO_VERSION}-nodeps.jar"),
        ),
    ]
}

/// The JaCoCo agent and command line jars on this machine: in self-heal's cache, else
/// copied there from Maven's local repository, else fetched there once with `mvn
/// dependency:copy` (which needs the network the first time only). Err says why not.
pub fn jacoco(cache: &ToolCache) -> Result<(PathBuf, PathBuf), String> {
    let dir = cache.dir.join("jacoco");
    let [agent, cli] = jacoco_jars();
    let have = |name: &str| dir.join(name).is_file();
    if have(&agent.2) && have(&cli.2) {
        return Ok((dir.join(agent.2), dir.join(cli.2)));
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let m2 = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".m2/repository"));
    for (artifact, classifier, name) in [&agent, &cli] {
        if have(name) {
            continue;
        }
        let local = m2.as_ref().map(|r| {
            r.join("org/jacoco")
                .join(artifact)
                .join(JACOCO_VERSION)
                .join(name)
        });
        if let Some(local) = local.filter(|p| p.is_file()) {
            let tmp = dir.join(format!("{name}.part"));
            if std::fs::copy(&local, &tmp).is_ok() && std::fs::rename(&tmp, dir.join(name)).is_ok()
            {
                continue;
            }
        }
        let coords = format!("org.jacoco:{artifact}:{JACOCO_VERSION}:jar:{classifier}");
        let fetched = Command::new("mvn")
            .args(["-q", "-B", "dependency:copy"])
            .arg(format!("-Dartifact={coords}"))
            .arg(format!("-DoutputDirectory={}", dir.display()))
            .stdin(std::process::Stdio::null())
            .output();
        match fetched {
            Ok(o) if o.status.success() && have(name) => {}
            Ok(_) => {
                return Err(format!(
                    "the JaCoCo jar {coords} could not be fetched with mvn"
                ))
            }
            Err(_) => {
                return Err(format!(
                    "the JaCoCo jar {coords} is not in {} and mvn is not installed to fetch it",
                    dir.display()
                ))
            }
        }
    }
    Ok((dir.join(agent.2), dir.join(cli.2)))
}

/// The agent's `includes`: the failing test classes' top two package levels
/// (`com.acme.*`), so the build tool's own JVM and the libraries stay uninstrumented.
fn includes(failing: &[String]) -> String {
    let mut out: Vec<String> = Vec::new();
    for id in failing {
        let (class, _) = super::build::java_test(id);
        let parts: Vec<&str> = class.split('.').collect();
        let pkg = &parts[..parts.len().saturating_sub(1)];
        let pattern = match pkg.len() {
            0 => "*".to_string(),
            1 => format!("{}.*", pkg[0]),
            _ => format!("{}.{}.*", pkg[0], pkg[1]),
        };
        if !out.contains(&pattern) {
            out.push(pattern);
        }
    }
    if out.iter().any(|p| p == "*") {
        return "*".into();
    }
    out.join(":")
}

/// Maven or Gradle with the JaCoCo agent in `JAVA_TOOL_OPTIONS` (every JVM the build
/// forks picks it up), then JaCoCo's report over every module's classes. The agent
/// records one JVM, so the failing tests are one aggregate record.
pub struct JacocoCoverage;

/// Where the agent writes and the report goes, in the output folder.
const EXEC: &str = "jacoco.exec";
const XML: &str = "jacoco.xml";

impl CoverageRunner for JacocoCoverage {
    fn plan(&self, req: &CoverageRequest<'_>) -> Result<CoveragePlan, String> {
        let argv = &req.scoped.argv;
        let tool = argv
            .first()
            .map(|w| w.rsplit('/').next().unwrap_or(w))
            .unwrap_or("");
        let maven = matches!(tool, "mvn" | "mvnw");
        if !maven && !matches!(tool, "gradle" | "gradlew") {
            return Err("the tests do not run with Maven or Gradle".into());
        }
        let (agent, cli) = jacoco(req.tools)?;
        let mut words = argv.clone();
        if maven {
            // A project's own JaCoCo plugin would add a second agent.
            words.push("-Djacoco.skip=true".into());
        }
        let line: Vec<String> = words.iter().map(|w| sh_quote(w)).collect();
        let opts = format!(
            "-javaagent:$SELF_HEAL_COV_SUPPORT/jacocoagent.jar=destfile=$PWD/{dir}/{EXEC},includes={}",
            includes(req.failing),
            dir = crate::lang::coverage::OUT_DIR,
        );
        let command = format!(
            "JAVA_TOOL_OPTIONS=\"${{JAVA_TOOL_OPTIONS:+$JAVA_TOOL_OPTIONS }}{opts}\" {line} || rc=$?\n\
             if [ \"${{rc:-0}}\" = 127 ]; then exit 127; fi\n\
             if ! command -v java >/dev/null 2>&1; then echo 'self-heal: java is not installed'; exit {MISSING_TOOL_EXIT}; fi\n\
             [ -f {dir}/{EXEC} ] || {{ echo 'self-heal: the JaCoCo agent wrote nothing'; exit 1; }}\n\
             set --\n\
             for c in $(find . -type d \\( -name .git -o -name node_modules -o -name {dir} \\) -prune -o -type d \\( -path '*/target/classes' -o -path '*/build/classes/java/main' -o -path '*/build/classes/kotlin/main' \\) -print); do set -- \"$@\" --classfiles \"$c\"; done\n\
             java -jar \"$SELF_HEAL_COV_SUPPORT/jacococli.jar\" report {dir}/{EXEC} \"$@\" --xml {dir}/{XML} --quiet",
            line = line.join(" "),
            dir = crate::lang::coverage::OUT_DIR,
        );
        Ok(CoveragePlan {
            command,
            support: vec![
                SupportFile {
                    name: "jacocoagent.jar".into(),
                    contents: SupportContents::Copy(agent),
                },
                SupportFile {
                    name: "jacococli.jar".into(),
                    contents: SupportContents::Copy(cli),
                },
            ],
            tool: format!("JaCoCo {JACOCO_VERSION}"),
        })
    }

    fn read(&self, out: &CoverageOutput<'_>) -> Result<CoverageRead, String> {
        let xml = std::fs::read_to_string(out.dir.join(XML))
            .map_err(|_| "JaCoCo wrote no report".to_string())?;
        let report = read(&xml).map_err(|e| e.to_string())?;
        let sources = java_sources(out.project);
        let report = report.map_paths(|p| in_project(p, &sources));
        let mut r = CoverageReport::default();
        let label = format!("the failing tests together ({})", out.failing.len());
        r.add_aggregate(&label, out.failing, report.all);
        Ok(CoverageRead {
            report: r,
            frames: Vec::new(),
            note: "the failing tests together, one JVM".into(),
        })
    }
}

/// Every `.java`/`.kt` file of the project, by path, outside build output.
fn java_sources(project: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let walk = ignore::WalkBuilder::new(project)
        .hidden(true)
        .git_ignore(false)
        .filter_entry(|e| {
            let n = e.file_name();
            !(n == "target" || n == "build" || n == "node_modules")
        })
        .build();
    for entry in walk.flatten() {
        let p = entry.path();
        if p.extension().is_some_and(|x| x == "java" || x == "kt") {
            if let Ok(rel) = p.strip_prefix(project) {
                out.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out
}

/// The project file of a JaCoCo `package/File.java`: one whose path ends with it (a
/// main source root before a test one).
fn in_project(package_path: &str, sources: &BTreeSet<String>) -> Option<String> {
    let suffix = format!("/{package_path}");
    let mut found: Vec<&String> = sources
        .iter()
        .filter(|s| *s == package_path || s.ends_with(&suffix))
        .collect();
    found.sort_by_key(|s| crate::lang::is_test_path(s));
    found.first().map(|s| s.to_string())
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
