//! `cli::Error`: what only the command line raises (its `-C` folder, stdout, the binary's own
//! path) beside every `app::Error`; and the one `error:` sentence on stderr, the cause chain
//! folded into it, with every control character shown escaped: errors quote paths, flags and
//! what the remote sent, and a newline in one must not start a line a CI runner would obey.

use std::error::Error as _;
use std::path::PathBuf;

use covgit::render::CompareFormat;

/// An error of a command: the library's, or one only the command line can meet.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    App(#[from] covgit::app::Error),
    #[error("cannot change to '{}' (-C)", dir.display())]
    ChangeDir {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write the output")]
    Output(#[source] std::io::Error),
    #[error("cannot find the path of the running covgit binary for the hook")]
    CurrentExe(#[source] std::io::Error),
    #[error(
        "--output names the folder of `--format html`; `--format {format}` writes to stdout: redirect it (`> trend.svg`) instead"
    )]
    OutputNotHtml { format: &'static str },
    #[error(
        "cannot write into '{}': it is a file, not a folder (--output names the folder that gets index.html)",
        path.display()
    )]
    OutputNotAFolder { path: PathBuf },
    #[error("--format {format} writes a folder of pages: name it with --output DIR")]
    SiteNeedsOutput { format: CompareFormat },
    #[error(
        "--format {format} writes a folder of pages, not one stream: --output - is refused, name a folder"
    )]
    SiteNotStdout { format: CompareFormat },
    #[error(
        "--output '{}' is for --format html only: --format {format} writes to stdout (redirect it)",
        dir.display()
    )]
    OutputNotSite { format: CompareFormat, dir: PathBuf },
    #[error(
        "check does not write --format {format}: run `covgit compare --format {format} --output DIR` for the site"
    )]
    CheckSite { format: CompareFormat },
    #[error("cannot write the site into '{}'", dir.display())]
    Site {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

pub fn report(e: &Error) {
    eprintln!("error: {}", sentence(e));
}

/// The error and its causes as one sentence, safe to print (see `render::escape`).
pub fn sentence(e: &Error) -> String {
    covgit::render::escape::line(&chain(e)).into_owned()
}

/// The error and its causes, as they are. No message repeats its cause (a `#[source]` is
/// never interpolated too, and a transparent variant hands on its inner error's source), so
/// each is said once.
fn chain(e: &Error) -> String {
    let mut line = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        line.push_str(": ");
        line.push_str(&c.to_string());
        cause = c.source();
    }
    line
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::path::PathBuf;

    use covgit::app;
    use covgit::app::GitError;

    use super::*;

    fn denied() -> io::Error {
        io::Error::from_raw_os_error(13)
    }

    /// Every error that chains an OS error, with the sentence the user reads.
    fn chained() -> Vec<(Error, &'static str)> {
        vec![
            (
                Error::ChangeDir {
                    dir: PathBuf::from("sub"),
                    source: denied(),
                },
                "cannot change to 'sub' (-C): Permission denied (os error 13)",
            ),
            (
                Error::Output(denied()),
                "cannot write the output: Permission denied (os error 13)",
            ),
            (
                Error::CurrentExe(denied()),
                "cannot find the path of the running covgit binary for the hook: Permission denied (os error 13)",
            ),
            (
                app::Error::ReadReport {
                    path: PathBuf::from("cov.info"),
                    source: denied(),
                }
                .into(),
                "cannot read report 'cov.info': Permission denied (os error 13)",
            ),
            (
                app::Error::ReadConfig {
                    path: PathBuf::from(".covgit.toml"),
                    source: denied(),
                }
                .into(),
                "cannot read '.covgit.toml': Permission denied (os error 13)",
            ),
            (
                app::Error::Git(GitError::Hook {
                    path: PathBuf::from(".git/hooks/pre-push"),
                    source: denied(),
                })
                .into(),
                "cannot write the hook '.git/hooks/pre-push': Permission denied (os error 13)",
            ),
        ]
    }

    #[test]
    fn no_message_repeats_the_cause_it_chains() {
        for (e, _) in chained() {
            let cause = e.source().expect("a chained cause").to_string();
            assert!(
                !e.to_string().contains(&cause),
                "'{e}' repeats its cause '{cause}'"
            );
        }
    }

    #[test]
    fn the_sentence_says_each_cause_once() {
        for (e, sentence) in chained() {
            assert_eq!(super::sentence(&e), sentence);
        }
    }

    #[test]
    fn the_os_words_inside_a_hint_sentence_are_not_chained() {
        let e: Error = app::Error::DbFolder {
            path: PathBuf::from("/ro/covgit"),
            cause: denied(),
        }
        .into();
        assert!(e.source().is_none());
        assert_eq!(
            super::sentence(&e),
            "cannot create the database folder '/ro/covgit': Permission denied (os error 13); pass --db PATH to put it elsewhere"
        );
    }
}
