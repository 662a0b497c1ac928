import Foundation
import Testing
import TrancheNode
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Issue 4's "done when": the real executables on ephemeral loopback ports. Accounts fall
/// below maintenance and are liquidated in tranches; the worker holding one of them is
/// killed with SIGKILL and its shards move; the whole cluster is stopped and restarted
/// and finds the same state. Every process is stopped whatever happens.
@Suite struct ClusterIntegrationTests {
    @Test(.timeLimit(.minutes(3)))
    func liquidationFailoverAndRestart() throws {
        let cluster = try LocalCluster()
        defer { cluster.stopAll() }

        try cluster.startAll()
        try cluster.waitForShards(workers: ["w1", "w2"], within: 15)

        // Accounts 1 and 2 will be liquidated; 3…5 hold more collateral and stay healthy; 6 is short.
        let longs: [(UInt64, String)] = [(1, "1000"), (2, "1000"), (3, "2500"), (4, "2500"), (5, "2500")]
        for (id, collateral) in longs {
            try cluster.retrying { try cluster.cli(["account", "open", "\(id)", "--collateral", collateral]) }
            try cluster.retrying { try cluster.cli(["position", "submit", "\(id)", "BTC-PERP", "long", "1", "20000", "--import"]) }
        }
        try cluster.retrying { try cluster.cli(["account", "open", "6", "--collateral", "1000"]) }
        try cluster.retrying { try cluster.cli(["position", "submit", "6", "BTC-PERP", "short", "1", "20000", "--import"]) }
        let accounts: [UInt64] = [1, 2, 3, 4, 5, 6]

        let initialFund = try cluster.fundBalance()
        #expect(initialFund == 100_000, "initial fund \(initialFund)")

        // Listen before moving the price (a subscriber sees only what is published after it joined).
        try cluster.startEvents()
        // 19100: account 1 has equity 100 against maintenance 191 (ratio 0.52, above the hard floor 0.5).
        try cluster.retrying { try cluster.cli(["price", "set", "BTC-PERP", "19100"]) }

        // Tranches: at least two for account 1, each smaller than its position; a fee; the fund
        // above its initial balance; the account ends healthy or without a position.
        var settled = false
        let liquidationDeadline = Date().addingTimeInterval(40)
        while Date() < liquidationDeadline {
            let events = cluster.events()
            let orders = events.filter { $0.kind == "trancheOrder" && $0.account == 1 }
            let fees = events.filter { $0.kind == "fee" }
            if orders.count >= 2, !fees.isEmpty, try cluster.fundBalance() > initialFund {
                let views = try accounts.map { try cluster.account($0) }
                if views.allSatisfy({ $0.phase == "healthy" || $0.phase == "closed" || $0.positions.isEmpty }) {
                    settled = true
                    break
                }
            }
            Thread.sleep(forTimeInterval: 0.5)
        }
        let events = cluster.events()
        try #require(settled, "the liquidation did not settle within 40 s; events:\n\(events.map(\.line).suffix(40).joined(separator: "\n"))\n\(cluster.logTail())")
        let orders = events.filter { $0.kind == "trancheOrder" && $0.account == 1 }
        #expect(orders.count >= 2, "tranche orders of account 1: \(orders.map(\.line))")
        // Each tranche is smaller than the position left when it was sent (1 minus earlier fills).
        let fillsOfOne = events.filter { $0.kind == "fill" && $0.account == 1 }
        for o in orders {
            let earlier = fillsOfOne.filter { ($0.tranche ?? .max) < (o.tranche ?? 0) }.reduce(0) { $0 + ($1.size ?? 0) }
            let left = 1 - earlier
            // A final close of what is left (dust below the minimum tranche), and a scope below
            // its hard floor whose restoring size is the whole position (the only case the
            // step cap may be exceeded), may take it all.
            let finalClose = o.line.contains("closeRemainder") || o.line.contains("positionExhausted") || o.line.contains("sell bankrupt")
                || o.line.contains("below the hard floor")
            #expect(o.size.map { $0 > 0 && (finalClose ? $0 <= left + 1e-9 : $0 < left - 1e-9) } == true,
                    "a tranche is not smaller than the position left (\(left)) of account 1: \(o.line)")
        }
        #expect(events.contains { $0.kind == "fee" })
        let fundAfterLiquidation = try cluster.fundBalance()
        #expect(fundAfterLiquidation > initialFund, "fund \(fundAfterLiquidation)")
        let one = try cluster.account(1)
        #expect(one.phase == "healthy" || one.phase == "closed" || one.positions.isEmpty, "account 1 ends \(one.phase)")
        #expect(try cluster.account(3).phase == "healthy")
        #expect(try cluster.account(6).phase == "healthy")

        // Failover: SIGKILL the worker holding account 1; the other one takes every shard.
        let before = try accounts.map { try cluster.account($0) }
        let owner = try #require(cluster.owner(ofAccount: 1), "no worker log mentions account 1\n\(cluster.logTail())")
        let survivor = owner == "w1" ? "w2" : "w1"
        cluster.kill9(owner)
        try cluster.waitForShards(workers: [survivor], within: 5)
        let afterFailover = try accounts.map { try cluster.account($0) }
        #expect(afterFailover.map(\.state) == before.map(\.state), "accounts changed across the failover:\n\(before.map(\.state))\n\(afterFailover.map(\.state))")
        // No tranche executed twice: at most one fill per (account, tranche sequence).
        Thread.sleep(forTimeInterval: 0.5)
        var fills: [String: Int] = [:]
        for e in cluster.events() where e.kind == "fill" {
            if let a = e.account, let t = e.tranche { fills["\(a)/\(t)", default: 0] += 1 }
        }
        #expect(!fills.isEmpty, "no fill events seen")
        #expect(fills.values.allSatisfy { $0 == 1 }, "a tranche was filled twice: \(fills.filter { $0.value > 1 })")

        // Restart: stop everything (drain, exit 0), start again on the same configuration.
        let fundBeforeStop = try cluster.fundBalance()
        let statuses = cluster.stopAll()
        for (name, status) in statuses where name != owner {
            #expect(status == 0, "\(name) exited with \(status)\n\(cluster.logTail())")
        }
        try cluster.startAll()
        try cluster.waitForShards(workers: ["w1", "w2"], within: 15)
        let afterRestart = try accounts.map { try cluster.account($0) }
        #expect(afterRestart.map(\.state) == before.map(\.state), "accounts changed across the restart:\n\(before.map(\.state))\n\(afterRestart.map(\.state))")
        #expect(try cluster.fundBalance() == fundBeforeStop)
        // The venue resumed at the index set before the stop (19 100), not at the configured
        // 20 000: a liquidation in progress resumes against the same market.
        var mark: String?
        let markDeadline = Date().addingTimeInterval(5)
        repeat {  // the restarted worker hears its first mark within a publication interval
            let positions = try cluster.retrying { try cluster.cli(["account", "show", "3"]) }.json["positions"] as? [[String: Any]]
            mark = positions?.first?["mark"] as? String
            if mark != nil && mark != "0" { break }
            Thread.sleep(forTimeInterval: 0.2)
        } while Date() < markDeadline
        // Near 19 100: the liquidation's own selling moved the index down a little for good
        // (permanent impact), and the venue resumed at that index.
        let resumed = Double(mark ?? "") ?? 0
        #expect(resumed > 18_800 && resumed <= 19_100, "mark after restart: \(mark ?? "none")")

        // The other client commands against the restarted cluster: withdraw, close, a
        // rejection with its code and numbers (non-zero exit), and the breaker.
        let withdraw = try cluster.retrying { try cluster.cli(["withdraw", "3", "100"]) }
        #expect(withdraw.status == 0, "withdraw: \(withdraw.stderr)")
        let close = try cluster.retrying { try cluster.cli(["position", "close", "5", "BTC-PERP"]) }
        #expect(close.status == 0, "close: \(close.stderr)")
        #expect(try cluster.account(5).positions.isEmpty)
        let refused = try CLIRunner.run("tranche", ["position", "submit", "4", "BTC-PERP", "long", "10", "0", "--config", cluster.configPath], timeout: 10)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("INSUFFICIENT_MARGIN") && refused.stderr.contains("required"), "stderr: \(refused.stderr) \(refused.stdout)")
        let breaker = try cluster.cli(["breaker"])
        #expect(breaker.status == 0 && breaker.stdout.contains("BTC-PERP"), "breaker: \(breaker.stdout) \(breaker.stderr)")

        for (name, status) in cluster.stopAll() {
            #expect(status == 0, "\(name) exited with \(status)\n\(cluster.logTail())")
        }
        #expect(cluster.livePIDs().isEmpty, "still running: \(cluster.livePIDs())")
    }
}

// MARK: - A cluster in a temporary directory

/// One account as `tranche account show --json` prints it.
struct AccountSnapshot {
    var phase: String
    var collateral: String
    var positions: [String]
    /// What must survive a failover or a restart: collateral and positions.
    var state: String { "collateral \(collateral) positions \(positions)" }
}

/// One line of `tranche events --json`.
struct EventLine {
    var line: String
    var kind: String
    var account: UInt64?
    var tranche: UInt64?
    var size: Double?
}

/// The four executables on free loopback ports, with logs and data in a fresh temporary
/// directory. Not thread-safe: used from the test's thread only.
final class LocalCluster {
    let directory: URL
    let configPath: String
    /// Whatever a test keeps with its cluster (the deposit stream's tally).
    var attachment: AnyObject?
    /// The coordinator's client endpoint (for in-process clients).
    let clientsEndpoint: String
    private var processes: [(name: String, process: Process)] = []
    private var allPIDs: [Int32] = []
    private var generation = 0
    private var restarts = 0
    private var eventsFile: URL?

    /// Started with --insecure (plain TCP, no keys): every process and every CLI call.
    let insecure: Bool

    init(insecure: Bool = false) throws {
        self.insecure = insecure
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tranche-it-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let template = CLIRunner.repositoryRoot.appendingPathComponent("cluster/local.json")
        var config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: template)) as? [String: Any])
        let ports = try Self.freePorts(8)
        let names = ["coordinatorClients", "coordinatorWorkers", "venueMarketData", "venueOrders",
                     "aggregatorReports", "aggregatorControl", "aggregatorQueries", "events"]
        config["endpoints"] = Dictionary(uniqueKeysWithValues: zip(names, ports.map { "tcp://127.0.0.1:\($0)" }))
        clientsEndpoint = "tcp://127.0.0.1:\(ports[0])"
        config["dataDirectory"] = directory.appendingPathComponent("data").path
        config["runDirectory"] = directory.path
        config["shards"] = 8
        // Metrics on ephemeral ports (tests run in parallel); each process writes its URL.
        config["metrics"] = ["basePort": 0]
        config["workers"] = 2
        var coordinator = config["coordinator"] as? [String: Any] ?? [:]
        coordinator["heartbeatInterval"] = "0.3"
        coordinator["liveness"] = 3
        config["coordinator"] = coordinator
        var worker = config["worker"] as? [String: Any] ?? [:]
        worker["heartbeatInterval"] = "0.3"
        config["worker"] = worker
        configPath = directory.appendingPathComponent("cluster.json").path
        try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys]).write(to: URL(fileURLWithPath: configPath))
        // Secure, as scripts/cluster-up.sh runs it: the members' and the operator's keys.
        try KeyFiles.generate([.coordinator, .aggregator, .venue, KeyFiles.operatorNode, .worker("w1"), .worker("w2"), .worker("w3")], in: keyDirectory)
    }

    var keyDirectory: URL { directory.appendingPathComponent("keys") }

    /// The operator's keys (every right), as the CLI finds them by default.
    func operatorKeys() throws -> ClientKeys {
        try ClientKeys(file: KeyFiles.secretFile(KeyFiles.operatorNode, in: keyDirectory), directory: keyDirectory)
    }

    /// The endpoints of this cluster's configuration.
    func endpoints() throws -> ClusterConfiguration.Endpoints { try ConfigurationFile.load(configPath).endpoints }

    /// An in-process client holding the operator's key.
    func client(name: String) throws -> ClusterClient {
        try ClusterClient(endpoint: clientsEndpoint, name: name, security: operatorKeys())
    }

    deinit {
        // Whatever a test left running (it threw before stopAll): killed by PID.
        for pid in allPIDs { kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }

    /// `count` distinct free loopback ports, drawn at random below the kernel's ephemeral range
    /// (net.ipv4.ip_local_port_range): a port the kernel hands out on its own (a metrics server
    /// bound to port 0, an outgoing connection) can then never be one a process of this
    /// cluster is about to bind. Each is checked free by binding it; all are held until every
    /// one is chosen.
    static func freePorts(_ count: Int) throws -> [Int] {
        let ephemeralLow = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8))
            .flatMap { $0.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first }
            .flatMap { Int($0) } ?? 32768
        let range = 10_000..<max(10_001, min(ephemeralLow, 65_536))
        var fds: [Int32] = []
        defer { for fd in fds { close(fd) } }
        var ports: [Int] = []
        var attempts = 0
        while ports.count < count {
            attempts += 1
            guard attempts < 10_000 else { throw Failure("no free port in \(range)") }
            let port = Int.random(in: range)
            if ports.contains(port) { continue }
            #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
            #endif
            guard fd >= 0 else { throw Failure("socket() failed: errno \(errno)") }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
            guard bound == 0 else { close(fd); continue }
            fds.append(fd)
            ports.append(port)
        }
        return ports
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    // MARK: Processes

    /// Starts venue, aggregator, coordinator and workers w1 and w2.
    func startAll() throws {
        generation += 1
        try start("tranche-venue")
        try start("tranche-aggregator")
        try start("tranche-coordinator")
        try start("tranche-worker", id: "w1")
        try start("tranche-worker", id: "w2")
    }

    private func start(_ executable: String, id: String? = nil) throws {
        let name = id.map { "worker-\($0)" } ?? String(executable.dropFirst("tranche-".count))
        var arguments = ["--config", configPath] + (insecure ? ["--insecure"] : [])
        if let id { arguments += ["--id", id] }
        try launch(name, executable, arguments, log: "\(name)-\(generation).log")
    }

    @discardableResult
    private func launch(_ name: String, _ executable: String, _ arguments: [String], log: String, stdout: URL? = nil) throws -> Process {
        let process = Process()
        process.executableURL = CLIRunner.productsDirectory.appendingPathComponent(executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let logURL = directory.appendingPathComponent(log)
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: logURL)
        process.standardError = logHandle
        if let stdout {
            _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: stdout)
        } else {
            process.standardOutput = logHandle
        }
        try process.run()
        processes.append((name, process))
        allPIDs.append(process.processIdentifier)
        return process
    }

    /// `tranche events --json` in the background, its lines in a file.
    func startEvents() throws {
        let file = directory.appendingPathComponent("events.jsonl")
        eventsFile = file
        try launch("events", "tranche", ["events", "--json", "--seconds", "150", "--config", configPath] + (insecure ? ["--insecure"] : []), log: "events.log", stdout: file)
        // The subscription must be in place before anything happens: wait until the first
        // mark arrives (marks are published every markInterval), at most 3 s.
        let deadline = Date().addingTimeInterval(3)
        while Date() < deadline, events().isEmpty { Thread.sleep(forTimeInterval: 0.1) }
    }

    func events() -> [EventLine] {
        guard let file = eventsFile, let data = FileManager.default.contents(atPath: file.path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            guard let o = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any], let kind = o["kind"] as? String else { return nil }
            return EventLine(line: String(line), kind: kind, account: (o["account"] as? NSNumber)?.uint64Value,
                             tranche: (o["tranche"] as? NSNumber)?.uint64Value, size: (o["size"] as? String).flatMap(Double.init))
        }
    }

    /// SIGKILLs a worker ("w1").
    func kill9(_ worker: String) {
        guard let i = processes.firstIndex(where: { $0.name == "worker-\(worker)" }) else { return }
        let p = processes.remove(at: i).process
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
    }

    /// Sends a signal (SIGSTOP, SIGCONT) to a role's process ("worker-w1", "venue").
    func signal(_ name: String, _ sig: Int32) throws {
        guard let p = processes.first(where: { $0.name == name })?.process else { throw Failure("no process \(name)") }
        kill(p.processIdentifier, sig)
    }

    /// SIGKILLs a role's process ("aggregator", "venue", "coordinator", "worker-w1"), then,
    /// after `after` seconds, starts it again (its log gets a fresh name).
    func kill9AndRestart(_ name: String, after seconds: Double = 0) throws {
        guard let i = processes.firstIndex(where: { $0.name == name }) else { throw Failure("no process \(name)") }
        let p = processes.remove(at: i).process
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        if seconds > 0 { Thread.sleep(forTimeInterval: seconds) }
        restarts += 1
        if name.hasPrefix("worker-") {
            let id = String(name.dropFirst("worker-".count))
            try launch(name, "tranche-worker", ["--config", configPath, "--id", id], log: "\(name)-\(generation)-r\(restarts).log")
        } else {
            try launch(name, "tranche-\(name)", ["--config", configPath], log: "\(name)-\(generation)-r\(restarts).log")
        }
    }

    /// SIGTERM to every process (workers first, the venue last), up to 5 s each to exit,
    /// then SIGKILL. Returns each one's exit status.
    @discardableResult
    func stopAll() -> [(String, Int32)] {
        let order = processes.reversed()
        processes.removeAll()
        for (_, p) in order where p.isRunning { kill(p.processIdentifier, SIGTERM) }
        var statuses: [(String, Int32)] = []
        for (name, p) in order {
            let deadline = Date().addingTimeInterval(5)
            while p.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if p.isRunning {
                kill(p.processIdentifier, SIGKILL)
                p.waitUntilExit()
                statuses.append((name, -9))
            } else {
                p.waitUntilExit()
                statuses.append((name, p.terminationReason == .exit ? p.terminationStatus : -p.terminationStatus))
            }
        }
        return statuses.filter { $0.0 != "events" }
    }

    /// PIDs this cluster ever started that still exist.
    func livePIDs() -> [Int32] { allPIDs.filter { kill($0, 0) == 0 } }

    // MARK: Client

    @discardableResult
    func cli(_ arguments: [String]) throws -> CLIRunner.Result {
        let r = try CLIRunner.run("tranche", arguments + ["--config", configPath, "--json", "--timeout", "3"] + (insecure ? ["--insecure"] : []), timeout: 10)
        guard r.status == 0 else { throw Failure("tranche \(arguments.joined(separator: " ")) exited \(r.status): \(r.stderr)\(r.stdout)") }
        return r
    }

    /// Retries a client command for up to 10 s (a shard may still be loading).
    @discardableResult
    func retrying(_ body: () throws -> CLIRunner.Result) throws -> CLIRunner.Result {
        let deadline = Date().addingTimeInterval(10)
        while true {
            do { return try body() } catch {
                if Date() > deadline { throw Failure("\(error)\n\(logTail())") }
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
    }

    func fundBalance() throws -> Decimal {
        let r = try retrying { try cli(["fund", "--entries", "5"]) }
        guard let s = r.json["balance"] as? String, let d = Decimal(string: s) else { throw Failure("fund: \(r.stdout)") }
        return d
    }

    func account(_ id: UInt64) throws -> AccountSnapshot {
        let o = try retrying { try cli(["account", "show", "\(id)"]) }.json
        let positions = (o["positions"] as? [[String: Any]] ?? []).map {
            "\($0["market"] ?? "?") \($0["size"] ?? "?") @ \($0["entryPrice"] ?? "?") \($0["mode"] ?? "?")"
        }
        return AccountSnapshot(phase: o["phase"] as? String ?? "?", collateral: o["collateral"] as? String ?? "?", positions: positions)
    }

    /// Polls `tranche status --json` until exactly `workers` are alive, each owns some
    /// shards and together they own every shard.
    func waitForShards(workers: Set<String>, within seconds: Double) throws {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        while true {
            if let r = try? cli(["status"]) {
                last = r.stdout
                let o = r.json
                let shardCount = o["shardCount"] as? Int ?? -1
                let live = (o["workers"] as? [[String: Any]] ?? []).filter { $0["alive"] as? Bool == true && ($0["shards"] as? Int ?? 0) > 0 }
                let liveIDs = Set(live.compactMap { $0["id"] as? String })
                if shardCount == 8, o["shardsOwned"] as? Int == 8, liveIDs == workers,
                   live.reduce(0, { $0 + ($1["shards"] as? Int ?? 0) }) == 8 { return }
            }
            if Date() > deadline { throw Failure("shards not owned by \(workers.sorted()) within \(seconds) s; last status: \(last)\n\(logTail())") }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    /// The worker ("w1"/"w2") whose log of this generation shows an event of `account`.
    func owner(ofAccount account: UInt64) -> String? {
        let pattern = try! NSRegularExpression(pattern: "account \(account)( |$)", options: [.anchorsMatchLines])
        for id in ["w1", "w2"] {
            let url = directory.appendingPathComponent("worker-\(id)-\(generation).log")
            guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
            if pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil { return id }
        }
        return nil
    }

    /// The last lines of every log, for failure messages.
    func logTail(lines: Int = 15) -> String {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.filter { $0.hasSuffix(".log") }.sorted() ?? []
        return files.map { name in
            let text = (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
            return "--- \(name)\n" + text.split(separator: "\n").suffix(lines).joined(separator: "\n")
        }.joined(separator: "\n")
    }
}
