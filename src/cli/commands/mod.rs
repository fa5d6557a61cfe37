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

use covgit::app::{Error, Workspace};
use covgit::config::Config;

use super::args::{Cli, Command, Global};

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

/// The folder the command runs in: `-C DIR` or the current one.
pub fn cwd(g: &Global) -> PathBuf {
    match &g.dir {
        Some(d) => d.clone(),
        None => std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
    }
}

/// Opens the repository and store and reads `.covgit.toml` from the repository root.
pub fn open(g: &Global) -> Result<(Workspace, Config), Error> {
    let ws = Workspace::open(&cwd(g), g.db.clone())?;
    let config = match ws.root().map(|r| r.join(".covgit.toml")) {
        Some(path) if path.is_file() => {
            let text = std::fs::read_to_string(&path).map_err(|source| Error::ReadConfig {
                path: path.clone(),
                source,
            })?;
            Config::parse(&text, &path.display().to_string())?
        }
        _ => Config::default(),
    };
    Ok((ws, config))
}
