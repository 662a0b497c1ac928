import Foundation
import Testing

/// The same crash through `tranche simulate` and through the live cluster gives the same
/// liquidations, allowing for timing.
///
/// How they are compared: the accounts are chosen clearly on either side of the boundary at
/// the crash price (equity below maintenance by at least 20 %, or above it by far more than
/// the 1 % the mark can stray from the index), so timing cannot change *which* accounts are
/// liquidated: that set must be equal. How many tranches each needed, and the phase it ends
/// in, depend on fill timing (marks every second, resilience of the book between tranches)
/// and are reported, not required to match.
@Suite struct SimulateVersusClusterTests {
    /// (id, side, size, collateral, isolated): long/short 1 BTC at 20 000 unless noted.
    static let accounts: [(UInt64, String, String, String, Bool)] = [
        (1, "long", "1", "1000", false),   // at 19 100: equity 100 < maintenance 191 → liquidated
        (2, "long", "1", "1050", false),   // equity 150 < 191 → liquidated
        (3, "long", "1", "2500", false),   // equity 1600 → safe
        (4, "long", "1", "3000", false),   // safe
        (5, "short", "1", "1000", false),  // in profit → safe
        (6, "long", "2", "1900", false),   // equity 100 < 382, below the hard floor → liquidated at once
        (7, "long", "0.5", "500", true),   // isolated: margin 500 − 450 = 50 < 95.5 → liquidated
        (8, "long", "1", "1300", false),   // equity 400 > 191 (209 > 189 even 1 % lower) → safe
    ]
    static let expectedLiquidated: Set<UInt64> = [1, 2, 6, 7]

    @Test(.timeLimit(.minutes(3)))
    func sameLiquidationsOfflineAndLive() throws {
        // 1. Offline: a scenario built from the cluster's own market, the same accounts, the
        // index stepping from 20 000 to 19 100 at t = 5 s and holding.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tranche-cmp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let local = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: CLIRunner.repositoryRoot.appendingPathComponent("cluster/local.json"))) as? [String: Any])
        var market = try #require((local["markets"] as? [[String: Any]])?.first)
        market["path"] = ["kind": "points", "points": [["t": "0", "price": "20000"], ["t": "5", "price": "20000"], ["t": "5.001", "price": "19100"], ["t": "40", "price": "19100"]]]
        let explicit: [[String: Any]] = Self.accounts.map { id, side, size, collateral, isolated in
            let signed = side == "long" ? size : "-\(size)"
            return ["id": id, "collateral": isolated ? "0" : collateral,
                    "positions": [["market": "BTC-PERP", "size": signed, "entryPrice": "20000", "mode": isolated ? "isolated" : "cross",
                                   "isolatedMargin": isolated ? collateral : "0"]]]
        }
        let scenario: [String: Any] = [
            "name": "live-comparison", "seed": 1, "duration": "40", "tail": "10", "markInterval": "1", "workers": 2, "shards": 8,
            "insuranceFund": ["initialBalance": (local["aggregator"] as? [String: Any])?["fundInitialBalance"] ?? "100000"],
            "markets": [market], "accounts": ["count": 0, "explicit": explicit],
        ]
        let scenarioURL = directory.appendingPathComponent("scenario.json")
        try JSONSerialization.data(withJSONObject: scenario).write(to: scenarioURL)
        let eventsURL = directory.appendingPathComponent("events.jsonl")
        let sim = try CLIRunner.tranche("simulate", scenarioURL.path, "--events", eventsURL.path, "--json")
        try #require(sim.status == 0, "simulate failed: \(sim.stderr)")
        #expect(sim.json["moneyConserved"] as? Bool == true)
        let offline = Self.liquidations(try String(contentsOf: eventsURL, encoding: .utf8))

        // 2. Live: the four processes, the same accounts, the same price step.
        let cluster = try LocalCluster()
        defer { cluster.stopAll() }
        try cluster.startAll()
        try cluster.waitForShards(workers: ["w1", "w2"], within: 15)
        for (id, side, size, collateral, isolated) in Self.accounts {
            try cluster.retrying { try cluster.cli(["account", "open", "\(id)", "--collateral", collateral]) }
            var submit = ["position", "submit", "\(id)", "BTC-PERP", side, size, "20000", "--import"]
            if isolated { submit += ["--isolated", "--margin", collateral] }
            try cluster.retrying { try cluster.cli(submit) }
        }
        try cluster.startEvents()
        try cluster.retrying { try cluster.cli(["price", "set", "BTC-PERP", "19100"]) }
        // Settled: every expected account has had a tranche and none is still in margin call
        // or liquidation.
        let deadline = Date().addingTimeInterval(45)
        var live = Self.Liquidations()
        while Date() < deadline {
            live = Self.liquidations(cluster.events().map(\.line).joined(separator: "\n"))
            if live.accounts.isSuperset(of: Self.expectedLiquidated) {
                let phases = try Self.accounts.map { try cluster.account($0.0).phase }
                if !phases.contains("marginCall") && !phases.contains("liquidating") { break }
            }
            Thread.sleep(forTimeInterval: 0.5)
        }
        let livePhases = Dictionary(uniqueKeysWithValues: try Self.accounts.map { ($0.0, try cluster.account($0.0).phase) })

        // 3. Compare.
        let report = """
            liquidated offline \(offline.accounts.sorted()) live \(live.accounts.sorted()) (expected \(Self.expectedLiquidated.sorted()))
            tranches per account offline \(offline.tranches.sorted { $0.key < $1.key }) live \(live.tranches.sorted { $0.key < $1.key })
            final phases offline \(offline.phases.sorted { $0.key < $1.key }) live \(livePhases.sorted { $0.key < $1.key })
            """
        print(report)
        #expect(offline.accounts == Self.expectedLiquidated, "\(report)")
        #expect(live.accounts == offline.accounts, "\(report)\n\(cluster.logTail())")
    }

    struct Liquidations {
        var accounts = Set<UInt64>()
        var tranches: [UInt64: Int] = [:]
        var phases: [UInt64: String] = [:]
    }

    /// Accounts with tranche orders or a takeover (the backstop excluded: a scope below its
    /// hard floor that the budget cannot serve goes to the backstop without a tranche, and
    /// whether it had one first depends on timing), tranche counts, and the last phase each
    /// reached (restored / closed / bankrupt) from JSON-line events.
    static func liquidations(_ jsonLines: String) -> Liquidations {
        var out = Liquidations()
        for line in jsonLines.split(separator: "\n") {
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let kind = o["kind"] as? String, let account = (o["account"] as? NSNumber)?.uint64Value, account != UInt64.max else { continue }
            switch kind {
            case "trancheOrder":
                out.accounts.insert(account)
                out.tranches[account, default: 0] += 1
            case "takeover": out.accounts.insert(account)
            case "restored": out.phases[account] = "healthy"
            case "closed": out.phases[account] = (o["detail"] as? String) ?? "closed"
            case "bankrupt": out.phases[account] = "bankrupt"
            default: break
            }
        }
        return out
    }
}
