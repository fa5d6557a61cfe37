//! `app::Error` → one `error:` sentence on stderr, the cause chain folded into it, with
//! every control character shown escaped: errors quote paths, flags and what the remote
//! sent, and a newline in one must not start a line a CI runner would obey.

use std::error::Error as _;

use covgit::app::Error;

pub fn report(e: &Error) {
    eprintln!("error: {}", sentence(e));
}

/// The error and its causes as one sentence, safe to print (see `render::escape`).
pub fn sentence(e: &Error) -> String {
    covgit::render::escape::line(&chain(e)).into_owned()
}

/// The error and its causes, as they are.
fn chain(e: &Error) -> String {
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
