import TrancheCore

/// What the shell needs of a role's state machine.
public protocol NodeRole {
    mutating func start(now: Instant) -> [RoleDirective]
    mutating func receive(_ envelope: Envelope, from sender: NodeID, now: Instant) -> [RoleDirective]
    mutating func onWake(now: Instant) -> [RoleDirective]
}

extension Coordinator: NodeRole {}
extension Worker: NodeRole {}
extension Aggregator: NodeRole {}
extension Venue: NodeRole {}
