/// Highest and lowest mark over a rolling time window, O(1) amortised per sample
/// (monotonic queues: a sample that can never again be the extreme is dropped).
struct RollingExtremes: Sendable, Hashable {
    struct Sample: Sendable, Hashable {
        var time: Instant
        var priceE8: Int64
    }

    let window: Duration
    /// Prices strictly decreasing from front to back; front is the maximum.
    private var maxima = WindowQueue<Sample>()
    /// Prices strictly increasing from front to back; front is the minimum.
    private var minima = WindowQueue<Sample>()
    /// The newest sample.
    private(set) var latest: Sample?

    init(window: Duration) { self.window = window }

    mutating func add(_ price: Price, at now: Instant) {
        let s = Sample(time: now, priceE8: price.e8)
        while let l = maxima.last, l.priceE8 <= s.priceE8 { maxima.popLast() }
        maxima.append(s)
        while let l = minima.last, l.priceE8 >= s.priceE8 { minima.popLast() }
        minima.append(s)
        latest = s
        expire(now: now)
    }

    /// Drops samples older than `window` before `now` (a sample exactly `window` old stays).
    mutating func expire(now: Instant) {
        while let f = maxima.first, now.nanoseconds &- f.time.nanoseconds > window.nanoseconds { maxima.popFirst() }
        while let f = minima.first, now.nanoseconds &- f.time.nanoseconds > window.nanoseconds { minima.popFirst() }
    }

    var maximum: Int64? { maxima.first?.priceE8 }
    var minimum: Int64? { minima.first?.priceE8 }

    /// The largest move from any mark in the window to the newest mark, as a fraction of
    /// that mark, rounded up (a move is never understated). Zero when the newest mark has
    /// left the window.
    func move(now: Instant) -> Rate {
        guard let l = latest, now.nanoseconds &- l.time.nanoseconds <= window.nanoseconds,
              let hi = maxima.first, let lo = minima.first else { return .zero }
        let scale = Int128(Precision.rateScale)
        let down = hi.priceE8 > 0 ? ((Int128(hi.priceE8) - Int128(l.priceE8)) * scale).divided(by: Int128(hi.priceE8), .up) : 0
        let up = lo.priceE8 > 0 ? ((Int128(l.priceE8) - Int128(lo.priceE8)) * scale).divided(by: Int128(lo.priceE8), .up) : 0
        return Rate(ppm: Int64(clamping: max(down, up)))
    }
}
