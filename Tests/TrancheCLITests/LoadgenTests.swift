import Foundation
import Testing

/// Issue 10: `tranche-loadgen` against the real processes of a secure cluster: what it says
/// it got acknowledged is what the cluster holds, and its figures come out as text, JSON
/// and an HTML report.
@Suite struct LoadgenTests {
    @Test(.timeLimit(.minutes(3)))
    func populateThenCommandsAndNothingAcknowledgedIsLost() throws {
        let cluster = try LocalCluster()
        defer { cluster.stopAll() }
        try cluster.startAll()
        try cluster.waitForShards(workers: ["w1", "w2"], within: 15)
        let acked = cluster.directory.appendingPathComponent("acked.txt")
        let populate = try CLIRunner.run("tranche-loadgen", ["populate", "--accounts", "300", "--first", "5000", "--acked", acked.path,
                                                              "--sockets", "4", "--depth", "16", "--config", cluster.configPath], timeout: 120)
        #expect(populate.status == 0, "\(populate.stdout)\(populate.stderr)")
        let lines = try String(contentsOf: acked, encoding: .utf8).split(separator: "\n")
        let opened = lines.filter { $0.hasSuffix(" openAccount") }.count
        let positions = lines.filter { $0.hasSuffix(" submitPosition") }.count
        #expect(opened == 300, "\(populate.stdout)")
        #expect(positions > 150, "\(populate.stdout) \(lines.prefix(3))")
        // The cluster holds exactly what was acknowledged.
        let list = try cluster.cli(["account", "list", "--limit", "10000"]).json["accounts"] as? [[String: Any]] ?? []
        let mine = list.filter { (($0["account"] as? NSNumber)?.uint64Value ?? 0) >= 5000 }
        #expect(mine.count == opened)
        #expect(mine.filter { !(($0["positions"] as? [Any]) ?? []).isEmpty }.count == positions)

        let report = cluster.directory.appendingPathComponent("report.html")
        let commands = try CLIRunner.run("tranche-loadgen", ["commands", "--duration", "2", "--accounts", "300", "--first", "5000", "--json",
                                                              "--report", report.path, "--sockets", "2", "--depth", "8", "--config", cluster.configPath], timeout: 60)
        #expect(commands.status == 0, "\(commands.stderr)")
        let o = try JSONSerialization.jsonObject(with: Data(commands.stdout.utf8)) as? [String: Any]
        #expect((o?["acknowledged"] as? Int ?? 0) > 0, "\(commands.stdout)")
        #expect((o?["latencyMs"] as? [String: Double])?["p99"] != nil)
        #expect((o?["perSecond"] as? [Any])?.isEmpty == false)
        #expect(try String(contentsOf: report, encoding: .utf8).contains("<svg"))
    }

    /// `crash`: a scenario's accounts and price path driven into the live cluster; the
    /// cluster liquidates, the venue measures tick → order for the orders sent on a mark,
    /// and the simulation of the same scenario is printed beside.
    @Test(.timeLimit(.minutes(3)))
    func aCrashDrivenIntoTheLiveClusterIsMeasured() throws {
        let cluster = try LocalCluster()
        defer { cluster.stopAll() }
        // The scenario runs the cluster's own market (cluster/local.json's BTC-PERP).
        let root = CLIRunner.repositoryRoot
        var scenario = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("Tests/TrancheCLITests/Fixtures/tiny-scenario.json"))) as? [String: Any])
        let local = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("cluster/local.json"))) as? [String: Any])
        var market = try #require((local["markets"] as? [[String: Any]])?.first)
        market["path"] = ["kind": "crash", "start": "2", "drop": "0.08", "over": "6", "recovery": "0", "holdBottom": "10", "recoverOver": "1"]
        scenario["markets"] = [market]
        scenario["duration"] = "14"
        scenario["tail"] = "3"
        let file = cluster.directory.appendingPathComponent("crash-scenario.json")
        try JSONSerialization.data(withJSONObject: scenario).write(to: file)
        // The budget lifted: with it, a scope waits for its first budget (every 0.5 s), so no
        // order leaves on a tick and tick → order measures nothing.
        var config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: cluster.configPath))) as? [String: Any])
        var aggregator = config["aggregator"] as? [String: Any] ?? [:]
        aggregator["budget"] = ["enabled": false]
        config["aggregator"] = aggregator
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: cluster.configPath))
        try cluster.startAll()
        try cluster.waitForShards(workers: ["w1", "w2"], within: 15)

        let page = cluster.directory.appendingPathComponent("crash-report.html")
        let r = try CLIRunner.run("tranche-loadgen", ["crash", "--scenario", file.path, "--populate", "--compare", "--settle", "3", "--json",
                                                       "--report", page.path, "--config", cluster.configPath], timeout: 120)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stdout)\(r.stderr)")
        #expect((o["pricesSet"] as? Int ?? 0) >= 13, "\(o)")
        #expect((o["tranches"] as? Int ?? 0) > 0, "nothing liquidated: \(o)")
        #expect((o["crossingAccounts"] as? Int ?? 0) > 0, "\(o)")
        // Orders sent while a mark was handled were measured by the venue (a scope past its
        // hard floor goes at once), and the figures are ordered.
        let latency = try #require(o["tickToOrderMs"] as? [String: Any])
        #expect((latency["count"] as? Int ?? 0) > 0, "\(o)")
        let p50 = latency["p50"] as? Double ?? -1, p99 = latency["p99"] as? Double ?? -1
        #expect(p50 > 0 && p50 <= p99 && p99 < 10_000, "\(latency)")
        let simulated = try #require(o["simulated"] as? [String: Any], "\(o)")
        #expect((simulated["tranches"] as? Int ?? 0) > 0, "\(simulated)")
        #expect(o["fundEnd"] != nil)

        // The stress report of the live run beside the simulation's: every chart, with lines
        // of both (the live ones from the event stream, the venue's marks and the fund polled
        // once a second), self-contained, and rendered by a real browser with ink in every band.
        let html = try String(contentsOf: page, encoding: .utf8)
        for id in StressReportTests.charts { #expect(html.contains("<svg id=\"\(id)\""), "no \(id) chart") }
        #expect(html.contains("<table id=\"summary\"") && html.contains("live cluster") && html.contains("tranche simulate (stepwise)"))
        #expect(html.contains("mark, live cluster") && html.contains("fund, live cluster") && html.contains("liquidated, live cluster"))
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("<script"))
        for id in ["price", "liquidated", "fund", "states"] {
            let start = try #require(html.range(of: "<svg id=\"\(id)\""))
            let svg = html[start.lowerBound...]
            let end = try #require(svg.range(of: "</svg>"))
            #expect(svg[..<end.lowerBound].contains("live cluster</title></polyline>"), "\(id) has no live line")
        }
        let bands = try StressReportTests.inkedBands(page, dir: cluster.directory)
        #expect(bands.prefix(7).allSatisfy { $0 > 20 }, "blank regions in the screenshot: \(bands)")
    }
}
