/// Per market and side, the liquidation price of every indexed position, so that a mark
/// tick finds the positions whose threshold it crossed without scanning every account.
///
/// Thresholds are kept in buckets of equal width in log-price (`bucketWidth`, e.g. 5 bps).
/// A query for the marks a move swept over visits only the buckets between the old and
/// the new mark and compares the exact thresholds there, so a tick costs
/// O(positions in the swept buckets), not O(accounts). Bucketing uses `Double` logarithms,
/// which is fine for an index: membership is always decided by exact integer comparison.
///
/// The worker keeps it exact by re-indexing a scope whenever the scope changes (command,
/// fill) and, for cross scopes holding several markets (whose thresholds depend on the
/// other markets' marks), whenever one of those marks moves.
public struct LiquidationIndex: Sendable {
    public struct Key: Hashable, Sendable, Comparable {
        public var account: AccountID
        public var market: MarketID
        public init(account: AccountID, market: MarketID) { self.account = account; self.market = market }
        public static func < (a: Key, b: Key) -> Bool { (a.account, a.market) < (b.account, b.market) }
    }

    private struct SideIndex: Sendable {
        var buckets: [Int: [Key: Price]] = [:]
        var bucketOf: [Key: Int] = [:]
    }

    /// Bucket width as a fraction of price (ln(1 + width) per bucket).
    public let bucketWidth: Double
    private let logStep: Double
    private var longs: [MarketID: SideIndex] = [:]
    private var shorts: [MarketID: SideIndex] = [:]

    public init(bucketWidth: Double = 0.0005) {
        self.bucketWidth = bucketWidth
        logStep = Elementary.log(1 + bucketWidth)
    }

    public var count: Int { longs.values.reduce(0) { $0 + $1.bucketOf.count } + shorts.values.reduce(0) { $0 + $1.bucketOf.count } }

    @inline(__always)
    private func bucket(_ p: Price) -> Int {
        Int((Elementary.log(Double(p.e8)) / logStep).rounded(.down))
    }

    /// Sets (or with nil, removes) the threshold of a position. `side` is the position's.
    public mutating func set(_ key: Key, side: Side, liquidationPrice: Price?) {
        remove(key)
        guard let price = liquidationPrice, price.e8 > 0 else { return }
        let b = bucket(price)
        if side == .long {
            longs[key.market, default: SideIndex()].buckets[b, default: [:]][key] = price
            longs[key.market]!.bucketOf[key] = b
        } else {
            shorts[key.market, default: SideIndex()].buckets[b, default: [:]][key] = price
            shorts[key.market]!.bucketOf[key] = b
        }
    }

    /// Removes a position's threshold (either side).
    public mutating func remove(_ key: Key) {
        if let b = longs[key.market]?.bucketOf.removeValue(forKey: key) {
            longs[key.market]!.buckets[b]?.removeValue(forKey: key)
            if longs[key.market]!.buckets[b]?.isEmpty == true { longs[key.market]!.buckets[b] = nil }
        }
        if let b = shorts[key.market]?.bucketOf.removeValue(forKey: key) {
            shorts[key.market]!.buckets[b]?.removeValue(forKey: key)
            if shorts[key.market]!.buckets[b]?.isEmpty == true { shorts[key.market]!.buckets[b] = nil }
        }
    }

    /// Positions whose threshold the move `from → to` crossed into liquidation:
    /// longs with `to ≤ threshold < from` (a fall), shorts with `from < threshold ≤ to`
    /// (a rise). With `from` nil (first mark), every position already at or past `to`.
    /// Sorted, so the caller's processing order never depends on hashing.
    public func crossed(market: MarketID, from: Price?, to: Price) -> [Key] {
        var out: [Key] = []
        if let side = longs[market], from.map({ to < $0 }) ?? true {
            let hi = from.map { bucket($0) } ?? (side.buckets.keys.max() ?? 0)
            let lo = bucket(to)
            if lo <= hi {
                for b in lo...hi {
                    guard let entries = side.buckets[b] else { continue }
                    for (k, p) in entries where to <= p && (from.map { p < $0 } ?? true) { out.append(k) }
                }
            }
        }
        if let side = shorts[market], from.map({ to > $0 }) ?? true {
            let lo = from.map { bucket($0) } ?? (side.buckets.keys.min() ?? 0)
            let hi = bucket(to)
            if lo <= hi {
                for b in lo...hi {
                    guard let entries = side.buckets[b] else { continue }
                    for (k, p) in entries where p <= to && (from.map { $0 < p } ?? true) { out.append(k) }
                }
            }
        }
        out.sort()
        return out
    }

    /// The stored threshold of a position, if indexed.
    public func threshold(_ key: Key) -> Price? {
        if let b = longs[key.market]?.bucketOf[key] { return longs[key.market]?.buckets[b]?[key] }
        if let b = shorts[key.market]?.bucketOf[key] { return shorts[key.market]?.buckets[b]?[key] }
        return nil
    }
}
