import Testing
@testable import TrancheCore

/// The liquidation budget and the honest backstop, end to end over the simulated cluster.
@Suite struct BudgetSimulationTests {
    static func run(_ s: Scenario, policy: PolicyKind, budget: Bool) throws -> ([ClusterEvent], SimulationSummary) {
        var events: [ClusterEvent] = []
        let summary = try Simulator.run(s, options: SimulationOptions(policy: policy, recordEvents: true, budget: budget)) { events.append($0) }
        return (events, summary)
    }

    static func thinCrash(seed: UInt64 = 7) -> Scenario {
        SimulationFixtures.scenario(accounts: 300, workers: 2, seed: seed, market: SimulationFixtures.market(drop: "0.15", over: 60, recovery: "0.3", notionalPerLevel: "5000"))
    }

    /// Liquidated notional per second (traders' fills and backstop unwinds) never exceeds the
    /// budget in force over that second plus one tranche (a tranche admitted just before a
    /// smaller budget, or the overdraft of a whole all-or-nothing close).
    @Test(arguments: [PolicyKind.stepwise, .allOrNothing])
    func flowStaysWithinTheBudgetPlusOneTranche(policy: PolicyKind) throws {
        let (events, summary) = try Self.run(Self.thinCrash(), policy: policy, budget: true)
        let budgets = events.filter { $0.kind == .budget }.map { (at: $0.at, rate: Double($0.amount!.e6) / 1e6) }
        #expect(budgets.count > 100)
        let biggest = events.filter { $0.kind == .fill }.map { Double($0.amount!.e6) / 1e6 }.max() ?? 0
        var perSecond: [Int64: Double] = [:]
        for e in events where e.kind == .fill { perSecond[e.at.nanoseconds / 1_000_000_000, default: 0] += Double(e.amount!.e6) / 1e6 }
        #expect(perSecond.count > 3)
        for (second, flow) in perSecond {
            let start = Instant(nanoseconds: (second - 1) * 1_000_000_000), end = Instant(nanoseconds: (second + 1) * 1_000_000_000)
            let rate = budgets.filter { $0.at >= start && $0.at <= end }.map(\.rate).max() ?? 0
            let detail = events.filter { ($0.kind == .fill || $0.kind == .budget || $0.kind == .trancheOrder || $0.kind == .takeover) && $0.at >= start && $0.at <= end }
                .map { "\($0.at) \($0.kind) \($0.account.map { "\($0)" } ?? "-") \($0.size.map { "\($0)" } ?? "") \($0.amount.map { "\($0)" } ?? "") \($0.detail ?? "")" }.joined(separator: "\n")
            #expect(flow <= rate + biggest, "second \(second): \(flow) filled, budget \(rate)/s, largest fill \(biggest)\n\(detail)")
        }
        #expect(summary.moneyConserved)
    }

    /// Without a budget no budget is published and nothing waits for one.
    @Test func withoutBudgetNoneIsPublished() throws {
        let (events, summary) = try Self.run(Self.thinCrash(), policy: .stepwise, budget: false)
        #expect(!events.contains { $0.kind == .budget })
        #expect(!summary.budget)
        #expect(summary.moneyConserved)
    }

    /// The backstop's losses are auto-deleveraged before they take the fund below its
    /// floor: with a small fund, counterparties on the other side and a deep fall without
    /// recovery, the backstop's unwinds would realise more than the fund can pay, so its
    /// inventory is deleveraged and the fund ends at or above the floor.
    @Test func backstopLossesAreDeleveragedBeforeTheFundGoesBelowItsFloor() throws {
        var s = SimulationFixtures.scenario(accounts: 300, workers: 2, seed: 11, market: SimulationFixtures.market(drop: "0.15", over: 60, notionalPerLevel: "50000"))
        s.accounts.longShare = 0.45  // more shorts than longs: counterparties for everything taken over
        s.tail = .seconds(600)  // time for the backstop to unwind into the book
        s.insuranceFund = InsuranceFundSetup(initialBalance: q("2000"), floor: q("500"))
        for policy in PolicyKind.allCases {
            let (_, summary) = try Self.run(s, policy: policy, budget: true)
            #expect(summary.moneyConserved)
            #expect(summary.backstopDeleveraged.isPositive, "\(policy): \(summary)")
            #expect(summary.insuranceFundEnd >= q("500"), "\(policy): fund \(summary.insuranceFundEnd)")
            #expect(summary.insuranceFundFloor == q("500"))
            #expect(summary.adlCandidatesAtEnd > 0 && summary.adlCandidateNotionalAtEnd.isPositive, "\(policy): \(summary)")
        }
    }

    /// With nobody on the other side (every account long) ADL has no one to close against:
    /// the same fall takes the fund below its floor, and the summary says that no ADL
    /// candidate was left, which is what makes such a run an accepted one rather than a bug.
    @Test func aFundBelowItsFloorIsReportedWithTheCounterpartiesLeft() throws {
        var s = SimulationFixtures.scenario(accounts: 300, workers: 2, seed: 11, market: SimulationFixtures.market(drop: "0.15", over: 60, notionalPerLevel: "50000"))
        s.accounts.longShare = 1
        s.tail = .seconds(600)
        s.insuranceFund = InsuranceFundSetup(initialBalance: q("2000"), floor: q("500"))
        for policy in PolicyKind.allCases {
            let (_, summary) = try Self.run(s, policy: policy, budget: true)
            #expect(summary.moneyConserved)
            #expect(summary.insuranceFundEnd < q("500"), "\(policy): fund \(summary.insuranceFundEnd)")
            #expect(summary.adlCandidatesAtEnd == 0 && summary.adlCandidateNotionalAtEnd == .zero, "\(policy): \(summary)")
        }
    }

    /// The grace window and the cluster's queue, end to end. Account 1 (collateral 1 000,
    /// long 1 BTC from 20 000) and, in the second run, a whale (collateral 13 800, long 12
    /// from 20 000; maintenance 2 % less 500 past 50 000) are healthy while the price
    /// slides to 19 200 over 20 s and holds for 6 s; then a step to 19 180 puts both in
    /// margin call (account 1 at a ratio of 0.94, the whale at 0.97). The workers' trend
    /// over the 5 s grace window is nearly flat, the aggregator's (30 s) still falling, so
    /// the budget runs fast. Alone, what account 1 must sell to restore its target (about
    /// 8 300) leaves it above its hard floor at the end of its grace window when walked
    /// through the bids: it waits the window out. With the whale, the budget's broadcast
    /// carries about 70 000 of selling to restore both, which projects account 1 below its
    /// floor: its liquidation starts before its deadline, not behind the whale's selling.
    @Test func queuedSellingEndsAGraceWindowThatWaitingAloneWouldKeep() throws {
        func firstTrancheAfterCall(whale: Bool) throws -> Duration {
            var kit = try RoleTestKit(workers: 2, market: SimulationFixtures.market(drop: "0", notionalPerLevel: "10000"))
            kit.open(1, collateral: "1000", long: "1")
            if whale { kit.open(2, collateral: "13800", long: "12") }
            for k in 1...40 {
                kit.setPrice("\(20_000 - 20 * k)")
                kit.advance(.milliseconds(500))
            }
            kit.advance(.seconds(6))
            #expect(kit.events(.marginCall).isEmpty)
            kit.setPrice("19180")
            kit.advance(.seconds(12))
            #expect(kit.events(.marginCall).count == (whale ? 2 : 1))
            #expect(kit.moneyConserved)
            let call = try #require(kit.events(.marginCall, account: 1).first)
            let order = try #require(kit.events(.trancheOrder, account: 1).first)
            return order.at - call.at
        }
        #expect(try firstTrancheAfterCall(whale: false) >= .seconds(5))
        #expect(try firstTrancheAfterCall(whale: true) < .seconds(5))
    }

    /// The bad debt is reported split: deficits + backstop loss beyond the clearance fees.
    @Test func badDebtIsTheSumOfItsParts() throws {
        let (_, s) = try Self.run(Self.thinCrash(), policy: .stepwise, budget: true)
        let backstopLoss = s.backstopInventoryLoss.e6 + s.backstopExecutionCost.e6 + s.backstopDeleverageLoss.e6
        // The backstop's loss at the marks is its three parts, up to rounding of a quantum or
        // two per trade (each part rounds toward a loss); its realised result adds back what
        // its ADL closes took from counterparties.
        let haircutOfBackstop = s.adlHaircut.e6  // an upper bound: trader ADL adds to it
        #expect(-s.backstopResult.e6 <= backstopLoss + 10_000, "\(s)")
        #expect(-s.backstopResult.e6 >= backstopLoss - haircutOfBackstop - 10_000, "\(s)")
        #expect(s.badDebt.e6 >= s.accountDeficits.e6)
        #expect(s.badDebt.e6 >= backstopLoss - s.clearanceFees.e6 - 10_000)
    }

    /// Bankrupt traders' positions closed by ADL are counted as deleveraged notional: with
    /// a book that fills almost nothing and a small fund, bankrupt positions are closed
    /// against the profitable shorts, and the summary's `tradersDeleveraged` is at least
    /// the notional of those closes at the lowest mark of the run (at most at the highest).
    @Test func bankruptTradersDeleveragedAreCounted() throws {
        var s = SimulationFixtures.scenario(accounts: 200, workers: 2, seed: 5, market: SimulationFixtures.market(drop: "0.12", over: 1, notionalPerLevel: "1"))
        s.insuranceFund = InsuranceFundSetup(initialBalance: q("100"))
        let (events, summary) = try Self.run(s, policy: .allOrNothing, budget: false)
        let closes = events.filter { $0.kind == .adl && $0.account != Backstop.accountID && ($0.detail ?? "").hasPrefix("bankrupt position deleveraged") }
        #expect(!closes.isEmpty)
        let size = closes.reduce(0.0) { $0 + Double($1.size!.e8) / 1e8 }
        let marks = events.filter { $0.kind == .mark }.compactMap { $0.price.map { Double($0.e8) / 1e8 } }
        let counted = Double(summary.tradersDeleveraged.e6) / 1e6
        #expect(counted >= size * (marks.min() ?? 0) - 1 && counted <= size * (marks.max() ?? 0) + 1, "\(counted) for \(size) closed")
        #expect(summary.moneyConserved)
    }

    /// The pace's horizon, end to end: before the crash (noise, nothing queued) the finite
    /// trajectory grants the sustainable floor while the infinite one asks more, because a
    /// noisy trend alone sets its rate; once the crash queues liquidations the finite pace
    /// rises above its calm rate. Both runs conserve money.
    @Test func theFinitePaceIsTheFloorUntilSomethingIsQueued() throws {
        func budgets(_ horizon: PaceHorizon) throws -> (calm: [Double], crash: [Double]) {
            var s = Self.thinCrash()
            if case .crash(var c) = s.markets[0].path { c.noise = 0.000_2; s.markets[0].path = .crash(c) }
            s.budget.paceHorizon = horizon
            let (events, summary) = try Self.run(s, policy: .stepwise, budget: true)
            #expect(summary.moneyConserved)
            let rates = events.filter { $0.kind == .budget }.map { (at: $0.at, rate: Double($0.amount!.e6) / 1e6) }
            return (rates.filter { $0.at < .seconds(20) }.map(\.rate), rates.filter { $0.at >= .seconds(30) && $0.at < .seconds(80) }.map(\.rate))
        }
        let finite = try budgets(.finite), infinite = try budgets(.infinite)
        #expect(finite.calm.count > 10 && finite.crash.count > 10)
        // Calm: the finite rate is the floor; the infinite one is above it.
        let calmFloor = finite.calm.max()!
        #expect(infinite.calm.max()! > calmFloor * 1.5, "infinite \(infinite.calm.max()!) finite \(calmFloor)")
        #expect(finite.crash.max()! > calmFloor * 1.5, "crash \(finite.crash.max()!) calm \(calmFloor)")
    }
}
