import Foundation
import Testing

/// The cluster-wide liquidation budget on the live cluster: the four processes over
/// ZeroMQ run the same budget as `tranche simulate`, and a crash that asks for more than
/// the book can take is spread over time: the notional liquidated in any second (traders'
/// fills and backstop unwinds) stays within the budget in force plus one tranche.
@Suite struct LiveBudgetTests {
    @Test(.timeLimit(.minutes(3)))
    func liveCrashRespectsTheBudget() throws {
        let cluster = try LocalCluster()
        defer { cluster.stopAll() }
        try cluster.startAll()
        try cluster.waitForShards(workers: ["w1", "w2"], within: 15)
        // 24 longs of 1 BTC at 20 000 with 1 100 collateral: at 19 050 each has equity 150
        // against maintenance 190.5 (a margin call, then tranches of a quarter), together
        // 24 × 19 050 of notional against a band of about 250 000 that refills with a 10 s
        // half-life: more than the book takes at once.
        let ids = (101...124).map(UInt64.init)
        for id in ids {
            try cluster.retrying { try cluster.cli(["account", "open", "\(id)", "--collateral", "1100"]) }
            try cluster.retrying { try cluster.cli(["position", "submit", "\(id)", "BTC-PERP", "long", "1", "20000", "--import"]) }
        }
        try cluster.startEvents()
        try cluster.retrying { try cluster.cli(["price", "set", "BTC-PERP", "19050"]) }
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let phases = try ids.map { try cluster.account($0).phase }
            if !phases.contains("marginCall") && !phases.contains("liquidating") { break }
            Thread.sleep(forTimeInterval: 1)
        }
        Thread.sleep(forTimeInterval: 1)

        struct Line { var at: Double; var kind: String; var amount: Double; var detail: String }
        let lines: [Line] = cluster.events().compactMap { e in
            guard let o = (try? JSONSerialization.jsonObject(with: Data(e.line.utf8))) as? [String: Any],
                  let at = (o["at"] as? String).flatMap(Double.init) else { return nil }
            return Line(at: at, kind: e.kind, amount: (o["amount"] as? String).flatMap(Double.init) ?? 0, detail: o["detail"] as? String ?? "")
        }
        let budgets = lines.filter { $0.kind == "budget" }
        let fills = lines.filter { $0.kind == "fill" }
        #expect(budgets.count >= 10, "no budget published:\n\(cluster.logTail())")
        #expect(!fills.isEmpty, "nothing liquidated:\n\(cluster.logTail())")
        // The budget bound the flow at least once: some tranche waited for a later budget.
        #expect(budgets.contains { $0.detail.hasPrefix("cutoff ratio") }, "the budget never had to choose")
        // Each budget admits its rate × interval (0.5 s), plus the last tranche it lets
        // through. Every tranche filled in a second was admitted by a budget published in
        // that second or up to two seconds before (processes on a loaded machine can lag):
        // the flow of a second is at most what those budgets granted, plus one tranche.
        let biggest = fills.map(\.amount).max() ?? 0
        var perSecond: [Int: Double] = [:]
        for f in fills { perSecond[Int(f.at.rounded(.down)), default: 0] += f.amount }
        for (second, flow) in perSecond.sorted(by: { $0.key < $1.key }) {
            let granted = budgets.filter { $0.at >= Double(second - 2) && $0.at < Double(second + 1) }.reduce(0) { $0 + $1.amount * 0.5 }
            #expect(flow <= granted + biggest, "second \(second): \(flow) filled, budgets of the last 3 s granted \(granted), largest fill \(biggest)")
        }
        // Over the whole crash the flow stays within what was granted (plus one tranche).
        let total = fills.reduce(0) { $0 + $1.amount }
        let first = fills.map(\.at).min() ?? 0
        let grantedTotal = budgets.filter { $0.at >= first - 2 }.reduce(0) { $0 + $1.amount * 0.5 }
        #expect(total <= grantedTotal + biggest, "filled \(total), granted \(grantedTotal)")
        // The same bookkeeping as offline: every account's balance matches the ledger.
        let status = try cluster.retrying { try cluster.cli(["fund", "--entries", "1"]) }
        #expect(status.status == 0)
    }
}
