//! Spectrum-based suspiciousness: how strongly executing a line goes with failing.
//!
//! Ochiai(line) = ef / sqrt(F · (ef + ep)), with ef/ep the failing/passing tests that
//! executed the line and F all failing tests. A line every failing test runs and no
//! passing test runs scores 1; one that every passing test runs too scores
//! sqrt(F / (F + P)).
//!
//! Aggregates: a run standing for k tests counts as k tests that all executed its
//! union of lines (the only reading of a union that never says "not executed" of a
//! line some test ran). With the failing tests aggregated, ef is 0 or F, so the score
//! no longer tells failing tests apart: lines are ordered by how few passing tests ran
//! them, which is still what separates the code under test from shared setup. With the
//! passing tests aggregated too, ep is 0 or P: two tiers, "only the failing run" (1.0)
//! and "also the passing run" (sqrt(F/(F+P))). With no passing tests at all every line
//! the failing tests ran scores 1, and the ranking rests on the other evidence.

use super::evidence::Coverage;
use std::collections::BTreeMap;

/// Failing and passing tests that executed a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub failed: u32,
    pub passed: u32,
}

#[derive(Debug, Clone, Default)]
pub struct Spectrum {
    pub failed_total: u32,
    pub passed_total: u32,
    /// Per file, per line: who executed it. Only lines some failing test executed.
    pub lines: BTreeMap<String, BTreeMap<u32, Counts>>,
}

impl Spectrum {
    pub fn build(cov: &Coverage) -> Spectrum {
        let mut s = Spectrum {
            failed_total: cov.failing.iter().map(|r| r.tests).sum(),
            passed_total: cov.passing.iter().map(|r| r.tests).sum(),
            lines: BTreeMap::new(),
        };
        for run in &cov.failing {
            for (file, lines) in &run.lines {
                let per = s.lines.entry(file.clone()).or_default();
                for &l in lines {
                    per.entry(l).or_default().failed += run.tests;
                }
            }
        }
        for run in &cov.passing {
            for (file, lines) in &run.lines {
                let Some(per) = s.lines.get_mut(file) else {
                    continue;
                };
                for l in lines {
                    if let Some(c) = per.get_mut(l) {
                        c.passed += run.tests;
                    }
                }
            }
        }
        s
    }

    pub fn ochiai(&self, c: Counts) -> f64 {
        ochiai(c.failed, c.passed, self.failed_total)
    }
}

pub fn ochiai(ef: u32, ep: u32, failed_total: u32) -> f64 {
    if ef == 0 || failed_total == 0 {
        return 0.0;
    }
    f64::from(ef) / (f64::from(failed_total) * f64::from(ef + ep)).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ochiai_orders_by_failing_and_against_passing() {
        assert_eq!(ochiai(2, 0, 2), 1.0);
        assert!((ochiai(1, 0, 2) - std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-9);
        assert!((ochiai(2, 2, 2) - std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-9);
        assert!(ochiai(2, 1, 2) > ochiai(2, 5, 2));
        assert_eq!(ochiai(0, 5, 2), 0.0);
        assert_eq!(ochiai(1, 0, 0), 0.0);
    }
}
