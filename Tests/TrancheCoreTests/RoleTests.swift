import PropertyBased
import Testing
@testable import TrancheCore

@Suite struct CoordinatorRoutingTests {
    @Test func commandsReachTheOwnerOfTheShard() throws {
        var kit = try RoleTestKit(workers: 3)
        for id in 1...30 { kit.open(UInt64(id), collateral: "1000") }
        for id in 1...30 {
            let shard = ShardMath.shard(of: AccountID(UInt64(id)), shardCount: 16)
            let owner = kit.cluster.coordinator.shardMap.owner(of: shard)?.worker
            #expect(kit.owner(of: UInt64(id)) == owner, "account \(id) shard \(shard)")
        }
        // Every worker got a share, and a command for an unknown account is refused clearly.
        #expect(kit.cluster.workers.values.allSatisfy { $0.accountCount > 0 })
        let r = kit.command(.deposit(Message.Deposit(account: AccountID(999), amount: q("1"))))
        #expect(r?.errorCode == .unknownAccount)
        #expect(kit.command(.openAccount(Message.OpenAccount(account: AccountID(1), initialCollateral: .zero)))?.errorCode == .accountExists)
        #expect(kit.moneyConserved)
    }

    @Test func statusShowsWorkersShardsAndFund() throws {
        var kit = try RoleTestKit(workers: 2)
        kit.open(1, collateral: "500")
        kit.advance(.seconds(2))
        let status = kit.cluster.coordinator.status()
        #expect(status.workers.map(\.workerID) == ["w1", "w2"])
        #expect(status.workers.flatMap(\.shards).sorted() == (0..<16).map { UInt32($0) })
        #expect(status.fundBalance == q("100000"))
        #expect(status.breakers.map(\.market) == ["BTC-PERP"])
    }
}

@Suite struct ShardMoveTests {
    /// A worker dies: within the liveness its shards move; every account it held is
    /// loaded by a live worker, exactly once, unchanged; commands work again.
    @Test func accountsSurviveAWorkerLoss() throws {
        var kit = try RoleTestKit(workers: 3)
        for id in 1...40 { kit.open(UInt64(id), collateral: "1000", long: "0.1") }
        let before = kit.cluster.accountRecords()
        let victim = kit.owner(of: 1)!
        let held = kit.cluster.workers[victim]!.accounts.keys.sorted()
        kit.cluster.kill(worker: victim)
        kit.advance(.seconds(5))  // heartbeat 1 s × liveness 3, plus a check
        #expect(kit.cluster.coordinator.workers[victim]?.alive == false)
        #expect(kit.cluster.coordinator.shardMap.shards(of: victim).isEmpty)
        for id in held {
            let owners = kit.cluster.workers.filter { $0.key != victim && $0.value.accounts[id] != nil }.map(\.key)
            #expect(owners.count == 1, "account \(id) owned by \(owners)")
        }
        #expect(kit.cluster.accountRecords() == before)
        #expect(kit.command(.deposit(Message.Deposit(account: AccountID(1), amount: q("5"))))?.errorCode == .ok)
        // The worker comes back: it gets shards again, never two owners for one account.
        kit.cluster.restart(worker: victim)
        kit.advance(.seconds(2))
        #expect(!kit.cluster.coordinator.shardMap.shards(of: victim).isEmpty)
        for id in 1...40 {
            let owners = kit.cluster.workers.filter { !kit.cluster.down.contains($0.key) && $0.value.accounts[AccountID(UInt64(id))] != nil }
            #expect(owners.count == 1, "account \(id)")
        }
        #expect(kit.record(1)?.account.collateral == q("1005"))
        #expect(kit.moneyConserved)
    }

    /// A liquidation in progress moves with its shard: the new owner resumes it, and no
    /// tranche is executed twice (the venue answers a re-sent id with the original fill).
    @Test func liquidationResumesOnTheNewOwner() throws {
        var kit = try RoleTestKit(workers: 2)
        kit.open(1, collateral: "1000", long: "1")
        kit.setPrice("19050")  // ratio below the hard floor: liquidation starts at once
        kit.advance(.milliseconds(50))
        #expect(!kit.events(.trancheOrder, account: 1).isEmpty)
        let victim = kit.owner(of: 1)!
        kit.cluster.kill(worker: victim)
        kit.advance(.seconds(20))
        let orders = kit.events(.trancheOrder, account: 1).compactMap(\.tranche)
        let fills = kit.events(.fill, account: 1).compactMap(\.tranche)
        #expect(Set(fills).count == fills.count, "a tranche was filled twice: \(fills)")
        #expect(orders.count >= 2)
        #expect(kit.owner(of: 1) != victim)
        #expect(kit.moneyConserved)
    }
}

@Suite struct WorkerPauseTests {
    /// A worker paused long enough to be declared dead comes back with its old memory. The
    /// coordinator makes it drop everything before giving it shards, so it reloads them from
    /// the store and never serves (or writes) a record another worker changed meanwhile.
    @Test func aPausedWorkerDoesNotComeBackWithStaleAccounts() throws {
        var kit = try RoleTestKit(workers: 2)
        // w1 registered first (all shards), then w2 took the upper half: shards 8…15.
        let ids = (1...60).map { UInt64($0) }.filter { ShardMath.shard(of: AccountID($0), shardCount: 16) >= 8 }.prefix(5)
        for id in ids { kit.open(id, collateral: "1000") }
        #expect(ids.allSatisfy { kit.owner(of: $0) == "w2" })
        kit.cluster.kill(worker: "w2")  // paused, memory kept
        kit.advance(.seconds(5))
        #expect(ids.allSatisfy { kit.owner(of: $0) == "w1" })
        for id in ids { #expect(kit.command(.deposit(Message.Deposit(account: AccountID(id), amount: q("7"))))?.errorCode == .ok) }
        kit.cluster.resume(worker: "w2")
        kit.advance(.seconds(5))
        // The upper half is w2's again, and it serves the accounts as w1 left them.
        #expect(ids.allSatisfy { kit.owner(of: $0) == "w2" })
        for id in ids {
            #expect(kit.cluster.workers["w2"]?.accounts[AccountID(id)]?.account.collateral == q("1007"), "account \(id)")
            #expect(kit.command(.deposit(Message.Deposit(account: AccountID(id), amount: q("1"))))?.errorCode == .ok)
            #expect(kit.record(id)?.account.collateral == q("1008"))
        }
        #expect(kit.cluster.fencedWrites == 0)
        #expect(kit.moneyConserved)
    }

    /// A shard load the shell never answered (the store was busy, say) is asked for again.
    @Test func anUnansweredLoadIsRetried() {
        var worker = Worker(configuration: WorkerConfiguration(id: "w1", shardCount: 4), markets: [Fixtures.btc()])
        _ = worker.start(now: .seconds(0))
        let d = worker.receive(Envelope(sender: "coordinator", sentAt: .seconds(0), body: .shardAssignment(
            Message.ShardAssignment(workerID: "w1", epoch: 1, shards: [2]))), from: .coordinator, now: .seconds(0))
        func loads(_ ds: [RoleDirective]) -> [Int] { ds.compactMap { if case .loadShard(let s, _) = $0 { return s } else { return nil } } }
        #expect(loads(d) == [2])
        #expect(loads(worker.onWake(now: Instant(nanoseconds: 500_000_000))) == [])
        #expect(loads(worker.onWake(now: Instant(nanoseconds: 1_100_000_000))) == [2])
        _ = worker.onShardLoaded(shard: 2, epoch: 1, records: [], now: Instant(nanoseconds: 1_200_000_000))
        #expect(worker.loading.isEmpty)
        #expect(loads(worker.onWake(now: .seconds(5))) == [])
    }
}

@Suite struct WorkerIndexTests {
    /// More accounts than one turn's chunk released by a first mark: the first chunk is
    /// indexed and evaluated at once, the rest a chunk per wake (the worker asks for one at
    /// once), and then a crossing mark finds every one of them.
    @Test func aLargeBacklogIsIndexedAChunkPerTurn() throws {
        var worker = Worker(configuration: WorkerConfiguration(id: "w1", shardCount: 1), markets: [Fixtures.btc()])
        worker.evaluationChunk = 3
        let t0 = Instant.seconds(1)
        _ = worker.start(now: t0)
        _ = worker.receive(Envelope(sender: "coordinator", sentAt: t0, body: .shardAssignment(Message.ShardAssignment(workerID: "w1", epoch: 1, shards: [0]))), from: .coordinator, now: t0)
        let records = (1...10).map { i in
            AccountRecord(account: Account(id: AccountID(UInt64(i)), collateral: q(i % 2 == 0 ? "50" : "1000"),
                                           positions: [Position(market: "BTC-PERP", size: sz("0.1"), entryPrice: px("20000"))]))
        }
        _ = worker.onShardLoaded(shard: 0, epoch: 1, records: records, now: t0)
        func mark(_ p: String, _ n: UInt64, _ at: Instant) -> Envelope {
            Envelope(sender: "venue", sentAt: at, body: .markPrice(Message.MarkPrice(market: "BTC-PERP", price: px(p), sequence: n, at: at)))
        }
        let first = worker.receive(mark("20000", 1, t0), from: .venue, now: t0)
        #expect(worker.pendingIndexing == 7)
        #expect(first.contains { if case .wake(let at) = $0 { return at <= t0 } else { return false } })
        var turns = 0
        while worker.pendingIndexing > 0 && turns < 10 {
            let ds = worker.onWake(now: t0)
            turns += 1
            if worker.pendingIndexing > 0 { #expect(ds.contains { if case .wake(let at) = $0 { return at <= t0 + Duration(nanoseconds: 1) } else { return false } }) }
        }
        #expect(turns == 3)
        _ = worker.receive(mark("19600", 2, t0 + .seconds(1)), from: .venue, now: t0 + .seconds(1))
        #expect(worker.activeAccounts == Set([2, 4, 6, 8, 10].map { AccountID(UInt64($0)) }))
    }

    /// Accounts loaded before any mark (a worker restarted, its shard read before the venue's
    /// first mark) are indexed once a mark arrives: a later mark that crosses them starts
    /// their liquidation. (They were evaluated on the first mark, then never indexed: no
    /// later mark found them.)
    @Test func accountsLoadedBeforeAnyMarkAreFoundByLaterMarks() throws {
        var worker = Worker(configuration: WorkerConfiguration(id: "w1", shardCount: 1), markets: [Fixtures.btc()])
        let t0 = Instant.seconds(1)
        _ = worker.start(now: t0)
        _ = worker.receive(Envelope(sender: "coordinator", sentAt: t0, body: .shardAssignment(Message.ShardAssignment(workerID: "w1", epoch: 1, shards: [0]))), from: .coordinator, now: t0)
        let records = (1...5).map { i in
            AccountRecord(account: Account(id: AccountID(UInt64(i)), collateral: q(i == 3 ? "50" : "1000"),
                                           positions: [Position(market: "BTC-PERP", size: sz("0.1"), entryPrice: px("20000"))]))
        }
        _ = worker.onShardLoaded(shard: 0, epoch: 1, records: records, now: t0)
        func mark(_ p: String, _ n: UInt64, _ at: Instant) -> Envelope {
            Envelope(sender: "venue", sentAt: at, body: .markPrice(Message.MarkPrice(market: "BTC-PERP", price: px(p), sequence: n, at: at)))
        }
        _ = worker.receive(mark("20000", 1, t0), from: .venue, now: t0)
        #expect(worker.activeAccounts.isEmpty)
        _ = worker.receive(mark("19600", 2, t0 + .seconds(1)), from: .venue, now: t0 + .seconds(1))
        #expect(worker.activeAccounts == [AccountID(3)])
    }

    /// Random portfolios (cross and isolated, long and short, one or two markets) and random
    /// price paths: after every mark, every account the full scan finds liquidatable is in
    /// margin call or liquidation (found through the index), and every account in margin
    /// call is liquidatable by the scan.
    @Test func indexAndFullScanAgree() async throws {
        let markets = [Fixtures.btc(), Fixtures.eth()]
        let positionGen = zip(Gen.int(in: 1...2000), Gen.bool, Gen.bool, Gen.bool, Gen.int(in: 50...2000))
        await propertyCheck(count: 40, input: positionGen.array(of: 5...40), Gen.int(in: -300...300).array(of: 20...60), Gen.int(in: 0...1_000_000)) { specs, moves, seed in
            var config = WorkerConfiguration(id: "w1", shardCount: 1)
            config.controlSilenceTimeout = .seconds(1_000_000)
            var worker = Worker(configuration: config, markets: markets)
            var now = Instant.seconds(1)
            _ = worker.start(now: now)
            _ = worker.receive(Envelope(sender: "coordinator", sentAt: now, body: .shardAssignment(Message.ShardAssignment(workerID: "w1", epoch: 1, shards: [0]))), from: .coordinator, now: now)
            _ = worker.onShardLoaded(shard: 0, epoch: 1, records: [], now: now)
            // Halted breakers: liquidation states advance but no tranche leaves, so the
            // positions stay as generated and the check is about detection only.
            for m in ["BTC-PERP", "ETH-PERP"] {
                _ = worker.receive(Envelope(sender: "aggregator", sentAt: now, body: .breakerState(Message.BreakerState(
                    market: MarketID(m), level: .halted, reason: .manual, sequence: 1, stepScale: .one, intervalScale: .one, since: now))), from: .aggregator, now: now)
            }
            var btc = px("20000"), eth = px("1000")
            func mark(_ m: MarketID, _ p: Price) -> Envelope { Envelope(sender: "venue", sentAt: now, body: .markPrice(Message.MarkPrice(market: m, price: p, sequence: 0, at: now))) }
            _ = worker.receive(mark("BTC-PERP", btc), from: .venue, now: now)
            _ = worker.receive(mark("ETH-PERP", eth), from: .venue, now: now)
            var rng = SeededGenerator(seed: UInt64(seed))
            for (i, s) in specs.enumerated() {
                let (collateral, isShort, isolated, twoMarkets, leverage) = s
                let id = AccountID(UInt64(i + 1))
                func cmd(_ b: MessageBody) { _ = worker.receive(Envelope(correlationID: 1, sender: "coordinator", sentAt: now, body: b), from: .coordinator, now: now) }
                cmd(.openAccount(Message.OpenAccount(account: id, initialCollateral: Quote(e6: Int64(collateral) * 1_000_000))))
                let notional = Double(collateral) * Double(leverage) / 100
                let btcSize = try! Size.forNotional(Quote(e6: Int64(notional * 1e6)), at: btc, .down).rounded(toStep: sz("0.001"), .down)
                if btcSize.isPositive {
                    cmd(.submitPosition(Message.SubmitPosition(account: id, market: "BTC-PERP", side: isShort ? .short : .long, size: btcSize, entryPrice: btc,
                                                               marginMode: isolated ? .isolated : .cross, isolatedMargin: .zero, importAt: true)))
                }
                if twoMarkets && !isolated {
                    cmd(.submitPosition(Message.SubmitPosition(account: id, market: "ETH-PERP", side: rng.nextUnit() < 0.5 ? .short : .long,
                                                               size: sz("1"), entryPrice: eth, marginMode: .cross, isolatedMargin: .zero, importAt: true)))
                }
            }
            for (k, move) in moves.enumerated() {
                now = now + .seconds(1)
                if k % 2 == 0 {
                    btc = Price(e8: max(btc.e8 + Int64(move) * 100_000_000, 100_000_000))
                    _ = worker.receive(mark("BTC-PERP", btc), from: .venue, now: now)
                } else {
                    eth = Price(e8: max(eth.e8 + Int64(move) * 5_000_000, 1_000_000))
                    _ = worker.receive(mark("ETH-PERP", eth), from: .venue, now: now)
                }
                let scan = worker.liquidatableByFullScan()
                let active = worker.activeAccounts
                #expect(scan.isSubset(of: active), "missed by the index: \(scan.subtracting(active).sorted().map { "\($0): \(worker.accounts[$0].map { "\($0.scopes) \($0.account.positions)" } ?? "")" })")
                for id in active {
                    let called = worker.accounts[id]!.scopes.contains { $0.state.phase == .marginCall }
                    if called { #expect(scan.contains(id), "account \(id) in margin call but not liquidatable") }
                }
            }
        }
    }
}

@Suite struct LiquidationFlowTests {
    /// A deposit inside the grace window saves the account: margin call, top-up,
    /// restored, and no tranche ever sent.
    @Test func depositDuringGraceSavesTheAccount() throws {
        var kit = try RoleTestKit(workers: 2)
        kit.open(1, collateral: "1000", long: "1")
        kit.setPrice("19100")  // equity 100 < maintenance 191, ratio 0.52 ≥ floor: grace (5 s here)
        kit.advance(.seconds(1))
        #expect(kit.events(.marginCall, account: 1).count == 1)
        #expect(kit.command(.deposit(Message.Deposit(account: AccountID(1), amount: q("500"))))?.errorCode == .ok)
        kit.advance(.seconds(10))
        #expect(kit.events(.restored, account: 1).count == 1)
        #expect(kit.events(.trancheOrder, account: 1).isEmpty)
        #expect(kit.moneyConserved)
    }

    /// Without the deposit the grace window expires and tranches follow, each smaller than
    /// the position, and the fee reaches the fund.
    @Test func graceExpiresAndTranchesFollow() throws {
        var kit = try RoleTestKit(workers: 2)
        kit.open(1, collateral: "1000", long: "1")
        kit.setPrice("19100")
        kit.advance(.seconds(30))
        let orders = kit.events(.trancheOrder, account: 1)
        #expect(orders.count >= 2)
        #expect(orders.allSatisfy { ($0.size ?? .zero) < sz("1") })
        #expect(!kit.events(.fee, account: 1).isEmpty)
        #expect(kit.cluster.aggregator.fundBalance > q("100000"))
        #expect(kit.moneyConserved)
    }

    /// ADL picks the documented ranking across workers: with an empty fund, a bankrupt
    /// long is closed against the short with the highest PnL% × leverage first.
    @Test func adlFollowsTheRankingAcrossWorkers() throws {
        var kit = try RoleTestKit(workers: 3, fund: "0.000001")
        // Shorts at 20 000 with different leverage: 10 (collateral 2000), 4 (5000), 2 (10 000).
        kit.open(10, collateral: "2000", short: "1")
        kit.open(11, collateral: "5000", short: "1")
        kit.open(12, collateral: "10000", short: "1")
        kit.open(1, collateral: "1000", long: "1")
        #expect(Set([10, 11, 12, 1].compactMap { kit.owner(of: UInt64($0)) }).count >= 2)
        kit.setPrice("18700")  // the long is bankrupt at once (equity −300)
        kit.advance(.seconds(2))
        let adl = kit.events(.adl).filter { $0.account != AccountID(1) }
        #expect(adl.first?.account == AccountID(10), "\(adl)")
        #expect(adl.first?.size == sz("1"))
        #expect(adl.first?.price == px("19000"))  // the bankrupt long's bankruptcy price
        #expect(kit.record(1)?.account.positions.isEmpty == true)
        #expect(kit.record(11)?.account.position(in: "BTC-PERP")?.size == sz("-1"))
        #expect(kit.moneyConserved)
    }

    /// The aggregator's breaker trips on liquidation volume, the workers hear it, and it
    /// steps back down only after the cool-down, one level at a time.
    @Test func breakerTripsAndResetsWithHysteresis() throws {
        var b = BreakerParameters()
        b.throttleMove = rate("0.4")
        b.throttleReleaseMove = rate("0.3")
        b.haltMove = rate("0.5")
        b.haltReleaseMove = rate("0.45")
        b.capacity = q("10000")
        b.window = .seconds(10)
        b.coolDown = .seconds(5)
        var kit = try RoleTestKit(workers: 2, breaker: b)
        for id in 1...6 { kit.open(UInt64(id), collateral: "1000", long: "1") }
        kit.setPrice("19000")  // all six go below the hard floor at once
        kit.advance(.seconds(3))
        let breaker = kit.events(.breaker)
        #expect(breaker.contains { $0.detail?.hasPrefix("normal → ") == true }, "\(breaker)")
        #expect(kit.cluster.workers.values.allSatisfy { $0.controls["BTC-PERP"]?.level != .normal })
        kit.advance(.seconds(60))
        let after = kit.events(.breaker).map { $0.detail ?? "" }
        #expect(after.last?.contains("→ normal") == true, "\(after)")
        // Stepping down waits for the cool-down after every change of level.
        let times = kit.events(.breaker).map(\.at)
        for (a, b) in zip(times, times.dropFirst()) { #expect(b - a >= .seconds(5), "\(after)") }
        #expect(kit.moneyConserved)
    }
}

@Suite struct SimulationDeterminismTests {
    func eventLines(_ s: Scenario, workers: Int, policy: PolicyKind = .stepwise) throws -> ([ClusterEvent], SimulationSummary) {
        var events: [ClusterEvent] = []
        let summary = try Simulator.run(s, options: SimulationOptions(policy: policy, workers: workers, recordEvents: true)) { events.append($0) }
        return (events, summary)
    }

    /// Same scenario + seed ⇒ identical events and summary, whatever the worker count.
    @Test(arguments: [PolicyKind.stepwise, .allOrNothing])
    func eventsDoNotDependOnWorkerCount(policy: PolicyKind) throws {
        let s = SimulationFixtures.scenario(accounts: 150)
        let (e1, s1) = try eventLines(s, workers: 1, policy: policy)
        let (e2, s2) = try eventLines(s, workers: 2, policy: policy)
        let (e4, s4) = try eventLines(s, workers: 4, policy: policy)
        #expect(e1.count > 100)
        #expect(e1 == e2)
        #expect(e1 == e4)
        var a = s1, b = s2, c = s4
        a.workers = 0; b.workers = 0; c.workers = 0
        #expect(a == b && a == c)
        #expect(s1.moneyConserved)
    }

    /// Money is conserved for many seeds, both policies.
    @Test func moneyIsConservedForManySeeds() throws {
        for seed in UInt64(1)...8 {
            for policy in PolicyKind.allCases {
                let s = SimulationFixtures.scenario(accounts: 60, workers: Int(seed % 3) + 1, seed: seed,
                                                    market: SimulationFixtures.market(drop: seed % 2 == 0 ? "0.3" : "0.1", notionalPerLevel: seed % 3 == 0 ? "2000" : "20000"))
                let summary = try Simulator.run(s, options: SimulationOptions(policy: policy))
                #expect(summary.moneyConserved, "seed \(seed) \(policy)")
                #expect(summary.accounts == 60)
            }
        }
    }
}

@Suite struct WorkerFailSafeTests {
    /// No word from the aggregator for longer than `controlSilenceTimeout`: every market
    /// falls back to THROTTLED (never unthrottled); the aggregator's next state restores it.
    @Test func silenceThrottlesAndTheNextStateRestores() {
        var config = WorkerConfiguration(id: "w1", shardCount: 1)
        config.controlSilenceTimeout = .seconds(5)
        var worker = Worker(configuration: config, markets: [Fixtures.btc()])
        _ = worker.start(now: .seconds(0))
        var d = worker.onWake(now: .seconds(3))
        #expect(worker.controls["BTC-PERP"]?.level == .normal)
        d = worker.onWake(now: .seconds(6))
        #expect(worker.failSafe)
        #expect(worker.controls["BTC-PERP"]?.level == .throttled)
        #expect(worker.controls["BTC-PERP"]?.reason == .controlSilent)
        #expect(worker.controls["BTC-PERP"]?.stepScale == config.failSafeStepScale)
        #expect(d.contains { if case .event(let e) = $0 { return e.kind == .breaker } else { return false } })
        // The aggregator is back and says NORMAL: the worker follows it.
        _ = worker.receive(Envelope(sender: "aggregator", sentAt: .seconds(7), body: .breakerState(Message.BreakerState(
            market: "BTC-PERP", level: .normal, reason: .recovered, sequence: 0, stepScale: .one, intervalScale: .one, since: .seconds(7)))),
                           from: .aggregator, now: .seconds(7))
        #expect(!worker.failSafe)
        #expect(worker.controls["BTC-PERP"]?.level == .normal)
        // A market already HALTED by the aggregator stays halted through a silence.
        _ = worker.receive(Envelope(sender: "aggregator", sentAt: .seconds(8), body: .breakerState(Message.BreakerState(
            market: "BTC-PERP", level: .halted, reason: .liquidationVolume, sequence: 1, stepScale: .zero, intervalScale: .one, since: .seconds(8)))),
                           from: .aggregator, now: .seconds(8))
        _ = worker.onWake(now: .seconds(20))
        #expect(worker.controls["BTC-PERP"]?.level == .halted)
    }
}
