//! CPU time of the calling thread: what a pass got of a shared machine,
//! beside its wall time.

/// Seconds the calling thread has been on a CPU, from
/// `/proc/thread-self/schedstat` (nanoseconds); `None` off Linux. The
/// kernel brings the figure up to date at scheduler ticks, so differences
/// over less than a few milliseconds are coarse.
pub fn thread_cpu_s() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns as f64 / 1e9)
}

/// CPU seconds the calling thread spends in `work`.
pub fn measure<T>(work: impl FnOnce() -> T) -> (T, Option<f64>) {
    let before = thread_cpu_s();
    let value = work();
    let spent = match (before, thread_cpu_s()) {
        (Some(a), Some(b)) => Some((b - a).max(0.0)),
        _ => None,
    };
    (value, spent)
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(target_os = "linux")]
    fn counts_this_threads_work() {
        let ((), spent) = super::measure(|| {
            let started = std::time::Instant::now();
            let mut x = 0u64;
            while started.elapsed().as_millis() < 50 {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
            }
        });
        let spent = spent.unwrap();
        // 50 ms of spinning, on a loaded machine possibly less of it on a CPU.
        assert!(spent > 0.001 && spent < 1.0, "{spent}");
    }
}
