/// Why the venue book refused an input.
public enum VenueError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The book's configuration is invalid.
    case configuration(ConfigurationError)
    /// Fair prices must be positive and at most `VenueBook.maxFairPrice`.
    case invalidFairPrice(Price)
    /// Order sizes must be positive.
    case invalidSize(Size)
    /// Limit prices must be positive.
    case invalidLimit(Price)
    case arithmetic(ArithmeticError)

    public var description: String {
        switch self {
        case .configuration(let e): return e.description
        case .invalidFairPrice(let p): return "fair price \(p) is not in (0, \(VenueBook.maxFairPrice)]"
        case .invalidSize(let s): return "order size \(s) must be positive"
        case .invalidLimit(let p): return "limit price \(p) must be positive"
        case .arithmetic(let e): return e.description
        }
    }
}
