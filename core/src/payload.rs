//! Event payloads as real bytes: the row format, its synthesis (generation)
//! and the pipeline's `payload` stage (decode, validate, scan).
//!
//! The projection charges every event's payload bytes with a cost per byte,
//! so the pipeline does that work on real bytes and measures it. This module
//! owns the format both sides agree on:
//!
//! * [`PayloadFormat::synthesize`] writes an event's rows — generation, timed
//!   with the rest of the synthetic input, never as pipeline work;
//! * [`PayloadFormat::scan`] is the stage: it decodes every row, validates
//!   its structure, ranges and nulls, checks its label byte by byte and
//!   aggregates a feature column, counting into a [`PayloadTally`].
//!
//! # Row format
//!
//! An event's payload is `rows` rows of `row_bytes` bytes each
//! (`row_bytes = clamp(round(bytes_per_row), MIN_ROW_BYTES, MAX_ROW_BYTES)`;
//! `rows = clamp(round(bytes / row_bytes), 1, MAX_ROW_BYTES / row_bytes)`),
//! little-endian:
//!
//! | offset | type | field | valid |
//! |---|---|---|---|
//! | 0 | u64 | `event_id` | the event's id |
//! | 8 | u32 | `row` | its position in the event |
//! | 12 | u32 | `dataset_id` | the event's dataset |
//! | 16 | i64 | `timestamp_ms` | event time, in `0..=batch_window_s · 1000` |
//! | 24 | u32 | `label_len` | `row_bytes − HEADER_BYTES` |
//! | 28 | u16 | `null_mask` | bit k: feature k is null; all are required, so 0 |
//! | 30 | u16 | reserved | 0 |
//! | 32 | 16 × f32 | features | finite, `|x| ≤ FEATURE_LIMIT` |
//! | 96 | `label_len` bytes | label | `[a-zA-Z0-9_-]` |
//!
//! A row with a non-zero null mask is a *null row*; one with a feature or
//! timestamp outside its range an *out-of-range row*; one whose structure is
//! wrong (id, position, dataset, length, reserved bits, label bytes) a
//! *malformed row*. The generator makes exactly one null row in each event
//! whose metadata says `has_nulls`, and one out-of-range row in each event
//! that says `out_of_range`, and no malformed rows, so the profile can
//! cross-check the metadata against what the scan found
//! ([`PayloadTally::flag_mismatches`] is 0 when they agree).
//!
//! # Subsample
//!
//! Materialising every payload would make a browser run slow (the example's
//! 2·10⁶ events carry 8 GiB), so the stage runs on every `stride`-th
//! delivery (`index % stride == 0`), with `stride` chosen from the review
//! ([`stride_for`]) so that a full pass materialises about
//! [`PAYLOAD_BYTES_PER_PASS`] (less for small samples: at most
//! [`PAYLOAD_BYTES_PER_DELIVERY`] per delivery). Its cost is measured per byte decoded, which
//! the projection multiplies by the bytes of every event. An event larger
//! than [`MAX_ROW_BYTES`] is scanned on its first rows up to that size
//! (counted as truncated).

use serde::{Deserialize, Serialize};

use crate::events::Event;
use crate::review::Workload;
use crate::rng::{Stream, StreamKey};

/// Payload bytes a full pass of the sample materialises at most, about:
/// 32 MiB. At ~1 ns per byte to synthesise and scan natively (~2 ns in
/// wasm) that is ~70 ms of a default run in the browser, within its 2 s
/// budget, while a calibration pass still scans a few MiB — enough for a
/// browser clock.
pub const PAYLOAD_BYTES_PER_PASS: u64 = 32 << 20;
/// Payload bytes materialised per delivery of the sample, on average, at
/// most: 16, about 16 ns of a pipeline that spends ~100 ns per delivery,
/// so the subsample never dominates a run, however small (the example's
/// 2·10⁶ deliveries: 32 MB, every 256th delivery).
pub const PAYLOAD_BYTES_PER_DELIVERY: u64 = 16;

/// Bytes of the fixed fields before the features.
pub const FIXED_BYTES: usize = 32;
/// Float32 features per row.
pub const FEATURES: usize = 16;
/// Fixed fields and features: where the label starts.
pub const HEADER_BYTES: usize = FIXED_BYTES + FEATURES * 4;
/// Narrowest row: the header and an 8-byte label. Narrower rows of the
/// workload are written at this width.
pub const MIN_ROW_BYTES: usize = HEADER_BYTES + 8;
/// Most bytes one event materialises (and the widest row): 4 MiB, the size
/// of a lane's payload buffer.
pub const MAX_ROW_BYTES: usize = 4 << 20;
/// A feature beyond ±10⁶ is out of range (the generator draws within ±10³).
pub const FEATURE_LIMIT: f32 = 1.0e6;
/// What the generator writes into an out-of-range row's feature.
const OUT_OF_RANGE_VALUE: f32 = 3.0e9;
/// Label alphabet: 64 symbols, so a random byte's low six bits pick one.
const ALPHABET: &[u8; 64] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";

/// Every `stride`-th delivery has its payload materialised and scanned:
/// `max(1, ⌈n · bytes_per_event / budget⌉)` with `budget = min(
/// PAYLOAD_BYTES_PER_PASS, n · PAYLOAD_BYTES_PER_DELIVERY)` and `n` the
/// sample's deliveries: a pure function of the review.
pub fn stride_for(workload: &Workload) -> u64 {
    let n = workload.sample_events as f64;
    let bytes = n * workload.bytes_per_event.max(1.0);
    let budget = (n * PAYLOAD_BYTES_PER_DELIVERY as f64)
        .min(PAYLOAD_BYTES_PER_PASS as f64)
        .max(1.0);
    let stride = libm::ceil(bytes / budget);
    if stride.is_finite() && stride >= 1.0 {
        (stride as u64).max(1)
    } else {
        1
    }
}

/// What the payload stage counted: integers only, so merging is exact.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PayloadTally {
    pub events: u64,
    pub rows: u64,
    pub bytes: u64,
    pub truncated_events: u64,
    pub null_rows: u64,
    pub out_of_range_rows: u64,
    pub malformed_rows: u64,
    pub events_with_null_rows: u64,
    pub events_with_out_of_range_rows: u64,
    /// Scanned events whose metadata flags (`has_nulls`, `out_of_range`)
    /// disagree with what their rows showed.
    pub flag_mismatches: u64,
    /// Feature 0 of the valid rows, in thousandths.
    pub feature0_sum_milli: i128,
    pub feature0_rows: u64,
}

impl PayloadTally {
    pub fn merge(&mut self, other: &PayloadTally) {
        self.events += other.events;
        self.rows += other.rows;
        self.bytes += other.bytes;
        self.truncated_events += other.truncated_events;
        self.null_rows += other.null_rows;
        self.out_of_range_rows += other.out_of_range_rows;
        self.malformed_rows += other.malformed_rows;
        self.events_with_null_rows += other.events_with_null_rows;
        self.events_with_out_of_range_rows += other.events_with_out_of_range_rows;
        self.flag_mismatches += other.flag_mismatches;
        self.feature0_sum_milli += other.feature0_sum_milli;
        self.feature0_rows += other.feature0_rows;
    }
}

/// The row format of one review, and its subsample stride.
#[derive(Clone, Copy, Debug)]
pub struct PayloadFormat {
    row_bytes: usize,
    stride: u64,
    window_ms: i64,
    key: StreamKey,
}

impl PayloadFormat {
    pub fn new(workload: &Workload, seed: u64) -> PayloadFormat {
        let row = libm::round(workload.bytes_per_row);
        let row_bytes = if row.is_finite() && row >= MIN_ROW_BYTES as f64 {
            (row as usize).min(MAX_ROW_BYTES)
        } else {
            MIN_ROW_BYTES
        };
        let window_ms = libm::ceil(workload.batch_window_s * 1e3);
        PayloadFormat {
            row_bytes,
            stride: stride_for(workload),
            window_ms: if window_ms.is_finite() {
                window_ms as i64
            } else {
                i64::MAX
            },
            key: StreamKey::new(seed, Stream::Payload),
        }
    }

    pub fn row_bytes(&self) -> usize {
        self.row_bytes
    }

    pub fn stride(&self) -> u64 {
        self.stride
    }

    /// Whether delivery `index` is in the subsample.
    #[inline]
    pub fn sampled(&self, index: u64) -> bool {
        index.is_multiple_of(self.stride)
    }

    /// Rows of `event` the stage materialises, and whether that is fewer
    /// than the event has.
    pub fn rows_of(&self, event: &Event) -> (usize, bool) {
        let wanted = libm::round(event.bytes as f64 / self.row_bytes as f64).max(1.0);
        let most = (MAX_ROW_BYTES / self.row_bytes).max(1);
        if wanted > most as f64 {
            (most, true)
        } else {
            (wanted as usize, false)
        }
    }

    /// Appends `event`'s rows to `out` (generation: a pure function of the
    /// seed and the event's id, so a redelivery's payload is its original's).
    pub fn synthesize(&self, event: &Event, out: &mut Vec<u8>) {
        let (rows, _) = self.rows_of(event);
        let mut rng = self.key.item(event.event_id);
        let null_row = if event.has_nulls {
            Some(rng.below(rows as u64) as usize)
        } else {
            None
        };
        let bad_row = if event.out_of_range {
            Some(rng.below(rows as u64) as usize)
        } else {
            None
        };
        let null_feature = rng.below(FEATURES as u64) as usize;
        let bad_feature = rng.below(FEATURES as u64) as usize;
        let timestamp_ms = libm::round(event.timestamp_s * 1e3) as i64;
        let label_len = self.row_bytes - HEADER_BYTES;
        let start = out.len();
        out.resize(start + rows * self.row_bytes, 0);
        let Some(area) = out.get_mut(start..) else {
            return;
        };
        for (r, row) in area.chunks_exact_mut(self.row_bytes).enumerate() {
            let (fixed, rest) = row.split_at_mut(FIXED_BYTES);
            let (features, label) = rest.split_at_mut(FEATURES * 4);
            let null_mask: u16 = if null_row == Some(r) {
                1 << null_feature
            } else {
                0
            };
            let mut field = Fields { rest: fixed };
            field.put(event.event_id.to_le_bytes());
            field.put((r as u32).to_le_bytes());
            field.put(event.dataset_id.to_le_bytes());
            field.put(timestamp_ms.to_le_bytes());
            field.put((label_len as u32).to_le_bytes());
            field.put(null_mask.to_le_bytes());
            field.put(0u16.to_le_bytes());
            for (k, pair) in features.chunks_exact_mut(8).enumerate() {
                let word = rng.next_u64();
                for (half, slot) in pair.chunks_exact_mut(4).enumerate() {
                    let feature = 2 * k + half;
                    let bits = (word >> (32 * half)) as u32;
                    // Uniform in [-1000, 1000): 24 bits of the draw.
                    let mut value = (bits >> 8) as f32 * (2_000.0 / 16_777_216.0) - 1_000.0;
                    if null_mask & (1 << feature) != 0 {
                        value = 0.0;
                    }
                    if bad_row == Some(r) && feature == bad_feature {
                        value = OUT_OF_RANGE_VALUE;
                    }
                    slot.copy_from_slice(&value.to_le_bytes());
                }
            }
            for chunk in label.chunks_mut(8) {
                let word = rng.next_u64().to_le_bytes();
                for (byte, random) in chunk.iter_mut().zip(word) {
                    *byte = ALPHABET
                        .get(usize::from(random & 63))
                        .copied()
                        .unwrap_or(b'_');
                }
            }
        }
    }

    /// The stage: decodes and validates `bytes`, the rows [`synthesize`]
    /// wrote for `event`, and counts into `tally`.
    ///
    /// [`synthesize`]: PayloadFormat::synthesize
    pub fn scan(&self, event: &Event, bytes: &[u8], tally: &mut PayloadTally) {
        let (expected_rows, truncated) = self.rows_of(event);
        let label_len = self.row_bytes - HEADER_BYTES;
        let (mut null_rows, mut bad_rows, mut malformed) = (0u64, 0u64, 0u64);
        let mut rows = 0u64;
        for (r, row) in bytes.chunks_exact(self.row_bytes).enumerate() {
            rows += 1;
            let mut field = Reader { rest: row };
            let event_id = u64::from_le_bytes(field.take());
            let position = u32::from_le_bytes(field.take());
            let dataset_id = u32::from_le_bytes(field.take());
            let timestamp_ms = i64::from_le_bytes(field.take());
            let declared_label = u32::from_le_bytes(field.take());
            let null_mask = u16::from_le_bytes(field.take());
            let reserved = u16::from_le_bytes(field.take());
            let mut out_of_range = !(0..=self.window_ms).contains(&timestamp_ms);
            let mut feature0 = 0.0f32;
            for k in 0..FEATURES {
                let value = f32::from_le_bytes(field.take());
                if k == 0 {
                    feature0 = value;
                }
                if null_mask & (1 << k) == 0 {
                    out_of_range |= !(value.is_finite() && value.abs() <= FEATURE_LIMIT);
                }
            }
            let label = field.rest;
            let bad_label_bytes: u32 = label.iter().map(|&b| u32::from(!label_byte(b))).sum();
            let structure_ok = event_id == event.event_id
                && position as usize == r
                && dataset_id == event.dataset_id
                && declared_label as usize == label_len
                && label.len() == label_len
                && reserved == 0
                && bad_label_bytes == 0;
            malformed += u64::from(!structure_ok);
            let null = null_mask != 0;
            null_rows += u64::from(null);
            bad_rows += u64::from(out_of_range);
            if structure_ok && !null && !out_of_range {
                tally.feature0_sum_milli += i128::from(libm::roundf(feature0 * 1e3) as i64);
                tally.feature0_rows += 1;
            }
        }
        malformed += u64::from(rows != expected_rows as u64);
        tally.events += 1;
        tally.rows += rows;
        tally.bytes += bytes.len() as u64;
        tally.truncated_events += u64::from(truncated);
        tally.null_rows += null_rows;
        tally.out_of_range_rows += bad_rows;
        tally.malformed_rows += malformed;
        tally.events_with_null_rows += u64::from(null_rows > 0);
        tally.events_with_out_of_range_rows += u64::from(bad_rows > 0);
        tally.flag_mismatches +=
            u64::from((null_rows > 0) != event.has_nulls || (bad_rows > 0) != event.out_of_range);
    }
}

/// `[a-zA-Z0-9_-]`, by comparisons (which vectorise) rather than a table.
#[inline]
fn label_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_' || b == b'-'
}

/// Sequential little-endian writes; writes past the end are dropped.
struct Fields<'a> {
    rest: &'a mut [u8],
}

impl Fields<'_> {
    #[inline]
    fn put<const N: usize>(&mut self, bytes: [u8; N]) {
        let rest = std::mem::take(&mut self.rest);
        if let Some((head, tail)) = rest.split_first_chunk_mut::<N>() {
            *head = bytes;
            self.rest = tail;
        }
    }
}

/// Sequential little-endian reads; reads past the end yield zeros.
struct Reader<'a> {
    rest: &'a [u8],
}

impl Reader<'_> {
    #[inline]
    fn take<const N: usize>(&mut self) -> [u8; N] {
        match self.rest.split_first_chunk::<N>() {
            Some((head, rest)) => {
                self.rest = rest;
                *head
            }
            None => [0; N],
        }
    }
}

/// The payload section of the data profile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PayloadProfile {
    /// Every `stride`-th delivery was scanned.
    pub stride: u64,
    /// Width of a materialised row.
    pub row_bytes: u64,
    pub events_checked: u64,
    pub rows_checked: u64,
    pub bytes_decoded: u64,
    /// Events larger than [`MAX_ROW_BYTES`], scanned on their first rows.
    pub truncated_events: u64,
    pub null_rows: u64,
    pub out_of_range_rows: u64,
    /// Rows whose structure was wrong (0 for generated data).
    pub malformed_rows: u64,
    pub events_with_null_rows: u64,
    pub events_with_out_of_range_rows: u64,
    /// Checked events whose metadata flags disagree with their rows (0 when
    /// the payload and the metadata agree).
    pub flag_mismatches: u64,
    /// Share of checked rows that are null or out of range.
    pub invalid_row_share: f64,
    /// Mean of feature 0 over the valid rows (the aggregated column).
    pub feature0_mean: f64,
}

impl PayloadProfile {
    pub fn from_tally(format: &PayloadFormat, t: &PayloadTally) -> PayloadProfile {
        let invalid = t.null_rows + t.out_of_range_rows;
        PayloadProfile {
            stride: format.stride,
            row_bytes: format.row_bytes as u64,
            events_checked: t.events,
            rows_checked: t.rows,
            bytes_decoded: t.bytes,
            truncated_events: t.truncated_events,
            null_rows: t.null_rows,
            out_of_range_rows: t.out_of_range_rows,
            malformed_rows: t.malformed_rows,
            events_with_null_rows: t.events_with_null_rows,
            events_with_out_of_range_rows: t.events_with_out_of_range_rows,
            flag_mismatches: t.flag_mismatches,
            invalid_row_share: if t.rows == 0 {
                0.0
            } else {
                invalid.min(t.rows) as f64 / t.rows as f64
            },
            feature0_mean: if t.feature0_rows == 0 {
                0.0
            } else {
                t.feature0_sum_milli as f64 / t.feature0_rows as f64 / 1e3
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::EventGenerator;
    use crate::review::Review;

    fn setup() -> (EventGenerator, PayloadFormat) {
        let review = Review::example();
        (
            EventGenerator::new(&review.workload, review.seed),
            PayloadFormat::new(&review.workload, review.seed),
        )
    }

    #[test]
    fn rows_have_the_declared_width_and_scan_clean() {
        let (generator, format) = setup();
        assert_eq!(format.row_bytes(), 512);
        let mut buffer = Vec::new();
        let mut tally = PayloadTally::default();
        let mut clean = 0;
        for i in 0..2_000 {
            let event = generator.event(i);
            buffer.clear();
            format.synthesize(&event, &mut buffer);
            let (rows, _) = format.rows_of(&event);
            assert_eq!(buffer.len(), rows * 512);
            let before = tally;
            format.scan(&event, &buffer, &mut tally);
            if !event.has_nulls && !event.out_of_range {
                clean += 1;
                assert_eq!(tally.null_rows, before.null_rows);
                assert_eq!(tally.out_of_range_rows, before.out_of_range_rows);
            }
        }
        assert!(clean > 1_900);
        assert_eq!(tally.malformed_rows, 0);
        assert_eq!(tally.flag_mismatches, 0);
        assert_eq!(tally.events, 2_000);
        // Features are uniform in ±1000: the mean is near 0.
        let mean = tally.feature0_sum_milli as f64 / tally.feature0_rows as f64 / 1e3;
        assert!(mean.abs() < 50.0, "{mean}");
    }

    #[test]
    fn flagged_events_have_exactly_one_invalid_row_each() {
        let (generator, format) = setup();
        let mut buffer = Vec::new();
        let (mut nulls, mut oor) = (0, 0);
        let mut tally = PayloadTally::default();
        for i in 0..200_000 {
            let event = generator.event(i);
            if !(event.has_nulls || event.out_of_range) {
                continue;
            }
            nulls += u64::from(event.has_nulls);
            oor += u64::from(event.out_of_range);
            buffer.clear();
            format.synthesize(&event, &mut buffer);
            format.scan(&event, &buffer, &mut tally);
        }
        assert!(nulls > 1_000 && oor > 300, "{nulls} {oor}");
        assert_eq!(tally.null_rows, nulls);
        assert_eq!(tally.events_with_null_rows, nulls);
        assert_eq!(tally.out_of_range_rows, oor);
        assert_eq!(tally.events_with_out_of_range_rows, oor);
        assert_eq!(tally.flag_mismatches, 0);
        assert_eq!(tally.malformed_rows, 0);
    }

    #[test]
    fn corrupted_bytes_are_found() {
        let (generator, format) = setup();
        let event = (0..)
            .map(|i| generator.event(i))
            .find(|e| !e.has_nulls && !e.out_of_range && e.rows >= 2)
            .unwrap();
        let mut clean = Vec::new();
        format.synthesize(&event, &mut clean);
        let check = |mutate: &dyn Fn(&mut Vec<u8>)| {
            let mut bytes = clean.clone();
            mutate(&mut bytes);
            let mut tally = PayloadTally::default();
            format.scan(&event, &bytes, &mut tally);
            tally
        };
        // A label byte outside the alphabet, in the second row.
        let t = check(&|b| b[512 + HEADER_BYTES + 3] = b' ');
        assert_eq!((t.malformed_rows, t.flag_mismatches), (1, 0));
        // A null bit: the metadata said no nulls.
        let t = check(&|b| b[28] = 1);
        assert_eq!((t.null_rows, t.flag_mismatches), (1, 1));
        // A NaN feature.
        let t = check(&|b| b[32..36].copy_from_slice(&f32::NAN.to_le_bytes()));
        assert_eq!((t.out_of_range_rows, t.flag_mismatches), (1, 1));
        // A row missing.
        let t = check(&|b| b.truncate(b.len() - 512));
        assert_eq!(t.malformed_rows, 1);
        // The wrong event's id.
        let t = check(&|b| b[0] ^= 1);
        assert_eq!(t.malformed_rows, 1);
    }

    #[test]
    fn stride_bounds_the_bytes_of_a_pass() {
        let mut workload = Review::example().workload;
        // 2·10⁶ × 4 KiB = 8 GiB, 16 B per delivery → every 256th: 32 MB.
        assert_eq!(stride_for(&workload), 256);
        // A small sample materialises 16 bytes per delivery.
        workload.sample_events = 20_000;
        assert_eq!(stride_for(&workload), 256);
        workload.bytes_per_event = 10.0;
        workload.sample_events = 1_000;
        assert_eq!(stride_for(&workload), 1);
        // Narrow and huge rows are clamped.
        workload.bytes_per_row = 1.0;
        assert_eq!(PayloadFormat::new(&workload, 1).row_bytes(), MIN_ROW_BYTES);
        workload.bytes_per_row = 1e9;
        assert_eq!(PayloadFormat::new(&workload, 1).row_bytes(), MAX_ROW_BYTES);
    }
}
