//! Talking to the Actions runner. The formats and the writing live with the report
//! ([`crate::report::workflow`]), which every ending of a run goes through; this
//! module keeps the old paths.

pub use crate::report::workflow::*;
