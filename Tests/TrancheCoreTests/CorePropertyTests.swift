import PropertyBased
import Testing
@testable import TrancheCore

/// Random single-market portfolios used by several properties.
struct RandomPortfolio: Sendable, CustomStringConvertible {
    var collateral: Quote
    var size: Size       // signed
    var entry: Price
    var mark: Price
    var mode: MarginMode
    var maxStep: Rate

    var account: Account {
        let margin = mode == .isolated ? collateral : .zero
        return Account(id: AccountID(7), collateral: mode == .isolated ? q("1000") : collateral,
                       positions: [Position(market: "BTC-PERP", size: size, entryPrice: entry, mode: mode, isolatedMargin: margin)])
    }
    var scope: MarginScope { mode == .cross ? .cross : .isolated("BTC-PERP") }
    var context: MarginContext {
        var spec = Fixtures.btc()
        spec.liquidation.maxStepFraction = maxStep
        return MarginContext(markets: [spec, Fixtures.eth()], marks: ["BTC-PERP": mark, "ETH-PERP": px("1000")])
    }
    var description: String { "collateral \(collateral), size \(size) @ \(entry), mark \(mark), \(mode), step \(maxStep)" }

    static let gen = zip(
        Gen.int(in: 1...3_000_000), Gen.int(in: 1...40_000), Gen.int(in: 10_000...30_000),
        Gen.int(in: -2_000...2_000), Gen.bool, Gen.bool, Gen.int(in: 1...1000)
    ).map { t in
        let (c, s, e, move, isShort, isolated, step) = t
        return RandomPortfolio(
            collateral: Quote(e6: Int64(c) * 10_000),                        // 0.01 … 30 000
            size: Size(e8: (isShort ? -1 : 1) * Int64(s) * 100_000),         // 0.001 … 40 BTC
            entry: Price(e8: Int64(e) * 100_000_000),
            mark: Price(e8: Int64(e + move) * 100_000_000 + 12_345_678),     // off the tick grid
            mode: isolated ? .isolated : .cross,
            maxStep: Rate(ppm: Int64(step) * 1000))
    }
}

@Suite struct CorePropertyTests {
    @Test func ledgerConservesMoneyForAnyTransfers() async {
        let accounts: [LedgerAccount] = [.external, .insuranceFund, .fees, .venue("BTC-PERP"), .trader(AccountID(1)), .trader(AccountID(2))]
        let transfer = zip(Gen.int(in: 0...5), Gen.int(in: 0...5), Gen.int(in: 1...1_000_000_000))
        await propertyCheck(count: 200, input: transfer.array(of: 1...60)) { ops in
            var ledger = Ledger(retainedEntries: 0)
            for (f, t, amount) in ops where f != t {
                _ = try? ledger.post(LedgerTransfer(from: accounts[f], to: accounts[t], amount: Quote(e6: Int64(amount)), reason: .deposit), at: .zero)
            }
            #expect(ledger.isConserved)
            let sum = accounts.reduce(Int64(0)) { $0 + ledger.balance($1).e6 }
            #expect(sum == 0)
        }
    }

    @Test func trancheNeverExceedsThePositionAndRestoresOrCloses() async {
        await propertyCheck(count: 400, input: RandomPortfolio.gen) { p in
            let ctx = p.context
            let a = p.account
            guard let plan = try? StepwisePolicy().nextTranche(account: a, scope: p.scope, context: ctx, adjustments: .none) else { return }
            let held = Size(e8: abs(p.size.e8))
            #expect(plan.size.isPositive)
            #expect(plan.size <= held)
            #expect(plan.size.e8 % Fixtures.btc().stepSize.e8 == 0 || plan.size == held)
            // Execute it at the mark, as the planner assumed.
            var after = a
            guard let s = try? after.applyFill(market: "BTC-PERP", size: plan.size, price: p.mark, liquidationFeeRate: rate("0.002"), context: ctx) else {
                Issue.record("fill failed for \(p)"); return
            }
            #expect(s.liquidationFee <= plan.estimatedFee)
            if after.positions(in: p.scope).isEmpty { return }  // closed: fine
            let m = try! MarginCalculator.scopeMetrics(after, p.scope, ctx)
            let target = try! Fixtures.btc().liquidationTarget(notional: m.notional)
            if plan.restoresTarget {
                #expect(m.equity >= target, "restoring tranche left \(m.equity) < \(target) for \(p)")
            } else {
                // Capped: the tranche was the whole step allowance.
                let cap = max(try! held.times(p.maxStep, .down).rounded(toStep: sz("0.001"), .down), sz("0.001"))
                #expect(plan.size == cap || plan.reason == .positionExhausted, "\(plan) for \(p)")
            }
        }
    }

    @Test func liquidationPriceIsWhereEquityMeetsMaintenance() async {
        await propertyCheck(count: 400, input: RandomPortfolio.gen) { p in
            let a = p.account
            guard let report = try? MarginCalculator.metrics(a, p.context), let liq = report.positions[0].liquidationPrice else { return }
            func gap(at price: Price) -> Int64? {
                var ctx = p.context
                ctx.marks["BTC-PERP"] = price
                guard let m = try? MarginCalculator.scopeMetrics(a, p.scope, ctx) else { return nil }
                return m.equity.e6 - m.maintenance.e6
            }
            guard let atLiq = gap(at: liq) else { return }
            // At the price itself equity ≈ maintenance (integer rounding: a few quantums per
            // 10^-8 of price on this size).
            let tolerance = abs(p.size.e8) / 1_000_000 + 3
            #expect(abs(atLiq) <= tolerance, "gap \(atLiq) at \(liq) for \(p)")
            // 0.1 % past it the scope is liquidatable, 0.1 % before it it is not.
            let long = p.size.e8 > 0
            let past = Price(e8: long ? liq.e8 - liq.e8 / 1000 : liq.e8 + liq.e8 / 1000)
            let before = Price(e8: long ? liq.e8 + liq.e8 / 1000 : liq.e8 - liq.e8 / 1000)
            if let g = gap(at: past) { #expect(g < 0, "not liquidatable past \(liq) for \(p)") }
            if let g = gap(at: before) { #expect(g >= 0, "liquidatable before \(liq) for \(p)") }
        }
    }

    @Test func bankruptcyPriceIsWhereEquityIsZero() async {
        await propertyCheck(count: 300, input: RandomPortfolio.gen) { p in
            let a = p.account
            guard let report = try? MarginCalculator.metrics(a, p.context), let bk = report.positions[0].bankruptcyPrice else { return }
            var ctx = p.context
            ctx.marks["BTC-PERP"] = bk
            let e = try! MarginCalculator.scopeMetrics(a, p.scope, ctx).equity.e6
            #expect(abs(e) <= abs(p.size.e8) / 1_000_000 + 2, "equity \(e) at bankruptcy price \(bk) for \(p)")
        }
    }

    /// Results do not depend on the order accounts are processed: the same fills applied
    /// to the same accounts in two different orders give the same accounts and ledger.
    @Test func resultsDoNotDependOnProcessingOrder() async {
        await propertyCheck(count: 60, input: RandomPortfolio.gen.array(of: 2...12), Gen.int(in: 0...1_000_000)) { portfolios, seed in
            func run(_ order: [Int]) -> ([Account], [LedgerAccount: Quote]) {
                var accounts = portfolios.enumerated().map { i, p in var a = p.account; a.id = AccountID(UInt64(i)); return a }
                var ledger = Ledger(retainedEntries: 0)
                for a in accounts { _ = try? ledger.post(LedgerTransfer(from: .external, to: .trader(a.id), amount: max(try! a.heldBalance(), Quote(e6: 1)), reason: .deposit), at: .zero) }
                for i in order {
                    let p = portfolios[i]
                    guard let plan = try? StepwisePolicy().nextTranche(account: accounts[i], scope: p.scope, context: p.context, adjustments: .none),
                          let s = try? accounts[i].applyFill(market: "BTC-PERP", size: plan.size, price: p.mark, liquidationFeeRate: rate("0.002"), context: p.context)
                    else { continue }
                    try? ledger.post(s.transfers, at: .zero)
                }
                return (accounts, ledger.balances)
            }
            var rng = SeededGenerator(seed: UInt64(seed))
            let forward = Array(portfolios.indices)
            let (a1, l1) = run(forward)
            let (a2, l2) = run(forward.shuffled(using: &rng))
            #expect(a1 == a2)
            #expect(l1 == l2)
        }
    }

    /// Whole liquidations through the state machine, with fills anywhere inside the band,
    /// partial fills, the fund covering deficits: money is conserved at every step and the
    /// ledger's trader balance always equals the account's held balance.
    @Test func moneyIsConservedThroughLiquidations() async {
        await propertyCheck(count: 150, input: RandomPortfolio.gen, Gen.int(in: 0...Int.max / 2)) { p, seed in
            var rng = SeededGenerator(seed: UInt64(seed))
            var a = p.account
            var ledger = Ledger(retainedEntries: 0)
            let fund = InsuranceFundPolicy(floor: .zero)
            try! ledger.post(LedgerTransfer(from: .external, to: .insuranceFund, amount: q("100000"), reason: .fundSeed), at: .zero)
            let held = try! a.heldBalance()
            if held.isPositive { try! ledger.post(LedgerTransfer(from: .external, to: .trader(a.id), amount: held, reason: .deposit), at: .zero) }
            else { return }
            var state = ScopeLiquidation()
            var seq: UInt64 = 1
            var now = Instant.zero
            var mark = p.mark
            for _ in 0..<40 {
                var ctx = p.context
                ctx.marks["BTC-PERP"] = mark
                guard let directives = try? state.evaluate(account: a, scope: p.scope, context: ctx, policy: StepwisePolicy(), controls: .normal, nextSequence: &seq, now: now) else { break }
                for d in directives {
                    guard case .sendTranche(let id, let plan) = d else { continue }
                    // Fill a random share at a random price inside the band.
                    let share = Int64.random(in: 0...4, using: &rng)
                    let filled = share == 0 ? Size.zero : (try! plan.size.times(Rate(ppm: share * 250_000), .down).rounded(toStep: sz("0.001"), .down))
                    let lo = min(plan.limitPrice.e8, plan.markPrice.e8), hi = max(plan.limitPrice.e8, plan.markPrice.e8)
                    let price = Price(e8: Int64.random(in: lo...hi, using: &rng))
                    if filled.isPositive {
                        let s = try! a.applyFill(market: id.market, size: filled, price: price, liquidationFeeRate: rate("0.002"), context: ctx)
                        try! ledger.post(s.transfers, at: now)
                        if s.newDeficit.isPositive {
                            let (covered, _) = try! fund.cover(deficit: s.newDeficit, of: a.id, in: &ledger, at: now)
                            if covered.isPositive { try! a.settleDeficit(covered) }
                        }
                    }
                    _ = state.onFill(id: id, filled: filled, account: a, scope: p.scope, maxUnfilledAttempts: 1000, now: now)
                }
                #expect(ledger.isConserved)
                #expect(ledger.balance(.trader(a.id)) == (try! a.heldBalance()))
                now = now + .seconds(1)
                mark = Price(e8: max(mark.e8 + Int64.random(in: -30...20, using: &rng) * 100_000_000, 100_000_000))
            }
        }
    }
}
