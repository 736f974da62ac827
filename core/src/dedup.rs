//! The state of the pipeline's `dedup` stage: a sliding window of event ids.
//!
//! At-least-once delivery redelivers some events; the stage drops a delivery
//! whose event id was delivered among the `W` deliveries before it (`W` =
//! the dedup window in deliveries, [`crate::review::Workload::window_events`]).
//! The rule looks only at ids inside the window — never at whether those
//! deliveries were themselves kept — so the decision for delivery `i` is a
//! pure function of the ids of deliveries `i − W .. i`. That is what lets a
//! lane start anywhere: it pre-loads the `W` ids before its first delivery
//! (its *halo*, regenerated from the pure delivery plan) and then decides
//! exactly as one sequential pass would, for any lane count.
//!
//! The window is a ring of the last `W` ids and a deterministic
//! open-addressing table (linear probing, multiplicative hashing, deletion
//! by backward shift; no std `HashMap`, whose iteration order and hashing
//! are random) from id to the ring slot of its latest delivery. Entries are
//! the distinct ids in the window; the table's capacity is the power of two
//! at least twice `W`, so the load stays ≤ ½ and a probe always ends. Its
//! memory is fixed by `W` alone ([`DedupWindow::state_bytes`]): the stage
//! does not grow with the number of events, only with the window.

/// Bytes of a ring slot (an event id).
pub const RING_SLOT_BYTES: u64 = 8;
/// Bytes of a table slot (ring slot + 1; 0 = empty).
pub const TABLE_SLOT_BYTES: u64 = 4;
/// Smallest table.
const MIN_TABLE_SLOTS: u64 = 16;

const HASH_MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;

/// The ids of the last `W` deliveries.
#[derive(Clone, Debug)]
pub struct DedupWindow {
    window: u64,
    ring: Vec<u64>,
    table: Vec<u32>,
    mask: usize,
    shift: u32,
    /// First delivery observed since the last [`DedupWindow::start`].
    first: u64,
    /// Deliveries observed since then.
    seen: u64,
    entries: u64,
    peak_entries: u64,
}

impl DedupWindow {
    /// Table slots for a window of `window` deliveries.
    pub fn table_slots(window: u64) -> u64 {
        if window == 0 {
            return 0;
        }
        window
            .saturating_mul(2)
            .checked_next_power_of_two()
            .unwrap_or(1 << 63)
            .max(MIN_TABLE_SLOTS)
    }

    /// Bytes of the window's state: ring plus table (what [`DedupWindow::new`]
    /// allocates).
    pub fn state_bytes(window: u64) -> u64 {
        window * RING_SLOT_BYTES + Self::table_slots(window) * TABLE_SLOT_BYTES
    }

    /// An empty window of `window` deliveries (validation keeps it ≤
    /// [`crate::limits::MAX_DEDUP_WINDOW_EVENTS`]).
    pub fn new(window: u64) -> DedupWindow {
        let slots = Self::table_slots(window);
        DedupWindow {
            window,
            ring: vec![0; window as usize],
            table: vec![0; slots as usize],
            mask: (slots as usize).saturating_sub(1),
            shift: 64 - slots.max(2).trailing_zeros(),
            first: 0,
            seen: 0,
            entries: 0,
            peak_entries: 0,
        }
    }

    pub fn window(&self) -> u64 {
        self.window
    }

    /// Empties the window; the next delivery observed is `first`.
    pub fn start(&mut self, first: u64) {
        self.table.fill(0);
        self.first = first;
        self.seen = 0;
        self.entries = 0;
        self.peak_entries = 0;
    }

    /// Distinct ids in the window now.
    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// Most distinct ids after any [`DedupWindow::observe`] since the last
    /// start (pre-loading does not count).
    pub fn peak_entries(&self) -> u64 {
        self.peak_entries
    }

    /// Heap bytes held (capacity, not length).
    pub fn heap_bytes(&self) -> u64 {
        self.ring.capacity() as u64 * RING_SLOT_BYTES
            + self.table.capacity() as u64 * TABLE_SLOT_BYTES
    }

    /// Enters delivery `index` (the one after the last) without a decision:
    /// the halo before a lane's first delivery.
    pub fn preload(&mut self, id: u64) {
        self.push(id);
    }

    /// Decides delivery `index` (the one after the last): `true` if its id
    /// was delivered in the window before it (a redelivery, to be dropped).
    pub fn observe(&mut self, id: u64) -> bool {
        let duplicate = self.push(id);
        self.peak_entries = self.peak_entries.max(self.entries);
        duplicate
    }

    #[inline]
    fn home(&self, id: u64) -> usize {
        (id.wrapping_mul(HASH_MULTIPLIER) >> self.shift) as usize & self.mask
    }

    /// Table position of `id`, if it is in the window.
    #[inline]
    fn find(&self, id: u64) -> Option<usize> {
        let mut position = self.home(id);
        // The load is ≤ ½: an empty slot ends every probe.
        for _ in 0..self.table.len() {
            let slot = *self.table.get(position)?;
            if slot == 0 {
                return None;
            }
            if self.ring.get(slot as usize - 1) == Some(&id) {
                return Some(position);
            }
            position = (position + 1) & self.mask;
        }
        None
    }

    /// Adds the next delivery's id; returns whether it was in the window.
    #[inline]
    fn push(&mut self, id: u64) -> bool {
        if self.window == 0 {
            return false;
        }
        let duplicate = self.find(id).is_some();
        let slot = ((self.first + self.seen) % self.window) as usize;
        if self.seen >= self.window {
            // The delivery `W` back leaves the window, unless its id came
            // again later (then its entry points at that later slot).
            let old = self.ring.get(slot).copied().unwrap_or(0);
            if let Some(position) = self.find(old) {
                if self.table.get(position).copied() == Some(slot as u32 + 1) {
                    self.remove_at(position);
                    self.entries -= 1;
                }
            }
        }
        if let Some(cell) = self.ring.get_mut(slot) {
            *cell = id;
        }
        match self.find(id) {
            // A redelivery: its entry now points at the latest slot.
            Some(position) => {
                if let Some(cell) = self.table.get_mut(position) {
                    *cell = slot as u32 + 1;
                }
            }
            None => {
                let mut position = self.home(id);
                for _ in 0..self.table.len() {
                    match self.table.get_mut(position) {
                        Some(cell) if *cell == 0 => {
                            *cell = slot as u32 + 1;
                            self.entries += 1;
                            break;
                        }
                        Some(_) => position = (position + 1) & self.mask,
                        None => break,
                    }
                }
            }
        }
        self.seen += 1;
        duplicate
    }

    /// Deletes the entry at `hole`, shifting later entries of its probe run
    /// back so that every remaining entry stays reachable from its home.
    fn remove_at(&mut self, mut hole: usize) {
        let mut position = hole;
        for _ in 0..self.table.len() {
            position = (position + 1) & self.mask;
            let slot = self.table.get(position).copied().unwrap_or(0);
            if slot == 0 {
                break;
            }
            let home = self.home(self.ring.get(slot as usize - 1).copied().unwrap_or(0));
            // The entry may stay if its home lies cyclically in (hole, position].
            let stays = if hole <= position {
                hole < home && home <= position
            } else {
                hole < home || home <= position
            };
            if !stays {
                if let Some(cell) = self.table.get_mut(hole) {
                    *cell = slot;
                }
                hole = position;
            }
        }
        if let Some(cell) = self.table.get_mut(hole) {
            *cell = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::mix64;
    use std::collections::BTreeMap;

    /// The rule by brute force: is `ids[i]` among `ids[i − W .. i]`?
    fn reference(ids: &[u64], window: usize) -> Vec<bool> {
        (0..ids.len())
            .map(|i| ids[i.saturating_sub(window)..i].contains(&ids[i]))
            .collect()
    }

    fn ids(n: usize, distinct: u64, seed: u64) -> Vec<u64> {
        (0..n as u64).map(|i| mix64(seed ^ i) % distinct).collect()
    }

    #[test]
    fn matches_the_brute_force_rule() {
        // Few distinct ids: many duplicates, long probe runs, many deletions
        // with backward shifts (also ids equal to the one leaving).
        for (window, distinct) in [(1, 3), (5, 4), (17, 40), (64, 90), (300, 1_000)] {
            let ids = ids(5_000, distinct, window);
            let expected = reference(&ids, window as usize);
            let mut w = DedupWindow::new(window);
            w.start(0);
            let got: Vec<bool> = ids.iter().map(|&id| w.observe(id)).collect();
            assert_eq!(got, expected, "window {window}, {distinct} ids");
            // Entries are the distinct ids of the last W deliveries.
            let tail = &ids[ids.len() - window as usize..];
            let distinct_tail: BTreeMap<u64, ()> = tail.iter().map(|&i| (i, ())).collect();
            assert_eq!(w.entries(), distinct_tail.len() as u64);
        }
    }

    #[test]
    fn a_preloaded_halo_decides_like_the_sequential_pass() {
        let ids = ids(3_000, 500, 9);
        let window = 120;
        let expected = reference(&ids, window);
        for start in [0usize, 1, 119, 120, 121, 1_777] {
            let mut w = DedupWindow::new(window as u64);
            let halo = start.saturating_sub(window);
            w.start(halo as u64);
            for &id in &ids[halo..start] {
                w.preload(id);
            }
            let got: Vec<bool> = ids[start..].iter().map(|&id| w.observe(id)).collect();
            assert_eq!(got, expected[start..], "start {start}");
        }
    }

    #[test]
    fn state_is_fixed_by_the_window() {
        assert_eq!(DedupWindow::table_slots(0), 0);
        assert_eq!(DedupWindow::table_slots(5), 16);
        assert_eq!(DedupWindow::table_slots(83_333), 262_144);
        assert_eq!(DedupWindow::state_bytes(83_333), 83_333 * 8 + 262_144 * 4);
        let mut w = DedupWindow::new(1_000);
        let before = w.heap_bytes();
        assert_eq!(before, DedupWindow::state_bytes(1_000));
        w.start(0);
        for id in 0..1_000_000u64 {
            w.observe(mix64(id));
        }
        assert_eq!(w.heap_bytes(), before);
        assert_eq!(w.entries(), 1_000);
        assert_eq!(w.peak_entries(), 1_000);
        // An empty window keeps nothing and drops nothing.
        let mut none = DedupWindow::new(0);
        none.start(0);
        assert!(!none.observe(7) && !none.observe(7));
        assert_eq!(none.heap_bytes(), 0);
    }
}
