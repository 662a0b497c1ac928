import Foundation
import Testing
import TrancheCore
@testable import TrancheStore

@Suite struct SQLiteShardStoreTests {
    @Test func recordsRoundTripSortedById() throws {
        try withTemporaryDirectory { dir in
            let store = try SQLiteShardStore(directory: dir)
            defer { store.close() }
            #expect(try store.claim(shard: 3, epoch: 1) == [])
            // Backstop-sized id (above Int64.max) sorts last, as in Swift.
            let records = [sampleRecord(5), sampleRecord(UInt64.max), sampleRecord(2, collateral: -3)]
            try store.write(shard: 3, epoch: 1, records: records)
            try store.write(shard: 3, epoch: 1, records: [sampleRecord(5, collateral: 9, sequence: 8)])
            let expected = [sampleRecord(2, collateral: -3), sampleRecord(5, collateral: 9, sequence: 8), sampleRecord(UInt64.max)]
            #expect(try store.claim(shard: 3, epoch: 1) == expected)
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("shards/shard-0003.sqlite").path))
        }
    }

    @Test func olderEpochIsFencedAndNewOwnerSeesOldOwnersLastWrites() throws {
        try withTemporaryDirectory { dir in
            // Two instances on the same files: two worker processes.
            let old = try SQLiteShardStore(directory: dir)
            let new = try SQLiteShardStore(directory: dir)
            defer { old.close(); new.close() }
            _ = try old.claim(shard: 0, epoch: 2)
            try old.write(shard: 0, epoch: 2, records: [sampleRecord(1, collateral: 10)])
            let loaded = try new.claim(shard: 0, epoch: 5)
            #expect(loaded == [sampleRecord(1, collateral: 10)])
            #expect(throws: StoreError.staleEpoch(shard: 0, stored: 5, offered: 2)) {
                try old.write(shard: 0, epoch: 2, records: [sampleRecord(1, collateral: 999)])
            }
            #expect(throws: StoreError.staleEpoch(shard: 0, stored: 5, offered: 4)) { try old.claim(shard: 0, epoch: 4) }
            // A write at the map's later version (≥ the owner epoch) is accepted.
            try new.write(shard: 0, epoch: 6, records: [sampleRecord(1, collateral: 11)])
            #expect(try new.records(in: 0) == [sampleRecord(1, collateral: 11)])
            // Re-claiming at the same epoch (the same owner restarting) is allowed.
            #expect(try new.claim(shard: 0, epoch: 5) == [sampleRecord(1, collateral: 11)])
        }
    }

    @Test func writesSurviveCloseAndReopen() throws {
        try withTemporaryDirectory { dir in
            let first = try SQLiteShardStore(directory: dir)
            _ = try first.claim(shard: 7, epoch: 1)
            try first.write(shard: 7, epoch: 1, records: [sampleRecord(1), sampleRecord(2)])
            first.close()
            #expect(throws: StoreError.closed) { try first.write(shard: 7, epoch: 1, records: []) }

            let second = try SQLiteShardStore(directory: dir)
            defer { second.close() }
            #expect(try second.claim(shard: 7, epoch: 1) == [sampleRecord(1), sampleRecord(2)])
            // The fence survived the restart too.
            #expect(throws: StoreError.staleEpoch(shard: 7, stored: 1, offered: 0)) { try second.write(shard: 7, epoch: 0, records: []) }
        }
    }

    @Test func corruptFileIsATypedError() throws {
        try withTemporaryDirectory { dir in
            let store = try SQLiteShardStore(directory: dir)
            defer { store.close() }
            let garbage = Data(String(repeating: "not a database, just bytes. ", count: 200).utf8)
            try garbage.write(to: URL(fileURLWithPath: store.path(of: 1)))
            #expect {
                try store.claim(shard: 1, epoch: 1)
            } throws: { error in
                guard case StoreError.corrupt(_, let path) = error else { return false }
                return path.hasSuffix("shard-0001.sqlite")
            }
            // A directory where the file should be: cannot be opened, still no crash.
            try FileManager.default.createDirectory(atPath: store.path(of: 2), withIntermediateDirectories: true)
            #expect(throws: StoreError.self) { try store.claim(shard: 2, epoch: 1) }
            #expect(throws: StoreError.invalidShard(10_000)) { try store.claim(shard: 10_000, epoch: 1) }
            // Other shards are unaffected.
            #expect(try store.claim(shard: 0, epoch: 1) == [])
        }
    }

    @Test func undecodableRecordIsATypedError() throws {
        try withTemporaryDirectory { dir in
            let store = try SQLiteShardStore(directory: dir)
            defer { store.close() }
            _ = try store.claim(shard: 0, epoch: 1)
            try store.write(shard: 0, epoch: 1, records: [sampleRecord(1)])
            try tamper(store.path(of: 0), "UPDATE accounts SET record = X'7B7D'")
            #expect {
                try store.records(in: 0)
            } throws: { error in
                if case StoreError.decoding = error { return true }
                return false
            }
        }
    }
}
