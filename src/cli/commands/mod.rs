//! One file per subcommand: its arguments (whose doc comment is the help) and `run()`.

pub mod baseline;
pub mod check;
pub mod compare;
pub mod forget;
pub mod gc;
pub mod hook;
pub mod log;
pub mod mark;
pub mod pull;
pub mod push;
pub mod record;
pub mod show;

use std::path::PathBuf;

use covgit::app::Workspace;
use covgit::config::Config;

use super::args::{Cli, Command, Global};
use super::error::Error;

pub fn run(cli: &Cli) -> Result<u8, Error> {
    let g = &cli.global;
    match &cli.command {
        Command::Record(a) => record::run(g, a),
        Command::Mark(a) => mark::run(g, a),
        Command::Compare(a) => compare::run(g, a),
        Command::Check(a) => check::run(g, a),
        Command::Log(a) => log::run(g, a),
        Command::Show(a) => show::run(g, a),
        Command::Gc(a) => gc::run(g, a),
        Command::Push(a) => push::run(g, a),
        Command::Pull(a) => pull::run(g, a),
        Command::Baseline(a) => baseline::run(g, a),
        Command::Hook(a) => hook::run(g, a),
        Command::Forget(a) => forget::run(g, a),
    }
}

/// `-C DIR`, as git does it: changes the process's folder once, before anything reads a
/// path, so every relative path (report arguments, `--head-report`, `--db`, `COVGIT_DB`,
/// report discovery) is taken from DIR. Each `-C` is relative to the one before, as in git.
pub fn enter(g: &Global) -> Result<(), Error> {
    for dir in &g.dir {
        std::env::set_current_dir(dir).map_err(|source| Error::ChangeDir {
            dir: dir.clone(),
            source,
        })?;
    }
    Ok(())
}

/// The folder the command runs in (after [`enter`]: DIR of `-C DIR`, else where covgit was
/// started).
pub fn cwd(_g: &Global) -> PathBuf {
    std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
}

/// Opens the repository and store and reads `.covgit.toml` from the repository root.
pub fn open(g: &Global) -> Result<(Workspace, Config), Error> {
    let ws = Workspace::open(&cwd(g), g.db.clone())?;
    let config = ws.load_config()?;
    Ok((ws, config))
}
