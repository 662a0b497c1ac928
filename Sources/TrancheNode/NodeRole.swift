import TrancheCore

/// What the shell needs of a role's state machine.
public protocol NodeRole {
    mutating func start(now: Instant) -> [RoleDirective]
    mutating func receive(_ envelope: Envelope, from sender: NodeID, now: Instant) -> [RoleDirective]
    mutating func onWake(now: Instant) -> [RoleDirective]
    /// Whether the message is one of the role's inputs (others are dropped and counted).
    static func accepts(_ envelope: Envelope) -> Bool
}

extension Coordinator: NodeRole {
    public static func accepts(_ envelope: Envelope) -> Bool { input(envelope.body) != nil }
}
extension Worker: NodeRole {
    public static func accepts(_ envelope: Envelope) -> Bool { input(envelope) != nil }
}
extension Aggregator: NodeRole {
    public static func accepts(_ envelope: Envelope) -> Bool { input(envelope.body) != nil }
}
extension Venue: NodeRole {
    public static func accepts(_ envelope: Envelope) -> Bool { input(envelope.body) != nil }
}
