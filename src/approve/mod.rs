//! Approval of a validated fix: automatic, terminal y/N, or a local web page.
