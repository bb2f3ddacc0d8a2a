//! Sid-safe names for services and feature classes (ASCII letters and digits
//! only, as IAM requires of a Sid).

/// The name of a service in a Sid (ASCII letters and digits only).
pub fn service_label(prefix: &str) -> String {
    match prefix {
        "s3" => "S3".to_string(),
        "s3express" => "S3Express".to_string(),
        "s3-object-lambda" => "S3ObjectLambda".to_string(),
        "iam" => "IAM".to_string(),
        "sts" => "STS".to_string(),
        "kms" => "KMS".to_string(),
        "ec2" => "EC2".to_string(),
        "cloudtrail" => "CloudTrail".to_string(),
        "organizations" => "Organizations".to_string(),
        other => camel(other.split(|c: char| !c.is_ascii_alphanumeric())),
    }
}

/// The name of a feature class in a Sid: its id without the `FC` marker and
/// the service it starts with (`FC-S3-WEBSITE` -> `Website`, `S3.FC16` ->
/// `FC16`, `FC-STS` -> empty).
pub fn class_label(id: &str, service: &str) -> String {
    let service_head = service
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or_default();
    let mut tokens: Vec<&str> = id
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.first().is_some_and(|t| t.eq_ignore_ascii_case("FC")) {
        tokens.remove(0);
    }
    if tokens
        .first()
        .is_some_and(|t| t.eq_ignore_ascii_case(service_head))
    {
        tokens.remove(0);
    }
    camel(tokens.into_iter())
}

/// Words as one CamelCase name: all-letter words capitalized, others kept.
fn camel<'a>(words: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for word in words.filter(|w| !w.is_empty()) {
        if word.chars().all(|c| c.is_ascii_alphabetic()) {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.push(first.to_ascii_uppercase());
                out.extend(chars.map(|c| c.to_ascii_lowercase()));
            }
        } else {
            out.extend(word.chars().filter(char::is_ascii_alphanumeric));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_sid_safe() {
        assert_eq!(service_label("s3"), "S3");
        assert_eq!(service_label("s3-object-lambda"), "S3ObjectLambda");
        assert_eq!(service_label("access-analyzer"), "AccessAnalyzer");
        assert_eq!(class_label("FC-S3-WEBSITE", "s3"), "Website");
        assert_eq!(
            class_label("FC-S3-OBJECT-LAMBDA", "s3-object-lambda"),
            "ObjectLambda"
        );
        assert_eq!(class_label("FC-STS", "sts"), "");
        assert_eq!(class_label("FC-VPC-ENDPOINT", "ec2"), "VpcEndpoint");
        assert_eq!(class_label("S3.FC16", "s3"), "FC16");
        assert_eq!(class_label("my class (beta)", "s3"), "MyClassBeta");
    }
}
