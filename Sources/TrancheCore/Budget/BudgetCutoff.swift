/// How a market's budget is spent worst margin ratio first, cluster-wide: demand is
/// reported per margin-ratio bucket, the aggregator finds the bucket where the cumulative
/// demand (worst first) reaches the budget, and every worker admits the scopes below it,
/// plus a deterministic share of the scopes in it.
public enum BudgetCutoff {
    /// Buckets: 0 = bankrupt; 1…64 = margin ratio in [k−1, k)/64; 65 = at or above 1
    /// (a scope still liquidating toward its target).
    public static let bucketCount = 66
    static let width: Int64 = 15_625  // 1/64 in ppm

    public static func bucket(marginRatioPpm: Int64?, bankrupt: Bool) -> Int {
        if bankrupt { return 0 }
        guard let r = marginRatioPpm else { return bucketCount - 1 }
        return 1 + Int(min(max(r, 0) / width, 64))
    }

    /// The cutoff for `budget` (quote × 10^6) over `demand` per bucket: (bucket, share of
    /// it admitted in ppm). Everything fits: (bucketCount, 0). The worst non-empty bucket
    /// is always at least partly admitted, so a tiny budget still moves the worst first.
    public static func cutoff(budgetE6: Int64, demand: [Int64]) -> (bucket: Int, admitPpm: Int64) {
        var left = max(budgetE6, 0)
        for (b, d) in demand.enumerated() where d > 0 {
            if d <= left { left -= d; continue }
            let share = Int64(Int128(left) * Int128(Precision.rateScale) / Int128(d))  // rounded down
            return (b, max(share, 1))
        }
        return (bucketCount, 0)
    }

    /// Whether an account in `bucket` may send its tranche under a budget.
    public static func admits(bucket: Int, account: AccountID, cutoff: Int, admitPpm: Int64, sequence: UInt64) -> Bool {
        if bucket < cutoff { return true }
        if bucket > cutoff { return false }
        return Int64(draw(account, sequence) % UInt64(Precision.rateScale)) < admitPpm
    }

    /// A deterministic draw per (account, budget): SplitMix64 of both.
    static func draw(_ account: AccountID, _ sequence: UInt64) -> UInt64 {
        var z = account.rawValue &* 0x9E37_79B9_7F4A_7C15 &+ sequence &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
