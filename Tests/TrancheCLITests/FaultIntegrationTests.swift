import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
import TrancheCore
import TrancheNode
import TrancheStore

/// Nothing lost, nothing twice, on the real executables: a stream of deposits (each with
/// its own request id, retried by the client under the same id) runs while the aggregator
/// is killed with SIGKILL and restarted, then a worker is killed and restarted at once.
/// Afterwards every acknowledged deposit is in its account and in the ledger exactly once,
/// and every shard serves again.
@Suite struct FaultIntegrationTests {
    static let accounts: [UInt64] = Array(1...24)
    static let depositE6: Int64 = 1_000_000

    /// The deposits a client had acknowledged, per account (written by the stream's thread).
    final class Tally: @unchecked Sendable {
        private let lock = NSLock()
        private var acknowledged: [UInt64: Int64] = [:]
        private var failures: [String] = []
        private(set) var stop = false
        func ack(_ account: UInt64) { lock.lock(); acknowledged[account, default: 0] += 1; lock.unlock() }
        func fail(_ s: String) { lock.lock(); if failures.count < 20 { failures.append(s) }; lock.unlock() }
        func finish() { lock.lock(); stop = true; lock.unlock() }
        var isStopped: Bool { lock.lock(); defer { lock.unlock() }; return stop }
        var snapshot: ([UInt64: Int64], [String]) { lock.lock(); defer { lock.unlock() }; return (acknowledged, failures) }
    }

    @Test(.timeLimit(.minutes(3)))
    func depositsSurviveKilledAggregatorAndWorker() throws {
        let (cluster, client) = try Self.cluster()
        defer { cluster.stopAll() }
        // A retried request is applied once: the same id twice, one deposit.
        let once = MessageBody.deposit(Message.Deposit(account: AccountID(1), amount: Quote(e6: 7_000_000)))
        _ = try client.command(once, requestID: 4242)
        _ = try client.command(once, requestID: 4242)

        let tally = try Self.stream(cluster) {
            Thread.sleep(forTimeInterval: 1.5)
            try cluster.kill9AndRestart("aggregator", after: 1.0)
            Thread.sleep(forTimeInterval: 2.0)
            try cluster.kill9AndRestart("worker-w1")
            Thread.sleep(forTimeInterval: 3.0)
        }
        try Self.check(cluster, client, tally, extra: [1: 7_000_000])
    }

    /// Every role killed with SIGKILL in turn under the stream, each restarted at once or
    /// after the liveness (so its work moves or waits).
    @Test(.timeLimit(.minutes(3)))
    func everyRoleKilledInTurn() throws {
        let (cluster, client) = try Self.cluster()
        defer { cluster.stopAll() }
        let tally = try Self.stream(cluster) {
            Thread.sleep(forTimeInterval: 1.0)
            try cluster.kill9AndRestart("venue")
            Thread.sleep(forTimeInterval: 1.0)
            try cluster.kill9AndRestart("coordinator")
            Thread.sleep(forTimeInterval: 1.5)
            try cluster.kill9AndRestart("worker-w2", after: 2.0)   // past the liveness (0.9 s): shards move, then come back
            Thread.sleep(forTimeInterval: 1.5)
            try cluster.kill9AndRestart("aggregator")
            Thread.sleep(forTimeInterval: 2.0)
        }
        try Self.check(cluster, client, tally)
    }

    /// Every role killed with SIGKILL in turn and restarted only after the liveness (the
    /// others notice it gone: work waits, moves or is retried).
    @Test(.timeLimit(.minutes(3)))
    func everyRoleKilledAndRestartedLate() throws {
        let (cluster, client) = try Self.cluster()
        defer { cluster.stopAll() }
        let tally = try Self.stream(cluster) {
            Thread.sleep(forTimeInterval: 1.0)
            try cluster.kill9AndRestart("venue", after: 2.0)
            Thread.sleep(forTimeInterval: 1.0)
            try cluster.kill9AndRestart("coordinator", after: 2.0)
            Thread.sleep(forTimeInterval: 1.0)
            try cluster.kill9AndRestart("aggregator", after: 2.0)
            Thread.sleep(forTimeInterval: 1.0)
            try cluster.kill9AndRestart("worker-w1", after: 2.0)
            Thread.sleep(forTimeInterval: 2.0)
        }
        try Self.check(cluster, client, tally)
    }

    /// The aggregator paused (SIGSTOP) for 3 s: commands keep being acknowledged meanwhile
    /// (no send blocks a worker's loop; money messages wait in the outboxes), and once it
    /// resumes the ledger catches up with every one of them.
    @Test(.timeLimit(.minutes(3)))
    func commandsGoOnWhileTheAggregatorIsPaused() throws {
        let (cluster, client) = try Self.cluster()
        defer { cluster.stopAll() }
        var duringPause = 0
        let tally = try Self.stream(cluster) {
            Thread.sleep(forTimeInterval: 1.0)
            try cluster.signal("aggregator", SIGSTOP)
            let before = Self.acknowledgedSoFar(cluster)
            Thread.sleep(forTimeInterval: 3.0)
            duringPause = Self.acknowledgedSoFar(cluster) - before
            try cluster.signal("aggregator", SIGCONT)
            Thread.sleep(forTimeInterval: 1.0)
        }
        #expect(duringPause > 20, "only \(duringPause) deposits acknowledged while the aggregator was paused")
        try Self.check(cluster, client, tally)
    }

    /// A worker paused (SIGSTOP) past the liveness loses its shards; resumed (SIGCONT) with
    /// its old memory, it is fenced: nothing it still believes reaches a client or the
    /// ledger, and it gets shards back from the store.
    @Test(.timeLimit(.minutes(3)))
    func aPausedWorkerIsFenced() throws {
        let (cluster, client) = try Self.cluster()
        defer { cluster.stopAll() }
        let tally = try Self.stream(cluster) {
            Thread.sleep(forTimeInterval: 1.0)
            try cluster.signal("worker-w1", SIGSTOP)
            Thread.sleep(forTimeInterval: 3.0)
            try cluster.signal("worker-w1", SIGCONT)
            Thread.sleep(forTimeInterval: 3.0)
        }
        try Self.check(cluster, client, tally)
    }

    /// The venue paused (SIGSTOP) mid-liquidation, then killed and restarted: the workers
    /// send their unanswered orders again and every liquidation finishes.
    @Test(.timeLimit(.minutes(3)))
    func liquidationsResumeAfterAPausedAndRestartedVenue() throws {
        let cluster = try LocalCluster()
        defer { cluster.stopAll() }
        try cluster.startAll()
        try cluster.waitForShards(workers: ["w1", "w2"], within: 15)
        let liquidated: [UInt64] = Array(1...12)
        for id in liquidated {
            try cluster.retrying { try cluster.cli(["account", "open", "\(id)", "--collateral", "1000"]) }
            try cluster.retrying { try cluster.cli(["position", "submit", "\(id)", "BTC-PERP", "long", "1", "20000", "--import"]) }
        }
        try cluster.startEvents()
        try cluster.retrying { try cluster.cli(["price", "set", "BTC-PERP", "19150"]) }
        // Liquidations under way: tranche orders are out.
        let started = Date().addingTimeInterval(20)
        while Date() < started, !cluster.events().contains(where: { $0.kind == "trancheOrder" }) { Thread.sleep(forTimeInterval: 0.1) }
        try #require(cluster.events().contains { $0.kind == "trancheOrder" }, "no tranche order\n\(cluster.logTail())")
        try cluster.signal("venue", SIGSTOP)
        Thread.sleep(forTimeInterval: 2.0)
        try cluster.signal("venue", SIGCONT)
        Thread.sleep(forTimeInterval: 1.0)
        try cluster.kill9AndRestart("venue")
        // Every account ends its liquidation: healthy or without a position, nothing in flight.
        var last: [String] = []
        let deadline = Date().addingTimeInterval(60)
        repeat {
            Thread.sleep(forTimeInterval: 1.0)
            last = try liquidated.compactMap { id in
                let a = try cluster.account(id)
                return a.phase == "healthy" || a.phase == "closed" || a.positions.isEmpty ? nil : "\(id): \(a.phase) \(a.positions)"
            }
        } while !last.isEmpty && Date() < deadline
        #expect(last.isEmpty, "liquidations still running 60 s after the venue came back: \(last)\n\(cluster.logTail())")
        #expect(cluster.events().contains { $0.kind == "fill" })
    }

    /// The four executables running, every shard owned by w1 and w2, the accounts open.
    static func cluster() throws -> (LocalCluster, ClusterClient) {
        let cluster = try LocalCluster()
        do {
            try cluster.startAll()
            try cluster.waitForShards(workers: ["w1", "w2"], within: 15)
            let client = try cluster.client(name: "fault-test")
            try open(client)
            return (cluster, client)
        } catch {
            cluster.stopAll()
            throw error
        }
    }

    static func open(_ client: ClusterClient) throws {
        for id in accounts {
            _ = try client.command(.openAccount(Message.OpenAccount(account: AccountID(id), initialCollateral: .zero)), timeout: .seconds(10))
        }
    }

    /// Deposits on every account, one at a time, each under its own request id, while
    /// `faults` runs on this thread; returns what was acknowledged.
    static func stream(_ cluster: LocalCluster, faults: () throws -> Void) throws -> Tally {
        let tally = Tally()
        cluster.attachment = tally
        let keys = try cluster.operatorKeys()
        let endpoint = cluster.clientsEndpoint
        let stream = Thread {
            guard let c = try? ClusterClient(endpoint: endpoint, name: "fault-stream", security: keys) else { tally.fail("no client"); return }
            var i = 0
            while !tally.isStopped {
                let id = Self.accounts[i % Self.accounts.count]
                i += 1
                do {
                    _ = try c.command(.deposit(Message.Deposit(account: AccountID(id), amount: Quote(e6: Self.depositE6))), timeout: .seconds(20))
                    tally.ack(id)
                } catch {
                    // Not acknowledged: it may or may not have been applied; never counted.
                    tally.fail("account \(id): \(error)")
                }
            }
        }
        stream.start()
        defer {
            tally.finish()
            let deadline = Date().addingTimeInterval(25)
            while !stream.isFinished && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        }
        try faults()
        return tally
    }

    /// Every shard serves; every account's balance is exactly its acknowledged deposits
    /// (plus `extra`); the ledger agrees once the outboxes drain.
    static func check(_ cluster: LocalCluster, _ client: ClusterClient, _ tally: Tally, extra: [UInt64: Int64] = [:]) throws {
        try cluster.waitForShards(workers: ["w1", "w2"], within: 20)
        let (acknowledged, failures) = tally.snapshot
        let total = acknowledged.values.reduce(0, +)
        #expect(total > 50, "only \(total) deposits acknowledged; failures: \(failures)")
        var expected: [UInt64: Int64] = [:]
        for id in accounts { expected[id] = (acknowledged[id] ?? 0) * depositE6 + (extra[id] ?? 0) }
        var views: [UInt64: Int64] = [:]
        var showErrors: [String] = []
        for id in accounts {
            do {
                if let v = try client.command(.showAccount(Message.ShowAccount(account: AccountID(id))), timeout: .seconds(10)).account { views[id] = v.collateral.e6 }
            } catch { showErrors.append("\(id): \(error)") }
        }
        #expect(showErrors.isEmpty, "account show after the faults: \(showErrors)")
        let failed = failures.isEmpty ? "" : " (client errors: \(failures.prefix(5)))"
        #expect(views == expected, "collateral per account vs acknowledged deposits\(failed)\n\(cluster.logTail())")
        var ledger: [UInt64: Int64] = [:]
        let deadline = Date().addingTimeInterval(15)
        repeat {
            Thread.sleep(forTimeInterval: 0.5)
            ledger = ledgerBalances(cluster)
        } while ledger != expected && Date() < deadline
        #expect(ledger == expected, "ledger balances vs accounts\n\(cluster.logTail())")
    }

    /// Deposits acknowledged so far by the stream running on this cluster.
    static func acknowledgedSoFar(_ cluster: LocalCluster) -> Int {
        ((cluster.attachment as? Tally)?.snapshot.0.values.reduce(0, +)).map { Int($0) } ?? 0
    }

    /// Trader balances in the aggregator's store (read beside the running process).
    static func ledgerBalances(_ cluster: LocalCluster) -> [UInt64: Int64] {
        let dir = cluster.directory.appendingPathComponent("data")
        guard let store = try? SQLiteLedgerStore(directory: dir) else { return [:] }
        defer { store.close() }
        guard let state = try? store.load(retainedEntries: 0) else { return [:] }
        var out: [UInt64: Int64] = [:]
        for id in accounts { out[id] = state.ledger.balance(.trader(AccountID(id))).e6 }
        return out
    }
}
