//! Deterministic UUIDs: the same model exports the same ids, so exports diff
//! well and snapshots hold. FNV-1a over the input, twice with different
//! offsets, shaped as an RFC 9562 version 8 (custom) UUID.

const PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv(offset: u64, parts: &[&str]) -> u64 {
    let mut hash = offset;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0xff)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(PRIME);
        }
    }
    hash
}

/// A 36-character UUID for `parts` (`["threat", "T-S3-001@bucket"]`).
pub fn uuid(parts: &[&str]) -> String {
    let high = fnv(0xcbf2_9ce4_8422_2325, parts);
    let low = fnv(0x8422_2325_cbf2_9ce4, parts);
    // version 8 in the 13th hex digit, variant 10 in the 17th
    let high = (high & !0x0000_0000_0000_f000) | 0x0000_0000_0000_8000;
    let low = (low & !0xc000_0000_0000_0000) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0xffff,
        low >> 48,
        low & 0x0000_ffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_stable_and_well_formed() {
        let a = uuid(&["threat", "T-S3-001@bucket"]);
        assert_eq!(a, uuid(&["threat", "T-S3-001@bucket"]));
        assert_ne!(a, uuid(&["threat", "T-S3-001@bucket2"]));
        assert_ne!(uuid(&["ab", "c"]), uuid(&["a", "bc"]));
        assert_eq!(a.len(), 36);
        assert_eq!(a.as_bytes()[14], b'8');
        assert!(matches!(a.as_bytes()[19], b'8' | b'9' | b'a' | b'b'));
    }
}
