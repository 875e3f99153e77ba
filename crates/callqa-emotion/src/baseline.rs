//! Per-speaker z-normalisation of feature vectors.

use crate::EmotionError;

/// A speaker's running feature baseline: mean and population standard deviation of every
/// feature over the utterances seen so far (Welford's update, so it can run over a whole
/// archive in one pass). Training z-scored each speaker by the mean/std of all that
/// speaker's utterances, so the baseline matches training once it has seen enough of
/// them ([`SpeakerBaseline::is_ready`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SpeakerBaseline {
    n: u64,
    mean: Vec<f64>,
    m2: Vec<f64>,
    std_floor: f64,
}

impl SpeakerBaseline {
    /// An empty baseline for vectors of `dim` values; standard deviations below
    /// `std_floor` count as `std_floor` (the spec's `normalisation.std_floor`).
    pub fn new(dim: usize, std_floor: f64) -> Self {
        SpeakerBaseline {
            n: 0,
            mean: vec![0.0; dim],
            m2: vec![0.0; dim],
            std_floor,
        }
    }

    /// A baseline from known statistics (e.g. stored from an earlier run), counting as
    /// `n` utterances.
    pub fn from_stats(
        mean: Vec<f64>,
        std: &[f64],
        n: u64,
        std_floor: f64,
    ) -> Result<Self, EmotionError> {
        if mean.len() != std.len() {
            return Err(EmotionError::BadInput(format!(
                "baseline mean has {} values, std {}",
                mean.len(),
                std.len()
            )));
        }
        let m2 = std.iter().map(|s| s * s * n as f64).collect();
        Ok(SpeakerBaseline {
            n,
            mean,
            m2,
            std_floor,
        })
    }

    /// Add one utterance's features. Non-finite vectors are rejected.
    pub fn push(&mut self, x: &[f64]) -> Result<(), EmotionError> {
        self.check(x)?;
        self.n += 1;
        let n = self.n as f64;
        for ((m, m2), &v) in self.mean.iter_mut().zip(&mut self.m2).zip(x) {
            let d = v - *m;
            *m += d / n;
            *m2 += d * (v - *m);
        }
        Ok(())
    }

    /// Fold another baseline of the same speaker into this one (Chan et al.'s parallel
    /// update: the result equals one baseline fed both sets of vectors).
    pub fn merge(&mut self, other: &SpeakerBaseline) -> Result<(), EmotionError> {
        if other.mean.len() != self.mean.len() {
            return Err(EmotionError::BadInput(format!(
                "baseline sizes differ: {} vs {}",
                self.mean.len(),
                other.mean.len()
            )));
        }
        if other.n == 0 {
            return Ok(());
        }
        let (na, nb) = (self.n as f64, other.n as f64);
        let n = na + nb;
        for i in 0..self.mean.len() {
            let d = other.mean[i] - self.mean[i];
            self.mean[i] += d * nb / n;
            self.m2[i] += other.m2[i] + d * d * na * nb / n;
        }
        self.n += other.n;
        Ok(())
    }

    /// Raw state `(n, mean, m2)` for storage; [`SpeakerBaseline::from_state`] restores it.
    pub fn state(&self) -> (u64, &[f64], &[f64]) {
        (self.n, &self.mean, &self.m2)
    }

    /// A baseline from stored raw state (see [`SpeakerBaseline::state`]).
    pub fn from_state(
        n: u64,
        mean: Vec<f64>,
        m2: Vec<f64>,
        std_floor: f64,
    ) -> Result<Self, EmotionError> {
        if mean.len() != m2.len() {
            return Err(EmotionError::BadInput(format!(
                "baseline mean has {} values, m2 {}",
                mean.len(),
                m2.len()
            )));
        }
        if mean.iter().chain(&m2).any(|v| !v.is_finite()) || m2.iter().any(|v| *v < 0.0) {
            return Err(EmotionError::BadInput(
                "baseline values must be finite, m2 >= 0".into(),
            ));
        }
        Ok(SpeakerBaseline {
            n,
            mean,
            m2,
            std_floor,
        })
    }

    /// Utterances seen.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Whether at least `min_utterances` have been seen (the spec's
    /// `normalisation.min_utterances`); fewer give a noisy baseline.
    pub fn is_ready(&self, min_utterances: u64) -> bool {
        self.n >= min_utterances.max(1)
    }

    /// Current mean of each feature.
    pub fn mean(&self) -> &[f64] {
        &self.mean
    }

    /// Current population standard deviation of each feature (floored).
    pub fn std(&self) -> Vec<f64> {
        let n = self.n.max(1) as f64;
        self.m2
            .iter()
            .map(|m2| (m2 / n).sqrt().max(self.std_floor))
            .collect()
    }

    /// `(x − mean) / std`, as f32 for the model. Errors when no utterance has been seen
    /// or the size differs.
    pub fn normalise(&self, x: &[f64]) -> Result<Vec<f32>, EmotionError> {
        self.check(x)?;
        if self.n == 0 {
            return Err(EmotionError::BadInput("empty speaker baseline".into()));
        }
        Ok(x.iter()
            .zip(&self.mean)
            .zip(self.std())
            .map(|((v, m), s)| ((v - m) / s) as f32)
            .collect())
    }

    fn check(&self, x: &[f64]) -> Result<(), EmotionError> {
        if x.len() != self.mean.len() {
            return Err(EmotionError::BadInput(format!(
                "feature vector has {} values, baseline {}",
                x.len(),
                self.mean.len()
            )));
        }
        if x.iter().any(|v| !v.is_finite()) {
            return Err(EmotionError::BadInput("non-finite feature".into()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn welford_matches_two_pass() {
        let rows = [[1.0, 10.0], [2.0, 10.0], [4.0, 10.0], [7.0, 10.0]];
        let mut b = SpeakerBaseline::new(2, 1e-6);
        for r in &rows {
            b.push(r).expect("push");
        }
        let m = (1.0 + 2.0 + 4.0 + 7.0) / 4.0;
        let var = rows.iter().map(|r| (r[0] - m) * (r[0] - m)).sum::<f64>() / 4.0;
        assert!((b.mean()[0] - m).abs() < 1e-12);
        assert!((b.std()[0] - var.sqrt()).abs() < 1e-12);
        assert_eq!(b.std()[1], 1e-6, "constant feature gets the floor");
        let z = b.normalise(&[m, 10.0]).expect("normalise");
        assert!(z[0].abs() < 1e-6 && z[1].abs() < 1e-6);
        assert!(b.is_ready(4) && !b.is_ready(5));
    }

    #[test]
    fn merge_equals_one_pass() {
        let rows = [
            [1.0, -3.0],
            [2.0, 10.0],
            [4.0, 0.5],
            [7.0, 10.0],
            [-2.0, 4.0],
        ];
        let mut all = SpeakerBaseline::new(2, 1e-6);
        rows.iter().for_each(|r| all.push(r).expect("push"));
        let (mut a, mut b) = (SpeakerBaseline::new(2, 1e-6), SpeakerBaseline::new(2, 1e-6));
        rows[..2].iter().for_each(|r| a.push(r).expect("push"));
        rows[2..].iter().for_each(|r| b.push(r).expect("push"));
        a.merge(&b).expect("merge");
        a.merge(&SpeakerBaseline::new(2, 1e-6))
            .expect("empty merge");
        assert_eq!(a.count(), 5);
        for i in 0..2 {
            assert!((a.mean()[i] - all.mean()[i]).abs() < 1e-12);
            assert!((a.std()[i] - all.std()[i]).abs() < 1e-12);
        }
        let (n, m, m2) = a.state();
        let back = SpeakerBaseline::from_state(n, m.to_vec(), m2.to_vec(), 1e-6).expect("state");
        assert_eq!(back, a);
        assert!(a.merge(&SpeakerBaseline::new(3, 1e-6)).is_err());
    }

    #[test]
    fn rejects_bad_vectors() {
        let mut b = SpeakerBaseline::new(2, 1e-6);
        assert!(b.normalise(&[0.0, 0.0]).is_err(), "empty");
        assert!(b.push(&[1.0]).is_err());
        assert!(b.push(&[1.0, f64::NAN]).is_err());
        assert!(SpeakerBaseline::from_stats(vec![0.0], &[1.0, 2.0], 3, 1e-6).is_err());
    }
}
