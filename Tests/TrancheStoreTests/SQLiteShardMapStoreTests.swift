import Foundation
import Testing
import TrancheCore
@testable import TrancheStore

@Suite struct SQLiteShardMapStoreTests {
    @Test func shardMapRoundTrip() throws {
        try withTemporaryDirectory { dir in
            var map = ShardMap(shardCount: 8)
            map.rebalance(liveWorkers: ["w1", "w2"])
            map.rebalance(liveWorkers: ["w1", "w2", "w3"])
            let store = try SQLiteShardMapStore(directory: dir)
            #expect(try store.load() == nil)
            try store.save(map)
            store.close()
            let reopened = try SQLiteShardMapStore(directory: dir)
            defer { reopened.close() }
            let loaded = try #require(try reopened.load())
            #expect(loaded == map)
            #expect(loaded.version == 2)
            map.rebalance(liveWorkers: ["w1"])
            try reopened.save(map)
            #expect(try reopened.load() == map)
        }
    }
}
