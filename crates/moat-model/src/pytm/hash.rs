//! A fast hash for the names and ids of a script. The standard hash resists
//! keys chosen to collide, which costs a large script more time than any of
//! its other lookups; the keys here come from the script being read, whose
//! author gains nothing by slowing down their own reading.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

pub(super) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<WordHasher>>;
pub(super) type FastSet<T> = HashSet<T, BuildHasherDefault<WordHasher>>;

/// Mixes the input a machine word at a time: rotate, xor, multiply.
#[derive(Default, Clone, Copy)]
pub(super) struct WordHasher(u64);

/// An odd constant with well spread bits (the fractional part of the golden ratio).
const MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;

impl WordHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(MULTIPLIER);
    }
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.add(u64::from_le_bytes(word.try_into().unwrap_or_default()));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            if let Some(start) = last.get_mut(..rest.len()) {
                start.copy_from_slice(rest);
            }
            self.add(u64::from_le_bytes(last));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    fn finish(&self) -> u64 {
        // the low bits of a product depend only on the low bits of its
        // factors, and tables pick buckets by the low bits: fold the high
        // half, which depends on every input bit, into them
        self.0 ^ (self.0 >> 32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn names_differing_anywhere_hash_apart() {
        let build = BuildHasherDefault::<WordHasher>::default();
        let names = [
            "e1",
            "e10",
            "e100",
            "f1_0",
            "f1_1",
            "longer_than_eight",
            "longer_than_nine",
        ];
        let hashes: FastSet<u64> = names.iter().map(|n| build.hash_one(n)).collect();
        assert_eq!(hashes.len(), names.len());
        let mut scope: FastMap<String, usize> = FastMap::default();
        for (i, name) in names.iter().enumerate() {
            scope.insert((*name).to_string(), i);
        }
        assert_eq!(scope.get("f1_1"), Some(&4));
    }
}
