import TrancheCore

/// What the shell needs of a role's state machine.
public protocol NodeRole {
    mutating func start(now: Instant) -> [RoleDirective]
    mutating func receive(_ envelope: Envelope, from sender: NodeID, now: Instant) -> [RoleDirective]
    mutating func onWake(now: Instant) -> [RoleDirective]
    /// Whether the message is one of the role's inputs (others are dropped and counted).
    static func accepts(_ envelope: Envelope) -> Bool
    /// Whether the (authenticated) sender may send this message (others are refused).
    static func permits(_ envelope: Envelope, from sender: NodeID) -> Bool
}

extension Coordinator: NodeRole {
    public static func accepts(_ envelope: Envelope) -> Bool { input(envelope.body) != nil }
    public static func permits(_ envelope: Envelope, from sender: NodeID) -> Bool { input(envelope.body).map { authorized($0, from: sender) } ?? false }
}
extension Worker: NodeRole {
    public static func accepts(_ envelope: Envelope) -> Bool { input(envelope) != nil }
    public static func permits(_ envelope: Envelope, from sender: NodeID) -> Bool { input(envelope).map { authorized($0, from: sender) } ?? false }
}
extension Aggregator: NodeRole {
    public static func accepts(_ envelope: Envelope) -> Bool { input(envelope.body) != nil }
    public static func permits(_ envelope: Envelope, from sender: NodeID) -> Bool { input(envelope.body).map { authorized($0, from: sender) } ?? false }
}
extension Venue: NodeRole {
    public static func accepts(_ envelope: Envelope) -> Bool { input(envelope.body) != nil }
    public static func permits(_ envelope: Envelope, from sender: NodeID) -> Bool { input(envelope.body).map { authorized($0, from: sender) } ?? false }
}
