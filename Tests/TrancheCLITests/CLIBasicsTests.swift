import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Small things a new user meets first.
@Suite struct CLIBasicsTests {
    @Test func versionIsPrinted() throws {
        let r = try CLIRunner.tranche("--version")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.3.0")
    }

    /// Nobody listens on the port: the error names the endpoint and the timeout as given.
    @Test func anUnreachableCoordinatorTimesOutReadably() throws {
        let port = try LocalCluster.freePorts(1)[0]
        let endpoint = "tcp://127.0.0.1:\(port)"
        // Insecure: no key is needed to find that nobody answers.
        let r = try CLIRunner.tranche("status", "--coordinator", endpoint, "--timeout", "0.5", "--insecure")
        #expect(r.status != 0)
        #expect(r.stderr.contains("within 0.5 s") && r.stderr.contains(endpoint), "\(r.stderr)")
        let whole = try CLIRunner.tranche("status", "--coordinator", endpoint, "--timeout", "1", "--insecure")
        #expect(whole.stderr.contains("within 1 s"), "\(whole.stderr)")
    }

    @Test func eventsRefuseAnUnknownKind() throws {
        let r = try CLIRunner.tranche("events", "--exclude", "nonsense", "--seconds", "0")
        #expect(r.status != 0)
        #expect(r.stderr.contains("--exclude") && r.stderr.contains("budget"), "\(r.stderr)")
    }

    /// Bad input is refused before anything is sent, with the real problem named.
    @Test func badInputIsRefusedWithItsReason() throws {
        let zero = try CLIRunner.tranche("account", "open", "0", "--collateral", "10")
        #expect(zero.status != 0 && zero.stderr.contains("positive"), "\(zero.stderr)")
        let negative = try CLIRunner.tranche("account", "open", "5", "--collateral", "-5")
        #expect(negative.status != 0 && negative.stderr.contains("must not be negative") && !negative.stderr.contains("Missing value"), "\(negative.stderr)")
        let crossMargin = try CLIRunner.tranche("position", "submit", "5", "BTC-PERP", "long", "1", "20000", "--margin", "100")
        #expect(crossMargin.status != 0 && crossMargin.stderr.contains("--isolated"), "\(crossMargin.stderr)")
        let entries = try CLIRunner.tranche("fund", "--entries", "5000")
        #expect(entries.status != 0 && entries.stderr.contains("at most 1000"), "\(entries.stderr)")
        let backstop = try CLIRunner.tranche("account", "show", "18446744073709551615")
        #expect(backstop.status != 0 && backstop.stderr.contains("backstop"), "\(backstop.stderr)")
    }

    /// Errors have a stable exit code per class, and a JSON object on stderr under --json.
    @Test func errorsHaveStableExitCodesAndJSON() throws {
        let usage = try CLIRunner.tranche("account", "open", "0", "--json")
        #expect(usage.status == 64)
        let u = try JSONSerialization.jsonObject(with: Data(usage.stderr.utf8)) as? [String: [String: Any]]
        #expect(u?["error"]?["class"] as? String == "usage", "\(usage.stderr)")
        let port = try LocalCluster.freePorts(1)[0]
        let down = try CLIRunner.tranche("status", "--coordinator", "tcp://127.0.0.1:\(port)", "--timeout", "0.3", "--json", "--insecure")
        #expect(down.status == 69)
        let d = try JSONSerialization.jsonObject(with: Data(down.stderr.utf8)) as? [String: [String: Any]]
        #expect(d?["error"]?["class"] as? String == "unavailable", "\(down.stderr)")
        // Events from nowhere: said, and a failure after --timeout (not a silent exit 0).
        let events = try CLIRunner.tranche("events", "--endpoint", "tcp://127.0.0.1:\(port)", "--timeout", "0.5", "--seconds", "3", "--insecure")
        #expect(events.status == 69 && events.stderr.contains("not connected"), "\(events.stderr)")
    }

    /// On a live cluster: a trade executes at the venue within its limit; `position reduce`
    /// takes part of a position off; a refusal exits 65 with the cluster's code in the JSON
    /// error.
    @Test(.timeLimit(.minutes(3)))
    func reduceAndRefusalsOnALiveCluster() throws {
        let cluster = try LocalCluster()
        defer { cluster.stopAll() }
        try cluster.startAll()
        try cluster.waitForShards(workers: ["w1", "w2"], within: 15)
        try cluster.retrying { try cluster.cli(["account", "open", "7", "--collateral", "5000"]) }
        // A trade at the venue: a limit below its ask (20000 + half-spread) is not filled; one
        // above is, on the ask (the entry is the fill's price, not the limit).
        let unfilled = try CLIRunner.run("tranche", ["position", "submit", "7", "BTC-PERP", "long", "1", "20000", "--config", cluster.configPath, "--json"], timeout: 10)
        #expect(unfilled.status == 65 && unfilled.stderr.contains("not filled"), "\(unfilled.stderr)")
        let bought = try cluster.retrying { try cluster.cli(["position", "submit", "7", "BTC-PERP", "long", "1", "20100"]) }
        let entry = Double((bought.json["positions"] as? [[String: Any]])?.first?["entryPrice"] as? String ?? "") ?? 0
        #expect(entry > 20000 && entry < 20100, "\(bought.stdout)")
        let reduced = try cluster.retrying { try cluster.cli(["position", "reduce", "7", "BTC-PERP", "0.4"]) }
        let positions = reduced.json["positions"] as? [[String: Any]]
        #expect(positions?.first?["size"] as? String == "0.6", "\(reduced.stdout)")
        let again = try CLIRunner.run("tranche", ["account", "open", "7", "--config", cluster.configPath, "--json"], timeout: 10)
        #expect(again.status == 65)
        let e = try JSONSerialization.jsonObject(with: Data(again.stderr.utf8)) as? [String: [String: Any]]
        #expect(e?["error"]?["code"] as? String == "ACCOUNT_EXISTS", "\(again.stderr)")
        #expect(e?["error"]?["class"] as? String == "refused")

        // `tranche account list` (issue 11): from every worker, filtered.
        try cluster.retrying { try cluster.cli(["account", "open", "8", "--collateral", "10"]) }
        let all = try cluster.cli(["account", "list"]).json["accounts"] as? [[String: Any]] ?? []
        #expect(all.compactMap { $0["account"] as? UInt64 ?? ($0["account"] as? NSNumber)?.uint64Value } == [7, 8], "\(all)")
        #expect(all.allSatisfy { ["w1", "w2"].contains($0["worker"] as? String ?? "") })
        let withBTC = try cluster.cli(["account", "list", "--market", "BTC-PERP"]).json["accounts"] as? [[String: Any]] ?? []
        #expect(withBTC.count == 1)
        let liquidating = try cluster.cli(["account", "list", "--liquidating"]).json["accounts"] as? [[String: Any]] ?? []
        #expect(liquidating.isEmpty)

        // `tranche backstop` (issue 11): empty, then the inventory a takeover leaves.
        #expect(try cluster.cli(["backstop"]).json["positions"] as? [Any] != nil)
        try cluster.retrying { try cluster.cli(["account", "open", "9", "--collateral", "100000"]) }
        try cluster.retrying { try cluster.cli(["position", "submit", "9", "BTC-PERP", "long", "40", "20000", "--import"]) }
        try cluster.retrying { try cluster.cli(["price", "set", "BTC-PERP", "17000"]) }
        var held: [[String: Any]] = []
        let deadline = Date().addingTimeInterval(20)
        while held.isEmpty, Date() < deadline {
            held = (try? cluster.cli(["backstop"]))?.json["positions"] as? [[String: Any]] ?? []
            if held.isEmpty { Thread.sleep(forTimeInterval: 0.2) }
        }
        #expect(held.first?["market"] as? String == "BTC-PERP" && held.first?["entryPrice"] as? String != nil, "\(held)")
        let text = try CLIRunner.run("tranche", ["backstop", "--config", cluster.configPath], timeout: 10)
        #expect(text.status == 0 && (text.stdout.contains("Backstop inventory") || text.stdout.contains("holds nothing")), "\(text.stdout)")
    }

    /// cluster-up refuses at once when a port of its configuration is taken (another
    /// cluster on the same ports would answer its checks while its own processes die).
    @Test func clusterUpRefusesATakenPort() throws {
        let cluster = try LocalCluster()   // only for a configuration on free ports
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: cluster.configPath))) as? [String: Any]
        let endpoint = try #require((config?["endpoints"] as? [String: String])?["coordinatorClients"])
        let port = try #require(Int(endpoint.split(separator: ":").last ?? ""))
        // Hold the port, as a running cluster would.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        try #require(bound == 0)
        listen(fd, 1)
        let r = try CLIRunner.run(CLIRunner.repositoryRoot.appendingPathComponent("scripts/cluster-up.sh").path, ["--config", cluster.configPath], timeout: 30)
        #expect(r.status != 0)
        #expect(r.stderr.contains("coordinatorClients") && r.stderr.contains("is taken"), "\(r.stderr)\(r.stdout)")
    }
}
