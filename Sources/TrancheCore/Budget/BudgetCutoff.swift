/// How a market's budget is spent worst margin ratio first, cluster-wide: each worker
/// reports its due tranches sorted by (margin ratio, account); the aggregator merges them
/// and admits them in that order until the budget is spent, the last one included (so the
/// flow admitted is at most the budget plus one tranche); every worker applies the
/// resulting (ratio, account) cutoff to what it reported.
public enum BudgetCutoff {
    /// Most tranches one worker lists per market in one report (a bound on the frame).
    public static let maxReportedTranches = 2_048
    /// Ratio reported for a bankrupt scope: before every solvent one.
    public static let bankruptRatio: Int64 = -1

    /// The cutoff over the workers' lists: nil when everything fits (and no list was cut
    /// short). A list cut short bounds the cutoff: nothing past its last tranche is known.
    public static func cutoff(budgetE6: Int64, reports: [(tranches: [Message.LiquidationDemand.DueTranche], truncated: Bool)]) -> (ratioPpm: Int64, account: AccountID)? {
        var all: [Message.LiquidationDemand.DueTranche] = []
        var bound: (Int64, AccountID)?
        for r in reports {
            all += r.tranches
            if r.truncated, let last = r.tranches.last {
                let t = (last.marginRatioPpm, last.account)
                if bound.map({ t < $0 }) ?? true { bound = t }
            }
        }
        all.sort { ($0.marginRatioPpm, $0.account) < ($1.marginRatioPpm, $1.account) }
        var left = max(budgetE6, 0)
        for t in all {
            if let b = bound, (t.marginRatioPpm, t.account) > b { return b }
            left -= max(t.notional.e6, 0)
            if left <= 0 { return (t.marginRatioPpm, t.account) }  // this one goes, the next does not
        }
        return bound
    }
}
