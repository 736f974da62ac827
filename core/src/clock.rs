//! The one door through which wall-clock time enters the core.
//!
//! The core never reads a clock itself: the shell (CLI, engine worker) passes a
//! `Clock`. Only the profiler's measurements use it, and they are recorded as
//! a calibration, so everything downstream is a pure function of inputs.
//!
//! Clocks are `Sync` because the profiler's worker lanes time their own
//! chunks in parallel.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::units::Seconds;

/// A monotonic clock supplied by the caller.
pub trait Clock: Sync {
    /// Seconds since an arbitrary, fixed origin.
    fn now(&self) -> Seconds;
}

/// A clock that advances by a fixed step every time it is read. Tests use it
/// to make measurements themselves deterministic (on one thread).
#[derive(Debug)]
pub struct SteppingClock {
    ticks: AtomicU64,
    step: Seconds,
}

impl SteppingClock {
    pub fn new(step: Seconds) -> Self {
        Self {
            ticks: AtomicU64::new(0),
            step,
        }
    }
}

impl Clock for SteppingClock {
    fn now(&self) -> Seconds {
        let t = self.ticks.fetch_add(1, Ordering::Relaxed);
        Seconds(t as f64 * self.step.0)
    }
}

/// A clock that never moves: for runs whose timings are discarded (replay of
/// a recorded calibration).
#[derive(Debug, Default, Clone, Copy)]
pub struct FrozenClock;

impl Clock for FrozenClock {
    fn now(&self) -> Seconds {
        Seconds(0.0)
    }
}
