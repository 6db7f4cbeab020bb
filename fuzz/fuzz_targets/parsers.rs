//! Each language parser on arbitrary text; the first byte picks the parser.
#![no_main]
use libfuzzer_sys::fuzz_target;
use self_heal::analyze::diagnostics;
use self_heal::lang::go::log as go;
use self_heal::lang::java::log as java;
use self_heal::lang::javascript::log as js;
use self_heal::lang::python::log as python;
use self_heal::lang::rust::log as rust;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    match which % 7 {
        0 => drop(python::parse(&text)),
        1 => drop(rust::parse(&text)),
        2 => drop(go::parse(&text)),
        3 => drop(java::parse(&text)),
        4 => drop(js::parse(&text)),
        5 => drop(diagnostics::parse(&text)),
        _ => {
            drop(go::parse_detailed(&text));
            drop(rust::parse_located(&text));
            drop(diagnostics::parse_located(&text));
        }
    }
});
