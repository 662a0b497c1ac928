import Foundation
import Testing
import TrancheCore
@testable import TrancheStore

/// Healthy accounts are stored in the compact binary layout, the others as JSON; both read
/// back exactly, old JSON records still load, and damaged bytes are a typed error.
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

    @Test func aRecordWithLiquidationStateIsJSONAndRoundTrips() throws {
        var r = Self.healthy()
        r.outbox = [OutboxEntry(sequence: 9, message: .takeoverNotice(Message.TakeoverNotice(
            tranche: nil, account: r.account.id, market: "BTC-PERP", size: Size(e8: 1), modelPrice: Price(e8: 2), at: .zero)))]
        let data = try RecordCoding.encode(r, json: StoreCoding.encoder())
        #expect(data.first == UInt8(ascii: "{"))
        #expect(try RecordCoding.decode(data, json: JSONDecoder(), path: "x") == r)
    }

    @Test func damagedBinaryIsATypedError() throws {
        let data = try RecordCoding.encode(Self.healthy(), json: StoreCoding.encoder())
        for cut in [1, 9, data.count - 1] {
            #expect(throws: StoreError.self) { try RecordCoding.decode(data.prefix(cut), json: JSONDecoder(), path: "x") }
        }
        #expect(throws: StoreError.self) { try RecordCoding.decode(data + Data([0]), json: JSONDecoder(), path: "x") }
    }
}
