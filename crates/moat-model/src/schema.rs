//! The attributes each kind of model object has, with pytm 1.4's names,
//! types and defaults. The pytm reader, the YAML loader, the threat engine's
//! view of a model and the catalog's condition checker all read this one table.

use crate::model::ElementKind;
use serde_json::Value;

/// pytm's enumerations. Ordered ones (classification, TLS version) are
/// numbers in conditions, so `<` compares them the way pytm does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumKind {
    Classification,
    TlsVersion,
    Lifetime,
    DatastoreType,
}

impl EnumKind {
    pub const ALL: [EnumKind; 4] = [
        EnumKind::Classification,
        EnumKind::TlsVersion,
        EnumKind::Lifetime,
        EnumKind::DatastoreType,
    ];

    /// The pytm class name (`Classification`, `TLSVersion`...).
    pub fn pytm_name(self) -> &'static str {
        match self {
            EnumKind::Classification => "Classification",
            EnumKind::TlsVersion => "TLSVersion",
            EnumKind::Lifetime => "Lifetime",
            EnumKind::DatastoreType => "DatastoreType",
        }
    }

    pub fn from_pytm_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.pytm_name() == name)
    }

    /// Member names, in pytm's order.
    pub fn members(self) -> &'static [&'static str] {
        match self {
            EnumKind::Classification => &[
                "UNKNOWN",
                "PUBLIC",
                "RESTRICTED",
                "SENSITIVE",
                "SECRET",
                "TOP_SECRET",
            ],
            EnumKind::TlsVersion => &[
                "NONE", "SSLv1", "SSLv2", "SSLv3", "TLSv10", "TLSv11", "TLSv12", "TLSv13",
            ],
            EnumKind::Lifetime => &[
                "NONE",
                "UNKNOWN",
                "SHORT",
                "LONG",
                "AUTO",
                "MANUAL",
                "HARDCODED",
            ],
            EnumKind::DatastoreType => &["UNKNOWN", "FILE_SYSTEM", "SQL", "LDAP", "AWS_S3"],
        }
    }

    pub fn is_ordered(self) -> bool {
        matches!(self, EnumKind::Classification | EnumKind::TlsVersion)
    }

    /// The value a member has in a condition: its ordinal for ordered
    /// enumerations, its name otherwise.
    pub fn condition_value(self, member: &str) -> Option<Value> {
        let index = self.members().iter().position(|m| *m == member)?;
        Some(if self.is_ordered() {
            Value::from(index as i64)
        } else {
            Value::from(member)
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttrType {
    Bool,
    Int,
    Str,
    StrList,
    IntList,
    Enum(EnumKind),
    /// A reference to another data flow (pytm's `response` / `responseTo`), stored as its id.
    FlowRef,
}

impl AttrType {
    pub fn describe(self) -> &'static str {
        match self {
            AttrType::Bool => "a boolean",
            AttrType::Int => "an integer",
            AttrType::Str => "a string",
            AttrType::StrList => "a list of strings",
            AttrType::IntList => "a list of integers",
            AttrType::Enum(EnumKind::Classification) => "a `Classification` member",
            AttrType::Enum(EnumKind::TlsVersion) => "a `TLSVersion` member",
            AttrType::Enum(EnumKind::Lifetime) => "a `Lifetime` member",
            AttrType::Enum(EnumKind::DatastoreType) => "a `DatastoreType` member",
            AttrType::FlowRef => "a data flow",
        }
    }

    /// Whether `value` (as stored in [`crate::Attributes`]) has this type.
    pub fn accepts(self, value: &Value) -> bool {
        match self {
            AttrType::Bool => value.is_boolean(),
            AttrType::Int => value.is_i64(),
            AttrType::Str | AttrType::FlowRef => value.is_string(),
            AttrType::StrList => value
                .as_array()
                .is_some_and(|a| a.iter().all(Value::is_string)),
            AttrType::IntList => value
                .as_array()
                .is_some_and(|a| a.iter().all(Value::is_i64)),
            AttrType::Enum(kind) => value.as_str().is_some_and(|s| kind.members().contains(&s)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Default {
    Bool(bool),
    Int(i64),
    Str(&'static str),
    EmptyList,
    IntList(&'static [i64]),
    Null,
}

impl Default {
    pub fn to_value(self) -> Value {
        match self {
            Default::Bool(b) => Value::Bool(b),
            Default::Int(i) => Value::from(i),
            Default::Str(s) => Value::from(s),
            Default::EmptyList => Value::Array(Vec::new()),
            Default::IntList(items) => {
                Value::Array(items.iter().map(|i| Value::from(*i)).collect())
            }
            Default::Null => Value::Null,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AttrSpec {
    pub name: &'static str,
    pub ty: AttrType,
    pub default: Default,
}

const fn attr(name: &'static str, ty: AttrType, default: Default) -> AttrSpec {
    AttrSpec { name, ty, default }
}

const fn flag(name: &'static str) -> AttrSpec {
    attr(name, AttrType::Bool, Default::Bool(false))
}

const fn flag_on(name: &'static str) -> AttrSpec {
    attr(name, AttrType::Bool, Default::Bool(true))
}

const fn text(name: &'static str) -> AttrSpec {
    attr(name, AttrType::Str, Default::Str(""))
}

/// Attributes every element, flow and boundary has (pytm's `Element`).
/// `name`, `description`, `inBoundary` and `data` are model fields, not attributes.
pub const ELEMENT: &[AttrSpec] = &[
    flag_on("inScope"),
    attr(
        "maxClassification",
        AttrType::Enum(EnumKind::Classification),
        Default::Str("UNKNOWN"),
    ),
    attr(
        "minTLSVersion",
        AttrType::Enum(EnumKind::TlsVersion),
        Default::Str("NONE"),
    ),
    attr("levels", AttrType::IntList, Default::IntList(&[0])),
    attr("sourceFiles", AttrType::StrList, Default::EmptyList),
    attr("severity", AttrType::Int, Default::Int(0)),
];

/// pytm's `Asset`: the base of servers, processes, datastores, lambdas, external entities.
pub const ASSET: &[AttrSpec] = &[
    attr("port", AttrType::Int, Default::Int(-1)),
    text("protocol"),
    flag("onAWS"),
    flag("handlesResources"),
    flag("usesEnvironmentVariables"),
    text("OS"),
];

pub const ACTOR: &[AttrSpec] = &[
    attr("port", AttrType::Int, Default::Int(-1)),
    text("protocol"),
    flag("isAdmin"),
];

pub const SERVER: &[AttrSpec] = &[
    flag("usesSessionTokens"),
    flag("usesCache"),
    flag("usesVPN"),
    flag("usesXMLParser"),
];

pub const PROCESS: &[AttrSpec] = &[
    attr("codeType", AttrType::Str, Default::Str("Unmanaged")),
    flag("implementsCommunicationProtocol"),
    flag("tracksExecutionFlow"),
    flag("implementsAPI"),
    text("environment"),
    flag("allowsClientSideScripting"),
];

pub const DATASTORE: &[AttrSpec] = &[
    flag("onRDS"),
    flag("storesLogData"),
    flag("storesPII"),
    flag("storesSensitiveData"),
    flag_on("isSQL"),
    flag("isShared"),
    flag("hasWriteAccess"),
    attr(
        "type",
        AttrType::Enum(EnumKind::DatastoreType),
        Default::Str("UNKNOWN"),
    ),
];

/// Lambda overrides `onAWS` to true.
pub const LAMBDA: &[AttrSpec] = &[flag_on("onAWS"), text("environment"), flag("implementsAPI")];

pub const EXTERNAL_ENTITY: &[AttrSpec] = &[flag("hasPhysicalAccess")];

pub const AGENT: &[AttrSpec] = &[flag("usesExternalTools"), flag("validatesToolLaunchConfig")];

pub const LLM: &[AttrSpec] = &[
    flag_on("isThirdParty"),
    flag("isSelfHosted"),
    flag("processesPersonalData"),
    flag("retainsUserData"),
    flag("hasAgentCapabilities"),
    flag("hasAccessToSensitiveSystems"),
    flag("executesCode"),
    flag("hasContentFiltering"),
    flag_on("hasSystemPrompt"),
    flag_on("processesUntrustedInput"),
    flag("hasRAG"),
    flag("hasFineTuning"),
];

pub const DATAFLOW: &[AttrSpec] = &[
    flag("isResponse"),
    attr("response", AttrType::FlowRef, Default::Null),
    attr("responseTo", AttrType::FlowRef, Default::Null),
    attr("srcPort", AttrType::Int, Default::Int(-1)),
    attr("dstPort", AttrType::Int, Default::Int(-1)),
    attr(
        "tlsVersion",
        AttrType::Enum(EnumKind::TlsVersion),
        Default::Str("NONE"),
    ),
    text("protocol"),
    attr("order", AttrType::Int, Default::Int(-1)),
    flag("implementsCommunicationProtocol"),
    text("note"),
    flag("usesVPN"),
    flag("usesSessionTokens"),
];

pub const DATA: &[AttrSpec] = &[
    text("format"),
    flag("isPII"),
    flag("isCredentials"),
    attr(
        "credentialsLife",
        AttrType::Enum(EnumKind::Lifetime),
        Default::Str("NONE"),
    ),
    flag("isStored"),
    flag("isDestEncryptedAtRest"),
    flag("isSourceEncryptedAtRest"),
];

/// pytm's `TM` settings Moat reads.
pub const TM: &[AttrSpec] = &[
    flag("isOrdered"),
    flag("mergeResponses"),
    flag("ignoreUnused"),
    text("threatsFile"),
];

/// pytm's `Controls`, reached as `element.controls.<name>`.
pub const CONTROLS: &[AttrSpec] = &[
    flag("authenticatesDestination"),
    flag("authenticatesSource"),
    text("authenticationScheme"),
    flag("authorizesSource"),
    flag("checksDestinationRevocation"),
    flag("checksInputBounds"),
    flag("definesConnectionTimeout"),
    flag("disablesDTD"),
    flag("disablesiFrames"),
    flag("encodesHeaders"),
    flag("encodesOutput"),
    flag("encryptsCookies"),
    flag("encryptsSessionData"),
    flag("handlesCrashes"),
    flag("handlesInterruptions"),
    flag("handlesResourceConsumption"),
    flag("hasAccessControl"),
    flag("implementsAuthenticationScheme"),
    flag("implementsCSRFToken"),
    flag("implementsNonce"),
    flag("implementsPOLP"),
    flag("implementsServerSideValidation"),
    flag("implementsStrictHTTPValidation"),
    flag("invokesScriptFilters"),
    flag("isEncrypted"),
    flag("isEncryptedAtRest"),
    flag("isHardened"),
    flag("isResilient"),
    flag("providesConfidentiality"),
    flag("providesIntegrity"),
    flag("sanitizesInput"),
    flag("tracksExecutionFlow"),
    flag("usesCodeSigning"),
    text("usesEncryptionAlgorithm"),
    flag("usesMFA"),
    flag("usesParameterizedInput"),
    flag("usesSecureFunctions"),
    flag("usesStrongSessionIdentifiers"),
    flag("usesVPN"),
    flag("validatesContentType"),
    flag("validatesHeaders"),
    flag("validatesInput"),
    flag("verifySessionIdentifiers"),
];

/// What kind of object an attribute list belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Element(ElementKind),
    Dataflow,
    Boundary,
    Data,
    Tm,
}

/// Every attribute of `target` (excluding `controls`), most specific last:
/// where a subclass overrides a default (Lambda's `onAWS`), the later entry wins.
/// Computed once per target: readers and the engine ask for every object.
pub fn attributes(target: Target) -> &'static [&'static AttrSpec] {
    static CACHE: std::sync::OnceLock<Vec<(Target, Vec<&'static AttrSpec>)>> =
        std::sync::OnceLock::new();
    let cache = CACHE.get_or_init(|| {
        let mut targets: Vec<Target> = ElementKind::ALL.into_iter().map(Target::Element).collect();
        targets.extend([Target::Dataflow, Target::Boundary, Target::Data, Target::Tm]);
        targets
            .into_iter()
            .map(|t| (t, layered_attributes(t)))
            .collect()
    });
    cache
        .iter()
        .find(|(t, _)| *t == target)
        .map(|(_, specs)| specs.as_slice())
        .unwrap_or(&[])
}

fn layered_attributes(target: Target) -> Vec<&'static AttrSpec> {
    let layers: &[&[AttrSpec]] = match target {
        Target::Element(kind) => match kind {
            ElementKind::Actor => &[ELEMENT, ACTOR],
            ElementKind::Server => &[ELEMENT, ASSET, SERVER],
            ElementKind::Process => &[ELEMENT, ASSET, PROCESS],
            ElementKind::SetOfProcesses => &[ELEMENT, ASSET, PROCESS],
            ElementKind::Datastore => &[ELEMENT, ASSET, DATASTORE],
            ElementKind::Lambda => &[ELEMENT, ASSET, LAMBDA],
            ElementKind::ExternalEntity => &[ELEMENT, ASSET, EXTERNAL_ENTITY],
            ElementKind::Agent => &[ELEMENT, ASSET, AGENT],
            ElementKind::Llm => &[ELEMENT, ASSET, LLM],
        },
        Target::Dataflow => &[ELEMENT, DATAFLOW],
        Target::Boundary => &[ELEMENT],
        Target::Data => &[DATA],
        Target::Tm => &[TM],
    };
    let mut out: Vec<&'static AttrSpec> = Vec::new();
    for spec in layers.iter().flat_map(|layer| layer.iter()) {
        if let Some(existing) = out.iter_mut().find(|s| s.name == spec.name) {
            *existing = spec;
        } else {
            out.push(spec);
        }
    }
    out
}

/// The spec of attribute `name` of `target`, if it has one.
pub fn attribute(target: Target, name: &str) -> Option<&'static AttrSpec> {
    attributes(target).iter().find(|s| s.name == name).copied()
}

pub fn control(name: &str) -> Option<&'static AttrSpec> {
    CONTROLS.iter().find(|s| s.name == name)
}

/// Whether `target` has pytm `Controls` (everything but data and the TM).
pub fn has_controls(target: Target) -> bool {
    matches!(
        target,
        Target::Element(_) | Target::Dataflow | Target::Boundary
    )
}

/// `attrs` with every missing attribute (and control) of `target` set to its default.
pub fn with_defaults(target: Target, attrs: &crate::Attributes) -> crate::Attributes {
    let mut out = attrs.clone();
    for spec in attributes(target).iter() {
        out.entry(spec.name.to_string())
            .or_insert_with(|| spec.default.to_value());
    }
    if has_controls(target) {
        let controls = out
            .entry("controls".to_string())
            .or_insert_with(|| Value::Object(serde_json::Map::new()));
        if let Value::Object(map) = controls {
            for spec in CONTROLS {
                map.entry(spec.name.to_string())
                    .or_insert_with(|| spec.default.to_value());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subclass_defaults_override_base_defaults() {
        let lambda = attribute(Target::Element(ElementKind::Lambda), "onAWS");
        assert_eq!(lambda.map(|s| s.default), Some(Default::Bool(true)));
        let server = attribute(Target::Element(ElementKind::Server), "onAWS");
        assert_eq!(server.map(|s| s.default), Some(Default::Bool(false)));
        assert!(attribute(Target::Element(ElementKind::Actor), "onAWS").is_none());
    }

    #[test]
    fn ordered_enums_compare_as_numbers() {
        assert_eq!(
            EnumKind::TlsVersion.condition_value("TLSv12"),
            Some(Value::from(6))
        );
        assert_eq!(
            EnumKind::Lifetime.condition_value("HARDCODED"),
            Some(Value::from("HARDCODED"))
        );
        assert_eq!(EnumKind::Classification.condition_value("nope"), None);
    }

    #[test]
    fn defaults_fill_controls() {
        let attrs = with_defaults(Target::Dataflow, &crate::Attributes::new());
        assert_eq!(attrs["dstPort"], Value::from(-1));
        assert_eq!(attrs["controls"]["isEncrypted"], Value::Bool(false));
    }
}
