import Foundation
import TrancheCore

/// How an `AccountRecord` is stored: a compact binary layout, about 10 × faster to decode
/// than JSON and a fraction of its size. Decoding bounds how fast a worker takes over a
/// shard; encoding bounds how fast a worker's group commit makes records durable, which is
/// what every acknowledgement and every tranche order waits for (state on disk before any
/// message leaves). The first byte says which layout: `0xB1` binary version 1 (a healthy
/// account, nothing pending), `0xB2` version 2 (also ledger postings not yet acknowledged:
/// a deposit or a withdrawal), `0xB3` version 3 (anything else: liquidation state, tranches
/// in flight, fill reports and takeover notices not yet acknowledged, a client's trade at
/// the venue), `{` JSON: what builds before version 3 wrote for those records, still read,
/// and still written for a record no binary layout can hold (a string or a list longer
/// than 65,535). Before version 3, liquidating accounts were JSON: about 1.4 KB and
/// 150–400 µs each to encode, more than half of a worker's store time in a crash
/// (docs/performance.md).
///
/// Little-endian throughout. Version 1: `B1`, account id u64, collateral i64 (e6), unsettled
/// deficit i64 (e6), position count u16 then per position: market (string: u16 length +
/// UTF-8), size i64 (e8), entry price i64 (e8), mode u8 (0 cross, 1 isolated), isolated
/// margin i64 (e6); next tranche sequence u64, next delivery u64, covered deficit settled
/// i64 (e6); applied request count u16 then per request: origin (string), request id u64;
/// applied ADL round count u16 then each round u64.
///
/// Version 2: version 1's fields, then outbox entry count u16 (at least 1) and per entry:
/// sequence u64, kind u8 (1: ledger posting), then the posting: time i64 (ns), transfer
/// count u16 and per transfer: from and to (kind u8: 0 external, 1 insurance fund, 2 fees,
/// 3 venue + market (string), 4 trader + account u64), amount i64 (e6), reason u16, account
/// (u8 0 none, 1 then u64).
///
/// Version 3: version 2's fields (the outbox may be empty; entry kinds 1 ledger posting,
/// 2 fill report, 3 takeover notice), then scope state count u16 and per scope: scope,
/// liquidation state; in-flight tranche count u16 and each tranche; pending trade (u8 0
/// none, 1 then the trade). Where a scope is u8 0 cross or 1 isolated + market (string); a
/// tranche id is account u64, market (string), sequence u64; an optional value is u8 0
/// absent or 1 then the value; a side u8 0 long, 1 short; an instant i64 (ns).
/// - Fill report: tranche id, filled size i64, VWAP i64, fee i64, realised PnL i64, deficit
///   i64, mark at order i64, time, order side, scope.
/// - Takeover notice: optional tranche id, account u64, market (string), size i64, model
///   price i64, time, clearance fee i64.
/// - Liquidation state: phase u8 (0 healthy, 1 margin call, 2 liquidating, 3 closed, 4
///   bankrupt, 5 taken over), optional grace deadline, optional next tranche time, tranche
///   index i64, tranche estimate i64, optional tranche id in flight, unfilled attempts i64,
///   optional last tranche time, optional pending tranche (market (string), notional i64).
/// - In-flight tranche: tranche id, scope, order side, size i64, limit i64, mark i64,
///   awaiting decision u8 (0, 1), size closed by ADL i64.
/// - Pending trade: tranche id, kind u8 (0 submit, 1 reduce, 2 close), order side, size
///   i64, limit i64, mark i64, margin mode u8 (0 cross, 1 isolated), isolated margin i64,
///   origin (string), request id u64, correlation u64.
enum RecordCoding {
    static let binaryV1: UInt8 = 0xB1
    static let binaryV2: UInt8 = 0xB2
    static let binaryV3: UInt8 = 0xB3

    static func encode(_ r: AccountRecord, json: JSONEncoder) throws(StoreError) -> Data {
        let ledgerOnly = r.outbox.allSatisfy { if case .ledgerPosting = $0.message { return true } else { return false } }
        let version = !(r.scopes.isEmpty && r.inFlight.isEmpty && r.pendingTrade == nil && ledgerOnly) ? binaryV3
            : r.outbox.isEmpty ? binaryV1 : binaryV2
        var w = Writer()
        w.bytes.reserveCapacity(64 + 48 * r.account.positions.count + (version == binaryV1 ? 0 : 160 * (r.outbox.count + r.scopes.count + r.inFlight.count)))
        w.u8(version)
        w.u64(r.account.id.rawValue)
        w.i64(r.account.collateral.e6)
        w.i64(r.account.unsettledDeficit.e6)
        w.count(r.account.positions.count)
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
        w.count(r.appliedRequests.count)
        for a in r.appliedRequests {
            w.string(a.origin)
            w.u64(a.requestID)
        }
        w.count(r.appliedAdlRounds.count)
        for round in r.appliedAdlRounds { w.u64(round) }
        if version != binaryV1 {
            w.count(r.outbox.count)
            for e in r.outbox {
                w.u64(e.sequence)
                switch e.message {
                case .ledgerPosting(let p):
                    w.u8(1)
                    w.i64(p.at.nanoseconds)
                    w.count(p.transfers.count)
                    for t in p.transfers {
                        w.ledgerAccount(t.from)
                        w.ledgerAccount(t.to)
                        w.i64(t.amount.e6)
                        w.u16(UInt16(t.reason.rawValue))
                        if let a = t.account { w.u8(1); w.u64(a.rawValue) } else { w.u8(0) }
                    }
                case .fillReport(let f):
                    w.u8(2)
                    w.tranche(f.tranche)
                    w.i64(f.filledSize.e8)
                    w.i64(f.vwap.e8)
                    w.i64(f.fee.e6)
                    w.i64(f.realisedPnl.e6)
                    w.i64(f.deficit.e6)
                    w.i64(f.markAtOrder.e8)
                    w.i64(f.at.nanoseconds)
                    w.side(f.orderSide)
                    w.scope(f.scope)
                case .takeoverNotice(let t):
                    w.u8(3)
                    w.optional(t.tranche) { w, id in w.tranche(id) }
                    w.u64(t.account.rawValue)
                    w.string(t.market.symbol)
                    w.i64(t.size.e8)
                    w.i64(t.modelPrice.e8)
                    w.i64(t.at.nanoseconds)
                    w.i64(t.clearanceFee.e6)
                }
            }
        }
        if version == binaryV3 {
            w.count(r.scopes.count)
            for s in r.scopes {
                w.scope(s.scope)
                let l = s.state
                w.u8(phaseCodes.firstIndex(of: l.phase).map(UInt8.init) ?? 0xFF)
                w.optional(l.graceDeadline) { w, t in w.i64(t.nanoseconds) }
                w.optional(l.nextTrancheAt) { w, t in w.i64(t.nanoseconds) }
                w.i64(Int64(l.trancheIndex))
                w.i64(Int64(l.trancheEstimate))
                w.optional(l.inFlight) { w, id in w.tranche(id) }
                w.i64(Int64(l.unfilledAttempts))
                w.optional(l.lastTrancheAt) { w, t in w.i64(t.nanoseconds) }
                w.optional(l.pendingTranche) { w, p in w.string(p.market.symbol); w.i64(p.notional.e6) }
            }
            w.count(r.inFlight.count)
            for f in r.inFlight {
                w.tranche(f.id)
                w.scope(f.scope)
                w.side(f.orderSide)
                w.i64(f.size.e8)
                w.i64(f.limitPrice.e8)
                w.i64(f.markPrice.e8)
                w.u8(f.awaitingDecision ? 1 : 0)
                w.i64(f.adlFilled.e8)
            }
            w.optional(r.pendingTrade) { w, t in
                w.tranche(t.id)
                w.u8(t.kind == .submit ? 0 : t.kind == .reduce ? 1 : 2)
                w.side(t.orderSide)
                w.i64(t.size.e8)
                w.i64(t.limitPrice.e8)
                w.i64(t.markPrice.e8)
                w.u8(t.marginMode == .cross ? 0 : 1)
                w.i64(t.isolatedMargin.e6)
                w.string(t.origin)
                w.u64(t.requestID)
                w.u64(t.correlation)
            }
        }
        // A string or a list too long for its u16 length: no binary layout holds it.
        if w.overflow { return try StoreCoding.encode(r, with: json) }
        return Data(w.bytes)
    }

    /// Phases by their stored code (the index): the order here is the format, never the enum's.
    static let phaseCodes: [LiquidationPhase] = [.healthy, .marginCall, .liquidating, .closed, .bankrupt, .takenOver]

    static func decode(_ data: Data, json: JSONDecoder, path: String) throws(StoreError) -> AccountRecord {
        guard let version = data.first, version == binaryV1 || version == binaryV2 || version == binaryV3 else {
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
                    let mode = try r.marginMode()
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
                if version != binaryV1 {
                    let entries = Int(try r.u16())
                    for _ in 0..<entries {
                        let sequence = try r.u64()
                        let kind = try r.u8()
                        guard version == binaryV3 || kind == 1 else { throw Truncated() }
                        rec.outbox.append(OutboxEntry(sequence: sequence, message: try r.reliableMessage(kind: kind)))
                    }
                    guard version == binaryV3 || !rec.outbox.isEmpty else { throw Truncated() }
                }
                if version == binaryV3 {
                    for _ in 0..<Int(try r.u16()) {
                        let scope = try r.scope()
                        let code = Int(try r.u8())
                        guard code < phaseCodes.count else { throw Truncated() }
                        let grace = try r.optional { r throws(Truncated) in Instant(nanoseconds: try r.i64()) }
                        let next = try r.optional { r throws(Truncated) in Instant(nanoseconds: try r.i64()) }
                        let index = try r.int(), estimate = try r.int()
                        let inFlight = try r.optional { r throws(Truncated) in try r.tranche() }
                        let unfilled = try r.int()
                        let last = try r.optional { r throws(Truncated) in Instant(nanoseconds: try r.i64()) }
                        let pending = try r.optional { r throws(Truncated) in
                            ScopeLiquidation.PendingTranche(market: MarketID(try r.string()), notional: Quote(e6: try r.i64()))
                        }
                        rec.scopes.append(AccountRecord.ScopeState(scope: scope, state: ScopeLiquidation(
                            restoring: phaseCodes[code], graceDeadline: grace, nextTrancheAt: next, trancheIndex: index, trancheEstimate: estimate,
                            inFlight: inFlight, unfilledAttempts: unfilled, lastTrancheAt: last, pendingTranche: pending)))
                    }
                    for _ in 0..<Int(try r.u16()) {
                        let tranche = try r.tranche(), scope = try r.scope(), side = try r.side()
                        let size = Size(e8: try r.i64()), limit = Price(e8: try r.i64()), mark = Price(e8: try r.i64())
                        let awaiting = try r.bool()
                        rec.inFlight.append(InFlightTranche(id: tranche, scope: scope, orderSide: side, size: size, limitPrice: limit, markPrice: mark,
                                                            awaitingDecision: awaiting, adlFilled: Size(e8: try r.i64())))
                    }
                    rec.pendingTrade = try r.optional { r throws(Truncated) in
                        let tranche = try r.tranche()
                        let kinds: [PendingTrade.Kind] = [.submit, .reduce, .close]
                        let k = Int(try r.u8())
                        guard k < kinds.count else { throw Truncated() }
                        let side = try r.side()
                        let size = Size(e8: try r.i64()), limit = Price(e8: try r.i64()), mark = Price(e8: try r.i64())
                        let mode = try r.marginMode()
                        let margin = Quote(e6: try r.i64())
                        let origin = try r.string()
                        return PendingTrade(id: tranche, kind: kinds[k], orderSide: side, size: size, limitPrice: limit, markPrice: mark, marginMode: mode,
                                            isolatedMargin: margin, origin: origin, requestID: try r.u64(), correlation: try r.u64())
                    }
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
        /// A length did not fit its u16: the bytes are not a valid record.
        var overflow = false
        mutating func u8(_ v: UInt8) { bytes.append(v) }
        mutating func count(_ n: Int) {
            if n > Int(UInt16.max) { overflow = true }
            u16(UInt16(truncatingIfNeeded: n))
        }
        mutating func side(_ s: Side) { u8(s == .long ? 0 : 1) }
        mutating func scope(_ s: MarginScope) {
            switch s {
            case .cross: u8(0)
            case .isolated(let m): u8(1); string(m.symbol)
            }
        }
        mutating func tranche(_ id: TrancheID) {
            u64(id.account.rawValue)
            string(id.market.symbol)
            u64(id.sequence)
        }
        mutating func optional<T>(_ v: T?, _ write: (inout Writer, T) -> Void) {
            guard let v else { return u8(0) }
            u8(1)
            write(&self, v)
        }
        mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
        mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
        mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
        mutating func string(_ s: String) {
            let utf8 = s.utf8
            count(utf8.count)
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
        mutating func int() throws(Truncated) -> Int {
            guard let v = Int(exactly: try i64()) else { throw Truncated() }
            return v
        }
        mutating func bool() throws(Truncated) -> Bool {
            switch try u8() {
            case 0: return false
            case 1: return true
            default: throw Truncated()
            }
        }
        mutating func side() throws(Truncated) -> Side { try bool() ? .short : .long }
        mutating func marginMode() throws(Truncated) -> MarginMode { try bool() ? .isolated : .cross }
        mutating func scope() throws(Truncated) -> MarginScope { try bool() ? .isolated(MarketID(try string())) : .cross }
        mutating func tranche() throws(Truncated) -> TrancheID {
            let account = AccountID(try u64())
            let market = MarketID(try string())
            return TrancheID(account: account, market: market, sequence: try u64())
        }
        mutating func optional<T>(_ read: (inout Reader) throws(Truncated) -> T) throws(Truncated) -> T? {
            try bool() ? try read(&self) : nil
        }
        mutating func reliableMessage(kind: UInt8) throws(Truncated) -> ReliableMessage {
            switch kind {
            case 1:
                let at = Instant(nanoseconds: try i64())
                var transfers: [LedgerTransfer] = []
                for _ in 0..<Int(try u16()) {
                    let from = try ledgerAccount(), to = try ledgerAccount()
                    let amount = Quote(e6: try i64())
                    guard let reason = LedgerReason(rawValue: Int(try u16())) else { throw Truncated() }
                    let account: AccountID? = try bool() ? AccountID(try u64()) : nil
                    transfers.append(LedgerTransfer(from: from, to: to, amount: amount, reason: reason, account: account))
                }
                return .ledgerPosting(Message.LedgerPosting(transfers: transfers, at: at))
            case 2:
                let tranche = try tranche()
                let filled = Size(e8: try i64()), vwap = Price(e8: try i64())
                let fee = Quote(e6: try i64()), pnl = Quote(e6: try i64()), deficit = Quote(e6: try i64())
                let mark = Price(e8: try i64()), at = Instant(nanoseconds: try i64())
                let side = try side()
                return .fillReport(Message.FillReport(tranche: tranche, filledSize: filled, vwap: vwap, fee: fee, realisedPnl: pnl, deficit: deficit,
                                                      markAtOrder: mark, at: at, orderSide: side, scope: try scope()))
            case 3:
                let tranche = try optional { r throws(Truncated) in try r.tranche() }
                let account = AccountID(try u64()), market = MarketID(try string())
                let size = Size(e8: try i64()), price = Price(e8: try i64()), at = Instant(nanoseconds: try i64())
                return .takeoverNotice(Message.TakeoverNotice(tranche: tranche, account: account, market: market, size: size, modelPrice: price, at: at,
                                                              clearanceFee: Quote(e6: try i64())))
            default:
                throw Truncated()
            }
        }
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
