//! Elements for what a template names but does not define (principals of
//! other accounts, AWS services, identity providers, replica buckets
//! elsewhere) and the boundaries they sit in. Kept by id so the model lists
//! each once, in a stable order whatever order the template names them in.

use super::ACCOUNT;
use moat_iac::Inventory;
use moat_iac::cloudformation::resolve::DEFAULT_ACCOUNT;
use moat_model::{Boundary, Element, ElementKind, slug};
use serde_json::json;
use std::collections::BTreeMap;

/// Where something outside the template lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Place {
    /// The stack's own account.
    OwnAccount,
    /// Another account, by id.
    Account(String),
    /// An account the template does not fix.
    UnknownAccount,
    /// AWS service principals.
    Services,
    /// Federated identity providers.
    Federated,
}

/// One element to add.
pub(super) struct Outsider<'a> {
    /// What it stands for, unique among outsiders (`principal:<ARN>`).
    pub key: String,
    /// The readable part its id is made from.
    pub id_hint: &'a str,
    pub name: String,
    pub kind: ElementKind,
    pub description: String,
    pub place: Place,
    pub properties: Vec<(&'static str, serde_json::Value)>,
}

pub(super) struct Outside<'a> {
    inventory: &'a Inventory,
    pub boundaries: BTreeMap<String, Boundary>,
    pub elements: BTreeMap<String, Element>,
    /// key -> id, so that two outsiders never share an id
    ids: BTreeMap<String, String>,
}

impl<'a> Outside<'a> {
    pub fn new(inventory: &'a Inventory) -> Self {
        Outside {
            inventory,
            boundaries: BTreeMap::new(),
            elements: BTreeMap::new(),
            ids: BTreeMap::new(),
        }
    }

    /// Whether `account` is the stack's own: the stand-in `AWS::AccountId`
    /// resolves to, or the account `--param AWS::AccountId` names.
    pub fn is_own(&self, account: &str) -> bool {
        account == DEFAULT_ACCOUNT || self.inventory.account.as_deref() == Some(account)
    }

    /// The place of something in `account` (`None`: not known).
    pub fn account_place(&self, account: Option<&str>) -> Place {
        match account {
            Some(a) if self.is_own(a) => Place::OwnAccount,
            Some(a) => Place::Account(a.to_string()),
            None => Place::UnknownAccount,
        }
    }

    /// The element for `outsider`, added the first time; its id.
    pub fn element(&mut self, outsider: Outsider<'_>) -> String {
        if let Some(id) = self.ids.get(&outsider.key) {
            return id.clone();
        }
        let base = slug(outsider.id_hint);
        let mut id = base.clone();
        let mut n = 1;
        while self.elements.contains_key(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        let boundary = self.boundary(&outsider.place);
        let mut properties = BTreeMap::new();
        for (k, v) in outsider.properties {
            properties.insert(k.to_string(), v);
        }
        self.elements.insert(
            id.clone(),
            Element {
                id: id.clone(),
                name: outsider.name,
                kind: outsider.kind,
                description: outsider.description,
                boundary: Some(boundary),
                data: Vec::new(),
                attributes: super::on_aws(outsider.kind, outsider.place != Place::Federated),
                implements: Vec::new(),
                tags: Vec::new(),
                properties,
                span: None,
            },
        );
        self.ids.insert(outsider.key, id.clone());
        id
    }

    /// The id of the boundary for `place`, added the first time.
    fn boundary(&mut self, place: &Place) -> String {
        let (id, name, description) = match place {
            Place::OwnAccount => return ACCOUNT.to_string(),
            Place::Account(account) => (
                format!("account-{account}"),
                format!("AWS account {account}"),
                "Another AWS account the template names".to_string(),
            ),
            Place::UnknownAccount => (
                "unknown-account".to_string(),
                "Unknown AWS account".to_string(),
                "An account the template does not fix: any account a grant's conditions admit, or where a replica lives".to_string(),
            ),
            Place::Services => (
                "aws-services".to_string(),
                "AWS services".to_string(),
                "Service principals acting for AWS services".to_string(),
            ),
            Place::Federated => (
                "identity-providers".to_string(),
                "Identity providers".to_string(),
                "Users signed in through an identity provider (web identity or SAML)".to_string(),
            ),
        };
        let properties = match place {
            Place::Federated => BTreeMap::new(),
            _ => BTreeMap::from([("provider".to_string(), json!("aws"))]),
        };
        self.boundaries
            .entry(id.clone())
            .or_insert_with(|| Boundary {
                id: id.clone(),
                name,
                description,
                parent: None,
                attributes: Default::default(),
                tags: Vec::new(),
                properties,
                span: None,
            });
        id
    }
}
