//! The ways a unit may deploy. A condition no `--param` decides leaves every
//! `Fn::If` on it unknown, and every check that reads such a value says
//! "unknown"; read once per assignment of the unit's undecided conditions,
//! the unit gives inventories in which those values are known, and what is
//! the same in all of them holds however the deployment goes.
//!
//! A variant is read again from the unit's source text when it is asked for,
//! so a caller that checks each and drops it holds one at a time.

use crate::Inventory;
use crate::cloudformation::template::{self, Template};
use crate::cloudformation::{self, tags};
use std::collections::{BTreeMap, HashMap};

/// A resource's construct path and app language.
type CdkOrigin = (Option<String>, Option<crate::cdk::CdkLanguage>);

/// Above this many undecided conditions a unit is read only as it is: each
/// one doubles the readings (2^4 = 16 at most).
pub const MAX_UNDECIDED: usize = 4;

/// One way the unit may deploy.
pub struct Variant {
    /// A value for each of the base's [`Inventory::undecided`], in its order.
    pub assignment: Vec<bool>,
    pub inventory: Inventory,
}

/// A unit with more undecided conditions than [`MAX_UNDECIDED`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooMany(pub usize);

/// Every variant of `base` (a unit as [`crate::scan`] reads it, with `params`):
/// 2^n for its n undecided conditions, the first with every condition true
/// (the branch written first), the first condition changing slowest. The
/// unit's files are parsed once; each variant is lowered when the iterator
/// reaches it.
pub fn variants<'a>(
    base: &'a Inventory,
    params: &'a BTreeMap<String, String>,
) -> Result<impl Iterator<Item = Variant> + 'a, TooMany> {
    let n = base.undecided.len();
    if n > MAX_UNDECIDED {
        return Err(TooMany(n));
    }
    let templates: Vec<Option<Template<'a>>> = base
        .files
        .iter()
        .map(|file| {
            let root = moat_source::node::parse_tagged(file, &tags::long_form).ok()?;
            // reported when the base was read
            template::read(file, root, &mut Vec::new()).ok()
        })
        .collect();
    // construct paths the CDK manifest gave rather than the template, and
    // the app's language, which the reader does not know either
    let paths: HashMap<(usize, String), CdkOrigin> = base
        .origins()
        .into_iter()
        .filter(|o| o.cdk_path.is_some() || o.cdk_language.is_some())
        .map(|o| {
            (
                (o.file, o.logical_id.clone()),
                (o.cdk_path.clone(), o.cdk_language),
            )
        })
        .collect();
    Ok((0..1usize << n).map(move |i| {
        let assignment: Vec<bool> = (0..n).map(|j| (i >> (n - 1 - j)) & 1 == 0).collect();
        let inventory = lower(base, &templates, &paths, params, &assignment);
        Variant {
            assignment,
            inventory,
        }
    }))
}

/// The unit read again, each undecided condition of `base` taking the value
/// at the same place in `assignment`.
fn lower(
    base: &Inventory,
    templates: &[Option<Template<'_>>],
    paths: &HashMap<(usize, String), CdkOrigin>,
    params: &BTreeMap<String, String>,
    assignment: &[bool],
) -> Inventory {
    let mut out = Inventory::default();
    // reported when the base was read; a variant has nothing new to say
    let mut diagnostics = Vec::new();
    for (index, template) in templates.iter().enumerate() {
        let Some(template) = template else {
            continue;
        };
        let assumptions: BTreeMap<String, bool> = base
            .undecided
            .iter()
            .zip(assignment)
            .filter(|(u, _)| u.file == index)
            .map(|(u, value)| (u.name.clone(), *value))
            .collect();
        let own = base.file_params.get(&index);
        cloudformation::lower_assuming(
            template,
            index,
            own.unwrap_or(params),
            &assumptions,
            &mut out,
            &mut diagnostics,
        );
    }
    if !paths.is_empty() {
        for origin in out.origins_mut() {
            if let Some((path, language)) = paths.get(&(origin.file, origin.logical_id.clone())) {
                if origin.cdk_path.is_none() {
                    origin.cdk_path = path.clone();
                }
                origin.cdk_language = origin.cdk_language.or(*language);
            }
        }
    }
    out.files = base.files.clone();
    out.file_params = base.file_params.clone();
    out
}
