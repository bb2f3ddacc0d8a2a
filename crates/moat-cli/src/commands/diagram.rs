//! `moat diagram MODEL --format dot|mermaid|plantuml-seq|svg`.

use crate::commands::emit;
use crate::format::OutputFormat;
use crate::{Outcome, inputs};
use std::path::PathBuf;

pub type Format = OutputFormat;

#[derive(clap::Args)]
pub struct Args {
    /// A pytm script (.py) or a Moat YAML model
    pub model: PathBuf,
    #[arg(long, short, default_value = "dot", value_parser = OutputFormat::parser(&[OutputFormat::Dot, OutputFormat::Mermaid, OutputFormat::PlantumlSeq, OutputFormat::Svg]))]
    pub format: Format,
    /// Write the diagram to this file instead of stdout
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

pub fn run(args: Args) -> Outcome {
    let Some(model) = inputs::load_and_report(&args.model) else {
        return Outcome::InputError;
    };
    let text = match args.format {
        Format::Dot => moat_report::dot(&model),
        Format::Mermaid => moat_report::mermaid(&model),
        Format::PlantumlSeq => moat_report::plantuml_sequence(&model),
        Format::Svg => match moat_report::svg(&model) {
            Ok(svg) => svg,
            Err(e) => {
                eprintln!("error: {}", e.message);
                return Outcome::InputError;
            }
        },
        other => return crate::format::unsupported(other),
    };
    if let Err(outcome) = emit(&text, args.output.as_deref()) {
        return outcome;
    }
    // loaders return no model when there are errors
    Outcome::Ok
}
