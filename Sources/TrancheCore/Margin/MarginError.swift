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
/// Lookups go through flat rows of (market, spec, brackets, mark), rebuilt whenever
/// `markets` or `marks` change (a venue has a handful of markets): a scan comparing a few
/// identifiers costs a fraction of hashing a `String` key twice per position, and the hot
/// path reads a row's brackets in place instead of copying its spec; together they were
/// most of a full re-evaluation's time (`tranche-workerbench --evaluation-only`).
public struct MarginContext: Sendable {
    public var markets: [MarketID: MarketSpec] { didSet { rebuild() } }
    public var marks: [MarketID: Price] {
        get { storedMarks }
        set { storedMarks = newValue; rebuild() }
    }
    var storedMarks: [MarketID: Price]

    /// Row i: market `ids[i]`, its spec (nil: a mark without a market), its brackets
    /// (nil likewise) and its mark (nil: a market without a mark yet).
    var ids: [MarketID] = []
    var rowSpecs: [MarketSpec?] = []
    var rowBrackets: [[MarginBracket]?] = []
    var rowMarks: [Price?] = []
    /// Every row's brackets in one array, and where each row's start and how many: read in
    /// place on the hot path (an array per row is retained and released on every read).
    var bracketStore: [MarginBracket] = []
    var bracketSpans: [(start: Int, count: Int)] = []

    public init(markets: [MarketID: MarketSpec], marks: [MarketID: Price]) {
        self.markets = markets
        self.storedMarks = marks
        rebuild()
    }

    public init(markets: [MarketSpec], marks: [MarketID: Price]) {
        self.init(markets: Dictionary(markets.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }), marks: marks)
    }

    mutating func rebuild() {
        ids = Array(markets.keys) + marks.keys.filter { markets[$0] == nil }
        rowSpecs = ids.map { markets[$0] }
        rowBrackets = rowSpecs.map { $0?.brackets }
        rowMarks = ids.map { marks[$0] }
        bracketStore = []
        bracketSpans = rowBrackets.map { b in
            defer { bracketStore += b ?? [] }
            return (bracketStore.count, b?.count ?? 0)
        }
    }

    /// Sets one market's mark; a market that already has a row (a spec or a mark) is
    /// updated in place, without rebuilding the rows (a trend's projected marks, per
    /// evaluation).
    public mutating func setMark(_ price: Price, for id: MarketID) {
        guard let i = index(id) else { marks[id] = price; return }
        storedMarks[id] = price
        rowMarks[i] = price
    }

    @inline(__always)
    func index(_ id: MarketID) -> Int? {
        var i = 0
        while i < ids.count {
            if ids[i] == id { return i }
            i += 1
        }
        return nil
    }

    /// The market's row and its mark (the hot path of `MarginCalculator.scopeMetrics`);
    /// the same errors as `market` then `mark`.
    @inline(__always)
    func row(_ id: MarketID) throws(MarginError) -> (index: Int, mark: Price) {
        guard let i = index(id), rowBrackets[i] != nil else { throw .unknownMarket(id) }
        guard let mark = rowMarks[i] else { throw .missingMark(id) }
        return (i, mark)
    }

    /// `MarketSpec.bracket(forNotional:)` of the market in row `i` (one with a spec).
    @inline(__always)
    func bracket(row i: Int, forNotional notional: Quote) -> MarginBracket {
        let span = bracketSpans[i]
        return bracketStore.withUnsafeBufferPointer { b in
            var j = span.start
            let last = span.start + span.count - 1
            while j < last, b[j + 1].notionalFloor <= notional { j += 1 }
            return b[j]
        }
    }

    @inline(__always)
    public func market(_ id: MarketID) throws(MarginError) -> MarketSpec {
        guard let i = index(id), let m = rowSpecs[i] else { throw .unknownMarket(id) }
        return m
    }

    @inline(__always)
    public func mark(_ id: MarketID) throws(MarginError) -> Price {
        guard let i = index(id), let p = rowMarks[i] else { throw .missingMark(id) }
        return p
    }
}

/// Runs checked arithmetic, mapping its error into `MarginError`.
@inline(__always)
func arith<T>(_ body: () throws(ArithmeticError) -> T) throws(MarginError) -> T {
    do { return try body() } catch { throw .arithmetic(error) }
}
