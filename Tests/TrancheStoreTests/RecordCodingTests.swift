import Foundation
import Testing
import TrancheCore
@testable import TrancheStore

/// Every record is stored in a compact binary layout (version 1 healthy, 2 with ledger
/// postings pending, 3 anything else); they read back exactly, JSON records older builds
/// wrote still load, and damaged bytes are a typed error.
@Suite struct RecordCodingTests {
    static func healthy() -> AccountRecord {
        var r = AccountRecord(account: Account(id: AccountID(UInt64.max - 1), collateral: Quote(e6: -12_345_678), positions: [
            Position(market: "BTC-PERP", size: Size(e8: -123_456_789), entryPrice: Price(e8: 2_000_000_000_000)),
            Position(market: "Ωμέγα-PERP", size: Size(e8: 1), entryPrice: Price(e8: 7), mode: .isolated, isolatedMargin: Quote(e6: 99)),
        ], unsettledDeficit: Quote(e6: 5)))
        r.nextSequence = 42
        r.nextDelivery = .max
        r.coveredDeficitSettled = Quote(e6: 17)
        r.remember(origin: "client:alice", requestID: 7)
        r.remember(origin: "", requestID: .max)
        r.rememberAdl(3)
        return r
    }

    @Test func aHealthyRecordIsCompactBinaryAndRoundTrips() throws {
        let r = Self.healthy()
        let data = try RecordCoding.encode(r, json: StoreCoding.encoder())
        #expect(data.first == RecordCoding.binaryV1)
        let json = try StoreCoding.encode(r, with: StoreCoding.encoder())
        #expect(data.count * 2 < json.count)
        #expect(try RecordCoding.decode(data, json: JSONDecoder(), path: "x") == r)
        // A record as older builds wrote it (JSON) still loads.
        #expect(try RecordCoding.decode(json, json: JSONDecoder(), path: "x") == r)
    }

    /// A deposit or a withdrawal not yet acknowledged: binary version 2, every kind of
    /// ledger account and reason round-trips.
    @Test func aRecordWithPendingLedgerPostingsIsBinaryAndRoundTrips() throws {
        var r = Self.healthy()
        let id = r.account.id
        r.outbox = [
            OutboxEntry(sequence: 9, message: .ledgerPosting(Message.LedgerPosting(transfers: [
                LedgerTransfer(from: .external, to: .trader(id), amount: Quote(e6: 1), reason: .deposit, account: id)], at: .zero))),
            OutboxEntry(sequence: .max, message: .ledgerPosting(Message.LedgerPosting(transfers: LedgerReason.allCases.enumerated().map { i, reason in
                let accounts: [LedgerAccount] = [.external, .insuranceFund, .fees, .venue("Ωμέγα-PERP"), .trader(AccountID(.max))]
                return LedgerTransfer(from: accounts[i % 5], to: accounts[(i + 2) % 5], amount: Quote(e6: Int64.min + Int64(i)), reason: reason, account: i % 2 == 0 ? nil : id)
            }, at: Instant(nanoseconds: -5)))),
        ]
        let data = try RecordCoding.encode(r, json: StoreCoding.encoder())
        #expect(data.first == RecordCoding.binaryV2)
        #expect(data.count * 2 < (try StoreCoding.encode(r, with: StoreCoding.encoder())).count)
        #expect(try RecordCoding.decode(data, json: JSONDecoder(), path: "x") == r)
        for cut in [data.count - 1, data.count - 20] {
            #expect(throws: StoreError.self) { try RecordCoding.decode(data.prefix(cut), json: JSONDecoder(), path: "x") }
        }
    }

    /// An account in the middle of a liquidation: every field of its state set, every kind
    /// of money message waiting in its outbox, a client's trade at the venue.
    static func liquidating() -> AccountRecord {
        var r = healthy()
        let id = r.account.id
        let t1 = TrancheID(account: id, market: "BTC-PERP", sequence: 41)
        let t2 = TrancheID(account: id, market: "Ωμέγα-PERP", sequence: .max)
        r.outbox = [
            OutboxEntry(sequence: 3, message: .ledgerPosting(Message.LedgerPosting(transfers: [
                LedgerTransfer(from: .trader(id), to: .external, amount: Quote(e6: 5), reason: .withdrawal, account: id)], at: Instant(nanoseconds: 9)))),
            OutboxEntry(sequence: 4, message: .fillReport(Message.FillReport(
                tranche: t1, filledSize: Size(e8: 12_345), vwap: Price(e8: 1_999_900_000_000), fee: Quote(e6: 77), realisedPnl: Quote(e6: -1_234_567),
                deficit: Quote(e6: 89), markAtOrder: Price(e8: 2_000_000_000_000), at: Instant(nanoseconds: 1_000_000_123), orderSide: .short, scope: .cross))),
            OutboxEntry(sequence: 5, message: .fillReport(Message.FillReport(
                tranche: t2, filledSize: Size(e8: 1), vwap: Price(e8: 8), fee: .zero, realisedPnl: Quote(e6: 3), deficit: .zero,
                markAtOrder: Price(e8: 7), at: Instant(nanoseconds: -1), orderSide: .long, scope: .isolated("Ωμέγα-PERP")))),
            OutboxEntry(sequence: 6, message: .takeoverNotice(Message.TakeoverNotice(
                tranche: t1, account: id, market: "BTC-PERP", size: Size(e8: -5), modelPrice: Price(e8: 6), at: Instant(nanoseconds: 7), clearanceFee: Quote(e6: 8)))),
            OutboxEntry(sequence: 7, message: .takeoverNotice(Message.TakeoverNotice(
                tranche: nil, account: id, market: "Ωμέγα-PERP", size: Size(e8: 1), modelPrice: Price(e8: 2), at: .zero))),
        ]
        r.setState(ScopeLiquidation(restoring: .liquidating, graceDeadline: Instant(nanoseconds: 11), nextTrancheAt: Instant(nanoseconds: 12),
                                    trancheIndex: 3, trancheEstimate: 7, inFlight: t1, unfilledAttempts: 2, lastTrancheAt: Instant(nanoseconds: 13),
                                    pendingTranche: ScopeLiquidation.PendingTranche(market: "BTC-PERP", notional: Quote(e6: 123_456))), of: .cross)
        r.setState(ScopeLiquidation(restoring: .marginCall, graceDeadline: Instant(nanoseconds: -14), nextTrancheAt: nil, trancheIndex: 0, trancheEstimate: 0,
                                    inFlight: nil, unfilledAttempts: 0, lastTrancheAt: nil, pendingTranche: nil), of: .isolated("Ωμέγα-PERP"))
        r.inFlight = [
            InFlightTranche(id: t1, scope: .cross, orderSide: .short, size: Size(e8: 3), limitPrice: Price(e8: 4), markPrice: Price(e8: 5),
                            awaitingDecision: false, adlFilled: .zero),
            InFlightTranche(id: t2, scope: .isolated("Ωμέγα-PERP"), orderSide: .long, size: Size(e8: 6), limitPrice: Price(e8: 7), markPrice: Price(e8: 8),
                            awaitingDecision: true, adlFilled: Size(e8: 9)),
        ]
        r.pendingTrade = PendingTrade(id: TrancheID(account: id, market: "BTC-PERP", sequence: 42), kind: .reduce, orderSide: .long, size: Size(e8: 10),
                                      limitPrice: Price(e8: 11), markPrice: Price(e8: 12), marginMode: .isolated, isolatedMargin: Quote(e6: 13),
                                      origin: "client:alice", requestID: 14, correlation: .max)
        return r
    }

    /// Liquidation state is binary version 3 (it was JSON, 150–400 µs per record to encode
    /// in a crash), a fraction of the JSON's size, and reads back exactly; every phase and
    /// every kind of pending trade round-trips.
    @Test func aRecordWithLiquidationStateIsBinaryAndRoundTrips() throws {
        let r = Self.liquidating()
        let data = try RecordCoding.encode(r, json: StoreCoding.encoder())
        #expect(data.first == RecordCoding.binaryV3)
        let json = try StoreCoding.encode(r, with: StoreCoding.encoder())
        #expect(data.count * 3 < json.count, "\(data.count) binary bytes, \(json.count) JSON")
        #expect(try RecordCoding.decode(data, json: JSONDecoder(), path: "x") == r)
        #expect(try RecordCoding.decode(json, json: JSONDecoder(), path: "x") == r)
        for phase in LiquidationPhase.allCases {
            for kind in [PendingTrade.Kind.submit, .reduce, .close] {
                var v = r
                v.setState(ScopeLiquidation(restoring: phase, graceDeadline: nil, nextTrancheAt: nil, trancheIndex: 1, trancheEstimate: 1, inFlight: nil,
                                            unfilledAttempts: 0, lastTrancheAt: nil, pendingTranche: nil), of: .cross)
                v.pendingTrade?.kind = kind
                v.pendingTrade?.marginMode = kind == .close ? .cross : .isolated
                #expect(try RecordCoding.decode(try RecordCoding.encode(v, json: StoreCoding.encoder()), json: JSONDecoder(), path: "x") == v)
            }
        }
        // Only a scope's state, or only a trade at the venue, is enough for version 3.
        var scopeOnly = Self.healthy()
        scopeOnly.setState(r.scopes[0].state, of: .cross)
        var tradeOnly = Self.healthy()
        tradeOnly.pendingTrade = r.pendingTrade
        for v in [scopeOnly, tradeOnly] {
            let d = try RecordCoding.encode(v, json: StoreCoding.encoder())
            #expect(d.first == RecordCoding.binaryV3)
            #expect(try RecordCoding.decode(d, json: JSONDecoder(), path: "x") == v)
        }
    }

    /// Every cut of a version 3 record, and every byte of it changed to a value no field
    /// takes there, is a typed error or another valid record: never a crash.
    @Test func damagedVersion3IsATypedError() throws {
        let data = try RecordCoding.encode(Self.liquidating(), json: StoreCoding.encoder())
        for cut in 1..<data.count {
            #expect(throws: StoreError.self) { try RecordCoding.decode(data.prefix(cut), json: JSONDecoder(), path: "x") }
        }
        #expect(throws: StoreError.self) { try RecordCoding.decode(data + Data([0]), json: JSONDecoder(), path: "x") }
        var rejected = 0
        for i in 1..<data.count {
            var bad = data
            bad[bad.startIndex + i] = 0xFE
            if (try? RecordCoding.decode(bad, json: JSONDecoder(), path: "x")) == nil { rejected += 1 }
        }
        #expect(rejected > data.count / 4)
    }

    /// A string too long for the layout's u16 length: the record is JSON, and reads back.
    @Test func aRecordNoBinaryLayoutHoldsIsJSON() throws {
        var r = Self.liquidating()
        r.pendingTrade?.origin = String(repeating: "x", count: 70_000)
        let data = try RecordCoding.encode(r, json: StoreCoding.encoder())
        #expect(data.first == UInt8(ascii: "{"))
        #expect(try RecordCoding.decode(data, json: JSONDecoder(), path: "x") == r)
    }

    /// Every record of a simulated crash (the repository's crash scenario, fewer accounts),
    /// sampled while it runs: binary, and read back equal. The states come from the real
    /// state machines, so a field one of them gains that the layout forgets fails here.
    @Test func everyRecordOfASimulatedCrashRoundTrips() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("cluster/scenarios/crash.json")
        var s = try JSONDecoder().decode(Scenario.self, from: Data(contentsOf: file))
        s.accounts.count = 400
        // Messages take a tenth of a second, so samples find tranches in flight and
        // money messages not yet acknowledged.
        s.latency = .milliseconds(100)
        let encoder = StoreCoding.encoder(), decoder = JSONDecoder()
        var samples = 0, checked = 0, liquidating = 0, inFlight = 0, fillReports = 0, takeovers = 0
        var failures: [String] = []
        for policy in [PolicyKind.stepwise, .allOrNothing] {
            _ = try Simulator.run(s, options: SimulationOptions(policy: policy)) { _ in } sample: { _, cluster in
                samples += 1
                guard samples % 5 == 0 else { return }
                for r in cluster.accountRecords() {
                    checked += 1
                    if !r.scopes.isEmpty { liquidating += 1 }
                    if !r.inFlight.isEmpty { inFlight += 1 }
                    for e in r.outbox {
                        if case .fillReport = e.message { fillReports += 1 }
                        if case .takeoverNotice = e.message { takeovers += 1 }
                    }
                    do {
                        let data = try RecordCoding.encode(r, json: encoder)
                        if data.first == UInt8(ascii: "{") { failures.append("\(r.account.id): JSON") }
                        if try RecordCoding.decode(data, json: decoder, path: "x") != r { failures.append("\(r.account.id): differs") }
                    } catch {
                        failures.append("\(r.account.id): \(error)")
                    }
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
        #expect(checked > 10_000)
        #expect(liquidating > 100 && inFlight > 0 && fillReports > 0 && takeovers > 0,
                "liquidating \(liquidating), in flight \(inFlight), fill reports \(fillReports), takeover notices \(takeovers)")
    }

    @Test func damagedBinaryIsATypedError() throws {
        let data = try RecordCoding.encode(Self.healthy(), json: StoreCoding.encoder())
        for cut in [1, 9, data.count - 1] {
            #expect(throws: StoreError.self) { try RecordCoding.decode(data.prefix(cut), json: JSONDecoder(), path: "x") }
        }
        #expect(throws: StoreError.self) { try RecordCoding.decode(data + Data([0]), json: JSONDecoder(), path: "x") }
    }
}
