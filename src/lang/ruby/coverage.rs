//! Ruby: the standard library's `Coverage`, started in every Ruby process of the
//! scoped run through `RUBYOPT=-r` (`selfheal_coverage.rb`), each process's lines
//! written in coverage.py's JSON shape and read by the Python reader. A process
//! records every test it ran: the failing tests are one aggregate record.

use crate::coverage::CoverageReport;
use crate::lang::coverage::{
    CoverageOutput, CoveragePlan, CoverageRead, CoverageRequest, CoverageRunner, SupportFile,
    OUT_DIR,
};
use crate::lang::framework::sh_quote;

const HELPER: &str = include_str!("selfheal_coverage.rb");

pub struct RubyCoverage;

impl CoverageRunner for RubyCoverage {
    fn plan(&self, req: &CoverageRequest<'_>) -> Result<CoveragePlan, String> {
        let line: Vec<String> = req.scoped.argv.iter().map(|w| sh_quote(w)).collect();
        Ok(CoveragePlan {
            command: format!(
                "RUBYOPT=\"${{RUBYOPT:+$RUBYOPT }}-r$SELF_HEAL_COV_SUPPORT/selfheal_coverage.rb\" \
                 SELF_HEAL_COV_ROOT=\"$PWD\" SELF_HEAL_COV_OUT=\"$PWD/{OUT_DIR}\" {}",
                line.join(" ")
            ),
            support: vec![SupportFile::text("selfheal_coverage.rb", HELPER)],
            tool: "Ruby's Coverage".into(),
        })
    }

    fn read(&self, out: &CoverageOutput<'_>) -> Result<CoverageRead, String> {
        let mut all = CoverageReport::default();
        let mut found = 0;
        let mut names: Vec<_> = std::fs::read_dir(out.dir)
            .map_err(|e| e.to_string())?
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("ruby-"))
            })
            .collect();
        names.sort();
        for p in names {
            let Ok(text) = std::fs::read_to_string(&p) else {
                continue;
            };
            // The helper wrote paths relative to the project already.
            if let Ok(r) = crate::lang::python::coverage::read(&text, out.seen_root) {
                all.merge(r);
                found += 1;
            }
        }
        if found == 0 {
            return Err("no Ruby process wrote coverage".into());
        }
        let mut report = CoverageReport::default();
        let label = format!("the failing tests together ({})", out.failing.len());
        report.add_aggregate(&label, out.failing, all.all);
        Ok(CoverageRead {
            report,
            frames: Vec::new(),
            note: "the failing tests together".into(),
        })
    }
}
