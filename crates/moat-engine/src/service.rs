//! Which AWS service each element of a model is: its `service` property when it
//! has one, else what its kind or name implies (`catalog/aws/services.yaml`).
//! Every inference is reported so a user can see and correct it.

use moat_catalog::services;
use moat_model::{Element, ElementKind, Model};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How an element's service was decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", tag = "from", content = "detail")]
pub enum Origin {
    /// The element's `service` property.
    Property,
    /// pytm's `Datastore.type = DatastoreType.AWS_S3`.
    DatastoreType,
    /// The element kind (`lambda`).
    Kind,
    /// A phrase of the element's name.
    Name(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ServiceOf {
    /// The AWS service prefix (`s3`), empty when the element is none.
    pub service: String,
    /// The resource type within the service (`bucket`), empty for the service itself.
    pub resource: String,
    pub origin: Origin,
}

/// One inference, as reports show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Inference {
    pub element_id: String,
    pub element_name: String,
    pub service: String,
    pub resource: String,
    pub origin: Origin,
}

impl Inference {
    /// `s3 bucket`, `kms`.
    pub fn label(&self) -> String {
        if self.resource.is_empty() {
            self.service.clone()
        } else {
            format!("{} {}", self.service, self.resource.replace('_', " "))
        }
    }

    /// Why, in words: `from its name ("s3 bucket")`.
    pub fn reason(&self) -> String {
        match &self.origin {
            Origin::Property => "from its `service` property".to_string(),
            Origin::DatastoreType => "from its datastore type AWS_S3".to_string(),
            Origin::Kind => "from its kind".to_string(),
            Origin::Name(phrase) => format!("from its name (\"{phrase}\")"),
        }
    }
}

/// The service of `element`, if it is (or says it is) one.
pub fn service_of(element: &Element) -> Option<ServiceOf> {
    let (id, origin) = decide(element)?;
    let (service, resource) = services::split(id);
    Some(ServiceOf {
        service: service.to_string(),
        resource: resource.to_string(),
        origin,
    })
}

/// `(service, resource)` borrowed from the element or the phrase table, for views.
pub fn service_ref(element: &Element) -> Option<(&str, &str)> {
    decide(element).map(|(id, _)| services::split(id))
}

/// Whether `element` is an AWS-managed service: a known service that AWS runs
/// (not a Lambda function, whose code is the team's; never an actor).
pub fn is_managed(element: &Element) -> bool {
    element.kind != ElementKind::Actor
        && decide(element).is_some_and(|(id, _)| services::is_managed(id))
}

/// A `service` value as conditions see it: the table's id when the value names
/// one in any case (`KMS` is `kms`), else the value as written (reported by
/// [`crate::vocabulary`]); `None` for an empty value ("not an AWS service").
pub fn property_service(value: &serde_json::Value) -> Option<&str> {
    let text = value.as_str()?;
    if let Some(known) = services::known(text) {
        return Some(known.id());
    }
    Some(text.trim()).filter(|t| !t.is_empty())
}

fn decide(element: &Element) -> Option<(&str, Origin)> {
    if let Some(value) = element.properties.get("service") {
        // an explicit empty value says "not an AWS service"
        return property_service(value).map(|id| (id, Origin::Property));
    }
    if element.kind == ElementKind::Actor {
        return None;
    }
    if element.kind == ElementKind::Datastore
        && element.attributes.get("type").and_then(|t| t.as_str()) == Some("AWS_S3")
    {
        return Some(("s3:bucket", Origin::DatastoreType));
    }
    if let Some(found) = services::infer_from_name(&element.name) {
        return Some((found.id, Origin::Name(found.phrase)));
    }
    if element.kind == ElementKind::Lambda {
        return Some(("lambda", Origin::Kind));
    }
    None
}

/// The inferred (not explicitly set) services of a model's elements, in model order.
pub fn inferences(model: &Model) -> Vec<Inference> {
    model
        .elements
        .iter()
        .filter_map(|e| {
            let found = service_of(e)?;
            (found.origin != Origin::Property).then(|| Inference {
                element_id: e.id.clone(),
                element_name: e.name.clone(),
                service: found.service,
                resource: found.resource,
                origin: found.origin,
            })
        })
        .collect()
}

/// The feature classes a target declares in its `features` property (a list,
/// or one id as a string), without allocating: the fast path asks per condition.
pub fn declared_features(properties: &moat_model::Properties) -> impl Iterator<Item = &str> {
    let (list, one) = match properties.get("features") {
        Some(serde_json::Value::Array(items)) => (items.as_slice(), None),
        Some(serde_json::Value::String(one)) => (&[][..], Some(one.as_str())),
        _ => (&[][..], None),
    };
    list.iter().filter_map(serde_json::Value::as_str).chain(one)
}

/// A flow's or boundary's service: only what its `service` property says.
pub fn declared_service(properties: &moat_model::Properties) -> (&str, &str) {
    properties
        .get("service")
        .and_then(property_service)
        .map_or(("", ""), services::split)
}

/// Whether a flow's or boundary's declared service is an AWS-managed one.
pub fn declares_managed(properties: &moat_model::Properties) -> bool {
    properties
        .get("service")
        .and_then(property_service)
        .is_some_and(services::is_managed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn element(name: &str, kind: ElementKind) -> Element {
        Element {
            id: moat_model::slug(name),
            name: name.to_string(),
            kind,
            description: String::new(),
            boundary: None,
            data: Vec::new(),
            attributes: Default::default(),
            tags: Vec::new(),
            properties: Default::default(),
            span: None,
            implements: Vec::new(),
        }
    }

    #[test]
    fn property_wins_then_type_then_name() {
        let mut e = element("Archive", ElementKind::Datastore);
        assert_eq!(service_of(&e), None);
        e.attributes.insert("type".into(), "AWS_S3".into());
        assert_eq!(service_of(&e).unwrap().resource, "bucket");
        e.properties.insert("service".into(), "kms:key".into());
        let explicit = service_of(&e).unwrap();
        assert_eq!(
            (explicit.service.as_str(), explicit.resource.as_str()),
            ("kms", "key")
        );
        e.properties.insert("service".into(), "".into());
        assert_eq!(service_of(&e), None);
    }

    #[test]
    fn case_variants_name_the_service_and_unknown_values_are_kept() {
        let mut e = element("Keys", ElementKind::Server);
        e.properties.insert("service".into(), "KMS".into());
        assert_eq!(service_ref(&e), Some(("kms", "")));
        assert!(is_managed(&e));
        e.properties.insert("service".into(), "s3:bukket".into());
        assert_eq!(service_ref(&e), Some(("s3", "bukket")));
        assert!(
            !is_managed(&e),
            "an unknown service is not known to be managed"
        );
        e.properties.insert("service".into(), "lambda".into());
        assert!(!is_managed(&e), "a function runs the team's code");
        let mut user = element("KMS admin", ElementKind::Actor);
        user.properties.insert("service".into(), "iam:user".into());
        assert!(!is_managed(&user), "actors are people");
    }

    #[test]
    fn actors_are_people() {
        assert_eq!(service_of(&element("IAM admin", ElementKind::Actor)), None);
        let lambda = service_of(&element("resize", ElementKind::Lambda)).unwrap();
        assert_eq!(
            (lambda.service.as_str(), lambda.origin),
            ("lambda", Origin::Kind)
        );
    }
}
