//! Newtypes for quantities whose mix-up would be a bug (seconds vs
//! milliseconds, bytes vs events, dollars vs anything).
//!
//! They are `#[serde(transparent)]`, so documents carry plain numbers and the
//! unit lives in the field name (`deadline_s`, `bytes_per_event`).

use serde::{Deserialize, Serialize};
use std::ops::{Add, AddAssign, Div, Mul, Sub};

macro_rules! float_unit {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub f64);

        impl Add for $name {
            type Output = Self;
            fn add(self, rhs: Self) -> Self { Self(self.0 + rhs.0) }
        }
        impl AddAssign for $name {
            fn add_assign(&mut self, rhs: Self) { self.0 += rhs.0; }
        }
        impl Sub for $name {
            type Output = Self;
            fn sub(self, rhs: Self) -> Self { Self(self.0 - rhs.0) }
        }
        impl Mul<f64> for $name {
            type Output = Self;
            fn mul(self, rhs: f64) -> Self { Self(self.0 * rhs) }
        }
        impl Div<f64> for $name {
            type Output = Self;
            fn div(self, rhs: f64) -> Self { Self(self.0 / rhs) }
        }
        impl Div for $name {
            type Output = f64;
            fn div(self, rhs: Self) -> f64 { self.0 / rhs.0 }
        }
    };
}

float_unit!(
    /// A duration in seconds.
    Seconds
);
float_unit!(
    /// An amount of data in bytes (f64: projections reach petabytes).
    Bytes
);
float_unit!(
    /// Money in US dollars.
    Dollars
);
float_unit!(
    /// Throughput in events per second.
    EventsPerSecond
);

/// A count of pipeline events.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Events(pub u64);

impl Seconds {
    pub fn from_ms(ms: f64) -> Self {
        Self(ms / 1e3)
    }
    pub fn as_ms(self) -> f64 {
        self.0 * 1e3
    }
}

impl Events {
    /// Throughput when this many events take `elapsed`.
    pub fn per(self, elapsed: Seconds) -> EventsPerSecond {
        EventsPerSecond(self.0 as f64 / elapsed.0)
    }
}
