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
public struct MarginContext: Sendable {
    public var markets: [MarketID: MarketSpec]
    public var marks: [MarketID: Price]

    public init(markets: [MarketID: MarketSpec], marks: [MarketID: Price]) {
        self.markets = markets
        self.marks = marks
    }

    public init(markets: [MarketSpec], marks: [MarketID: Price]) {
        self.markets = Dictionary(markets.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.marks = marks
    }

    @inline(__always)
    public func market(_ id: MarketID) throws(MarginError) -> MarketSpec {
        guard let m = markets[id] else { throw .unknownMarket(id) }
        return m
    }

    @inline(__always)
    public func mark(_ id: MarketID) throws(MarginError) -> Price {
        guard let p = marks[id] else { throw .missingMark(id) }
        return p
    }
}

/// Runs checked arithmetic, mapping its error into `MarginError`.
@inline(__always)
func arith<T>(_ body: () throws(ArithmeticError) -> T) throws(MarginError) -> T {
    do { return try body() } catch { throw .arithmetic(error) }
}
