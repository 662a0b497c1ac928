import Foundation
import Synchronization
import TrancheCore
import TrancheStore

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
