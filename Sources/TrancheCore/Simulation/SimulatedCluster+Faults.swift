/// Faults of the in-memory network between roles, drawn from a seeded generator.
public struct NetworkFaults: Sendable, Equatable {
    /// Probability that a message between two roles is lost.
    public var dropRate: Double
    /// Probability that it is delivered twice.
    public var duplicateRate: Double
    /// Extra delay, uniform in [0, this), on top of the latency: messages overtake each other.
    public var maxExtraDelay: Duration

    public init(dropRate: Double = 0, duplicateRate: Double = 0, maxExtraDelay: Duration = .zero) {
        self.dropRate = dropRate
        self.duplicateRate = duplicateRate
        self.maxExtraDelay = maxExtraDelay
    }
}

/// What the faults did in one run.
public struct FaultCounts: Sendable, Equatable {
    public var dropped = 0
    public var duplicated = 0
    public var delayed = 0
    public var partitionDrops = 0
    /// Messages dropped with a handler whose store write was refused (stale epoch).
    public var fencedMessages = 0
    public var crashes = 0
    public var restarts = 0
}

/// The aggregator's durable state, as its store keeps it.
struct AggregatorDurable: Sendable {
    var ledger: Ledger
    var backstop: Account
    var delivered: [AccountID: UInt64]
    var coveredDeficits: [AccountID: Quote]
    var pendingAdl: [Message.AdlInstruction]
    var backstopSequence: UInt64
    var nextRequest: UInt64
    var breakers: [CascadeBreaker.Snapshot]
}

extension SimulatedCluster {
    /// Turns network faults on (or off with nil), drawing from `seed`.
    public mutating func setFaults(_ f: NetworkFaults?, seed: UInt64) {
        faults = f
        faultRandom = SeededGenerator(seed: seed)
        venue.journaling = f != nil
        if f != nil {
            checkpoint(.aggregator)
            checkpoint(.coordinator)
            checkpoint(.venue)
        }
    }

    /// Cuts a role off from every other role (nil heals every partition).
    public mutating func partition(_ node: NodeID?) {
        if let node { partitioned.insert(node) } else { partitioned.removeAll() }
    }

    /// What a role's process has made durable after a handler: for the single-instance
    /// roles, what their store holds (workers persist records through `.persist`).
    mutating func checkpoint(_ node: NodeID) {
        switch node {
        case .aggregator:
            let c = aggregator.durableCounters
            durableAggregator = AggregatorDurable(ledger: aggregator.ledger, backstop: aggregator.backstop, delivered: aggregator.delivered,
                                                  coveredDeficits: aggregator.coveredDeficits,
                                                  pendingAdl: aggregator.pendingAdl.keys.sorted().map { aggregator.pendingAdl[$0]!.instruction },
                                                  backstopSequence: c.backstopSequence, nextRequest: c.nextRequest, breakers: aggregator.breakerSnapshots)
        case .coordinator:
            durableShardMap = coordinator.shardMap
        case .venue:
            for (m, b) in venue.books { durablePrices[m] = b.fairPrice }
            durableAnswers += venue.takeFreshAnswers()
            if durableAnswers.count > 2 * Venue.answeredPerGeneration { durableAnswers.removeFirst(durableAnswers.count - 2 * Venue.answeredPerGeneration) }
        case .worker, .client:
            return
        }
    }

    /// Kills a role's process (`kill -9`): its memory is gone, messages to it are lost.
    public mutating func crash(_ node: NodeID) {
        faultCounts.crashes += 1
        switch node {
        case .worker(let id): down.insert(id)
        case .client: return
        case .venue, .aggregator, .coordinator: rolesDown.insert(node)
        }
    }

    /// Starts a fresh process for a crashed role from what it made durable.
    public mutating func restart(_ node: NodeID, _ sink: (ClusterEvent) -> Void = { _ in }) throws {
        faultCounts.restarts += 1
        switch node {
        case .worker(let id):
            restart(worker: id, sink)
        case .client:
            return
        case .aggregator:
            rolesDown.remove(node)
            var a = initialAggregator
            if let d = durableAggregator {
                a.restore(ledger: d.ledger, backstop: d.backstop, delivered: d.delivered, coveredDeficits: d.coveredDeficits, pendingAdl: d.pendingAdl,
                          backstopSequence: d.backstopSequence, nextRequest: d.nextRequest, breakers: d.breakers)
            }
            aggregator = a
            apply(aggregator.start(now: now), from: node, sink)
        case .coordinator:
            rolesDown.remove(node)
            coordinator = Coordinator(configuration: initialCoordinator.configuration, shardMap: durableShardMap ?? initialCoordinator.shardMap)
            apply(coordinator.start(now: now), from: node, sink)
        case .venue:
            rolesDown.remove(node)
            let markets = venue.markets.values.sorted { $0.spec.id < $1.spec.id }.map { m -> VenueMarket in
                var m = m
                m.initialPrice = durablePrices[m.spec.id] ?? m.initialPrice
                return m
            }
            venue = try Venue(markets: markets, publishInterval: venue.publishInterval, now: now)
            venue.journaling = faults != nil
            venue.restore(answered: durableAnswers)
            apply(venue.start(now: now), from: node, sink)
        }
        if faults != nil { checkpoint(node) }
    }
}
