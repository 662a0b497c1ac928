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
}
