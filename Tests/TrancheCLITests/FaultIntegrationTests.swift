import Foundation
import Testing
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
        let cluster = try LocalCluster()
        defer { cluster.stopAll() }
        try cluster.startAll()
        try cluster.waitForShards(workers: ["w1", "w2"], within: 15)

        let client = try ClusterClient(endpoint: cluster.clientsEndpoint, name: "fault-test")
        for id in Self.accounts {
            _ = try client.command(.openAccount(Message.OpenAccount(account: AccountID(id), initialCollateral: .zero)), timeout: .seconds(10))
        }
        // A retried request is applied once: the same id twice, one deposit.
        let once = MessageBody.deposit(Message.Deposit(account: AccountID(1), amount: Quote(e6: 7_000_000)))
        _ = try client.command(once, requestID: 4242)
        _ = try client.command(once, requestID: 4242)

        let tally = Tally()
        let endpoint = cluster.clientsEndpoint
        let stream = Thread {
            guard let c = try? ClusterClient(endpoint: endpoint, name: "fault-stream") else { tally.fail("no client"); return }
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
        Thread.sleep(forTimeInterval: 1.5)
        try cluster.kill9AndRestart("aggregator", after: 1.0)
        Thread.sleep(forTimeInterval: 2.0)
        try cluster.kill9AndRestart("worker-w1")
        Thread.sleep(forTimeInterval: 3.0)
        tally.finish()
        // The stream's last command ends within its timeout.
        let streamDeadline = Date().addingTimeInterval(25)
        while !stream.isFinished && Date() < streamDeadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(stream.isFinished)

        // Every shard serves again, on the restarted worker too.
        try cluster.waitForShards(workers: ["w1", "w2"], within: 20)

        let (acknowledged, failures) = tally.snapshot
        let total = acknowledged.values.reduce(0, +)
        #expect(total > 50, "only \(total) deposits acknowledged; failures: \(failures)")

        // Each account's collateral: exactly its acknowledged deposits (plus the one
        // request sent twice). Unacknowledged attempts all came back acknowledged on retry
        // or were never applied, so the count matches exactly.
        var expected: [UInt64: Int64] = [:]
        for id in Self.accounts { expected[id] = (acknowledged[id] ?? 0) * Self.depositE6 + (id == 1 ? 7_000_000 : 0) }
        var views: [UInt64: Int64] = [:]
        var showErrors: [String] = []
        for id in Self.accounts {
            do {
                if let v = try client.command(.showAccount(Message.ShowAccount(account: AccountID(id))), timeout: .seconds(10)).account { views[id] = v.collateral.e6 }
            } catch { showErrors.append("\(id): \(error)") }
        }
        #expect(showErrors.isEmpty, "account show after the faults: \(showErrors)")
        let failed = failures.isEmpty ? "" : " (client errors: \(failures.prefix(5)))"
        #expect(views == expected, "collateral per account vs acknowledged deposits\(failed)\n\(cluster.logTail())")

        // The ledger agrees with the accounts once the workers' outboxes drain (money
        // messages are retransmitted every second until acknowledged).
        var ledger: [UInt64: Int64] = [:]
        let deadline = Date().addingTimeInterval(15)
        repeat {
            Thread.sleep(forTimeInterval: 0.5)
            ledger = Self.ledgerBalances(cluster)
        } while ledger != expected && Date() < deadline
        #expect(ledger == expected, "ledger balances vs accounts\n\(cluster.logTail())")
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
