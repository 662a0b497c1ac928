/// Sum of liquidated notional over a rolling time window, O(1) amortised per event.
///
/// Events closer than `window / 64` to the newest bucket are merged into it and the
/// bucket takes the later time, so at most about 65 buckets are kept and a merged event
/// is forgotten up to window/64 *late* (the sum is never understated).
struct RollingNotional: Sendable, Hashable {
    struct Bucket: Sendable, Hashable {
        var time: Instant
        var amountE6: Int64
    }

    let window: Duration
    private var buckets = WindowQueue<Bucket>()
    /// Σ of the buckets, saturating at Int64.max (a saturated sum trips the breaker).
    private(set) var totalE6: Int64 = 0

    init(window: Duration) { self.window = window }

    mutating func add(_ amount: Quote, at now: Instant) {
        guard amount.e6 > 0 else { return }
        expire(now: now)
        let granularity = window.nanoseconds / 64
        if var last = buckets.last, now.nanoseconds &- last.time.nanoseconds < granularity {
            last.amountE6 = last.amountE6.addingReportingOverflow(amount.e6).overflow ? .max : last.amountE6 + amount.e6
            last.time = max(last.time, now)
            buckets.replaceLast(last)
        } else {
            buckets.append(Bucket(time: now, amountE6: amount.e6))
        }
        totalE6 = totalE6.addingReportingOverflow(amount.e6).overflow ? .max : totalE6 + amount.e6
    }

    /// Drops buckets that happened `window` or more before `now`.
    mutating func expire(now: Instant) {
        while let first = buckets.first, now.nanoseconds &- first.time.nanoseconds >= window.nanoseconds {
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
