/// State of a market's cascade circuit breaker.
public enum BreakerLevel: String, Sendable, Codable, Hashable, CaseIterable, Comparable {
    /// Liquidation runs with the market's parameters.
    case normal
    /// Liquidation runs slower: step fraction scaled down, interval stretched.
    case throttled
    /// No new tranche is sent in this market.
    case halted

    private var order: Int {
        switch self {
        case .normal: return 0
        case .throttled: return 1
        case .halted: return 2
        }
    }
    public static func < (a: BreakerLevel, b: BreakerLevel) -> Bool { a.order < b.order }
}

/// Why a breaker changed level. Stable raw values: they cross the wire.
public enum BreakerReason: Int, Sendable, Codable, Hashable, CaseIterable {
    /// Liquidated notional in the rolling window reached the throttle or halt share of capacity.
    case liquidationVolume = 1
    /// |Δmark| over the velocity window reached the throttle or halt threshold.
    case priceVelocity = 2
    /// Both measures fell below their release thresholds and the cool-down elapsed.
    case recovered = 3
    /// The worker stopped hearing from the aggregator: fail safe to THROTTLED.
    case controlSilent = 4
    /// An operator set the level by hand.
    case manual = 5
    /// Initial state, before any evaluation.
    case initial = 6
}
