//! One set of output formats for every command; each command names the ones
//! it writes, and clap offers and accepts only those.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Text,
    Md,
    Json,
    Csv,
    Sarif,
    Yaml,
    Dot,
    Mermaid,
    PlantumlSeq,
    Svg,
    ThreatComposer,
    Otm,
    ThreatDragon,
    Html,
}

impl OutputFormat {
    pub const ALL: [OutputFormat; 14] = [
        OutputFormat::Text,
        OutputFormat::Md,
        OutputFormat::Json,
        OutputFormat::Csv,
        OutputFormat::Sarif,
        OutputFormat::Yaml,
        OutputFormat::Dot,
        OutputFormat::Mermaid,
        OutputFormat::PlantumlSeq,
        OutputFormat::Svg,
        OutputFormat::ThreatComposer,
        OutputFormat::Otm,
        OutputFormat::ThreatDragon,
        OutputFormat::Html,
    ];

    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Text => "text",
            OutputFormat::Md => "md",
            OutputFormat::Json => "json",
            OutputFormat::Csv => "csv",
            OutputFormat::Sarif => "sarif",
            OutputFormat::Yaml => "yaml",
            OutputFormat::Dot => "dot",
            OutputFormat::Mermaid => "mermaid",
            OutputFormat::PlantumlSeq => "plantuml-seq",
            OutputFormat::Svg => "svg",
            OutputFormat::ThreatComposer => "threat-composer",
            OutputFormat::Otm => "otm",
            OutputFormat::ThreatDragon => "threat-dragon",
            OutputFormat::Html => "html",
        }
    }

    fn help(self) -> &'static str {
        match self {
            OutputFormat::Text => "aligned text for a terminal",
            OutputFormat::Md => "GitHub-flavoured Markdown",
            OutputFormat::Json => "JSON (documented in docs/)",
            OutputFormat::Csv => "comma-separated values, one row per item",
            OutputFormat::Sarif => "SARIF 2.1.0, for code scanning (GitHub and others)",
            OutputFormat::Yaml => "Moat's YAML model format (docs/model.md)",
            OutputFormat::Dot => "Graphviz data flow diagram, boundaries as clusters",
            OutputFormat::Mermaid => "Mermaid flowchart, boundaries as subgraphs",
            OutputFormat::PlantumlSeq => {
                "PlantUML sequence diagram of the flows, in order (pytm's --seq)"
            }
            OutputFormat::Svg => "SVG data flow diagram, laid out natively (no Graphviz)",
            OutputFormat::ThreatComposer => {
                "AWS Threat Composer .tc.json (docs/interchange.md); read back by every command"
            }
            OutputFormat::Otm => "Open Threat Model 0.2 JSON (docs/interchange.md)",
            OutputFormat::ThreatDragon => "OWASP Threat Dragon v2 JSON (docs/interchange.md)",
            OutputFormat::Html => {
                "one self-contained HTML page with the diagram (docs/html-report.md)"
            }
        }
    }

    /// A clap parser that accepts the names of `allowed` only.
    pub fn parser(allowed: &'static [OutputFormat]) -> impl TypedValueParser<Value = OutputFormat> {
        let values = allowed
            .iter()
            .map(|f| PossibleValue::new(f.name()).help(f.help()));
        PossibleValuesParser::new(values).map(|name| {
            OutputFormat::ALL
                .into_iter()
                .find(|f| f.name() == name)
                .unwrap_or(OutputFormat::Text)
        })
    }
}

/// What a command says when handed a format it does not write (clap's parser
/// makes this unreachable from the command line).
pub fn unsupported(format: OutputFormat) -> crate::Outcome {
    eprintln!("error: this command does not write `{}`", format.name());
    crate::Outcome::InputError
}
