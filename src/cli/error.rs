//! `app::Error` → one `error:` sentence on stderr, the cause chain folded into it.

use std::error::Error as _;

use covgit::app::Error;

pub fn report(e: &Error) {
    eprintln!("error: {}", sentence(e));
}

/// The error and its causes as one sentence.
pub fn sentence(e: &Error) -> String {
    let mut line = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let text = c.to_string();
        // thiserror's transparent variants repeat their source's message; say it once.
        if !line.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
        cause = c.source();
    }
    line
}
