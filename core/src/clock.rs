//! The one door through which wall-clock time enters the core.
//!
//! The core never reads a clock itself: the shell (CLI, engine worker) passes a
//! `Clock`. Only the profiler's measurements use it, and they are recorded as
//! a calibration, so everything downstream is a pure function of inputs.

use crate::units::Seconds;

/// A monotonic clock supplied by the caller.
pub trait Clock {
    /// Seconds since an arbitrary, fixed origin.
    fn now(&self) -> Seconds;
}

/// A clock that advances by a fixed step every time it is read. Tests use it
/// to make measurements themselves deterministic.
#[derive(Debug)]
pub struct SteppingClock {
    ticks: std::cell::Cell<u64>,
    step: Seconds,
}

impl SteppingClock {
    pub fn new(step: Seconds) -> Self {
        Self {
            ticks: std::cell::Cell::new(0),
            step,
        }
    }
}

impl Clock for SteppingClock {
    fn now(&self) -> Seconds {
        let t = self.ticks.get();
        self.ticks.set(t + 1);
        Seconds(t as f64 * self.step.0)
    }
}
