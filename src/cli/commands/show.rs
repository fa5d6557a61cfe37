use clap::Args;
use covgit::app::{self, ShowOptions};
use covgit::model::Flag;

use super::super::args::Global;
use super::super::error::Error;
use super::super::{exit, output};

/// One commit's report: totals, uploads, a per-file table and unresolved paths.
#[derive(Args)]
pub struct ShowArgs {
    /// The commit [default: HEAD].
    pub rev: Option<String>,
    /// Only the upload with this flag.
    #[arg(long, value_name = "NAME", value_parser = super::record::parse_flag)]
    pub flag: Option<Flag>,
    /// text or json.
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
}

pub fn run(g: &Global, a: &ShowArgs) -> Result<u8, Error> {
    let (ws, _) = super::open(g)?;
    let view = app::show(
        &ws,
        &ShowOptions {
            rev: a.rev.clone(),
            flag: a.flag.clone(),
        },
    )?;
    let json = a.format == "json";
    let palette = if json {
        covgit::render::Palette::default()
    } else {
        output::palette()
    };
    output::with_stdout(|out| covgit::render::show(out, &view, json, &palette))
        .map_err(Error::Output)?;
    Ok(exit::OK)
}
