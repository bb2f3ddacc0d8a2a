//! Who a policy statement's `Principal` names, as far as accounts go: the
//! template's own account (`000000000000` stands in for it, see
//! moat_iac::cloudformation::resolve::DEFAULT_ACCOUNT), other accounts, or
//! everyone.

use moat_iac::cloudformation::resolve::DEFAULT_ACCOUNT;
use moat_policy::document::{PrincipalKind, Statement};

/// The entries of `statement`'s principal that are everyone or another
/// account, as written (`*`, `111122223333`, `arn:aws:iam::111122223333:root`);
/// `NotPrincipal` in an `Allow` counts as everyone but the listed principals.
pub fn outsiders(statement: &Statement) -> Vec<String> {
    let Some(principal) = &statement.principal else {
        return Vec::new();
    };
    if principal.negated {
        let listed: Vec<String> = principal
            .entries
            .iter()
            .map(|e| format!("`{}`", shown(&e.value.value)))
            .collect();
        return vec![format!(
            "everyone but {} (`NotPrincipal`)",
            listed.join(", ")
        )];
    }
    principal
        .entries
        .iter()
        .filter(|e| match e.kind {
            PrincipalKind::Everyone => true,
            PrincipalKind::Aws => match account_of(&e.value.value) {
                Some(account) => account != DEFAULT_ACCOUNT,
                None => e.value.value == "*",
            },
            _ => false,
        })
        .map(|e| format!("`{}`", shown(&e.value.value)))
        .collect()
}

/// The account an `AWS` principal names: a bare 12-digit id or the account
/// field of an ARN.
pub fn account_of(principal: &str) -> Option<&str> {
    if principal.len() == 12 && principal.bytes().all(|b| b.is_ascii_digit()) {
        return Some(principal);
    }
    let account = principal.strip_prefix("arn:")?.split(':').nth(3)?;
    (!account.is_empty()).then_some(account)
}

/// A principal, ARN or name as the template wrote it: the stand-ins Moat
/// resolves `${AWS::AccountId}`, `${AWS::Region}` and unnamed resources to
/// are shown as `${...}` again.
pub fn shown(value: &str) -> String {
    let mut out = value.replace(DEFAULT_ACCOUNT, "${AWS::AccountId}");
    let mut i = 0;
    while let Some(start) = out[i..].find('{').map(|s| s + i) {
        if start > 0 && out.as_bytes()[start - 1] == b'$' {
            i = start + 1;
            continue;
        }
        out.insert(start, '$');
        i = start + 2;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_and_stand_ins() {
        assert_eq!(account_of("111122223333"), Some("111122223333"));
        assert_eq!(
            account_of("arn:aws:iam::111122223333:root"),
            Some("111122223333")
        );
        assert_eq!(account_of("*"), None);
        assert_eq!(
            shown("arn:aws:iam::000000000000:role/{AppRole}"),
            "arn:aws:iam::${AWS::AccountId}:role/${AppRole}"
        );
        assert_eq!(
            shown("arn:aws:sqs:{AWS::Region}:1:q"),
            "arn:aws:sqs:${AWS::Region}:1:q"
        );
    }
}
