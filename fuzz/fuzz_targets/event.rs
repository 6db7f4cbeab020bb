//! The event payload parser and the run-id parser on arbitrary text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use self_heal::github::event::{self, Guards};

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let _ = event::parse_run_id(&text);
    let guards = Guards {
        branch_prefix: "self-heal/".into(),
        exclude_workflows: vec!["deploy".into()],
        bot_logins: event::default_bot_logins(),
    };
    let name = ["workflow_run", "workflow_dispatch", "push", ""][usize::from(which % 4)];
    let run_id = (which & 0x10 != 0).then_some(42);
    let _ = event::resolve_trigger(Some(name), Some(&text), run_id, &guards);
});
