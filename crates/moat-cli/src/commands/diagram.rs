//! `moat diagram MODEL --format dot|mermaid|plantuml-seq`.

use crate::commands::emit;
use crate::{Outcome, inputs};
use clap::ValueEnum;
use std::path::PathBuf;

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// Graphviz data flow diagram, boundaries as clusters
    Dot,
    /// Mermaid flowchart, boundaries as subgraphs
    Mermaid,
    /// PlantUML sequence diagram of the flows, in order (pytm's --seq)
    PlantumlSeq,
}

#[derive(clap::Args)]
pub struct Args {
    /// A pytm script (.py) or a Moat YAML model
    pub model: PathBuf,
    #[arg(long, short, value_enum, default_value = "dot")]
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
    };
    if let Err(outcome) = emit(&text, args.output.as_deref()) {
        return outcome;
    }
    // loaders return no model when there are errors
    Outcome::Ok
}
