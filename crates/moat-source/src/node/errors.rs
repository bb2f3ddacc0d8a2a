//! serde-saphyr's errors in Moat's words: budget breaches say which limit a
//! document broke, never the parser's Rust types (`RecordedAnchorEvents {..}`),
//! and parser messages follow Moat's style.

use serde_saphyr::budget::{Budget, BudgetBreach};
use serde_saphyr::{Error, MessageFormatter};

/// The message and code for a serde-saphyr error of a document read with
/// `budget` (for the limits it names).
pub fn describe_error(error: &Error, budget: &Budget) -> (String, &'static str) {
    let error = innermost(error);
    if let Error::Budget { breach, .. } = error {
        return (breach_message(breach, budget), "yaml::limit");
    }
    if let Error::ExternalMessage { source, .. } = error
        && let serde_saphyr::ExternalMessageSource::Parser(scan) = source.as_ref()
        && matches!(
            scan.kind(),
            serde_saphyr::granit_parser::ErrorKind::RecursionLimitExceeded
        )
    {
        return (too_deep(budget.max_depth), "yaml::limit");
    }
    let text = serde_saphyr::UserMessageFormatter.format_message(error);
    (style_message(&text), "yaml::syntax")
}

/// The error behind the wrappers that add a snippet or an alias's places.
fn innermost(mut error: &Error) -> &Error {
    loop {
        match error {
            Error::WithSnippet { error: inner, .. } | Error::AliasError { error: inner, .. } => {
                error = inner;
            }
            other => return other,
        }
    }
}

fn breach_message(breach: &BudgetBreach, budget: &Budget) -> String {
    let doc = "the document";
    match breach {
        BudgetBreach::Depth { .. } => too_deep(budget.max_depth),
        BudgetBreach::Nodes { .. } => format!(
            "{doc} has too many values (the limit is {})",
            budget.max_nodes
        ),
        BudgetBreach::Events { .. } => format!(
            "{doc} is too large (more than {} YAML events)",
            budget.max_events
        ),
        BudgetBreach::Documents { .. } => {
            "a file holds one YAML document; found more than one".to_string()
        }
        BudgetBreach::Aliases { .. } => format!(
            "{doc} uses too many aliases (`*name`; the limit is {})",
            budget.max_aliases
        ),
        BudgetBreach::Anchors { .. } => format!(
            "{doc} defines too many anchors (`&name`; the limit is {})",
            budget.max_anchors
        ),
        BudgetBreach::MergeKeys { .. } => format!(
            "{doc} uses too many merge keys (`<<`; the limit is {})",
            budget.max_merge_keys
        ),
        BudgetBreach::AliasAnchorRatio { aliases, anchors } => format!(
            "{doc} repeats its anchors too often ({aliases} aliases for {anchors} anchors), the way a YAML bomb does"
        ),
        BudgetBreach::RecordedAnchorEvents { .. } | BudgetBreach::RecordedAnchorBytes { .. } => {
            format!(
                "{doc}'s aliases expand to too much content (aliases of anchors that hold aliases multiply, the way a YAML bomb does)"
            )
        }
        BudgetBreach::ScalarBytes { .. } | BudgetBreach::InputBytes { .. } => {
            format!("{doc} is too large")
        }
        BudgetBreach::SequenceUnbalanced => {
            format!("{doc} ends in the middle of a list or mapping")
        }
        BudgetBreach::InclusionDepth { .. } => format!("{doc} nests includes too deeply"),
        // the rest (property interpolation, and any the parser adds later) are
        // said plainly, without the parser's own type names
        _ => format!("{doc} is too large or too complex to read"),
    }
}

fn too_deep(limit: usize) -> String {
    format!("the document is nested too deeply (the limit is {limit} levels)")
}

/// Moat's message style: lowercase start (acronyms kept), no final period.
pub(crate) fn style_message(text: &str) -> String {
    let text = text.trim().trim_end_matches('.');
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => {
            first.to_lowercase().chain(text.chars().skip(1)).collect()
        }
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(text: &str, budget: Budget) -> (String, &'static str) {
        let options = serde_saphyr::options! { budget: Some(budget.clone()) };
        match serde_saphyr::from_str_with_options::<serde_json::Value>(text, options) {
            Ok(_) => ("read".to_string(), ""),
            Err(error) => describe_error(&error, &budget),
        }
    }

    /// Ten levels of lists, each holding ten aliases of the one before.
    fn bomb() -> String {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        text
    }

    #[test]
    fn budget_breaches_say_which_limit_in_words() {
        let (text, code) = message(&bomb(), Budget::default());
        assert_eq!(code, "yaml::limit");
        assert!(!text.contains('{') && !text.contains("Recorded"), "{text}");
        assert!(text.starts_with("the document"), "{text}");
        let mut small = Budget::default();
        small.max_nodes = 5;
        let (text, _) = message("[1, 2, 3, 4, 5, 6, 7]", small);
        assert_eq!(text, "the document has too many values (the limit is 5)");
        let mut few = Budget::default();
        few.max_aliases = 1;
        let (text, _) = message("a: &a 1\nb: *a\nc: *a\n", few);
        assert_eq!(
            text,
            "the document uses too many aliases (`*name`; the limit is 1)"
        );
    }

    #[test]
    fn parser_messages_are_styled() {
        let (text, code) = message("a: [1, 2\n", Budget::default());
        assert_eq!(code, "yaml::syntax");
        assert!(
            text.chars().next().is_some_and(char::is_lowercase),
            "{text}"
        );
        assert!(!text.ends_with('.'), "{text}");
    }
}
