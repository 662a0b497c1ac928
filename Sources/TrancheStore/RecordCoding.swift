import Foundation
import TrancheCore

/// How an `AccountRecord` is stored. Most records belong to accounts nobody is liquidating
/// (no scope state, nothing in flight, nothing unacknowledged): those take a compact fixed
/// binary layout, about 10 × faster to decode than JSON and a third of its size, which is
/// what bounds how fast a worker takes over a shard. The others are JSON (their nested
/// liquidation state is rare and rich). A record whose only pending messages are ledger
/// postings (a deposit or a withdrawal not yet acknowledged by the aggregator: the common
/// case under client load) takes binary version 2: JSON-encoding those records was half
/// of a worker's CPU under a stream of deposits (perf, docs/performance.md). The first byte
/// says which: `0xB1` binary version 1, `0xB2` version 2, `{` JSON.
///
/// Binary version 1, little-endian: `B1`, account id u64, collateral i64 (e6), unsettled
/// deficit i64 (e6), position count u16 then per position: market (u16 length + UTF-8),
/// size i64 (e8), entry price i64 (e8), mode u8 (0 cross, 1 isolated), isolated margin
/// i64 (e6); next tranche sequence u64, next delivery u64, covered deficit settled i64
/// (e6); applied request count u16 then per request: origin (u16 length + UTF-8), request
/// id u64; applied ADL round count u16 then each round u64.
///
/// Binary version 2: version 1's fields, then outbox entry count u16 and per entry: sequence
/// u64, kind u8 (1 ledger posting), time i64 (ns), transfer count u16 and per transfer:
/// from and to (kind u8: 0 external, 1 insurance fund, 2 fees, 3 venue + market (u16 length
/// + UTF-8), 4 trader + account u64), amount i64 (e6), reason u16, account (u8 0 none, 1
/// then u64).
enum RecordCoding {
    static let binaryV1: UInt8 = 0xB1
    static let binaryV2: UInt8 = 0xB2

    /// Outbox entries binary version 2 holds: ledger postings whose strings fit.
    static func binaryOutbox(_ outbox: [OutboxEntry]) -> Bool {
        guard outbox.count <= Int(UInt16.max) else { return false }
        for e in outbox {
            guard case .ledgerPosting(let p) = e.message, p.transfers.count <= Int(UInt16.max) else { return false }
            for t in p.transfers {
                for a in [t.from, t.to] { if case .venue(let m) = a, m.symbol.utf8.count > Int(UInt16.max) { return false } }
            }
        }
        return true
    }

    static func encode(_ r: AccountRecord, json: JSONEncoder) throws(StoreError) -> Data {
        guard r.scopes.isEmpty, r.inFlight.isEmpty, binaryOutbox(r.outbox), r.pendingTrade == nil, r.account.positions.count <= Int(UInt16.max),
              r.appliedRequests.count <= Int(UInt16.max), r.appliedAdlRounds.count <= Int(UInt16.max),
              r.account.positions.allSatisfy({ $0.market.symbol.utf8.count <= Int(UInt16.max) }),
              r.appliedRequests.allSatisfy({ $0.origin.utf8.count <= Int(UInt16.max) }) else {
            return try StoreCoding.encode(r, with: json)
        }
        var w = Writer()
        w.bytes.reserveCapacity(64 + 48 * r.account.positions.count)
        w.u8(r.outbox.isEmpty ? binaryV1 : binaryV2)
        w.u64(r.account.id.rawValue)
        w.i64(r.account.collateral.e6)
        w.i64(r.account.unsettledDeficit.e6)
        w.u16(UInt16(r.account.positions.count))
        for p in r.account.positions {
            w.string(p.market.symbol)
            w.i64(p.size.e8)
            w.i64(p.entryPrice.e8)
            w.u8(p.mode == .cross ? 0 : 1)
            w.i64(p.isolatedMargin.e6)
        }
        w.u64(r.nextSequence)
        w.u64(r.nextDelivery)
        w.i64(r.coveredDeficitSettled.e6)
        w.u16(UInt16(r.appliedRequests.count))
        for a in r.appliedRequests {
            w.string(a.origin)
            w.u64(a.requestID)
        }
        w.u16(UInt16(r.appliedAdlRounds.count))
        for round in r.appliedAdlRounds { w.u64(round) }
        if !r.outbox.isEmpty {
            w.u16(UInt16(r.outbox.count))
            for e in r.outbox {
                guard case .ledgerPosting(let p) = e.message else { continue }  // binaryOutbox checked
                w.u64(e.sequence)
                w.u8(1)
                w.i64(p.at.nanoseconds)
                w.u16(UInt16(p.transfers.count))
                for t in p.transfers {
                    w.ledgerAccount(t.from)
                    w.ledgerAccount(t.to)
                    w.i64(t.amount.e6)
                    w.u16(UInt16(t.reason.rawValue))
                    if let a = t.account { w.u8(1); w.u64(a.rawValue) } else { w.u8(0) }
                }
            }
        }
        return Data(w.bytes)
    }

    static func decode(_ data: Data, json: JSONDecoder, path: String) throws(StoreError) -> AccountRecord {
        guard let version = data.first, version == binaryV1 || version == binaryV2 else {
            return try StoreCoding.decode(AccountRecord.self, from: data, with: json, path: path)
        }
        do {
            return try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws(Truncated) -> AccountRecord in
                var r = Reader(raw: raw, at: 1)
                let id = AccountID(try r.u64())
                let collateral = Quote(e6: try r.i64())
                let deficit = Quote(e6: try r.i64())
                var positions: [Position] = []
                let n = Int(try r.u16())
                positions.reserveCapacity(n)
                for _ in 0..<n {
                    let market = MarketID(try r.string())
                    let size = Size(e8: try r.i64())
                    let entry = Price(e8: try r.i64())
                    let mode: MarginMode = try r.u8() == 0 ? .cross : .isolated
                    positions.append(Position(market: market, size: size, entryPrice: entry, mode: mode, isolatedMargin: Quote(e6: try r.i64())))
                }
                var rec = AccountRecord(account: Account(id: id, collateral: collateral, positions: positions, unsettledDeficit: deficit))
                rec.nextSequence = try r.u64()
                rec.nextDelivery = try r.u64()
                rec.coveredDeficitSettled = Quote(e6: try r.i64())
                let requests = Int(try r.u16())
                for _ in 0..<requests {
                    let origin = try r.string()
                    rec.appliedRequests.append(AccountRecord.AppliedRequest(origin: origin, requestID: try r.u64()))
                }
                let rounds = Int(try r.u16())
                for _ in 0..<rounds { rec.appliedAdlRounds.append(try r.u64()) }
                if version == binaryV2 {
                    let entries = Int(try r.u16())
                    for _ in 0..<entries {
                        let sequence = try r.u64()
                        guard try r.u8() == 1 else { throw Truncated() }
                        let at = Instant(nanoseconds: try r.i64())
                        var transfers: [LedgerTransfer] = []
                        for _ in 0..<Int(try r.u16()) {
                            let from = try r.ledgerAccount(), to = try r.ledgerAccount()
                            let amount = Quote(e6: try r.i64())
                            guard let reason = LedgerReason(rawValue: Int(try r.u16())) else { throw Truncated() }
                            let account: AccountID? = try r.u8() == 1 ? AccountID(try r.u64()) : nil
                            transfers.append(LedgerTransfer(from: from, to: to, amount: amount, reason: reason, account: account))
                        }
                        rec.outbox.append(OutboxEntry(sequence: sequence, message: .ledgerPosting(Message.LedgerPosting(transfers: transfers, at: at))))
                    }
                    guard !rec.outbox.isEmpty else { throw Truncated() }
                }
                guard r.at == raw.count else { throw Truncated() }
                return rec
            }
        } catch {
            throw .decoding(message: "AccountRecord: malformed binary record (\(data.count) bytes)", path: path)
        }
    }

    struct Truncated: Error {}

    struct Writer {
        var bytes: [UInt8] = []
        mutating func u8(_ v: UInt8) { bytes.append(v) }
        mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
        mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
        mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
        mutating func string(_ s: String) {
            let utf8 = Array(s.utf8)
            u16(UInt16(utf8.count))
            bytes.append(contentsOf: utf8)
        }
        mutating func ledgerAccount(_ a: LedgerAccount) {
            switch a {
            case .external: u8(0)
            case .insuranceFund: u8(1)
            case .fees: u8(2)
            case .venue(let m): u8(3); string(m.symbol)
            case .trader(let id): u8(4); u64(id.rawValue)
            }
        }
    }

    struct Reader {
        let raw: UnsafeRawBufferPointer
        var at: Int
        mutating func take(_ n: Int) throws(Truncated) -> UnsafeRawBufferPointer {
            guard n >= 0, at + n <= raw.count else { throw Truncated() }
            defer { at += n }
            return UnsafeRawBufferPointer(rebasing: raw[at..<(at + n)])
        }
        mutating func u8() throws(Truncated) -> UInt8 { try take(1)[0] }
        mutating func u16() throws(Truncated) -> UInt16 { UInt16(littleEndian: try take(2).loadUnaligned(as: UInt16.self)) }
        mutating func u64() throws(Truncated) -> UInt64 { UInt64(littleEndian: try take(8).loadUnaligned(as: UInt64.self)) }
        mutating func i64() throws(Truncated) -> Int64 { Int64(bitPattern: try u64()) }
        mutating func string() throws(Truncated) -> String {
            let n = Int(try u16())
            guard let s = String(validating: try take(n), as: UTF8.self) else { throw Truncated() }
            return s
        }
        mutating func ledgerAccount() throws(Truncated) -> LedgerAccount {
            switch try u8() {
            case 0: return .external
            case 1: return .insuranceFund
            case 2: return .fees
            case 3: return .venue(MarketID(try string()))
            case 4: return .trader(AccountID(try u64()))
            default: throw Truncated()
            }
        }
    }
}
