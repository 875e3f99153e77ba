//! Holm's step-down p-value adjustment (the model fitting and the bootstrap are in
//! [`crate::inference`]).

/// Holm's step-down adjustment of a family of p-values (same order as given).
/// Hand-written: statrs has no multiple-testing corrections, and it is five lines.
pub fn holm(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut idx: Vec<usize> = (0..m).collect();
    idx.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut out = vec![1.0; m];
    let mut running: f64 = 0.0;
    for (rank, &i) in idx.iter().enumerate() {
        running = running.max(((m - rank) as f64 * p[i]).min(1.0));
        out[i] = running;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holm_matches_hand_computation() {
        let a = holm(&[0.01, 0.04, 0.03, 0.2]);
        // sorted 0.01×4=0.04, 0.03×3=0.09, 0.04×2=0.08→0.09 (monotone), 0.2×1=0.2
        let want = [0.04, 0.09, 0.09, 0.2];
        for (x, w) in a.iter().zip(want) {
            assert!((x - w).abs() < 1e-12, "{a:?}");
        }
    }
}
