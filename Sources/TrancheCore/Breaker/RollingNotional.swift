/// Sum of liquidated notional over a rolling time window, O(1) amortised per event.
///
/// An event less than `window / 64` after the start of the newest bucket is merged into
/// it, and a bucket expires `window` after its *last* event: at most about 65 buckets
/// are kept, and a merged event is forgotten up to window/64 late, never early (the sum
/// is never understated).
struct RollingNotional: Sendable, Hashable {
    struct Bucket: Sendable, Hashable {
        /// Time of the bucket's first event: decides what merges into it.
        var start: Instant
        /// Time of its last event: decides when it expires.
        var end: Instant
        var amountE6: Int64
    }

    let window: Duration
    private var buckets = WindowQueue<Bucket>()
    /// Σ of the buckets, saturating at Int64.max (a saturated sum trips the breaker).
    private(set) var totalE6: Int64 = 0

    init(window: Duration) { self.window = window }

    /// Number of buckets kept (bounded by about 65 whatever the event rate).
    var bucketCount: Int { buckets.count }

    mutating func add(_ amount: Quote, at now: Instant) {
        guard amount.e6 > 0 else { return }
        expire(now: now)
        let granularity = window.nanoseconds / 64
        if var last = buckets.last, now.nanoseconds &- last.start.nanoseconds < granularity {
            last.amountE6 = last.amountE6.addingReportingOverflow(amount.e6).overflow ? .max : last.amountE6 + amount.e6
            last.end = max(last.end, now)
            buckets.replaceLast(last)
        } else {
            buckets.append(Bucket(start: now, end: now, amountE6: amount.e6))
        }
        totalE6 = totalE6.addingReportingOverflow(amount.e6).overflow ? .max : totalE6 + amount.e6
    }

    /// Drops buckets whose last event happened `window` or more before `now`.
    mutating func expire(now: Instant) {
        while let first = buckets.first, now.nanoseconds &- first.end.nanoseconds >= window.nanoseconds {
            buckets.popFirst()
            // A saturated total is recomputed rather than decremented into nonsense.
            if totalE6 == .max { recompute() } else { totalE6 -= first.amountE6 }
        }
    }

    private mutating func recompute() {
        var copy = buckets
        var sum: Int64 = 0
        while let b = copy.popFirst() {
            let (s, o) = sum.addingReportingOverflow(b.amountE6)
            sum = o ? .max : s
            if o { break }
        }
        totalE6 = sum
    }
}
