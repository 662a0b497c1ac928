/// Options of one simulation run.
public struct SimulationOptions: Sendable {
    public var policy: PolicyKind
    /// Overrides the scenario's worker count (the results must not depend on it).
    public var workers: Int?
    /// Collect events for the caller (`--events`); off, only the summary is computed.
    public var recordEvents: Bool

    public init(policy: PolicyKind = .stepwise, workers: Int? = nil, recordEvents: Bool = false) {
        self.policy = policy
        self.workers = workers
        self.recordEvents = recordEvents
    }
}

/// Runs a scenario through the four roles wired over an in-memory network, in one
/// process, deterministically.
public enum Simulator {
    /// Runs `scenario` and returns its summary. With `options.recordEvents`, `events` is
    /// called with every event in a canonical order (time, then account, then emission
    /// order within the account), so the same scenario and seed give the same sequence
    /// whatever the worker count.
    public static func run(_ scenario: Scenario, options: SimulationOptions, events: (ClusterEvent) -> Void = { _ in }) throws -> SimulationSummary {
        throw ConfigurationError(field: "simulator", reason: "not implemented yet")
    }
}
