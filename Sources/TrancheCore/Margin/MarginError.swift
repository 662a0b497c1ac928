/// Errors of margin evaluation that are the input's fault.
public enum MarginError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownMarket(MarketID)
    case missingMark(MarketID)
    case arithmetic(ArithmeticError)

    public var description: String {
        switch self {
        case .unknownMarket(let m): return "unknown market \(m)"
        case .missingMark(let m): return "no mark price for market \(m)"
        case .arithmetic(let e): return e.description
        }
    }
}

/// The markets and marks a margin computation reads.
///
/// Lookups go through a flat table of (market, spec, mark) rebuilt whenever `markets` or
/// `marks` change (a venue has a handful of markets): a scan comparing a few identifiers
/// costs a fraction of hashing a `String` key twice per position, which was most of a
/// full re-evaluation's time (`tranche-workerbench`).
public struct MarginContext: Sendable {
    public var markets: [MarketID: MarketSpec] { didSet { rebuild() } }
    public var marks: [MarketID: Price] { didSet { rebuild() } }

    @usableFromInline struct Entry: Sendable {
        @usableFromInline var id: MarketID
        @usableFromInline var spec: MarketSpec?
        @usableFromInline var mark: Price?
    }
    @usableFromInline var table: [Entry] = []
    /// The same rows as `table`, split so the hot path reads them without copying a spec.
    @usableFromInline var ids: [MarketID] = []
    @usableFromInline var rowMarks: [Price?] = []
    /// The spec's brackets; nil for a market without a spec.
    @usableFromInline var rowBrackets: [[MarginBracket]?] = []

    public init(markets: [MarketID: MarketSpec], marks: [MarketID: Price]) {
        self.markets = markets
        self.marks = marks
        rebuild()
    }

    public init(markets: [MarketSpec], marks: [MarketID: Price]) {
        self.init(markets: Dictionary(markets.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }), marks: marks)
    }

    mutating func rebuild() {
        var t: [Entry] = []
        t.reserveCapacity(markets.count)
        for (id, spec) in markets { t.append(Entry(id: id, spec: spec, mark: marks[id])) }
        for (id, mark) in marks where markets[id] == nil { t.append(Entry(id: id, spec: nil, mark: mark)) }
        table = t
        ids = t.map(\.id)
        rowMarks = t.map(\.mark)
        rowBrackets = t.map { $0.spec?.brackets }
    }

    @inline(__always) @usableFromInline
    func entry(_ id: MarketID) -> Entry? {
        for e in table where e.id == id { return e }
        return nil
    }

    /// The market's row in the table and its mark, without copying its spec (the hot
    /// path of `MarginCalculator.scopeMetrics`); the same errors as `market` then `mark`.
    @inline(__always) @usableFromInline
    func row(_ id: MarketID) throws(MarginError) -> (index: Int, mark: Price) {
        var i = 0
        while i < ids.count {
            if ids[i] == id {
                guard rowBrackets[i] != nil else { throw .unknownMarket(id) }
                guard let mark = rowMarks[i] else { throw .missingMark(id) }
                return (i, mark)
            }
            i += 1
        }
        throw .unknownMarket(id)
    }

    /// `MarketSpec.bracket(forNotional:)` of the market in row `i` (one with a spec).
    @inline(__always) @usableFromInline
    func bracket(row i: Int, forNotional notional: Quote) -> MarginBracket {
        rowBrackets[i]!.withUnsafeBufferPointer { b in
            var j = 0
            while j + 1 < b.count, b[j + 1].notionalFloor <= notional { j += 1 }
            return b[j]
        }
    }

    @inline(__always)
    public func market(_ id: MarketID) throws(MarginError) -> MarketSpec {
        guard let m = entry(id)?.spec else { throw .unknownMarket(id) }
        return m
    }

    @inline(__always)
    public func mark(_ id: MarketID) throws(MarginError) -> Price {
        guard let p = entry(id)?.mark else { throw .missingMark(id) }
        return p
    }

    /// The market's spec and mark in one lookup.
    @inline(__always)
    public func marketAndMark(_ id: MarketID) throws(MarginError) -> (spec: MarketSpec, mark: Price) {
        guard let e = entry(id), let spec = e.spec else { throw .unknownMarket(id) }
        guard let mark = e.mark else { throw .missingMark(id) }
        return (spec, mark)
    }
}

/// Runs checked arithmetic, mapping its error into `MarginError`.
@inline(__always)
func arith<T>(_ body: () throws(ArithmeticError) -> T) throws(MarginError) -> T {
    do { return try body() } catch { throw .arithmetic(error) }
}
