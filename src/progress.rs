//! What a run reports while it works, for the caller to show: no terminal code here
//! (the binary draws a live line on a terminal, prints plain lines to a file or pipe,
//! and folds each attempt into a `::group::` in Actions).

/// One thing that happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event<'a> {
    /// A line for a human: a step that begins, or a warning.
    Say(&'a str),
    /// A step whose commands' output follows (reproducing the failure, an attempt);
    /// [`Event::End`] closes it. Not nested.
    Begin(&'a str),
    /// The end of the step the last [`Event::Begin`] opened.
    End,
    /// One line printed by the validation command running now (ANSI removed, not
    /// yet masked: the sink masks what it shows).
    Output(&'a str),
}

/// Receives the [`Event`]s of a run. Any `Fn(&str)` is one: it gets the lines
/// (`Say` and `Begin`) and none of the command output.
pub trait Sink: Sync {
    fn event(&self, event: Event<'_>);

    fn say(&self, line: &str) {
        self.event(Event::Say(line));
    }
}

impl<F: Fn(&str) + Sync> Sink for F {
    fn event(&self, event: Event<'_>) {
        match event {
            Event::Say(line) | Event::Begin(line) => self(line),
            Event::End | Event::Output(_) => {}
        }
    }
}

/// An open [`Event::Begin`]: sends [`Event::End`] when dropped, on every way out of
/// the step.
pub struct Step<'a>(&'a dyn Sink);

impl<'a> Step<'a> {
    pub fn begin(sink: &'a dyn Sink, label: &str) -> Step<'a> {
        sink.event(Event::Begin(label));
        Step(sink)
    }
}

impl Drop for Step<'_> {
    fn drop(&mut self) {
        self.0.event(Event::End);
    }
}

tokio::task_local! {
    /// Where the commands run inside this task-local's scope (validation's) stream
    /// their output lines; [`with_output`] sets it. A task-local rather than a
    /// parameter so validation's own signatures stay as they are.
    pub static OUTPUT: tokio::sync::mpsc::UnboundedSender<String>;
}

/// Runs `fut` while forwarding the lines that commands inside it send to [`OUTPUT`]
/// to `sink` as [`Event::Output`].
pub async fn with_output<T>(sink: &dyn Sink, fut: impl std::future::Future<Output = T>) -> T {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let fut = OUTPUT.scope(tx, fut);
    tokio::pin!(fut);
    loop {
        tokio::select! {
            biased;
            Some(line) = rx.recv() => sink.event(Event::Output(&line)),
            out = &mut fut => {
                while let Ok(line) = rx.try_recv() {
                    sink.event(Event::Output(&line));
                }
                return out;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn a_closure_gets_the_lines_only_and_a_step_always_ends() {
        let seen = Mutex::new(Vec::new());
        let f = |l: &str| seen.lock().unwrap().push(l.to_string());
        {
            let _step = Step::begin(&f, "attempt 1");
            f.event(Event::Output("collected 3 items"));
            f.say("warning: x");
        }
        assert_eq!(*seen.lock().unwrap(), ["attempt 1", "warning: x"]);

        struct All(Mutex<Vec<String>>);
        impl Sink for All {
            fn event(&self, e: Event<'_>) {
                self.0.lock().unwrap().push(format!("{e:?}"));
            }
        }
        let all = All(Mutex::new(Vec::new()));
        drop(Step::begin(&all, "x"));
        assert_eq!(*all.0.lock().unwrap(), ["Begin(\"x\")", "End"]);
    }
}
