import Foundation
import Testing
@testable import TrancheCore

/// Traders who top up (`Scenario.topUps`), end to end over the simulated cluster.
@Suite struct TopUpSimulationTests {
    static func run(_ s: Scenario, policy: PolicyKind) throws -> ([ClusterEvent], SimulationSummary) {
        var events: [ClusterEvent] = []
        let summary = try Simulator.run(s, options: SimulationOptions(policy: policy, recordEvents: true, budget: true)) { events.append($0) }
        return (events, summary)
    }

    /// A slow slide (−6 % over 120 s): from the warning (equity at 1.25 × maintenance) to
    /// the hard floor takes tens of seconds, so a deposit 3 s after the warning can arrive
    /// inside the 5 s grace window, but after an all-or-nothing close.
    static func slide(share: Double) -> Scenario {
        var s = SimulationFixtures.scenario(accounts: 200, workers: 2, seed: 3, market: SimulationFixtures.market(drop: "0.06", over: 120, notionalPerLevel: "20000"), duration: 160)
        s.accounts.isolatedShare = 0
        s.topUps.share = share
        s.topUps.delay = .seconds(3)
        return s
    }

    static func deposits(_ events: [ClusterEvent]) -> [AccountID: Int] {
        var out: [AccountID: Int] = [:]
        for e in events where e.kind == .command && (e.detail ?? "").hasPrefix("deposit") { out[e.account!, default: 0] += 1 }
        return out
    }

    @Test func theKeyIsOptionalAndChecked() throws {
        func decode(_ topUps: String?) throws -> Scenario {
            var json = try String(contentsOfFile: "cluster/scenarios/crash.json", encoding: .utf8)
            if let topUps { json = json.replacingOccurrences(of: "\"accounts\":", with: "\"topUps\": \(topUps), \"accounts\":") }
            return try JSONDecoder().decode(Scenario.self, from: Data(json.utf8))
        }
        let plain = try decode(nil)
        #expect(plain.topUps == TopUpBehaviour() && !plain.topUps.isEnabled)
        let set = try decode(#"{"share": 0.5, "delay": "10", "warningMarginRatio": "1.5", "restoreMarginRatio": "3", "maxTopUps": 2}"#)
        #expect(set.topUps.share == 0.5 && set.topUps.delay == .seconds(10) && set.topUps.warningMarginRatio == Rate(ppm: 1_500_000)
                && set.topUps.restoreMarginRatio == Rate(ppm: 3_000_000) && set.topUps.maxTopUps == 2)
        try set.validate()
        #expect(throws: (any Error).self) { try decode(#"{"shares": 0.5}"#) }
        for bad in [#"{"share": 1.5}"#, #"{"share": 0.5, "restoreMarginRatio": "1"}"#, #"{"share": 0.5, "maxTopUps": 0}"#, #"{"share": 0.5, "delay": "-1"}"#] {
            #expect(throws: ConfigurationError.self, "\(bad)") { try decode(bad).validate() }
        }
    }

    /// Nobody tops up at share 0: the run is the run without the key, event for event.
    @Test func shareZeroChangesNothing() throws {
        var explicit = Self.slide(share: 0)
        explicit.topUps.delay = .seconds(1)
        var none = explicit
        none.topUps = TopUpBehaviour()
        let (a, sa) = try Self.run(explicit, policy: .stepwise)
        let (b, sb) = try Self.run(none, policy: .stepwise)
        #expect(a == b && sa == sb)
        #expect(sa.topUps == 0 && sa.topUpAmount == .zero)
    }

    /// The same traders, the same rule, both policies: the grace window lets more deposits
    /// land, fewer accounts are closed for good, every deposit is counted, nobody tops up
    /// more often than allowed, and money is conserved with the deposits in it.
    @Test func theGraceWindowLetsTopUpsLand() throws {
        let s = Self.slide(share: 1)
        let (stepEvents, step) = try Self.run(s, policy: .stepwise)
        let (aonEvents, aon) = try Self.run(s, policy: .allOrNothing)
        let (_, stepAlone) = try Self.run(Self.slide(share: 0), policy: .stepwise)
        for (events, summary) in [(stepEvents, step), (aonEvents, aon)] {
            let perAccount = Self.deposits(events)
            #expect(perAccount.values.allSatisfy { $0 <= s.topUps.maxTopUps })
            #expect(perAccount.values.reduce(0, +) == summary.topUps)
            #expect(summary.moneyConserved)
        }
        #expect(step.topUps > 0 && step.topUpAmount.isPositive)
        #expect(step.topUps > aon.topUps, "stepwise \(step.topUps) deposits, all-or-nothing \(aon.topUps)")
        let closed = { (events: [ClusterEvent]) in Set(events.filter { $0.kind == .closed || $0.kind == .takeover || $0.kind == .bankrupt }.compactMap(\.account)) }
        #expect(closed(stepEvents).count < closed(try Self.run(Self.slide(share: 0), policy: .stepwise).0).count)
        #expect(stepAlone.topUps == 0)
    }
}
