//! Small text helpers shared by the exports.

use moat_catalog::{Severity, Stride};

/// `text` cut to at most `max` characters (what JSON Schema's `maxLength`
/// counts), ending with `…` when cut.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// `a`, `a and b`, `a, b and c`.
pub fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The STRIDE letter Threat Composer uses.
pub fn stride_letter(stride: Stride) -> &'static str {
    match stride {
        Stride::Spoofing => "S",
        Stride::Tampering => "T",
        Stride::Repudiation => "R",
        Stride::InformationDisclosure => "I",
        Stride::DenialOfService => "D",
        Stride::ElevationOfPrivilege => "E",
    }
}

/// The security property a STRIDE category attacks (Threat Composer's
/// "impacted goal").
pub fn stride_goal(stride: Stride) -> &'static str {
    match stride {
        Stride::Spoofing => "authenticity",
        Stride::Tampering => "integrity",
        Stride::Repudiation => "non-repudiation",
        Stride::InformationDisclosure => "confidentiality",
        Stride::DenialOfService => "availability",
        Stride::ElevationOfPrivilege => "authorization",
    }
}

/// What a STRIDE category leads to, for the threat grammar's impact.
pub fn stride_impact(stride: Stride) -> &'static str {
    match stride {
        Stride::Spoofing => "actions taken under another principal's identity",
        Stride::Tampering => "unauthorised changes to data or configuration",
        Stride::Repudiation => "actions that cannot be traced to whoever made them",
        Stride::InformationDisclosure => "disclosure of data to unauthorised parties",
        Stride::DenialOfService => "loss of availability",
        Stride::ElevationOfPrivilege => "actions beyond the permissions granted",
    }
}

/// Threat Composer's and Threat Dragon's three priorities: critical and high
/// are `High`, medium `Medium`, low and info `Low`.
pub fn priority(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low | Severity::Info => "Low",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_counts_characters() {
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(clip("abcd", 3), "ab…");
        assert_eq!(clip("ééé", 2), "é…");
        assert_eq!(
            join_and(&["a".into(), "b".into(), "c".into()]),
            "a, b and c"
        );
    }
}
