//! `--shard I/N`: a stable split of the calls between N workers.

use crate::{DatasetError, Result};
use sha2::{Digest, Sha256};

/// Worker `index` of `count` (0-based). The default, 0 of 1, takes every call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// This worker, `0..count`.
    pub index: u32,
    /// Number of workers.
    pub count: u32,
}

impl Default for Shard {
    fn default() -> Self {
        Shard { index: 0, count: 1 }
    }
}

impl std::str::FromStr for Shard {
    type Err = DatasetError;
    /// `I/N` with `0 <= I < N`.
    fn from_str(s: &str) -> Result<Self> {
        let bad = || {
            DatasetError::Invalid(format!(
                "--shard {s:?}: expected I/N with 0 <= I < N (e.g. 0/8, the first of 8 workers)"
            ))
        };
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (u32, u32) = (
            i.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// The bucket of a call id: the first 8 bytes of its SHA-256, modulo the count. Stable
    /// across machines, platforms and callqa versions (unlike Rust's `DefaultHasher`).
    pub fn bucket(call_id: &str, count: u32) -> u32 {
        let h = Sha256::digest(call_id.as_bytes());
        let mut b = [0u8; 8];
        b.copy_from_slice(&h[..8]);
        (u64::from_be_bytes(b) % u64::from(count.max(1))) as u32
    }

    /// Whether this worker handles the call.
    pub fn contains(&self, call_id: &str) -> bool {
        self.count <= 1 || Self::bucket(call_id, self.count) == self.index
    }

    /// The shard a [`Shard::tag`] names (`all`, `3-of-8`).
    pub fn from_tag(tag: &str) -> Option<Shard> {
        if tag == "all" {
            return Some(Shard::default());
        }
        let (i, n) = tag.split_once("-of-")?;
        let (index, count) = (i.parse().ok()?, n.parse().ok()?);
        (count > 0 && index < count).then_some(Shard { index, count })
    }

    /// Whether some call id can fall in both shards: `h mod n = i` and `h mod m = j`
    /// have a common solution exactly when `i ≡ j (mod gcd(n, m))`. `0/2` and `1/4` are
    /// disjoint; `0/2` and `0/3`, or anything and `all`, overlap.
    pub fn overlaps(&self, other: &Shard) -> bool {
        fn gcd(a: u32, b: u32) -> u32 {
            if b == 0 {
                a
            } else {
                gcd(b, a % b)
            }
        }
        let g = gcd(self.count.max(1), other.count.max(1));
        self.index % g == other.index % g
    }

    /// A name for file and lock names: `all`, or `3-of-8`.
    pub fn tag(&self) -> String {
        if self.count <= 1 {
            "all".into()
        } else {
            format!("{}-of-{}", self.index, self.count)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_is_exactly_a_shared_call() {
        let shards: Vec<Shard> = (1..=6u32)
            .flat_map(|n| (0..n).map(move |i| Shard { index: i, count: n }))
            .collect();
        let ids: Vec<String> = (0..3000).map(|i| format!("c{i}")).collect();
        for a in &shards {
            assert_eq!(Shard::from_tag(&a.tag()), Some(*a));
            for b in &shards {
                let shared = ids.iter().any(|c| a.contains(c) && b.contains(c));
                assert_eq!(a.overlaps(b), shared, "{} vs {}", a.tag(), b.tag());
            }
        }
        assert_eq!(Shard::from_tag("2-of-2"), None);
        assert_eq!(Shard::from_tag("x"), None);
    }

    #[test]
    fn shards_partition_the_calls() {
        let ids: Vec<String> = (0..1000).map(|i| format!("call-{i}")).collect();
        let n = 4;
        let mut seen = 0;
        for i in 0..n {
            let s: Shard = format!("{i}/{n}").parse().unwrap();
            let mine = ids.iter().filter(|c| s.contains(c)).count();
            assert!(mine > 150 && mine < 350, "shard {i}: {mine}");
            seen += mine;
        }
        assert_eq!(seen, ids.len());
        // Stable: a fixed id always lands in the same bucket.
        assert_eq!(Shard::bucket("call-42", 8), Shard::bucket("call-42", 8));
    }

    #[test]
    fn bad_shards_are_refused() {
        for s in ["", "1", "2/2", "a/b", "0/0", "-1/3"] {
            assert!(s.parse::<Shard>().is_err(), "{s}");
        }
        assert_eq!("0/1".parse::<Shard>().unwrap().tag(), "all");
        assert_eq!("3/8".parse::<Shard>().unwrap().tag(), "3-of-8");
    }
}
