import Foundation
import TrancheCore

/// Events come from every worker through the aggregator, each stamped by its own clock, so
/// they can arrive out of order. The buffer hands an event out once the wall clock is a
/// window past its time (a watermark), in time order (ties in arrival order): events whose
/// delivery and clock skew stay within the window come out sorted (`tranche events`). An
/// event stamped ahead of this clock is handed out after twice the window held, at most.
public struct EventReorderBuffer {
    public let window: TimeInterval
    private var held: [(received: Date, arrival: Int, event: ClusterEvent)] = []
    private var arrivals = 0

    public init(window: TimeInterval) { self.window = window }

    public mutating func add(_ event: ClusterEvent, receivedAt: Date) {
        arrivals += 1
        held.append((receivedAt, arrivals, event))
    }

    /// The events due at `now` (every one when `now` is nil), oldest first.
    public mutating func take(at now: Date?) -> [ClusterEvent] {
        func due(_ h: (received: Date, arrival: Int, event: ClusterEvent)) -> Bool {
            guard let now else { return true }
            let watermark = Int64((now.timeIntervalSince1970 - window) * 1e9)
            return h.event.at.nanoseconds <= watermark || now.timeIntervalSince(h.received) >= 2 * window
        }
        let ready = held.filter(due)
        guard !ready.isEmpty else { return [] }
        held.removeAll(where: due)
        return ready.sorted { ($0.event.at, $0.arrival) < ($1.event.at, $1.arrival) }.map(\.event)
    }
}
