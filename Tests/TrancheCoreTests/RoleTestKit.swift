@testable import TrancheCore

/// A small cluster driven by hand: a client that sends commands and reads replies, a
/// price setter, and checks that money is conserved.
struct RoleTestKit {
    var cluster: SimulatedCluster
    var correlation: UInt64 = 0
    var events: [ClusterEvent] = []

    init(workers: Int = 3, fund: String = "100000", market: MarketScenario = SimulationFixtures.market(), shards: Int = 16, breaker: BreakerParameters? = nil) throws {
        var s = SimulationFixtures.scenario(accounts: 1, workers: workers, market: market)
        s.shards = shards
        s.insuranceFund = InsuranceFundSetup(initialBalance: q(fund))
        // Unless a test is about the breaker, keep it out of the way: price jumps in these
        // tests are instant and would trip the velocity trigger.
        var quiet = BreakerParameters()
        quiet.throttleMove = rate("0.4")
        quiet.throttleReleaseMove = rate("0.3")
        quiet.haltMove = rate("0.5")
        quiet.haltReleaseMove = rate("0.45")
        s.markets[0].breaker = breaker ?? quiet
        cluster = try Simulator.build(s, workers: workers, policy: .stepwise)
        var sink: [ClusterEvent] = []
        cluster.start { sink.append($0) }
        cluster.run(until: Instant(nanoseconds: 100_000_000)) { sink.append($0) }
        events = sink
    }

    mutating func advance(_ d: Duration) {
        var sink: [ClusterEvent] = []
        cluster.run(until: cluster.now + d) { sink.append($0) }
        events += sink
    }

    /// Sends a command and returns its reply (after a round trip).
    @discardableResult
    mutating func command(_ body: MessageBody) -> Message.CommandReply? {
        correlation += 1
        let c = correlation
        cluster.clientSend("test", body, correlation: c)
        advance(.milliseconds(20))
        for e in cluster.clientInbox["test"] ?? [] where e.correlationID == c {
            if case .commandReply(let r) = e.body { return r }
        }
        return nil
    }

    mutating func open(_ id: UInt64, collateral: String, long size: String? = nil, short: String? = nil, at entry: String = "20000", mode: MarginMode = .cross) {
        command(.openAccount(Message.OpenAccount(account: AccountID(id), initialCollateral: q(collateral))))
        if let s = size ?? short {
            command(.submitPosition(Message.SubmitPosition(account: AccountID(id), market: "BTC-PERP", side: size != nil ? .long : .short, size: sz(s),
                                                           entryPrice: px(entry), marginMode: mode, isolatedMargin: .zero, importAt: true)))
        }
    }

    mutating func setPrice(_ p: String) {
        cluster.inject(.setPrice(Message.SetPrice(market: "BTC-PERP", price: px(p))), to: .venue)
        advance(.milliseconds(10))
    }

    func owner(of id: UInt64) -> String? {
        cluster.workers.filter { !cluster.down.contains($0.key) && $0.value.accounts[AccountID(id)] != nil }.map(\.key).first
    }

    func record(_ id: UInt64) -> AccountRecord? {
        cluster.accountRecords().first { $0.account.id == AccountID(id) }
    }

    var moneyConserved: Bool { Simulator.moneyConserved(cluster, cluster.accountRecords()) }

    func events(_ kind: ClusterEvent.Kind, account: UInt64? = nil) -> [ClusterEvent] {
        events.filter { $0.kind == kind && (account == nil || $0.account == AccountID(account!)) }
    }
}
