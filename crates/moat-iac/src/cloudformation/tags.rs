//! CloudFormation's YAML short forms and the long form each stands for
//! (AWS CloudFormation User Guide, "Intrinsic function reference").

use moat_source::node::TagError;

/// Short-form tag (without `!`) -> long-form key.
const SHORT_FORMS: &[(&str, &str)] = &[
    ("Ref", "Ref"),
    ("Condition", "Condition"),
    ("Sub", "Fn::Sub"),
    ("GetAtt", "Fn::GetAtt"),
    ("Join", "Fn::Join"),
    ("If", "Fn::If"),
    ("Select", "Fn::Select"),
    ("Split", "Fn::Split"),
    ("FindInMap", "Fn::FindInMap"),
    ("ImportValue", "Fn::ImportValue"),
    ("Base64", "Fn::Base64"),
    ("Cidr", "Fn::Cidr"),
    ("GetAZs", "Fn::GetAZs"),
    ("Equals", "Fn::Equals"),
    ("And", "Fn::And"),
    ("Or", "Fn::Or"),
    ("Not", "Fn::Not"),
    ("Transform", "Fn::Transform"),
    ("Length", "Fn::Length"),
    ("ToJsonString", "Fn::ToJsonString"),
];

/// The long-form key of a short-form tag.
pub fn long_form(tag: &str) -> Result<&'static str, TagError> {
    SHORT_FORMS
        .iter()
        .find(|(short, _)| *short == tag)
        .map(|(_, long)| *long)
        .ok_or_else(|| {
            let known = SHORT_FORMS.iter().map(|(s, _)| *s);
            let hint = moat_source::diag::did_you_mean(tag, known)
                .map(|m| format!("; {m}"))
                .unwrap_or_default();
            TagError::Unknown(format!(
                "unknown tag `!{tag}`: CloudFormation has no such short form, and this file cannot be read without knowing what it builds{hint}"
            ))
        })
}
