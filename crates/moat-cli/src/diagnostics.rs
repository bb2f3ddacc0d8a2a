//! Shows diagnostics on stderr: a grep-able `file:line:col: level: message`
//! line, then the source line with carets, rendered by miette.

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, Severity};
use moat_model::{Diagnostic, Level};
use std::fmt;

/// A moat diagnostic seen through miette's trait, for its snippet rendering.
struct Shown<'a> {
    diag: &'a Diagnostic,
    source: Option<NamedSource<String>>,
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

// The message is already on the grep-able first line; miette's header shows the code.
impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.code)
    }
}

impl std::error::Error for Shown<'_> {}

impl miette::Diagnostic for Shown<'_> {
    fn severity(&self) -> Option<Severity> {
        Some(match self.diag.level {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
            Level::Note => Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diag
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (_, span) = self.diag.source.as_ref()?;
        let len = (span.end.saturating_sub(span.start)) as usize;
        Some(Box::new(std::iter::once(LabeledSpan::new(
            None,
            span.start as usize,
            len,
        ))))
    }
}

/// Renders one diagnostic; `color` only on a terminal.
pub fn render(diag: &Diagnostic, color: bool) -> String {
    let mut out = match &diag.location {
        Some(loc) => format!("{loc}: {}: {}\n", diag.level, diag.message),
        None => format!("{}: {}\n", diag.level, diag.message),
    };
    let source = diag
        .source
        .as_ref()
        .map(|(file, _)| NamedSource::new(&file.name, file.text.to_string()));
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_context_lines(1)
        .with_width(100);
    let shown = Shown { diag, source };
    let mut rendered = String::new();
    if handler.render_report(&mut rendered, &shown).is_ok() {
        out.push_str(&rendered);
    }
    out
}

/// Prints every diagnostic to stderr, in order.
pub fn print_all(diags: &[Diagnostic], color: bool) {
    for d in diags {
        eprintln!("{}", render(d, color));
    }
}
