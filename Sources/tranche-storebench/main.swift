import Foundation
import Synchronization
import TrancheCore
import TrancheStore

// Usage: tranche-storebench populate ACCOUNTS SHARDS DATA_DIR
// Writes ACCOUNTS account records (ids 1…ACCOUNTS, collateral 1,000 to 20,000 and a
// cross BTC-PERP position of 0.01–0.5 at 20,000 (the local cluster's price), long or short) straight into the shard
// stores of DATA_DIR, as a cluster's workers would have (for scripts/bench-failover.sh;
// the aggregator's ledger is not written).
if CommandLine.arguments.count == 5, CommandLine.arguments[1] == "populate",
   let count = Int(CommandLine.arguments[2]), let shardCount = Int(CommandLine.arguments[3]) {
    do {
        let store = try SQLiteShardStore(directory: URL(fileURLWithPath: CommandLine.arguments[4]))
        var pending: [Int: [AccountRecord]] = [:]
        let start = ContinuousClock.now
        func flush(_ s: Int) throws {
            guard let rs = pending[s], !rs.isEmpty else { return }
            try store.write(shard: s, epoch: 0, records: rs)
            pending[s] = []
        }
        for i in 1...max(count, 1) where count > 0 {
            let id = AccountID(UInt64(i))
            let side: Int64 = i % 5 == 0 ? -1 : 1
            let size = Size(e8: side * Int64(1_000_000 + (i * 7_919) % 49_000_000))
            let account = Account(id: id, collateral: Quote(e6: Int64(1_000 + (i * 104_729) % 19_000) * 1_000_000),
                                  positions: [Position(market: "BTC-PERP", size: size, entryPrice: Price(e8: 2_000_000_000_000))])
            let s = ShardMath.shard(of: id, shardCount: shardCount)
            pending[s, default: []].append(AccountRecord(account: account))
            if pending[s]!.count >= 10_000 { try flush(s) }
        }
        for s in pending.keys.sorted() { try flush(s) }
        store.close()
        let d = ContinuousClock.now - start
        print("populated \(count) accounts over \(shardCount) shards in \(d.components.seconds) s")
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("tranche-storebench populate: \(error)\n".utf8))
        exit(1)
    }
}

// Usage: tranche-storebench [submits] [shards] [directory]
// Measures (1) the disk's fsync rate as single-record transactions per second without
// grouping, and (2) group commit: `submits` single-record submissions spread round-robin
// over `shards`, from one thread, until every completion has run.
let args = CommandLine.arguments
let submits = args.count > 1 ? Int(args[1]) ?? 1_000_000 : 1_000_000
let shards = args.count > 2 ? Int(args[2]) ?? 16 : 16
let base = args.count > 3 ? URL(fileURLWithPath: args[3]) : FileManager.default.temporaryDirectory
let directory = base.appendingPathComponent("tranche-storebench-\(UUID().uuidString)")
defer { try? FileManager.default.removeItem(at: directory) }

func record(_ id: UInt64) -> AccountRecord {
    AccountRecord(account: Account(id: AccountID(id), collateral: Quote(e6: Int64(id) * 1_000_000)))
}

func seconds(since start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

do {
    // 1. Ungrouped: one transaction (one fsync) per record.
    let plain = try SQLiteShardStore(directory: directory.appendingPathComponent("plain"))
    _ = try plain.claim(shard: 0, epoch: 1)
    let singles = 500
    var start = ContinuousClock.now
    for i in 0..<singles { try plain.write(shard: 0, epoch: 1, records: [record(UInt64(i))]) }
    let singleSeconds = seconds(since: start)
    plain.close()
    print("ungrouped: \(singles) single-record transactions in \(String(format: "%.2f", singleSeconds)) s = \(String(format: "%.0f", Double(singles) / singleSeconds)) commits/s (the disk's fsync rate)")

    // 2. For scale: the JSON encoding alone of as many records (done on the committer thread).
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let encodeCount = min(submits, 200_000)
    start = ContinuousClock.now
    var bytes = 0
    for i in 0..<encodeCount { bytes += try encoder.encode(record(UInt64(i))).count }
    let encodeSeconds = seconds(since: start)
    print("JSON encoding alone: \(String(format: "%.0f", Double(encodeCount) / encodeSeconds)) records/s (\(bytes / encodeCount) bytes/record)")

    // 3. Group commit.
    let store = try SQLiteShardStore(directory: directory.appendingPathComponent("grouped"))
    for s in 0..<shards { _ = try store.claim(shard: s, epoch: 1) }
    let committer = try GroupCommitter(store: store)
    let done = DispatchSemaphore(value: 0)
    let remaining = Atomic(submits)
    start = ContinuousClock.now
    for i in 0..<submits {
        committer.submit(shard: i % shards, epoch: 1, records: [record(UInt64(i))]) { result in
            if case .failure(let e) = result { fatalError("\(e)") }
            if remaining.subtract(1, ordering: .relaxed).newValue == 0 { done.signal() }
        }
    }
    done.wait()
    let groupSeconds = seconds(since: start)
    let stats = committer.statistics
    committer.close()
    store.close()
    print("group commit: \(submits) single-record submits over \(shards) shards in \(String(format: "%.2f", groupSeconds)) s")
    print("  \(stats.transactions) transactions = \(String(format: "%.0f", Double(stats.transactions) / groupSeconds)) commits/s, \(String(format: "%.0f", Double(stats.recordsWritten) / groupSeconds)) records/s, \(stats.batches) batches, \(String(format: "%.1f", Double(stats.recordsWritten) / Double(max(stats.transactions, 1)))) records/transaction")
} catch {
    FileHandle.standardError.write(Data("tranche-storebench: \(error)\n".utf8))
    exit(1)
}
