//! `moat`: threat modeling as code for Amazon S3 deployments.
//! The only place that decides exit codes: 0 ok, 1 threats at or above
//! `--fail-on`, 2 usage or input error.

mod commands;
mod diagnostics;
mod format;
mod inputs;
mod outcome;
mod upload;

pub use outcome::Outcome;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

// Large models allocate and free millions of small values; glibc's malloc
// returned memory to the kernel and faulted fresh zeroed pages back in, which
// cost a quarter of the run time at 10,000 elements (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "moat",
    version,
    about = "Threat modeling as code for Amazon S3 deployments"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the threats that apply to each element and data flow of a model
    Threats(commands::threats::Args),
    /// Scan CloudFormation, SAM and CDK output: located findings, a review and a plan
    Scan(commands::scan::Args),
    /// Draw a model's data flow diagram (DOT, Mermaid) or sequence diagram (PlantUML)
    Diagram(commands::diagram::Args),
    /// Check models (and catalogs) without evaluating threats
    Validate(commands::validate::Args),
    /// Write a model (e.g. a pytm script) as Moat YAML or JSON
    Convert(commands::convert::Args),
    /// Every control by computed priority, with implementation and testing
    Plan(commands::plan::Args),
    /// Threats, controls and a diagram per feature class
    Review(commands::review::Args),
    /// A framework's requirements, the controls that meet them, gaps and an action plan
    Compliance(commands::compliance::Args),
    /// SCPs and CloudTrail alerts that forbid feature classes
    Guardrails(commands::guardrails::Args),
    /// Browse the catalog: list, show, search, or export it as HTML
    Catalog(commands::catalog::Args),
    /// IAM policy reasoning: evaluate requests as AWS does
    Policy(commands::policy::Args),
    /// A local web UI and JSON API: catalog, assessments, risk decisions (docs/ui.md)
    Serve(commands::serve::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() { 2 } else { 0 });
        }
    };
    let outcome = match cli.command {
        Command::Threats(args) => commands::threats::run(args),
        Command::Scan(args) => commands::scan::run(args),
        Command::Diagram(args) => commands::diagram::run(args),
        Command::Validate(args) => commands::validate::run(args),
        Command::Convert(args) => commands::convert::run(args),
        Command::Plan(args) => commands::plan::run(args),
        Command::Review(args) => commands::review::run(args),
        Command::Compliance(args) => commands::compliance::run(args),
        Command::Guardrails(args) => commands::guardrails::run(args),
        Command::Catalog(args) => commands::catalog::run(args),
        Command::Policy(args) => commands::policy::run(args),
        Command::Serve(args) => commands::serve::run(args),
    };
    ExitCode::from(outcome.exit_code())
}
