//! The model-reply parser on arbitrary text: a reason or edits, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match self_heal::llm::parse_reply(&text) {
        Ok(_) => {}
        Err(reason) => assert!(!reason.contains('\n'), "multi-line reason: {reason:?}"),
    }
});
