import Testing
@testable import TrancheCore

/// Drives the per-scope state machine by hand: feed an event, expect the directive.
@Suite struct ScopeLiquidationTests {
    let policy = StepwisePolicy()
    let t0 = Instant.seconds(100)

    func account() -> Account { Account(id: AccountID(1), collateral: q("1000"), positions: [Fixtures.long("1", at: "20000")]) }

    @Test func marginCallThenTopUpSavesTheAccount() throws {
        var s = ScopeLiquidation()
        var seq: UInt64 = 1
        var a = account()
        // Mark 19 100: equity 100 < maintenance 191, ratio 0.52 ≥ floor 0.5 → margin call, grace 10 s.
        let ctx = Fixtures.context(btc: "19100")
        var d = try s.evaluate(account: a, scope: .cross, context: ctx, policy: policy, controls: .normal, nextSequence: &seq, now: t0)
        #expect(d == [.marginCall(scope: .cross, deadline: t0 + .seconds(10)), .wake(at: t0 + .seconds(10))])
        #expect(s.phase == .marginCall)
        // 5 s later nothing changed: keep waiting for the deadline.
        d = try s.evaluate(account: a, scope: .cross, context: ctx, policy: policy, controls: .normal, nextSequence: &seq, now: t0 + .seconds(5))
        #expect(d == [.wake(at: t0 + .seconds(10))])
        // The trader deposits 200: equity 300 ≥ 191 → restored, no tranche ever sent.
        _ = try a.deposit(q("200"))
        d = try s.evaluate(account: a, scope: .cross, context: ctx, policy: policy, controls: .normal, nextSequence: &seq, now: t0 + .seconds(6))
        #expect(d == [.restored(scope: .cross)])
        #expect(s.phase == .healthy)
        #expect(seq == 1)
    }

    @Test func graceExpiresThenTranchesStepAtTheInterval() throws {
        var s = ScopeLiquidation()
        var seq: UInt64 = 1
        var a = account()
        let ctx = Fixtures.context(btc: "19100")
        _ = try s.evaluate(account: a, scope: .cross, context: ctx, policy: policy, controls: .normal, nextSequence: &seq, now: t0)
        var d = try s.evaluate(account: a, scope: .cross, context: ctx, policy: policy, controls: .normal, nextSequence: &seq, now: t0 + .seconds(10))
        guard case .sendTranche(let id, let plan)? = d.first else { Issue.record("expected a tranche, got \(d)"); return }
        #expect(id == TrancheID(account: AccountID(1), market: "BTC-PERP", sequence: 1))
        #expect(plan.size == sz("0.25"))
        #expect(s.phase == .liquidating && s.trancheIndex == 1 && s.trancheEstimate == 4)
        // While in flight nothing else is sent.
        #expect(try s.evaluate(account: a, scope: .cross, context: ctx, policy: policy, controls: .normal, nextSequence: &seq, now: t0 + .seconds(11)) == [])
        // Fill at the mark, then the next tranche waits for the 2 s interval.
        let settlement = try a.applyFill(market: "BTC-PERP", size: plan.size, price: px("19100"), liquidationFeeRate: rate("0.002"), context: ctx)
        #expect(settlement.liquidationFee == q("9.55"))  // 0.25 × 19 100 × 0.2 %
        #expect(s.onFill(id: id, filled: plan.size, account: a, scope: .cross, maxUnfilledAttempts: 3, now: t0 + .seconds(10)) == [])
        d = try s.evaluate(account: a, scope: .cross, context: ctx, policy: policy, controls: .normal, nextSequence: &seq, now: t0 + .seconds(11))
        #expect(d == [.wake(at: t0 + .seconds(12))])
        d = try s.evaluate(account: a, scope: .cross, context: ctx, policy: policy, controls: .normal, nextSequence: &seq, now: t0 + .seconds(12))
        guard case .sendTranche(let id2, _)? = d.first else { Issue.record("expected a second tranche, got \(d)"); return }
        #expect(id2.sequence == 2)
        #expect(s.trancheIndex == 2)
    }

    @Test func hardFloorSkipsTheGraceWindow() throws {
        var s = ScopeLiquidation()
        var seq: UInt64 = 1
        // Mark 19 050: equity 50 / maintenance 190.5 = 0.26 < 0.5 → first tranche at once.
        let d = try s.evaluate(account: account(), scope: .cross, context: Fixtures.context(btc: "19050"), policy: policy, controls: .normal, nextSequence: &seq, now: t0)
        guard case .sendTranche? = d.first else { Issue.record("expected an immediate tranche, got \(d)"); return }
        #expect(s.phase == .liquidating)
    }

    @Test func depositBetweenStepsStopsTheLiquidation() throws {
        var s = ScopeLiquidation()
        var seq: UInt64 = 1
        var a = account()
        let ctx = Fixtures.context(btc: "19050")
        let d = try s.evaluate(account: a, scope: .cross, context: ctx, policy: policy, controls: .normal, nextSequence: &seq, now: t0)
        guard case .sendTranche(let id, let plan)? = d.first else { Issue.record("expected a tranche"); return }
        _ = try a.applyFill(market: "BTC-PERP", size: plan.size, price: px("19050"), liquidationFeeRate: rate("0.002"), context: ctx)
        _ = s.onFill(id: id, filled: plan.size, account: a, scope: .cross, maxUnfilledAttempts: 3, now: t0)
        _ = try a.deposit(q("500"))
        #expect(try s.evaluate(account: a, scope: .cross, context: ctx, policy: policy, controls: .normal, nextSequence: &seq, now: t0 + .seconds(2)) == [.restored(scope: .cross)])
        #expect(s.phase == .healthy)
    }

    @Test func haltedBreakerHoldsTranches() throws {
        var s = ScopeLiquidation()
        var seq: UInt64 = 1
        let halted = LiquidationControls(breaker: .halted)
        // Mark 19 100: ratio 0.52, above the hard floor: grace, then held by the breaker.
        var d = try s.evaluate(account: account(), scope: .cross, context: Fixtures.context(btc: "19100"), policy: policy, controls: halted, nextSequence: &seq, now: t0)
        #expect(d == [.marginCall(scope: .cross, deadline: t0 + .seconds(10)), .wake(at: t0 + .seconds(10))])
        d = try s.evaluate(account: account(), scope: .cross, context: Fixtures.context(btc: "19100"), policy: policy, controls: halted, nextSequence: &seq, now: t0 + .seconds(10))
        #expect(d == [.halted(scope: .cross, market: "BTC-PERP")])
        #expect(seq == 1)
    }

    /// Halted, but the scope is below its hard floor (mark 19 050: ratio 0.26): it goes to the
    /// backstop off-book instead of waiting for its losses to grow.
    @Test func haltedBreakerSendsDeepScopesToTheBackstop() throws {
        var s = ScopeLiquidation()
        var seq: UInt64 = 1
        let d = try s.evaluate(account: account(), scope: .cross, context: Fixtures.context(btc: "19050"), policy: policy,
                               controls: LiquidationControls(breaker: .halted), nextSequence: &seq, now: t0)
        // The tranche the book cannot take now (below the floor the cap is lifted: what restores it).
        guard case .takeover(.cross, "BTC-PERP", let size?)? = d.first, d.count == 1 else { Issue.record("\(d)"); return }
        #expect(size.isPositive && size <= sz("1"))
    }

    /// A falling trend that reaches the hard floor before the grace window ends skips it.
    @Test func adverseTrendSkipsTheGrace() throws {
        var s = ScopeLiquidation()
        var seq: UInt64 = 1
        // Mark 19 100 (ratio 0.52) but projected to 18 950 at the deadline: below the floor.
        let controls = LiquidationControls(projectedMarks: ["BTC-PERP": px("18950")])
        let d = try s.evaluate(account: account(), scope: .cross, context: Fixtures.context(btc: "19100"), policy: policy, controls: controls, nextSequence: &seq, now: t0)
        guard case .sendTranche(_, let plan)? = d.first else { Issue.record("expected a tranche at once, got \(d)"); return }
        #expect(plan.size == sz("0.25"))  // the step cap holds: a trend only skips the grace
    }

    /// An empty fill brings the next attempt forward to a quarter of the interval.
    @Test func emptyFillRetriesSooner() throws {
        var s = ScopeLiquidation()
        var seq: UInt64 = 1
        let ctx = Fixtures.context(btc: "19050")
        let d = try s.evaluate(account: account(), scope: .cross, context: ctx, policy: policy, controls: .normal, nextSequence: &seq, now: t0)
        guard case .sendTranche(let id, _)? = d.first else { Issue.record("expected a tranche"); return }
        _ = s.onFill(id: id, filled: .zero, account: account(), scope: .cross, maxUnfilledAttempts: 3, now: t0)
        #expect(s.nextTrancheAt == t0 + .milliseconds(500))
    }

    @Test func emptyFillsLeadToTakeover() throws {
        var s = ScopeLiquidation()
        var seq: UInt64 = 1
        let a = account()
        let ctx = Fixtures.context(btc: "19050")
        var now = t0
        for attempt in 1...3 {
            let d = try s.evaluate(account: a, scope: .cross, context: ctx, policy: policy, controls: .normal, nextSequence: &seq, now: now)
            guard case .sendTranche(let id, _)? = d.first else { Issue.record("attempt \(attempt): \(d)"); return }
            let after = s.onFill(id: id, filled: .zero, account: a, scope: .cross, maxUnfilledAttempts: 3, now: now)
            #expect(after == (attempt == 3 ? [.takeover(scope: .cross, market: "BTC-PERP", size: nil)] : []))
            now = now + .seconds(2)
        }
        // The caller takes the position over; the scope is then finished as taken over.
        var trader = a
        var backstop = Account(id: Backstop.accountID)
        _ = try Backstop.takeOver(&trader, market: "BTC-PERP", modelPrice: px("19050"), backstop: &backstop, context: ctx)
        #expect(s.onTakeover(account: trader, scope: .cross) == [.finished(scope: .cross, phase: .takenOver, deficit: .zero)])
    }

    @Test func bankruptCloseEndsBankrupt() throws {
        var s = ScopeLiquidation()
        var seq: UInt64 = 1
        var a = account()
        let ctx = Fixtures.context(btc: "18900")  // equity −100
        let d = try s.evaluate(account: a, scope: .cross, context: ctx, policy: policy, controls: .normal, nextSequence: &seq, now: t0)
        guard case .sendTranche(let id, let plan)? = d.first else { Issue.record("expected a tranche"); return }
        #expect(plan.reason == .bankrupt)
        // Filled at 18 850: realised −1150 → collateral −150 → deficit 150, no fee (equity ≤ 0).
        let settlement = try a.applyFill(market: "BTC-PERP", size: plan.size, price: px("18850"), liquidationFeeRate: rate("0.002"), context: ctx)
        #expect(settlement.newDeficit == q("150"))
        #expect(settlement.liquidationFee == .zero)
        #expect(s.onFill(id: id, filled: plan.size, account: a, scope: .cross, maxUnfilledAttempts: 3, now: t0)
                == [.finished(scope: .cross, phase: .bankrupt, deficit: q("150"))])
    }

    @Test func allOrNothingHasNoGrace() throws {
        var s = ScopeLiquidation()
        var seq: UInt64 = 1
        let d = try s.evaluate(account: account(), scope: .cross, context: Fixtures.context(btc: "19100"), policy: AllOrNothingPolicy(), controls: .normal, nextSequence: &seq, now: t0)
        guard case .sendTranche(_, let plan)? = d.first else { Issue.record("expected an immediate tranche, got \(d)"); return }
        #expect(plan.size == sz("1"))
    }
}
