//! `moat convert MODEL`: write a model (for instance a pytm script) in Moat's
//! format, as YAML or as JSON, so pytm users can move off Python in one step.
//! Both are model files every command reads back.

use crate::commands::emit;
use crate::format::OutputFormat;
use crate::{Outcome, inputs};
use std::path::PathBuf;

pub type Format = OutputFormat;

#[derive(clap::Args)]
pub struct Args {
    /// A pytm script (.py) or a Moat model (.yaml, .json)
    pub model: PathBuf,
    #[arg(long, short, default_value = "yaml", value_parser = OutputFormat::parser(&[OutputFormat::Yaml, OutputFormat::Json]))]
    pub format: Format,
    /// Write to this file instead of stdout
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

pub fn run(args: Args) -> Outcome {
    let Some(model) = inputs::load_and_report(&args.model) else {
        return Outcome::InputError;
    };
    let text = match args.format {
        Format::Yaml => moat_model::yaml::to_string(&model).map_err(|e| e.to_string()),
        Format::Json => moat_model::yaml::to_json(&model).map_err(|e| e.to_string()),
        other => return crate::format::unsupported(other),
    };
    match text {
        Ok(text) => match emit(&text, args.output.as_deref()) {
            Ok(()) => Outcome::Ok,
            Err(outcome) => outcome,
        },
        Err(message) => {
            eprintln!("error: cannot write the model: {message}");
            Outcome::InputError
        }
    }
}
