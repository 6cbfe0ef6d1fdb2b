//! Deterministic randomness: SplitMix64, Zipf-sized draws and shuffles of numbers.

/// SplitMix64: a small, fast, deterministic generator that needs no dependency.
pub(super) struct Random(pub(super) u64);

impl Random {
    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }

    /// A number in `0..bound` (0 when `bound` is 0).
    pub(super) fn below(&mut self, bound: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(bound)) >> 64) as u64
    }

    /// A number in `low..=high`.
    pub(super) fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high - low + 1)
    }

    /// A number in `[0, 1)`.
    pub(super) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub(super) fn uniform(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    pub(super) fn chance(&mut self, probability: f64) -> bool {
        self.unit() < probability
    }

    /// An amount between `low` and `high`, uniform in its logarithm raised to `skew` (above
    /// 1, small amounts are more frequent), in whole units.
    pub(super) fn amount(&mut self, low: f64, high: f64, skew: f64) -> u64 {
        let u = self.unit();
        let t = if u > 0.0 { exp(skew * ln(u)) } else { 0.0 };
        (low * exp(t * ln(high / low))).round() as u64
    }

    pub(super) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// An index into `weights` (which add up to 1), drawn by weight.
    pub(super) fn weighted(&mut self, weights: &[f64]) -> usize {
        let mut u = self.unit();
        for (index, weight) in weights.iter().enumerate() {
            if u < *weight {
                return index;
            }
            u -= weight;
        }
        weights.len() - 1
    }
}

/// `e^x`, from additions, multiplications and divisions only. The standard library's `exp`,
/// `ln` and `powf` come from the platform's maths library and may differ in the last bit from
/// one machine to another; these give the same bits everywhere, and so the same data.
pub(super) fn exp(x: f64) -> f64 {
    // x = k ln 2 + r with |r| ≤ ln 2 / 2; e^r by its Taylor series, 2^k exactly.
    let k = (x / std::f64::consts::LN_2).round();
    let r = x - k * std::f64::consts::LN_2;
    let (mut term, mut sum) = (1.0, 1.0);
    for n in 1..=20 {
        term *= r / f64::from(n);
        sum += term;
    }
    sum * f64::from_bits(((k as i64 + 1023) as u64) << 52)
}

/// The natural logarithm of `x > 0` (normal, not subnormal), as portable as [`exp`].
pub(super) fn ln(x: f64) -> f64 {
    // x = m 2^e with 1 ≤ m < 2; ln m = 2 atanh((m − 1) / (m + 1)) by its series.
    let bits = x.to_bits();
    let e = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let m = f64::from_bits((bits & ((1 << 52) - 1)) | (1023 << 52));
    let s = (m - 1.0) / (m + 1.0);
    let (mut power, mut sum) = (s, 0.0);
    for n in 0..30 {
        sum += power / f64::from(2 * n + 1);
        power *= s * s;
    }
    2.0 * sum + e as f64 * std::f64::consts::LN_2
}

/// SplitMix64's finalizer: a well-mixed hash of a number.
pub(super) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Ranks `0..size` drawn with chances proportional to `(rank + offset)^-exponent`: a Zipf
/// law, by inverting its continuous distribution.
pub(super) struct Zipf {
    pub(super) size: u64,
    offset: f64,
    /// `1 - exponent`, or 0 for the classic law (exponent 1).
    power: f64,
    /// The classic law: `ln((size + offset) / offset)`; otherwise `offset^power` and
    /// `(size + offset)^power - offset^power`.
    low: f64,
    span: f64,
}

impl Zipf {
    /// The classic law (exponent 1).
    pub(super) fn new(size: u64, offset: f64) -> Self {
        Zipf::with_exponent(size, offset, 1.0)
    }

    pub(super) fn with_exponent(size: u64, offset: f64, exponent: f64) -> Self {
        let size = size.max(1);
        let power = 1.0 - exponent;
        let (low, span) = if power.abs() < 1e-9 {
            (0.0, ln((size as f64 + offset) / offset))
        } else {
            let low = exp(power * ln(offset));
            (low, exp(power * ln(size as f64 + offset)) - low)
        };
        Zipf {
            size,
            offset,
            power: if power.abs() < 1e-9 { 0.0 } else { power },
            low,
            span,
        }
    }

    pub(super) fn draw(&self, random: &mut Random) -> u64 {
        let u = random.unit();
        let x = if self.power == 0.0 {
            self.offset * exp(u * self.span) - self.offset
        } else {
            exp(ln(self.low + u * self.span) / self.power) - self.offset
        };
        (x.max(0.0) as u64).min(self.size - 1)
    }
}

/// A bijection of `0..size`, so that an organization's number does not give away its size.
pub(super) struct Shuffle {
    size: u64,
    step: u64,
    shift: u64,
}

impl Shuffle {
    pub(super) fn new(size: u64, seed: u64) -> Self {
        let size = size.max(1);
        let gcd = |mut a: u64, mut b: u64| {
            while b != 0 {
                (a, b) = (b, a % b);
            }
            a
        };
        let mut step = (mix(seed) % size) | 1;
        while gcd(step, size) != 1 {
            step += 1;
        }
        Shuffle {
            size,
            step,
            shift: mix(seed ^ 1) % size,
        }
    }

    pub(super) fn apply(&self, n: u64) -> u64 {
        ((u128::from(n) * u128::from(self.step) + u128::from(self.shift)) % u128::from(self.size))
            as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zipf_ranks_are_skewed_and_in_range() {
        let zipf = Zipf::new(100, 3.0);
        let mut random = Random(9);
        let mut counts = [0u32; 100];
        for _ in 0..100_000 {
            counts[zipf.draw(&mut random) as usize] += 1;
        }
        assert!(counts[0] > 5 * counts[99], "{counts:?}");
        assert!(counts.iter().all(|&c| c > 0));
        // A steeper law puts more on the head; a flatter one less.
        let share_of_first = |exponent: f64| {
            let zipf = Zipf::with_exponent(100, 3.0, exponent);
            let mut random = Random(9);
            (0..100_000).filter(|_| zipf.draw(&mut random) == 0).count()
        };
        let (flat, classic, steep) = (
            share_of_first(0.3),
            share_of_first(1.0),
            share_of_first(1.4),
        );
        assert!(
            flat < classic && classic < steep,
            "{flat} {classic} {steep}"
        );
        assert_eq!(classic, counts[0] as usize);
    }

    #[test]
    fn the_portable_exp_and_ln_agree_with_the_standard_library() {
        let mut random = Random(3);
        for _ in 0..100_000 {
            let x = random.uniform(-30.0, 30.0);
            assert!((exp(x) / x.exp() - 1.0).abs() < 1e-14, "{x}");
            let y = random.uniform(1e-9, 1e9);
            assert!(
                (ln(y) - y.ln()).abs() < 1e-14 * y.ln().abs().max(1.0),
                "{y}"
            );
        }
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(ln(1.0), 0.0);
    }

    #[test]
    fn shuffles_are_bijections() {
        for size in [1, 2, 7, 60, 97, 1000] {
            let shuffle = Shuffle::new(size, 42);
            let mut seen: Vec<u64> = (0..size).map(|n| shuffle.apply(n)).collect();
            seen.sort_unstable();
            assert_eq!(seen, (0..size).collect::<Vec<_>>());
        }
    }
}
