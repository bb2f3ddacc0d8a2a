//! A fixed-width set of statements (bit `i` is the `i`-th statement of OLD
//! followed by NEW): what one dimension of a request lets apply.

/// A bit set over the statements of both policies.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Bits {
    words: Box<[u64]>,
    len: usize,
}

impl Bits {
    /// Every statement.
    pub fn ones(len: usize) -> Bits {
        let mut words = vec![u64::MAX; len.div_ceil(64)];
        if let Some(last) = words.last_mut()
            && !len.is_multiple_of(64)
        {
            *last = (1u64 << (len % 64)) - 1;
        }
        Bits {
            words: words.into_boxed_slice(),
            len,
        }
    }

    /// No statement.
    pub fn zeros(len: usize) -> Bits {
        Bits {
            words: vec![0; len.div_ceil(64)].into_boxed_slice(),
            len,
        }
    }

    pub fn set(&mut self, i: usize, on: bool) {
        let (word, bit) = (i / 64, 1u64 << (i % 64));
        if let Some(w) = self.words.get_mut(word) {
            if on {
                *w |= bit;
            } else {
                *w &= !bit;
            }
        }
    }

    /// The statements in both.
    pub fn and(&self, other: &Bits) -> Bits {
        Bits {
            words: self
                .words
                .iter()
                .zip(other.words.iter())
                .map(|(a, b)| a & b)
                .collect(),
            len: self.len,
        }
    }

    /// The statements in either.
    pub fn or(&self, other: &Bits) -> Bits {
        Bits {
            words: self
                .words
                .iter()
                .zip(other.words.iter())
                .map(|(a, b)| a | b)
                .collect(),
            len: self.len,
        }
    }

    /// The statements in `self` and not in `other`.
    pub fn and_not(&self, other: &Bits) -> Bits {
        Bits {
            words: self
                .words
                .iter()
                .zip(other.words.iter())
                .map(|(a, b)| a & !b)
                .collect(),
            len: self.len,
        }
    }

    pub fn get(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|w| w & (1u64 << (i % 64)) != 0)
    }

    /// The set statements, in order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(w, word)| {
            (0..64)
                .filter(move |b| word & (1u64 << b) != 0)
                .map(move |b| w * 64 + b)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ones_zeros_and_masks() {
        let all = Bits::ones(70);
        assert_eq!(all.iter().last(), Some(69));
        let mut some = Bits::zeros(70);
        some.set(3, true);
        some.set(65, true);
        assert_eq!(all.and(&some), some);
        assert!(all.get(65) && !some.get(64));
        assert_eq!(all.and_not(&some).iter().count(), 68);
        assert_eq!(some.iter().collect::<Vec<_>>(), vec![3, 65]);
    }
}
