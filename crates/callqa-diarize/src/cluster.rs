//! Clustering of window embeddings into speakers: spherical k-means on unit vectors
//! (cosine similarity), seeded far apart, split by bisection up to the speaker cap, and
//! a test of how alike the two halves sound, which tells two voices from one.
//!
//! Why not agglomerative clustering over every window: a ten-minute call has over a
//! thousand windows, and average linkage over them is cubic; two-way k-means is linear,
//! deterministic with a farthest-first seed, and on two voices as good.

use crate::encoder::{Embedding, DIM};

/// Cosine similarity of unit vectors.
pub fn dot(a: &Embedding, b: &Embedding) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// `v` scaled to unit length (zero stays zero).
pub fn normalised(mut v: [f32; DIM]) -> Embedding {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 1e-12 {
        v.iter_mut().for_each(|x| *x /= n);
    }
    v
}

/// Weighted mean direction of the given members.
pub fn centroid(e: &[Embedding], w: &[f32], members: impl Iterator<Item = usize>) -> Embedding {
    let mut c = [0.0f32; DIM];
    for i in members {
        for (s, x) in c.iter_mut().zip(&e[i]) {
            *s += w[i] * x;
        }
    }
    normalised(c)
}

/// Two-way spherical k-means over the `idx` members of `e` (weights `w`). Seeds: the
/// member farthest from the overall mean, then the member farthest from that one.
/// Returns the cluster (0 or 1) of each member of `idx`, and the two centroids.
pub fn two_means(e: &[Embedding], w: &[f32], idx: &[usize]) -> (Vec<usize>, [Embedding; 2]) {
    let mean = centroid(e, w, idx.iter().copied());
    let far = |c: &Embedding| {
        idx.iter()
            .copied()
            .min_by(|&a, &b| dot(&e[a], c).total_cmp(&dot(&e[b], c)))
            .unwrap_or(0)
    };
    let s1 = far(&mean);
    let s2 = far(&e[s1]);
    let mut c = [e[s1], e[s2]];
    let mut lab = vec![0usize; idx.len()];
    for _ in 0..20 {
        let mut changed = false;
        for (k, &i) in idx.iter().enumerate() {
            let l = usize::from(dot(&e[i], &c[1]) > dot(&e[i], &c[0]));
            changed |= l != lab[k];
            lab[k] = l;
        }
        for (j, cj) in c.iter_mut().enumerate() {
            if lab.contains(&j) {
                *cj = centroid(
                    e,
                    w,
                    idx.iter()
                        .zip(&lab)
                        .filter(|(_, &l)| l == j)
                        .map(|(&i, _)| i),
                );
            }
        }
        if !changed {
            break;
        }
    }
    (lab, c)
}

/// How similar the voices of two clusters are: the cosine similarity of their *cores*,
/// the centroids of each cluster's more confident half (members whose similarity to
/// their own centroid minus that to the other is at least the cluster's median).
/// The cores leave out windows where both voices are heard, which pull the plain
/// centroids together when a short call has much overlap. Two voices give 0.5–0.72 with
/// the GE2E encoder (real and synthetic voices alike); one voice split in two gives
/// 0.8 and more, unless it changes tone a lot (an actor's neutral and happy speech: 0.72).
pub fn core_similarity(
    e: &[Embedding],
    w: &[f32],
    idx: &[usize],
    lab: &[usize],
    c: &[Embedding; 2],
) -> f32 {
    let cores: Vec<Embedding> = (0..2)
        .map(|j| {
            let m: Vec<(usize, f32)> = idx
                .iter()
                .zip(lab)
                .filter(|(_, &l)| l == j)
                .map(|(&i, _)| (i, dot(&e[i], &c[j]) - dot(&e[i], &c[1 - j])))
                .collect();
            let mut ms: Vec<f32> = m.iter().map(|x| x.1).collect();
            ms.sort_by(f32::total_cmp);
            let median = ms.get(ms.len() / 2).copied().unwrap_or(0.0);
            centroid(e, w, m.iter().filter(|x| x.1 >= median).map(|x| x.0))
        })
        .collect();
    dot(&cores[0], &cores[1])
}

/// Clusters of the `idx` members: each member's cluster and the centroids, at most
/// `max` clusters, a split kept only when the two halves' voices are less similar than
/// `same_voice` (see [`core_similarity`]). Also returns the core similarity of the
/// first split tried (1 when there was nothing to split).
pub fn speakers(
    e: &[Embedding],
    w: &[f32],
    idx: &[usize],
    max: usize,
    same_voice: f32,
) -> (Vec<usize>, Vec<Embedding>, f32) {
    let mut lab = vec![0usize; idx.len()];
    let mut cents = vec![centroid(e, w, idx.iter().copied())];
    let mut first_sim = 1.0f32;
    // Bisect the cluster whose halves differ most, until the cap.
    while cents.len() < max.max(1) {
        let mut best: Option<(usize, Vec<usize>, [Embedding; 2], f32)> = None;
        for k in 0..cents.len() {
            let members: Vec<usize> = (0..idx.len()).filter(|&j| lab[j] == k).collect();
            if members.len() < 2 {
                continue;
            }
            let sub: Vec<usize> = members.iter().map(|&j| idx[j]).collect();
            let (sl, sc) = two_means(e, w, &sub);
            let sim = core_similarity(e, w, &sub, &sl, &sc);
            if cents.len() == 1 {
                first_sim = sim;
            }
            if sim <= same_voice && best.as_ref().is_none_or(|b| sim < b.3) {
                let moved = members
                    .iter()
                    .zip(&sl)
                    .filter(|(_, &l)| l == 1)
                    .map(|(&j, _)| j)
                    .collect();
                best = Some((k, moved, sc, sim));
            }
        }
        let Some((k, moved, sc, _)) = best else { break };
        let new = cents.len();
        for j in moved {
            lab[j] = new;
        }
        cents[k] = sc[0];
        cents.push(sc[1]);
    }
    (lab, cents, first_sim)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(seed: u64, base: &Embedding, noise: f32) -> Embedding {
        // xorshift noise around `base`
        let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut v = *base;
        for x in v.iter_mut() {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            *x += noise * ((s % 2001) as f32 / 1000.0 - 1.0);
        }
        normalised(v)
    }

    fn axis(k: usize) -> Embedding {
        let mut v = [0.0; DIM];
        v[k] = 1.0;
        v
    }

    #[test]
    fn two_voices_split_one_voice_does_not() {
        let (a, b) = (axis(0), axis(1));
        let mut e: Vec<Embedding> = (0..30).map(|i| unit(i, &a, 0.05)).collect();
        e.extend((30..50).map(|i| unit(i, &b, 0.05)));
        let w = vec![1.0; e.len()];
        let idx: Vec<usize> = (0..e.len()).collect();
        let (lab, cents, sim) = speakers(&e, &w, &idx, 2, 0.78);
        assert_eq!(cents.len(), 2);
        assert!(sim < 0.2, "{sim}");
        assert!(lab[..30].iter().all(|&l| l == lab[0]));
        assert!(lab[30..].iter().all(|&l| l != lab[0]));
        let one: Vec<Embedding> = (0..40).map(|i| unit(i, &a, 0.05)).collect();
        let (lab, cents, sim) = speakers(&one, &w[..40], &idx[..40], 2, 0.78);
        assert!(sim > 0.9, "{sim}");
        assert_eq!(cents.len(), 1);
        assert!(lab.iter().all(|&l| l == 0));
    }

    #[test]
    fn three_voices_with_a_cap_of_three() {
        let mut e: Vec<Embedding> = Vec::new();
        for k in 0..3 {
            e.extend((0..15).map(|i| unit(100 * k as u64 + i, &axis(k), 0.05)));
        }
        let w = vec![1.0; e.len()];
        let idx: Vec<usize> = (0..e.len()).collect();
        let (lab, cents, _) = speakers(&e, &w, &idx, 3, 0.78);
        assert_eq!(cents.len(), 3);
        for k in 0..3 {
            let l = &lab[15 * k..15 * (k + 1)];
            assert!(l.iter().all(|&x| x == l[0]), "{lab:?}");
        }
        let (_, cents, _) = speakers(&e, &w, &idx, 2, 0.78);
        assert_eq!(cents.len(), 2);
    }
}
