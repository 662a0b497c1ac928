/// The mark price of a market: the exogenous index plus a slow, clamped average of the
/// venue's basis, so that no single liquidation order can push the mark (and with it
/// the next round of liquidations).
///
/// Rule:
///
///     basis sample  b(t) = mid(t) − index(t)      (0 while the book has no mid)
///     average       B ← B + (1 − 2^(−Δt/H)) · (b_prev − B)   on each update
///     mark          = index + clamp(B, −index·d, +index·d)
///
/// with H = `basisHalfLife` and d = `maxDeviation`. The average is *time-weighted*:
/// each sample is held for the time until the next one and weighted by that time, so a
/// mid pushed by an order and recovering a moment later weighs for that moment only,
/// however long the gap before it was. The index itself comes from outside the venue
/// and no order of ours moves it; the clamp bounds what the book can ever add.
///
/// Rounding: each step of the average toward the sample is truncated toward zero, so it
/// never overshoots the sample; the clamp bound index·d is rounded down (tighter).
public struct MarkPriceEstimator: Sendable, Hashable {
    public let configuration: MarkPriceConfiguration
    /// The averaged basis, in 10^-8 quote per base unit (signed), as of `lastUpdate`.
    public private(set) var averageBasisE8: Int64 = 0
    /// The latest basis sample, held until the next update.
    public private(set) var lastBasisE8: Int64 = 0
    /// Time of the latest update; `nil` before the first.
    public private(set) var lastUpdate: Instant?

    public init(configuration: MarkPriceConfiguration = .init()) throws(ConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
    }

    /// Feeds the index and the book's mid at `now` and returns the mark at `now`.
    /// An update earlier than the last one only replaces the held sample.
    @discardableResult
    public mutating func update(index: Price, mid: Price?, now: Instant) -> Price {
        averageBasisE8 = averagedBasis(at: now)
        if let last = lastUpdate, now > last { lastUpdate = now } else if lastUpdate == nil { lastUpdate = now }
        lastBasisE8 = mid.map { Int64(clamping: Int128($0.e8) - Int128(index.e8)) } ?? 0
        return mark(index: index)
    }

    /// The mark for `index` at `now`, with the held sample weighed up to `now`.
    public func mark(index: Price, now: Instant) -> Price {
        Self.clamped(index: index, basisE8: averagedBasis(at: now), maxDeviation: configuration.maxDeviation)
    }

    /// The mark for `index` with the average as of the last update.
    public func mark(index: Price) -> Price {
        Self.clamped(index: index, basisE8: averageBasisE8, maxDeviation: configuration.maxDeviation)
    }

    /// index + clamp(basis, ±index × maxDeviation), the bound rounded down.
    static func clamped(index: Price, basisE8: Int64, maxDeviation: Rate) -> Price {
        let bound = Int128(index.e8) * Int128(maxDeviation.ppm) / Int128(Precision.rateScale)  // ≥ 0: truncation is down
        let b = min(max(Int128(basisE8), -bound), bound)
        return Price(e8: Int64(clamping: Int128(index.e8) + b))
    }

    /// The average after holding `lastBasisE8` from `lastUpdate` to `now`.
    func averagedBasis(at now: Instant) -> Int64 {
        guard let last = lastUpdate else { return 0 }
        let elapsed = now.nanoseconds &- last.nanoseconds
        if elapsed <= 0 || lastBasisE8 == averageBasisE8 { return averageBasisE8 }
        let halves = Double(elapsed) / Double(configuration.basisHalfLife.nanoseconds)
        // Weight of the held sample, 1 − 2^(−halves), as a 62-bit fixed-point fraction.
        let weight = -Elementary.expm1(-halves * Elementary.ln2)
        let weight62 = Int128((min(weight, 1) * 4_611_686_018_427_387_904.0).rounded(.down))
        let gap = Int128(lastBasisE8) - Int128(averageBasisE8)
        // Toward zero: the step never overshoots the sample.
        let step = gap * weight62 / (Int128(1) << 62)
        return Int64(Int128(averageBasisE8) + step)
    }
}
