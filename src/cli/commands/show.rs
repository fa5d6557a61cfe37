use clap::Args;
use covgit::app::{self, ShowOptions};
use covgit::model::Flag;
use covgit::render::QueryFormat;

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
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = parse_format())]
    pub format: QueryFormat,
}

/// `--format` of `show` and `log`: clap lists the names in help and in its usage error, as
/// for any fixed set of values, and hands over the render's enum.
pub fn parse_format() -> impl clap::builder::TypedValueParser<Value = QueryFormat> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(QueryFormat::ALL.map(QueryFormat::as_str))
        .try_map(|s| s.parse::<QueryFormat>())
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
    let palette = output::palette(a.format.styled());
    output::with_stdout(|out| covgit::render::show(out, &view, a.format, &palette))
        .map_err(Error::Output)?;
    Ok(exit::OK)
}
