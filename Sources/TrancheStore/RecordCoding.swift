import Foundation
import TrancheCore

/// How an `AccountRecord` is stored. Most records belong to accounts nobody is liquidating
/// (no scope state, nothing in flight, nothing unacknowledged): those take a compact fixed
/// binary layout, about 10 × faster to decode than JSON and a third of its size, which is
/// what bounds how fast a worker takes over a shard. The others are JSON (their nested
/// liquidation state is rare and rich). The first byte says which: `0xB1` binary version 1,
/// `{` JSON.
///
/// Binary version 1, little-endian: `B1`, account id u64, collateral i64 (e6), unsettled
/// deficit i64 (e6), position count u16 then per position: market (u16 length + UTF-8),
/// size i64 (e8), entry price i64 (e8), mode u8 (0 cross, 1 isolated), isolated margin
/// i64 (e6); next tranche sequence u64, next delivery u64, covered deficit settled i64
/// (e6); applied request count u16 then per request: origin (u16 length + UTF-8), request
/// id u64; applied ADL round count u16 then each round u64.
enum RecordCoding {
    static let binaryV1: UInt8 = 0xB1

    static func encode(_ r: AccountRecord, json: JSONEncoder) throws(StoreError) -> Data {
        guard r.scopes.isEmpty, r.inFlight.isEmpty, r.outbox.isEmpty, r.pendingTrade == nil, r.account.positions.count <= Int(UInt16.max),
              r.appliedRequests.count <= Int(UInt16.max), r.appliedAdlRounds.count <= Int(UInt16.max),
              r.account.positions.allSatisfy({ $0.market.symbol.utf8.count <= Int(UInt16.max) }),
              r.appliedRequests.allSatisfy({ $0.origin.utf8.count <= Int(UInt16.max) }) else {
            return try StoreCoding.encode(r, with: json)
        }
        var w = Writer()
        w.bytes.reserveCapacity(64 + 48 * r.account.positions.count)
        w.u8(binaryV1)
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
        return Data(w.bytes)
    }

    static func decode(_ data: Data, json: JSONDecoder, path: String) throws(StoreError) -> AccountRecord {
        guard data.first == binaryV1 else { return try StoreCoding.decode(AccountRecord.self, from: data, with: json, path: path) }
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
    }
}
