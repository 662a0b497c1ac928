/// A configuration or input file value that cannot be used. `field` is the path of the
/// offending value (e.g. "markets[0].brackets[1].maintenanceMarginRate").
public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    public var field: String
    public var reason: String
    public init(field: String, reason: String) { self.field = field; self.reason = reason }
    public var description: String { "\(field): \(reason)" }
}
