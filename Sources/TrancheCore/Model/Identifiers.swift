/// A trader account. Numeric so that hashing to shards and indexing stay cheap.
public struct AccountID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public static func < (a: AccountID, b: AccountID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { String(rawValue) }
    public init(from decoder: Decoder) throws { rawValue = try decoder.singleValueContainer().decode(UInt64.self) }
    public func encode(to encoder: Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(rawValue) }
}

/// A market's symbol, e.g. "BTC-PERP".
public struct MarketID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var symbol: String
    public init(_ symbol: String) { self.symbol = symbol }
    public init(stringLiteral value: String) { symbol = value }
    public static func < (a: MarketID, b: MarketID) -> Bool { a.symbol < b.symbol }
    public var description: String { symbol }
    public init(from decoder: Decoder) throws { symbol = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(symbol) }
}

/// Direction of a position or an order.
public enum Side: String, Sendable, Codable, Hashable, CaseIterable {
    case long, short
    public var opposite: Side { self == .long ? .short : .long }
}

/// Time in the core is a parameter, never read from a clock: nanoseconds since an epoch
/// chosen by the shell (Unix epoch in processes, zero in simulations).
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }
    public static func seconds(_ s: Int64) -> Instant { Instant(nanoseconds: s &* 1_000_000_000) }
    public static let zero = Instant(nanoseconds: 0)
    public static func < (a: Instant, b: Instant) -> Bool { a.nanoseconds < b.nanoseconds }
    public static func + (a: Instant, d: Duration) -> Instant { Instant(nanoseconds: a.nanoseconds &+ d.nanoseconds) }
    public static func - (a: Instant, b: Instant) -> Duration { Duration(nanoseconds: a.nanoseconds &- b.nanoseconds) }
    public var description: String { "t=\(FixedDecimal.format(nanoseconds, decimals: 9))s" }
}

/// A span of time in nanoseconds (the core's own type, independent of Swift.Duration so
/// that it is trivially Codable and integer-exact).
public struct Duration: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }
    public static func seconds(_ s: Int64) -> Duration { Duration(nanoseconds: s &* 1_000_000_000) }
    public static func milliseconds(_ ms: Int64) -> Duration { Duration(nanoseconds: ms &* 1_000_000) }
    public static func microseconds(_ us: Int64) -> Duration { Duration(nanoseconds: us &* 1_000) }
    public static let zero = Duration(nanoseconds: 0)
    public static func < (a: Duration, b: Duration) -> Bool { a.nanoseconds < b.nanoseconds }
    public var seconds: Double { Double(nanoseconds) / 1e9 }
    public var description: String { "\(FixedDecimal.format(nanoseconds, decimals: 9))s" }
    /// For people: "10 s", "0.25 s" (no trailing zeros).
    public var shortDescription: String { FixedDecimal.format(nanoseconds, decimals: 9) + " s" }
}

extension Duration: Codable {
    /// JSON form: seconds as a decimal ("2.5" or 2.5), exact to the nanosecond.
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text: String
        if let s = try? c.decode(String.self) { text = s }
        else if let i = try? c.decode(Int64.self) { text = String(i) }
        else { text = String(try c.decode(Double.self)) }
        do { nanoseconds = try FixedDecimal.parse(text, decimals: 9) } catch {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "seconds: \(error.description)")
        }
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(FixedDecimal.format(nanoseconds, decimals: 9))
    }
}

extension Instant: Codable {
    /// JSON form: seconds since the epoch as an exact decimal string ("61.000999999").
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text: String
        if let s = try? c.decode(String.self) { text = s } else { text = String(try c.decode(Int64.self)) }
        do { nanoseconds = try FixedDecimal.parse(text, decimals: 9) } catch {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "seconds: \(error.description)")
        }
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(FixedDecimal.format(nanoseconds, decimals: 9))
    }
}
