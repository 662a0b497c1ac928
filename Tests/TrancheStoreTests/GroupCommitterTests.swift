import Foundation
import Synchronization
import Testing
import TrancheCore
@testable import TrancheStore

@Suite struct GroupCommitterTests {
    @Test func manySubmitsShareFewTransactionsAndCompleteOnceAfterDurable() throws {
        try withTemporaryDirectory { dir in
            let store = try SQLiteShardStore(directory: dir)
            let reader = try SQLiteShardStore(directory: dir)  // another process's view
            defer { store.close(); reader.close() }
            let shards = 4, submits = 400
            for s in 0..<shards { _ = try store.claim(shard: s, epoch: 1) }
            let committer = try GroupCommitter(store: store, configuration: .init(windowNanoseconds: 20_000_000))
            let calls = Mutex([Int](repeating: 0, count: submits))
            let notReadable = Mutex([Int]())
            let done = DispatchSemaphore(value: 0)
            let remaining = Atomic(submits)
            DispatchQueue.concurrentPerform(iterations: submits) { i in
                committer.submit(shard: i % shards, epoch: 1, records: [sampleRecord(UInt64(i))]) { result in
                    if case .failure = result { notReadable.withLock { $0.append(i) } }
                    calls.withLock { $0[i] += 1 }
                    let visible = (try? reader.records(in: i % shards))?.contains(sampleRecord(UInt64(i))) ?? false
                    if !visible { notReadable.withLock { $0.append(i) } }
                    if remaining.subtract(1, ordering: .relaxed).newValue == 0 { done.signal() }
                }
            }
            done.wait()
            committer.close()
            let stats = committer.statistics
            #expect(calls.withLock { $0 } == Array(repeating: 1, count: submits))
            #expect(notReadable.withLock { $0 } == [])
            #expect(stats.submissions == submits && stats.recordsWritten == submits)
            // At most one transaction per shard per batch; batching made them far fewer.
            #expect(stats.transactions <= stats.batches * shards)
            #expect(stats.transactions <= submits / 4)
            print("group commit test: \(submits) submits, \(stats.batches) batches, \(stats.transactions) transactions")
        }
    }

    @Test func lastRecordPerAccountWinsAndStaleEpochFailsOnlyItsSubmits() throws {
        try withTemporaryDirectory { dir in
            let store = try SQLiteShardStore(directory: dir)
            defer { store.close() }
            _ = try store.claim(shard: 0, epoch: 3)
            _ = try store.claim(shard: 1, epoch: 1)
            // A long window so every submit lands in one batch.
            let committer = try GroupCommitter(store: store, configuration: .init(windowNanoseconds: 300_000_000))
            let results = Mutex([String: Result<Void, StoreError>]())
            committer.submit(shard: 0, epoch: 3, records: [sampleRecord(1, collateral: 1)]) { r in results.withLock { $0["a"] = r } }
            committer.submit(shard: 0, epoch: 3, records: [sampleRecord(1, collateral: 2), sampleRecord(2)]) { r in results.withLock { $0["b"] = r } }
            committer.submit(shard: 0, epoch: 2, records: [sampleRecord(1, collateral: 99)]) { r in results.withLock { $0["stale"] = r } }
            committer.submit(shard: 1, epoch: 1, records: [sampleRecord(3)]) { r in results.withLock { $0["c"] = r } }
            committer.close()
            let r = results.withLock { $0 }
            #expect(r.count == 4)
            #expect((try? r["a"]?.get()) != nil && (try? r["b"]?.get()) != nil && (try? r["c"]?.get()) != nil)
            guard case .failure(let e) = r["stale"] else { Issue.record("stale write accepted"); return }
            #expect(e == .staleEpoch(shard: 0, stored: 3, offered: 2))
            #expect(try store.records(in: 0) == [sampleRecord(1, collateral: 2), sampleRecord(2)])
            #expect(committer.statistics.transactions == 2)
            #expect(committer.statistics.batches == 1)
            // After close, submissions fail at once.
            let late = Mutex<Result<Void, StoreError>?>(nil)
            committer.submit(shard: 0, epoch: 3, records: []) { r in late.withLock { $0 = r } }
            guard case .failure(.closed)? = late.withLock({ $0 }) else { Issue.record("late submit not refused"); return }
        }
    }
}
