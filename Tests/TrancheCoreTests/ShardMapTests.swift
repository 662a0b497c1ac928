import PropertyBased
import Testing
@testable import TrancheCore

@Suite struct ShardMapTests {
    @Test func balancesAndMovesLittle() {
        var map = ShardMap(shardCount: 10)
        #expect(map.rebalance(liveWorkers: ["w1"]) == ["w1"])
        #expect(map.shards(of: "w1").count == 10)
        // A second worker takes half; w1 keeps its first five.
        #expect(map.rebalance(liveWorkers: ["w1", "w2"]) == ["w1", "w2"])
        #expect(map.shards(of: "w1") == [0, 1, 2, 3, 4])
        #expect(map.shards(of: "w2") == [5, 6, 7, 8, 9])
        #expect(map.version == 2)
        #expect(map.owner(of: 5)?.epoch == 2)  // moved at version 2
        #expect(map.owner(of: 0)?.epoch == 1)  // kept since version 1
        // w1 dies: everything goes to w2, only w1's shards move.
        let before = map.owners
        map.rebalance(liveWorkers: ["w2"])
        #expect(map.shards(of: "w2").count == 10)
        for s in 5...9 { #expect(map.owners[s] == before[s]) }
        #expect(map.owner(of: 0)?.epoch == 3)
        #expect(map.owner(of: 5)?.epoch == 2)
        // w1 comes back: it gets shards again, under new epochs; its old epoch is stale.
        map.rebalance(liveWorkers: ["w1", "w2"])
        #expect(map.shards(of: "w1").count == 5)
        #expect(!map.isCurrent(worker: "w1", shard: map.shards(of: "w1")[0], epoch: 1))
    }

    @Test func noWorkersMeansNoOwners() {
        var map = ShardMap(shardCount: 4)
        map.rebalance(liveWorkers: ["a", "b"])
        map.rebalance(liveWorkers: [])
        #expect(map.owners.allSatisfy { $0 == nil })
    }

    /// Any sequence of joins and leaves: every shard has exactly one owner among the live
    /// workers, loads differ by at most one, and epochs never go backward.
    @Test func invariantsHoldForAnyMembershipSequence() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...63).array(of: 1...30), Gen.int(in: 1...64)) { masks, shards in
            var map = ShardMap(shardCount: shards)
            var lastEpochs = map.epochs
            for mask in masks {
                let live = (0..<6).filter { mask & (1 << $0) != 0 }.map { "w\($0)" }
                map.rebalance(liveWorkers: live)
                if live.isEmpty {
                    #expect(map.owners.allSatisfy { $0 == nil })
                } else {
                    #expect(map.owners.allSatisfy { $0 != nil && live.contains($0!.worker) })
                    let loads = live.map { map.shards(of: $0).count }
                    #expect(loads.max()! - loads.min()! <= 1)
                }
                #expect(zip(lastEpochs, map.epochs).allSatisfy { $0 <= $1 })
                #expect(map.epochs.allSatisfy { $0 <= map.version })
                lastEpochs = map.epochs
            }
        }
    }
}

@Suite struct LiquidationIndexTests {
    @Test func findsOnlyCrossedThresholds() {
        var index = LiquidationIndex()
        let k = { (a: UInt64) in LiquidationIndex.Key(account: AccountID(a), market: "BTC-PERP") }
        index.set(k(1), side: .long, liquidationPrice: px("19000"))
        index.set(k(2), side: .long, liquidationPrice: px("18500"))
        index.set(k(3), side: .short, liquidationPrice: px("21000"))
        index.set(k(4), side: .long, liquidationPrice: nil)  // no threshold: never returned
        #expect(index.crossed(market: "BTC-PERP", from: px("20000"), to: px("19000")) == [k(1)])
        #expect(index.crossed(market: "BTC-PERP", from: px("19000"), to: px("18000")) == [k(2)])  // 19 000 itself was crossed before
        #expect(index.crossed(market: "BTC-PERP", from: px("20000"), to: px("21000")) == [k(3)])
        #expect(index.crossed(market: "BTC-PERP", from: px("20000"), to: px("20500")) == [])
        #expect(index.crossed(market: "BTC-PERP", from: nil, to: px("18700")) == [k(1)])
        index.remove(k(1))
        #expect(index.crossed(market: "BTC-PERP", from: px("20000"), to: px("18000")) == [k(2)])
        index.set(k(2), side: .long, liquidationPrice: px("17000"))  // moved
        #expect(index.crossed(market: "BTC-PERP", from: px("20000"), to: px("18000")) == [])
        #expect(index.count == 2)
    }

    /// Against a brute-force scan: random thresholds and random moves.
    @Test func agreesWithBruteForce() async {
        await propertyCheck(count: 200, input: Gen.int(in: 1_000_000...3_000_000).array(of: 1...60), Gen.int(in: 1_000_000...3_000_000), Gen.int(in: 1_000_000...3_000_000)) { prices, from, to in
            var index = LiquidationIndex()
            var expected: [LiquidationIndex.Key] = []
            for (i, p) in prices.enumerated() {
                let key = LiquidationIndex.Key(account: AccountID(UInt64(i)), market: "M")
                let side: Side = i % 2 == 0 ? .long : .short
                let price = Price(e8: Int64(p) * 1000)
                index.set(key, side: side, liquidationPrice: price)
                let f = Int64(from) * 1000, t = Int64(to) * 1000
                if side == .long && t <= price.e8 && price.e8 < f { expected.append(key) }
                if side == .short && f < price.e8 && price.e8 <= t { expected.append(key) }
            }
            #expect(index.crossed(market: "M", from: Price(e8: Int64(from) * 1000), to: Price(e8: Int64(to) * 1000)) == expected.sorted())
        }
    }
}
