//! Counter-based randomness: every random draw in Scalewise is a pure function
//! of `(seed, stream, index)`.
//!
//! There is no global or thread-local RNG. A value that needs randomness names
//! its *stream* (a constant per purpose, so generators never share draws) and
//! its *index* (an event number, a Monte Carlo run number, …). Because nothing
//! depends on the order in which draws are made, chunking and thread count can
//! never change a result.

/// Purposes of random draws; each gets its own independent stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u64)]
pub enum Stream {
    Events = 1,
    CacheKeys = 2,
    Failures = 3,
    Weights = 4,
    Sample = 5,
    Scenario = 6,
    /// Which deliveries are redeliveries, and of which earlier event.
    Deliveries = 7,
    /// The payload rows of an event.
    Payload = 8,
    /// Event ids: a keyed bijection of the production index.
    EventIds = 9,
}

/// SplitMix64 finaliser: a bijective avalanche mix of 64 bits.
#[inline]
pub const fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The 64-bit random word for `(seed, stream, index)`.
#[inline]
pub const fn word(seed: u64, stream: Stream, index: u64) -> u64 {
    let key = mix64(seed ^ (stream as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    mix64(key.wrapping_add(index.wrapping_mul(0x9e37_79b9_7f4a_7c15)))
}

/// A small sequential generator for one logical item (one event, one Monte
/// Carlo run): seeded from `(seed, stream, index)`, it hands out as many draws
/// as that item needs. Two items never share state.
#[derive(Clone, Debug)]
pub struct ItemRng {
    state: u64,
}

impl ItemRng {
    #[inline]
    pub const fn new(seed: u64, stream: Stream, index: u64) -> Self {
        Self {
            state: word(seed, stream, index),
        }
    }

    /// Next 64 random bits (SplitMix64 sequence).
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix64(self.state)
    }

    /// Uniform in [0, 1) with 53 bits of precision.
    #[inline]
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in (0, 1]: safe to take the logarithm of.
    #[inline]
    pub fn next_f64_open0(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in [0, n) (n > 0), by Lemire's multiply-shift; the
    /// tiny bias (< n / 2^64) is irrelevant at our sizes and keeps it branch-free.
    #[inline]
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// Exponential with the given mean (mean > 0).
    #[inline]
    pub fn exponential(&mut self, mean: f64) -> f64 {
        -mean * libm::log(self.next_f64_open0())
    }

    /// Bernoulli trial.
    #[inline]
    pub fn chance(&mut self, p: f64) -> bool {
        self.next_f64() < p
    }
}

/// The key of one `(seed, stream)` pair, hoisted out of hot loops:
/// `StreamKey::new(seed, stream).item(index)` is exactly
/// `ItemRng::new(seed, stream, index)`, one mix cheaper per item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamKey {
    key: u64,
}

impl StreamKey {
    #[inline]
    pub const fn new(seed: u64, stream: Stream) -> Self {
        Self {
            key: mix64(seed ^ (stream as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)),
        }
    }

    /// The generator of item `index`.
    #[inline]
    pub const fn item(self, index: u64) -> ItemRng {
        ItemRng {
            state: self.word(index),
        }
    }

    /// Exactly [`word`]`(seed, stream, index)`: one draw per item, one mix.
    #[inline]
    pub const fn word(self, index: u64) -> u64 {
        mix64(
            self.key
                .wrapping_add(index.wrapping_mul(0x9e37_79b9_7f4a_7c15)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_depend_only_on_seed_stream_index() {
        let a = ItemRng::new(7, Stream::Events, 1_000).next_u64();
        let b = ItemRng::new(7, Stream::Events, 1_000).next_u64();
        assert_eq!(a, b);
        assert_ne!(a, ItemRng::new(7, Stream::Events, 1_001).next_u64());
        assert_ne!(a, ItemRng::new(8, Stream::Events, 1_000).next_u64());
        assert_ne!(a, ItemRng::new(7, Stream::Failures, 1_000).next_u64());
    }

    #[test]
    fn stream_keys_give_the_same_items() {
        for (seed, stream, index) in [
            (0, Stream::Events, 0),
            (7, Stream::Scenario, 12_345),
            (u64::MAX, Stream::Sample, u64::MAX),
        ] {
            let mut a = ItemRng::new(seed, stream, index);
            assert_eq!(
                StreamKey::new(seed, stream).word(index),
                word(seed, stream, index)
            );
            let mut b = StreamKey::new(seed, stream).item(index);
            for _ in 0..4 {
                assert_eq!(a.next_u64(), b.next_u64());
            }
        }
    }

    #[test]
    fn uniform_mean_is_about_half() {
        let mut rng = ItemRng::new(1, Stream::Sample, 0);
        let n = 100_000;
        let mean: f64 = (0..n).map(|_| rng.next_f64()).sum::<f64>() / n as f64;
        assert!((mean - 0.5).abs() < 0.01, "mean {mean}");
    }

    #[test]
    fn below_stays_in_range() {
        let mut rng = ItemRng::new(3, Stream::Sample, 9);
        for _ in 0..10_000 {
            assert!(rng.below(17) < 17);
        }
    }
}
