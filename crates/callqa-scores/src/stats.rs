//! Least squares (nalgebra), t-test p-values (statrs), a seeded case-resampling bootstrap
//! (rand_chacha) and Holm's step-down p-value adjustment.

use nalgebra::{DMatrix, DVector};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use statrs::distribution::{ContinuousCDF, StudentsT};
use statrs::statistics::{Data, OrderStatistics};

/// An ordinary-least-squares fit `y = X β + ε` (X includes the intercept column).
#[derive(Debug, Clone)]
pub struct Ols {
    /// Coefficients, in the columns' order.
    pub beta: DVector<f64>,
    /// Standard errors.
    pub se: Vec<f64>,
    /// Two-sided p-values of β = 0 (Student t, n − p degrees of freedom).
    pub p: Vec<f64>,
    /// Residual variance σ̂².
    pub sigma2: f64,
    /// (XᵀX)⁻¹, for prediction intervals.
    pub xtx_inv: DMatrix<f64>,
    /// Residual degrees of freedom, n − p.
    pub df: usize,
    /// R².
    pub r2: f64,
}

/// Solve the normal equations by Cholesky; `None` when X has fewer rows than columns + 2
/// or XᵀX is singular (a constant or collinear column).
pub fn ols(x: &DMatrix<f64>, y: &DVector<f64>) -> Option<Ols> {
    let (n, p) = x.shape();
    if n < p + 2 {
        return None;
    }
    let xtx = x.transpose() * x;
    let chol = xtx.clone().cholesky()?;
    let xtx_inv = chol.inverse();
    // Reject near-singular designs that Cholesky still factors (condition ≈ 1e12+).
    let diag_ok = (0..p).all(|i| {
        (xtx[(i, i)] * xtx_inv[(i, i)]).is_finite() && xtx[(i, i)] * xtx_inv[(i, i)] < 1e10
    });
    if !diag_ok {
        return None;
    }
    let beta = chol.solve(&(x.transpose() * y));
    let resid = y - x * &beta;
    let df = n - p;
    let sse = resid.dot(&resid);
    let sigma2 = sse / df as f64;
    let mean = y.mean();
    let sst: f64 = y.iter().map(|v| (v - mean).powi(2)).sum();
    let r2 = if sst > 0.0 { 1.0 - sse / sst } else { 0.0 };
    let t = StudentsT::new(0.0, 1.0, df as f64).ok()?;
    let se: Vec<f64> = (0..p).map(|i| (sigma2 * xtx_inv[(i, i)]).sqrt()).collect();
    let pv = (0..p)
        .map(|i| {
            if se[i] > 0.0 {
                2.0 * t.sf((beta[i] / se[i]).abs())
            } else {
                1.0
            }
        })
        .collect();
    Some(Ols {
        beta,
        se,
        p: pv,
        sigma2,
        xtx_inv,
        df,
        r2,
    })
}

impl Ols {
    /// Point prediction and the (1 − alpha) prediction interval for one new row `x`.
    pub fn predict(&self, x: &DVector<f64>, alpha: f64) -> (f64, f64, f64) {
        let yhat = self.beta.dot(x);
        let lev = (x.transpose() * &self.xtx_inv * x)[(0, 0)];
        let q = StudentsT::new(0.0, 1.0, self.df as f64)
            .map(|t| t.inverse_cdf(1.0 - alpha / 2.0))
            .unwrap_or(1.96);
        let half = q * (self.sigma2 * (1.0 + lev)).sqrt();
        (yhat, yhat - half, yhat + half)
    }
}

/// Percentile bootstrap (1 − alpha) intervals of every coefficient: `samples` resamples
/// of the rows with replacement, drawn from a ChaCha8 generator seeded with `seed`, so
/// the same data give the same intervals. Resamples whose design is singular are
/// skipped; `None` when more than half of them are.
pub fn bootstrap_ci(
    x: &DMatrix<f64>,
    y: &DVector<f64>,
    samples: usize,
    seed: u64,
    alpha: f64,
) -> Option<Vec<(f64, f64)>> {
    let (n, p) = x.shape();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut draws: Vec<Vec<f64>> = vec![Vec::with_capacity(samples); p];
    let mut xb = DMatrix::<f64>::zeros(n, p);
    let mut yb = DVector::<f64>::zeros(n);
    for _ in 0..samples {
        for i in 0..n {
            let j = rng.random_range(0..n);
            xb.set_row(i, &x.row(j));
            yb[i] = y[j];
        }
        let xtx = xb.transpose() * &xb;
        if let Some(chol) = xtx.cholesky() {
            let beta = chol.solve(&(xb.transpose() * &yb));
            if beta.iter().all(|v| v.is_finite()) {
                for (k, d) in draws.iter_mut().enumerate() {
                    d.push(beta[k]);
                }
            }
        }
    }
    if draws.first().map_or(0, Vec::len) * 2 < samples {
        return None;
    }
    Some(
        draws
            .into_iter()
            .map(|d| {
                let mut d = Data::new(d);
                (d.quantile(alpha / 2.0), d.quantile(1.0 - alpha / 2.0))
            })
            .collect(),
    )
}

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
    fn ols_recovers_a_line_and_bootstrap_is_deterministic() {
        let n = 200;
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let xs: Vec<f64> = (0..n).map(|i| (i % 10) as f64).collect();
        let ys: Vec<f64> = xs
            .iter()
            .map(|x| 2.0 - 0.5 * x + rng.random_range(-1.0..1.0))
            .collect();
        let x = DMatrix::from_fn(n, 2, |i, j| if j == 0 { 1.0 } else { xs[i] });
        let y = DVector::from_vec(ys);
        let f = ols(&x, &y).unwrap();
        assert!((f.beta[1] + 0.5).abs() < 0.05, "{}", f.beta[1]);
        assert!(f.p[1] < 1e-10);
        let ci = bootstrap_ci(&x, &y, 300, 42, 0.05).unwrap();
        assert!(ci[1].0 < -0.5 && -0.5 < ci[1].1, "{:?}", ci[1]);
        assert_eq!(ci, bootstrap_ci(&x, &y, 300, 42, 0.05).unwrap());
        let (yhat, lo, hi) = f.predict(&DVector::from_vec(vec![1.0, 4.0]), 0.05);
        assert!(lo < yhat && yhat < hi && (yhat - 0.0).abs() < 0.2);
    }

    #[test]
    fn collinear_design_is_refused() {
        let x = DMatrix::from_fn(20, 3, |i, j| if j == 0 { 1.0 } else { i as f64 });
        let y = DVector::from_fn(20, |i, _| i as f64);
        assert!(ols(&x, &y).is_none());
    }

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
