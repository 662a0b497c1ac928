import Foundation
import TrancheCore
import TrancheStore
import TrancheTransport

/// Builds each role's shell: its sockets (bound or connected as `docs/topology.md` shows),
/// how its directives reach them, and its store. Every DEALER's routing id is its
/// `NodeID` text, so a ROUTER answers `envelope.sender` directly.
public enum Nodes {
    /// A socket that binds: a CURVE server (unless insecure) letting in `allow` only, under
    /// its own ZAP domain ("ROLE.NAME").
    static func bound(_ ctx: ZMQContext, _ type: ZMQSocketType, role: String, _ name: String, _ endpoint: String, allow: Set<PeerKind>,
                      security: NodeSecurity, handover: Bool = true) throws -> NodeSocket {
        let s = try ZMQSocket(ctx, type)
        // Bounded frames: a peer cannot make us allocate more than this per message.
        try s.setMaxMessageSize(bytes: maxMessageBytes)
        // Members restarted at once take their identity over; a client's cannot be taken.
        if type == .router { try s.setRouterHandover(handover) }
        try security.configureServer(s, domain: "\(role).\(name)", allow: allow)
        _ = try s.bind(endpoint)
        return NodeSocket(name: name, socket: s, framing: type == .router ? .router : .plain, peer: .authenticated(secure: !security.insecure))
    }

    /// A socket that connects to `server` (a CURVE client of its key, unless insecure),
    /// under this node's identity.
    static func connected(_ ctx: ZMQContext, _ type: ZMQSocketType, _ name: String, _ endpoint: String, server: NodeID, as node: NodeID,
                          security: NodeSecurity) throws -> NodeSocket {
        let s = try ZMQSocket(ctx, type)
        try s.setMaxMessageSize(bytes: maxMessageBytes)
        if type == .dealer { try s.setRoutingID(Array(node.description.utf8)) }
        if type == .sub { try s.subscribe() }
        try security.configureClient(s, server: server)
        try s.connect(endpoint)
        return NodeSocket(name: name, socket: s, framing: .plain, peer: .server(server), broadcast: type == .sub)
    }

    /// The routing id of a reply to `node` on a ROUTER.
    static func identity(_ node: NodeID) -> [UInt8] { NodeSocket.routingID(of: node) }

    /// The largest message any socket accepts (the biggest legitimate ones, status and
    /// fund views, are a few hundred KiB).
    static let maxMessageBytes = 4 << 20

    static func logEvent(_ log: NodeLog) -> (ClusterEvent) -> Void {
        // Refusals (a hostile client's flood) are logged at most once a second at info,
        // with how many were held back; the rest at debug.
        var lastRejected = Date.distantPast
        var heldBack = 0
        return { e in
            guard e.kind != .mark else { return }
            if e.kind == .rejected {
                let now = Date()
                guard now.timeIntervalSince(lastRejected) >= 1 else {
                    heldBack += 1
                    log.debug("event rejected — \(e.detail ?? "")")
                    return
                }
                if heldBack > 0 { log.info("\(heldBack) more rejected event(s) in the last second (at debug)") }
                lastRejected = now
                heldBack = 0
            }
            // A line per client command, per budget, or per tranche (its order, fill or
            // unfilled answer, its fee) at info would drown the rest: those are at debug (the
            // event stream and the metrics count them), and not even formatted below it; a
            // liquidation's course (margin call, takeover, deficit, closed, restored, ...)
            // stays at info.
            let quiet: Bool
            switch e.kind {
            case .command, .budget, .trancheOrder, .fill, .unfilled, .fee: quiet = true
            default: quiet = false
            }
            if quiet && log.logger.logLevel > .debug { return }
            var parts = ["event \(e.kind.rawValue)"]
            if let a = e.account { parts.append("account \(a)") }
            if let m = e.market { parts.append("\(m)") }
            if let s = e.size { parts.append("size \(s)") }
            if let p = e.price { parts.append("price \(p)") }
            if let q = e.amount { parts.append("amount \(q)") }
            if let d = e.detail { parts.append("— \(d)") }
            if quiet { log.debug(parts.joined(separator: " ")) } else { log.info(parts.joined(separator: " ")) }
        }
    }

    // MARK: - Coordinator

    public static func coordinator(_ c: ClusterConfiguration, _ ctx: ZMQContext, _ log: NodeLog, security: NodeSecurity, metrics: NodeMetrics? = nil) throws -> NodeRunner<Coordinator> {
        let dir = URL(fileURLWithPath: c.dataDirectory)
        let store = try SQLiteShardMapStore(directory: dir)
        let map = try store.load()
        if let map, map.shardCount != c.shards {
            throw ConfigurationError(field: "shards", reason: "the data directory holds \(map.shardCount) shards, the configuration says \(c.shards); shards cannot change for a data directory")
        }
        var configuration = c.coordinatorConfiguration
        configuration.openAccess = security.insecure
        let role = Coordinator(configuration: configuration, shardMap: map, grants: try store.loadGrants())
        // The clients the operator granted may connect (their keys, for the ZAP handler).
        security.registry.setClients(Array(role.grants.values))
        enum S: Int, CaseIterable { case clients, workers, control, venue, aggregator }
        let sockets = try S.allCases.map { s -> NodeSocket in
            switch s {
            case .clients: return try bound(ctx, .router, role: "coordinator", "clients", c.endpoints.coordinatorClients, allow: [.client, .operator],
                                            security: security, handover: false)
            case .workers: return try bound(ctx, .router, role: "coordinator", "workers", c.endpoints.coordinatorWorkers, allow: [.worker], security: security)
            case .control: return try connected(ctx, .sub, "control", c.endpoints.aggregatorControl, server: .aggregator, as: .coordinator, security: security)
            case .venue: return try connected(ctx, .dealer, "venue", c.endpoints.venueOrders, server: .venue, as: .coordinator, security: security)
            case .aggregator: return try connected(ctx, .dealer, "aggregator", c.endpoints.aggregatorQueries, server: .aggregator, as: .coordinator, security: security)
            }
        }
        var savedVersion = map?.version ?? 0
        var savedGrants = role.grantsVersion
        let logEvent = logEvent(log)
        return try NodeRunner(role: role, sockets: sockets, route: { to in
            switch to {
            case .client: return (S.clients.rawValue, identity(to))
            case .worker: return (S.workers.rawValue, identity(to))
            case .venue: return (S.venue.rawValue, nil)
            case .aggregator: return (S.aggregator.rawValue, nil)
            case .coordinator: return nil
            }
        }, publishers: [:], log: log, checkpoint: { role in
            var wrote = false
            if role.grantsVersion != savedGrants {
                wrote = true
                try store.saveGrants(role.grants.values.sorted { $0.client < $1.client })
                savedGrants = role.grantsVersion
                // Durable first, then the ZAP handler knows the keys (a revoked key cannot
                // connect again; its open connections are refused by the role).
                security.registry.setClients(Array(role.grants.values))
            }
            guard role.shardMap.version != savedVersion else { return wrote }
            try store.save(role.shardMap)
            savedVersion = role.shardMap.version
            return true
        }, onEvent: { logEvent($0); return nil }, metrics: metrics, sample: { role, m in
            m.gauge("tranche_coordinator_workers_alive", Double(role.workers.values.filter(\.alive).count), help: "Workers alive.")
            m.gauge("tranche_coordinator_pending_requests", Double(role.pendingRequests), help: "Requests routed and not answered yet.")
            for (r, n) in role.commandResults {
                m.advance("tranche_commands_total", labels: [("kind", "\(r.kind)"), ("result", "\(r.code)")], to: n,
                          help: "Client requests answered, by the request's kind and the answer's code (answered here, relayed from the account's owner, or timed out).")
            }
            m.advance("tranche_coordinator_heartbeats_missed_total", to: role.heartbeatsMissed,
                      help: "Liveness checks (one per heartbeat interval) at which a live worker's last heartbeat was more than 1.5 intervals old.")
            m.advance("tranche_coordinator_workers_declared_dead_total", to: role.workersDeclaredDead, help: "Workers declared dead (silent for the liveness period).")
        })
    }

    // MARK: - Worker

    public static func worker(id: String, _ c: ClusterConfiguration, _ ctx: ZMQContext, _ log: NodeLog, security: NodeSecurity, metrics: NodeMetrics? = nil) throws -> (NodeRunner<Worker>, GroupCommitter) {
        let node = NodeID.worker(id)
        let store = try SQLiteShardStore(directory: URL(fileURLWithPath: c.dataDirectory))
        var onCommit: (@Sendable (Swift.Duration, Int) -> Void)?
        if let commitTimes = metrics?.commit { onCommit = { d, _ in commitTimes.record(d) } }
        let committer = try GroupCommitter(store: store, configuration: .init(windowNanoseconds: c.groupCommitWindow.nanoseconds), onCommit: onCommit)
        var workerConfiguration = c.workerConfiguration(id: id)
        workerConfiguration.openAccess = security.insecure
        let role = Worker(configuration: workerConfiguration, markets: c.markets.map(\.market))
        let loaderQueue = DispatchQueue(label: "tranche-shard-loader")
        enum S: Int, CaseIterable { case coordinator, marketData, control, venue, aggregator }
        let sockets = try S.allCases.map { s -> NodeSocket in
            switch s {
            case .coordinator: return try connected(ctx, .dealer, "coordinator", c.endpoints.coordinatorWorkers, server: .coordinator, as: node, security: security)
            case .marketData: return try connected(ctx, .sub, "marketData", c.endpoints.venueMarketData, server: .venue, as: node, security: security)
            case .control: return try connected(ctx, .sub, "control", c.endpoints.aggregatorControl, server: .aggregator, as: node, security: security)
            case .venue: return try connected(ctx, .dealer, "venue", c.endpoints.venueOrders, server: .venue, as: node, security: security)
            // A DEALER, so the aggregator acknowledges money messages to this worker directly.
            case .aggregator: return try connected(ctx, .dealer, "aggregator", c.endpoints.aggregatorQueries, server: .aggregator, as: node, security: security)
            }
        }
        let logEvent = logEvent(log)
        let evaluatedBefore = Box(0)
        let sample: (inout Worker, NodeMetrics) -> Void = { role, m in
            m.gauge("tranche_worker_accounts", Double(role.accountCount), help: "Accounts this worker holds.")
            m.gauge("tranche_worker_liquidating_accounts", Double(role.activeAccounts.count), help: "Accounts in a liquidation.")
            m.gauge("tranche_worker_shards_owned", Double(role.shards.count), help: "Shards this worker owns.")
            m.gauge("tranche_worker_accounts_awaiting_acks", Double(role.accountsAwaitingAcks),
                    help: "Accounts with money messages (outbox) the aggregator has not acknowledged yet.")
            m.gauge("tranche_worker_orders_in_flight", Double(role.ordersInFlight), help: "Tranches and trades at the venue not answered yet.")
            m.gauge("tranche_worker_tranches_awaiting_budget", Double(role.awaitingBudgetCount), help: "Due tranches waiting for their market's liquidation budget.")
            m.advance("tranche_worker_accounts_evaluated_total", to: role.evaluations, help: "Accounts whose margin was evaluated.")
            m.advance("tranche_worker_retransmissions_total", to: role.retransmissions, help: "Messages sent again because their answer did not come in time.")
            let s = committer.statistics
            m.gauge("tranche_store_commit_batches", Double(s.batches), help: "Group-commit batches since start.")
            m.gauge("tranche_store_records_written", Double(s.recordsWritten), help: "Records written since start.")
            m.gauge("tranche_store_queued_records", Double(s.queuedRecords), help: "Records waiting for the group committer.")
        }
        let afterHandling: (inout Worker, MessageKind?, NodeMetrics) -> Void = { role, kind, m in
            // Accounts evaluated per tick: what a mark's handler evaluated.
            let now = role.evaluations
            if kind == .markPrice {
                m.histogram("tranche_worker_accounts_evaluated_per_mark", buckets: [0, 1, 10, 100, 1_000, 10_000, 100_000, 1_000_000],
                            help: "Accounts evaluated while handling one mark price.").record(Double(now - evaluatedBefore.value))
            }
            evaluatedBefore.value = now
        }
        let runner = try NodeRunner(role: role, sockets: sockets, route: { to in
            switch to {
            case .coordinator: return (S.coordinator.rawValue, nil)
            case .venue: return (S.venue.rawValue, nil)
            case .aggregator: return (S.aggregator.rawValue, nil)
            case .worker, .client: return nil
            }
        }, publishers: [:], log: log, persist: { batch, done in
            // One completion for the whole handler: when every shard's batch is durable.
            let remaining = RemainingCounter(batch.count)
            for b in batch {
                committer.submit(shard: b.shard, epoch: b.epoch, records: b.records) { result in
                    if case .failure(let e) = result {
                        log.error("store write of shard \(b.shard) refused: \(e)")
                        remaining.fail(shard: b.shard)
                    }
                    if remaining.decrement() { done(remaining.refused) }
                }
            }
        }, loadShard: ShardLoader(start: { shard, epoch, done in
            // One loader thread: loads do not compete with each other; each decodes on every core.
            loaderQueue.async {
                do {
                    let records = try store.claim(shard: shard, epoch: epoch)
                    log.info("loaded shard \(shard) under epoch \(epoch): \(records.count) accounts")
                    done(records)
                } catch StoreError.staleEpoch(_, let stored, _) {
                    // A newer assignment gave the shard to another worker before this load ran
                    // (workers joining at once): the fence did its job; our next assignment drops it.
                    log.warning("shard \(shard): a newer owner holds it (epoch \(stored) > \(epoch)); waiting for the new assignment")
                    done(nil)
                } catch {
                    log.error("cannot take shard \(shard) under epoch \(epoch): \(error)")
                    done(nil)
                }
            }
        }, apply: { worker, shard, epoch, records, last, now in
            last ? worker.onShardLoaded(shard: shard, epoch: epoch, records: Array(records), now: now)
                 : worker.onShardRecords(shard: shard, epoch: epoch, records: Array(records), now: now)
        }), onRefused: { worker, shards, now in
            worker.onFenced(shards: shards, now: now)
        }, onEvent: { e in
            logEvent(e)
            return .send(to: .aggregator, Envelope(sender: node.description, sentAt: e.at, body: .clusterEvent(Message.ClusterEventMessage(e))))
        }, metrics: metrics, sample: sample, afterHandling: afterHandling)
        return (runner, committer)
    }

    // MARK: - Aggregator

    public static func aggregator(_ c: ClusterConfiguration, _ ctx: ZMQContext, _ log: NodeLog, security: NodeSecurity, metrics: NodeMetrics? = nil) throws -> NodeRunner<Aggregator> {
        let store = try SQLiteLedgerStore(directory: URL(fileURLWithPath: c.dataDirectory))
        var role = try Aggregator(configuration: c.aggregator,
                                  markets: c.markets.map { AggregatorMarket(spec: $0.market, breaker: $0.breaker, recalibration: $0.recalibration) },
                                  now: WallClock.now())
        role.enableJournal()
        role.observing = metrics != nil
        if let state = try store.load(retainedEntries: c.aggregator.retainedLedgerEntries) {
            role.restore(ledger: state.ledger, backstop: state.backstop, delivered: state.delivered, coveredDeficits: state.coveredDeficits,
                         pendingAdl: state.pendingAdl,
                         backstopSequence: state.backstopSequence, nextRequest: state.nextRequest, breakers: state.breakers)
            for b in state.breakers where b.level != .normal { log.warning("breaker \(b.market) resumes \(b.level.rawValue) (\(b.reason), since \(b.since))") }
            log.info("restored the ledger: \(state.ledger.entryCount) entries, fund \(state.ledger.balance(.insuranceFund)), \(state.delivered.count) delivery streams")
        }
        var savedCounters = role.durableCounters
        var savedBackstop = role.backstop
        var savedBreakers = role.breakerSnapshots
        enum S: Int, CaseIterable { case reports, control, queries, marketData, venue, events }
        let sockets = try S.allCases.map { s -> NodeSocket in
            switch s {
            case .reports: return try bound(ctx, .pull, role: "aggregator", "reports", c.endpoints.aggregatorReports, allow: [.worker], security: security)
            case .control: return try bound(ctx, .pub, role: "aggregator", "control", c.endpoints.aggregatorControl, allow: [.worker, .coordinator], security: security)
            case .queries: return try bound(ctx, .router, role: "aggregator", "queries", c.endpoints.aggregatorQueries, allow: [.worker, .coordinator], security: security)
            case .marketData: return try connected(ctx, .sub, "marketData", c.endpoints.venueMarketData, server: .venue, as: .aggregator, security: security)
            case .venue: return try connected(ctx, .dealer, "venue", c.endpoints.venueOrders, server: .venue, as: .aggregator, security: security)
            // Every account's events: the operator's view (and members').
            case .events: return try bound(ctx, .pub, role: "aggregator", "events", c.endpoints.events, allow: [.operator, .coordinator, .worker, .venue], security: security)
            }
        }
        let logEvent = logEvent(log)
        return try NodeRunner(role: role, sockets: sockets, route: { to in
            switch to {
            case .venue: return (S.venue.rawValue, nil)
            case .coordinator, .client, .worker: return (S.queries.rawValue, identity(to))
            case .aggregator: return nil
            }
        }, publishers: [.control: S.control.rawValue, .events: S.events.rawValue], log: log, checkpoint: { role in
            let entries = role.takeJournal()
            let delivered = role.takeDeliveredChanges()
            let counters = role.durableCounters
            let pendingAdl = role.takePendingAdlChange()
            let breakers = role.breakerSnapshots
            let breakersChanged = breakers != savedBreakers
            guard !entries.isEmpty || !delivered.isEmpty || counters != savedCounters || role.backstop != savedBackstop || pendingAdl != nil || breakersChanged else { return false }
            try store.save(AggregatorCheckpoint(entries: entries, delivered: delivered, backstopSequence: counters.backstopSequence,
                                                nextRequest: counters.nextRequest, pendingAdl: pendingAdl, breakers: breakersChanged ? breakers : nil),
                           ledger: role.ledger, backstop: role.backstop)
            savedBreakers = breakers
            savedCounters = counters
            savedBackstop = role.backstop
            return true
        }, onEvent: { e in
            if e.account == nil || e.account == Backstop.accountID { logEvent(e) }
            // Every event of the cluster passes here (workers send theirs to be published).
            if let metrics {
                metrics.count("tranche_events_total", labels: [("kind", e.kind.rawValue)],
                              help: "Cluster events by kind (every worker's and the aggregator's): tranche orders, fills, unfilled tranches, margin calls, takeovers, ADL, ...")
                if e.kind == .budget, let m = e.market, let rate = e.amount {
                    metrics.gauge("tranche_budget_per_second", Double(rate.e6) / 1e6, labels: [("market", m.symbol)],
                                  help: "The market's liquidation budget (notional per second) last granted.")
                }
            }
            return .publish(.events, Envelope(sender: NodeID.aggregator.description, sentAt: e.at, body: .clusterEvent(Message.ClusterEventMessage(e))))
        }, metrics: metrics, sample: { role, m in
            m.gauge("tranche_fund_balance", Double(role.fundBalance.e6) / 1e6, help: "Insurance fund balance (quote).")
            m.gauge("tranche_backstop_positions", Double(role.backstop.positions.count), help: "Positions the backstop holds.")
            m.gauge("tranche_takeovers", Double(role.statistics.takeovers), help: "Positions taken over by the backstop since start.")
            m.gauge("tranche_breaker_trips", Double(role.statistics.breakerTrips), help: "Breaker escalations since start.")
            let slippage = m.histogram("tranche_fill_slippage_bps", buckets: [-50, -10, -5, -1, 0, 1, 5, 10, 25, 50, 100, 250, 500, 1_000],
                                       help: "Each liquidation fill's slippage against the mark at its order, basis points (worse than the mark is positive).")
            for bps in role.takeSlippageObservations() { slippage.record(bps) }
            for b in role.breakerSnapshots {
                let level: Double = b.level == .normal ? 0 : b.level == .throttled ? 1 : 2
                m.gauge("tranche_breaker_level", level, labels: [("market", b.market.symbol)], help: "Breaker level: 0 normal, 1 throttled, 2 halted.")
            }
        })
    }

    // MARK: - Venue

    public static func venue(_ c: ClusterConfiguration, _ ctx: ZMQContext, _ log: NodeLog, security: NodeSecurity, metrics: NodeMetrics? = nil) throws -> NodeRunner<Venue> {
        // The exogenous (index) prices and the answered tranche ids survive a restart: the
        // venue resumes at the same marks, and an order sent again gets its original fill.
        let store = try SQLiteVenueStore(directory: URL(fileURLWithPath: c.dataDirectory))
        var (saved, answered) = try store.load()
        // A data directory from before the store kept its prices in a JSON file.
        let pricesFile = URL(fileURLWithPath: c.dataDirectory).appendingPathComponent("venue-prices.json")
        if saved.isEmpty, let data = FileManager.default.contents(atPath: pricesFile.path) {
            do { saved = Dictionary(uniqueKeysWithValues: try JSONDecoder().decode([String: Price].self, from: data).map { (MarketID($0.key), $0.value) }) } catch {
                throw ConfigurationFile.Failure(description: "\(pricesFile.path): unreadable venue prices: \(error)")
            }
        }
        if !saved.isEmpty {
            log.info("resuming at the saved index prices \(saved.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")), \(answered.count) answered tranches remembered")
        }
        var role = try Venue(markets: c.markets.map { VenueMarket(spec: $0.market, book: $0.venue, markPrice: $0.markPrice,
                                                                  initialPrice: saved[$0.market.id] ?? $0.initialPrice) },
                             publishInterval: c.markInterval, now: WallClock.now())
        role.journaling = true
        role.restore(answered: answered)
        answered = []
        var written = saved
        enum S: Int, CaseIterable { case orders, marketData }
        let sockets = try S.allCases.map { s -> NodeSocket in
            switch s {
            case .orders: return try bound(ctx, .router, role: "venue", "orders", c.endpoints.venueOrders, allow: [.worker, .aggregator, .coordinator], security: security)
            // The operator may watch the marks too (`tranche-loadgen crash` charts them).
            case .marketData: return try bound(ctx, .pub, role: "venue", "marketData", c.endpoints.venueMarketData, allow: [.worker, .aggregator, .coordinator, .operator], security: security)
            }
        }
        return try NodeRunner(role: role, sockets: sockets, route: { to in (S.orders.rawValue, identity(to)) },
                          publishers: [.marketData: S.marketData.rawValue], log: log, checkpoint: { venue in
            var prices: [MarketID: Price] = [:]
            for (m, book) in venue.books where written[m] != book.fairPrice { prices[m] = book.fairPrice }
            let fresh = venue.takeFreshAnswers()
            guard !prices.isEmpty || !fresh.isEmpty else { return false }
            try store.save(prices: prices, answered: fresh)
            for (m, p) in prices { written[m] = p }
            return true
        }, onEvent: { _ in nil }, metrics: metrics, sample: { role, m in
            for (market, book) in role.books {
                m.gauge("tranche_venue_index_price", Double(book.fairPrice.e8) / 1e8, labels: [("market", market.symbol)], help: "The venue's exogenous (index) price.")
            }
            m.advance("tranche_venue_marks_published_total", to: Int(role.marksPublished), help: "Mark prices published.")
        })
    }
}

/// A value the loop's closures share (used on the loop's thread only).
final class Box<T> {
    var value: T
    init(_ value: T) { self.value = value }
}

/// Counts outstanding completions across threads.
final class RemainingCounter: @unchecked Sendable {
    private var count: Int
    private var failed: [Int] = []
    private let lock = NSLock()
    init(_ count: Int) { self.count = count }
    /// True for the call that brings the count to zero.
    func decrement() -> Bool { lock.lock(); defer { lock.unlock() }; count -= 1; return count == 0 }
    func fail(shard: Int) { lock.lock(); failed.append(shard); lock.unlock() }
    /// The shards whose writes were refused (empty: all durable).
    var refused: [Int] { lock.lock(); defer { lock.unlock() }; return failed }
}
