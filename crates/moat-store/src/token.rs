//! Upload tokens: 32 random bytes from the operating system, shown once as
//! `moat_` and 64 hex digits, kept only as their SHA-256 digest. A token carries
//! 256 bits of entropy, so a fast digest is enough (no password hashing needed),
//! and lookups by digest reveal nothing useful about a token through timing.

use crate::{Result, StoreError};
use sha2::{Digest, Sha256};

const PREFIX: &str = "moat_";

/// A new random token.
pub(crate) fn generate() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Random(e.to_string()))?;
    Ok(format!("{PREFIX}{}", hex(&bytes)))
}

/// What the database keeps of a token.
pub(crate) fn digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_kept_as_digests() {
        let a = generate().unwrap();
        let b = generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), PREFIX.len() + 64);
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
