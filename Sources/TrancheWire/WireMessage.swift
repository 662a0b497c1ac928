internal import CTrancheProto
import TrancheCore

/// A core message value that has a protobuf-c counterpart. Internal: no C type
/// leaves this module.
protocol WireMessage {
    associatedtype CMessage
    /// Builds the C message in `arena`; it stays valid as long as the arena.
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<CMessage>
    /// Reads an unpacked C message (owned by the caller's unpacked tree).
    init(c: CMessage) throws(WireDecodeError)
}

/// Reading helpers for unpacked protobuf-c trees.
enum WireRead {
    /// A string field; NULL (never set) reads as "". Rejects invalid UTF-8.
    static func string(_ p: UnsafeMutablePointer<CChar>?, _ field: @autoclosure () -> String) throws(WireDecodeError) -> String {
        guard let p else { return "" }
        guard let s = String(validatingCString: p) else { throw .invalidUTF8(field: field()) }
        return s
    }

    /// A sub-message the parent cannot do without.
    static func required<M: WireMessage>(
        _ p: UnsafeMutablePointer<M.CMessage>?, _ field: @autoclosure () -> String
    ) throws(WireDecodeError) -> M {
        guard let p else { throw .missingField(field()) }
        return try M(c: p.pointee)
    }

    /// A sub-message that may be absent.
    static func optional<M: WireMessage>(_ p: UnsafeMutablePointer<M.CMessage>?) throws(WireDecodeError) -> M? {
        guard let p else { return nil }
        return try M(c: p.pointee)
    }

    /// A repeated sub-message field.
    static func list<M: WireMessage>(
        _ count: Int, _ items: UnsafeMutablePointer<UnsafeMutablePointer<M.CMessage>?>?, _ field: @autoclosure () -> String
    ) throws(WireDecodeError) -> [M] {
        guard count > 0 else { return [] }
        guard let items else { throw .missingField(field()) }
        var result: [M] = []
        result.reserveCapacity(count)
        for i in 0..<count {
            result.append(try required(items[i], field()))
        }
        return result
    }

    /// A repeated scalar field.
    static func scalars<T>(_ count: Int, _ items: UnsafeMutablePointer<T>?) -> [T] {
        guard count > 0, let items else { return [] }
        return Array(UnsafeBufferPointer(start: items, count: count))
    }

    /// A market symbol.
    static func market(_ p: UnsafeMutablePointer<CChar>?, _ field: @autoclosure () -> String) throws(WireDecodeError) -> MarketID {
        MarketID(try string(p, field()))
    }

    /// A string where "" means none.
    static func optionalString(_ p: UnsafeMutablePointer<CChar>?, _ field: @autoclosure () -> String) throws(WireDecodeError) -> String? {
        let s = try string(p, field())
        return s.isEmpty ? nil : s
    }

    /// A market where "" means none.
    static func optionalMarket(_ p: UnsafeMutablePointer<CChar>?, _ field: @autoclosure () -> String) throws(WireDecodeError) -> MarketID? {
        try optionalString(p, field()).map { MarketID($0) }
    }

    /// A margin scope: a market symbol is that isolated scope, "" the cross scope.
    static func scope(_ p: UnsafeMutablePointer<CChar>?, _ field: @autoclosure () -> String) throws(WireDecodeError) -> MarginScope {
        try optionalMarket(p, field()).map { .isolated($0) } ?? .cross
    }

    /// A price where 0 means none.
    static func optionalPrice(_ e8: Int64) -> Price? { e8 == 0 ? nil : Price(e8: e8) }

    /// A rate where 0 means none.
    static func optionalRate(_ ppm: Int64) -> Rate? { ppm == 0 ? nil : Rate(ppm: ppm) }

    /// An account where 0 means none.
    static func optionalAccount(_ raw: UInt64) -> AccountID? { raw == 0 ? nil : AccountID(raw) }

    static func bool(_ b: protobuf_c_boolean) -> Bool { b != 0 }
}

/// Writing helpers for building protobuf-c trees.
enum WireWrite {
    /// A repeated sub-message field: its count and C array of pointers.
    static func list<M: WireMessage>(
        _ values: [M], in arena: PackArena
    ) -> (count: Int, items: UnsafeMutablePointer<UnsafeMutablePointer<M.CMessage>?>?) {
        (values.count, arena.array(values.map { Optional($0.makeC(in: arena)) }))
    }

    static func bool(_ b: Bool) -> protobuf_c_boolean { b ? 1 : 0 }

    /// A margin scope: the market symbol of an isolated scope, "" for the cross scope.
    static func scope(_ scope: MarginScope, in arena: PackArena) -> UnsafeMutablePointer<CChar> {
        switch scope {
        case .cross: return arena.string("")
        case .isolated(let market): return arena.string(market.symbol)
        }
    }
}
