/// Settings of one run of the deterministic fault simulation.
public struct FaultSimulationSettings: Sendable, Equatable {
    /// Everything random in the run (faults, crashes, client commands) comes from it.
    public var seed: UInt64
    /// Accounts that only deposit and withdraw: their balance must equal exactly what
    /// their acknowledged commands say.
    public var savers: Int = 6
    /// How long faults are injected (from the start of the price path).
    public var faultPhase: Duration = .seconds(40)
    /// Then: a perfect network, every role up, until everything settles.
    public var healPhase: Duration = .seconds(60)
    public var network = NetworkFaults(dropRate: 0.05, duplicateRate: 0.03, maxExtraDelay: .milliseconds(30))
    /// Mean time between role crashes during the fault phase (exponential).
    public var meanTimeBetweenCrashes: Duration = .seconds(6)
    /// Mean time between partitions of one worker (exponential), each lasting 1–6 s.
    public var meanTimeBetweenPartitions: Duration = .seconds(12)
    /// How often each saver may send a command (when none of its own is outstanding).
    public var commandInterval: Duration = .milliseconds(200)
    /// A client retries a command not answered in this time, under the same request id.
    public var clientRetry: Duration = .seconds(1)
    /// Log every command, answer and event of this account (replaying a failure).
    public var traceAccount: AccountID?
    /// Overrides the workers' retransmission interval (a test shows the checks catch what
    /// happens without retransmission).
    public var workerRetransmit: Duration?

    public init(seed: UInt64) { self.seed = seed }
}

/// What one run found: the invariants broken (empty: none) and what was injected.
public struct FaultSimulationReport: Sendable, Equatable {
    public var seed: UInt64
    public var violations: [String] = []
    public var commandsSent = 0
    public var commandsAcknowledged = 0
    public var clientRetries = 0
    public var faults = FaultCounts()
    public var deliveries = 0
    public var fills = 0
    public var takeovers = 0
    /// Counterparty closes by auto-deleveraging.
    public var adlCloses = 0
    public var checks = 0
    public var passed: Bool { violations.isEmpty }
    public init(seed: UInt64) { self.seed = seed }
}

/// The whole cluster under faults, deterministically: the exact role state machines over
/// the in-memory network, which drops, delays, duplicates and reorders messages between
/// roles and partitions workers; every role crashes and restarts from what it made
/// durable (memory lost). Savers deposit and withdraw through a client that retries
/// under the same request id; a scenario's price path liquidates its accounts meanwhile.
/// After every step the invariants that must hold at all times are checked; after a heal
/// phase (perfect network, every role up) the ones that hold once things settle.
public enum FaultSimulation {
    /// The command that replays one seed.
    public static func replay(seed: UInt64, scenario: String) -> String {
        "tranche faults \(scenario) --seed \(seed) --verbose"
    }

    struct Outstanding {
        var account: AccountID
        var body: MessageBody
        var requestID: UInt64
        var sentAt: Instant
        /// Deposit (+) or withdrawal (−), micro-units.
        var deltaE6: Int64
    }

    public static func run(_ original: Scenario, settings: FaultSimulationSettings, log: (String) -> Void = { _ in }) throws -> FaultSimulationReport {
        var scenario = original
        scenario.seed = settings.seed
        try scenario.validate()
        var report = FaultSimulationReport(seed: settings.seed)
        var rng = SeededGenerator(seed: settings.seed ^ 0xFA17_5EED)
        let (paths, accounts) = try Simulator.inputs(scenario)
        var cluster = try Simulator.build(scenario, workers: scenario.workers, policy: .stepwise) { c in
            if let r = settings.workerRetransmit { c.retransmitInterval = r }
        }

        // Invariants watched on the event stream: a tranche id is filled at most once; the
        // counterparties never close more by ADL than the rounds matched (an instruction
        // applied twice would).
        var fillsByTranche: [TrancheID: Int] = [:]
        var adlMatchedE8: Int64 = 0, adlClosedByCounterpartiesE8: Int64 = 0, adlCloses = 0
        var violations: [String] = []
        func violate(_ s: String) {
            if violations.count < 20 { violations.append(s) }
        }
        let trace = settings.traceAccount
        let sink: (ClusterEvent) -> Void = { e in
            if let a = trace, e.account == a { log("\(e.at): event \(e.kind.rawValue) \(e.detail ?? "") \(e.amount.map { "\($0)" } ?? "")") }
            switch e.kind {
            case .adl:
                let d = e.detail ?? ""
                if d.hasPrefix("deleveraged against bankrupt account") { adlClosedByCounterpartiesE8 += e.size?.e8 ?? 0; adlCloses += 1 }
                else if d.contains("counterparties") { adlMatchedE8 += e.size?.e8 ?? 0 }
            case .fill:
                if let a = e.account, a != Backstop.accountID, let m = e.market, let t = e.tranche {
                    let id = TrancheID(account: a, market: m, sequence: t)
                    fillsByTranche[id, default: 0] += 1
                    if fillsByTranche[id] == 2 { violate("tranche \(id) filled twice (at \(e.at))") }
                }
            default: break
            }
        }

        cluster.start(sink)
        cluster.run(until: Simulator.setupAt, sink)
        var correlation: UInt64 = 0
        try Simulator.open(accounts, in: &cluster, client: "setup", correlation: &correlation)
        let firstSaver = (accounts.map(\.id.rawValue).max() ?? 0) + 1
        let savers = (0..<settings.savers).map { AccountID(firstSaver + UInt64($0)) }
        for s in savers {
            correlation += 1
            cluster.clientSend("setup", .openAccount(Message.OpenAccount(account: s, initialCollateral: .zero)), correlation: correlation)
        }
        cluster.run(until: Instant(nanoseconds: Simulator.pathStart.nanoseconds - 1), sink)
        let setupFailures = (cluster.clientInbox["setup"] ?? []).filter { if case .commandReply(let r) = $0.body { return r.errorCode != .ok }; return true }
        if !setupFailures.isEmpty { throw ConfigurationError(field: "accounts", reason: "\(setupFailures.count) setup commands were refused") }

        cluster.setFaults(settings.network, seed: settings.seed)
        let roles: [NodeID] = [.venue, .aggregator, .coordinator] + cluster.workers.keys.sorted().map { .worker($0) }
        let workerIDs = cluster.workers.keys.sorted()
        func exponential(_ mean: Duration) -> Duration {
            Duration(nanoseconds: Int64(-Elementary.log(max(rng.nextUnit(), 1e-12)) * Double(mean.nanoseconds)))
        }
        let faultEnd = Simulator.pathStart + settings.faultPhase
        var nextCrash = Simulator.pathStart + exponential(settings.meanTimeBetweenCrashes)
        var nextPartition = Simulator.pathStart + exponential(settings.meanTimeBetweenPartitions)
        var restartAt: [NodeID: Instant] = [:]
        var partitionEnds: Instant?

        // The savers' client: one command at a time per account, retried under its id.
        var outstanding: [UInt64: Outstanding] = [:]  // by correlation
        var acknowledgedE6: [AccountID: Int64] = [:]
        var nextCommandAt = Simulator.pathStart
        var requestCounter: UInt64 = 0
        /// Sends a command again under its request id (a new correlation).
        func resend(_ o: Outstanding, now: Instant) {
            var again = o
            again.sentAt = now
            correlation += 1
            outstanding[correlation] = again
            report.clientRetries += 1
            cluster.clientSend("saver", o.body, correlation: correlation, requestID: o.requestID)
        }
        func serviceClient(now: Instant, sendNew: Bool) {
            // Answers.
            for e in cluster.clientInbox["saver"] ?? [] {
                guard let o = outstanding[e.correlationID], case .commandReply(let r) = e.body else { continue }
                outstanding[e.correlationID] = nil
                if o.account == trace { log("\(now): answer \(r.errorCode) to request \(o.requestID) (\(o.deltaE6)), collateral \(r.account.map { "\($0.collateral)" } ?? "-")") }
                switch r.errorCode {
                case .ok:
                    report.commandsAcknowledged += 1
                    acknowledgedE6[o.account, default: 0] += o.deltaE6
                case .unavailable, .notOwner, .busy, .timeout:
                    resend(o, now: now)
                default:
                    break  // refused: nothing applied (e.g. a withdrawal beyond the balance)
                }
            }
            cluster.clearInbox("saver")
            // Unanswered: sent again, same id.
            for (c, o) in outstanding.sorted(by: { $0.key < $1.key }) where now - o.sentAt >= settings.clientRetry {
                outstanding[c] = nil
                resend(o, now: now)
            }
            guard sendNew, now >= nextCommandAt else { return }
            nextCommandAt = now + settings.commandInterval
            let busy = Set(outstanding.values.map(\.account))
            for s in savers where !busy.contains(s) && rng.nextUnit() < 0.5 {
                let amount = Int64(1 + rng.next() % 1_000) * 1_000_000
                let withdraw = rng.nextUnit() < 0.3
                let body: MessageBody = withdraw ? .withdraw(Message.Withdraw(account: s, amount: Quote(e6: amount))) : .deposit(Message.Deposit(account: s, amount: Quote(e6: amount)))
                requestCounter += 1
                correlation += 1
                outstanding[correlation] = Outstanding(account: s, body: body, requestID: requestCounter, sentAt: now,
                                                       deltaE6: withdraw ? -amount : amount)
                report.commandsSent += 1
                if s == trace { log("\(now): send request \(requestCounter) \(withdraw ? "withdraw" : "deposit") \(Quote(e6: amount))") }
                cluster.clientSend("saver", body, correlation: correlation, requestID: requestCounter)
            }
        }

        func checkAlways(_ where_: String) {
            report.checks += 1
            if !cluster.rolesDown.contains(.aggregator), !cluster.aggregator.ledger.isConserved { violate("\(where_): the ledger is not conserved") }
            for s in 0..<scenario.shards {
                let epoch = cluster.storeEpochs[s] ?? 0
                let acting = cluster.workers.filter { !cluster.down.contains($0.key) && $0.value.shards[s] == epoch && !$0.value.loading.contains(s) }.map(\.key)
                if acting.count > 1 { violate("\(where_): shard \(s) has \(acting.count) acting owners \(acting.sorted()) under epoch \(epoch)") }
            }
        }

        let steps = paths.values.map(\.count).max() ?? 1
        let step = scenario.markInterval
        var t = Simulator.pathStart
        let end = faultEnd + settings.healPhase
        var k = 0
        while t < end {
            // Exogenous prices (the path, then its last value).
            k += 1
            if k < steps {
                for m in scenario.markets {
                    let path = paths[m.market.id]!
                    cluster.inject(.setPrice(Message.SetPrice(market: m.market.id, price: path[min(k, path.count - 1)])), to: .venue)
                }
            }
            // Faults.
            if t < faultEnd {
                if t >= nextCrash {
                    nextCrash = t + exponential(settings.meanTimeBetweenCrashes)
                    let candidates = roles.filter { restartAt[$0] == nil }
                    if !candidates.isEmpty {
                        let victim = candidates[Int(rng.next() % UInt64(candidates.count))]
                        cluster.crash(victim)
                        // At once (a supervisor), within the liveness, or well past it.
                        let delays: [Duration] = [.milliseconds(10), .seconds(1), .seconds(8)]
                        restartAt[victim] = t + delays[Int(rng.next() % 3)]
                        log("\(t): crash \(victim), restart at \(restartAt[victim]!)")
                    }
                }
                if partitionEnds == nil, t >= nextPartition, !workerIDs.isEmpty {
                    let w = NodeID.worker(workerIDs[Int(rng.next() % UInt64(workerIDs.count))])
                    cluster.partition(w)
                    partitionEnds = t + Duration(nanoseconds: Int64(1 + rng.next() % 6) * 1_000_000_000)
                    nextPartition = partitionEnds! + exponential(settings.meanTimeBetweenPartitions)
                    log("\(t): partition \(w) until \(partitionEnds!)")
                }
            } else if cluster.faults != nil {
                // Heal: a perfect network, every role up.
                cluster.setFaults(nil, seed: 0)
                cluster.partition(nil)
                partitionEnds = nil
                for r in restartAt.keys.sorted() { try cluster.restart(r, sink) }
                restartAt.removeAll()
                log("\(t): healed")
            }
            if let p = partitionEnds, t >= p { cluster.partition(nil); partitionEnds = nil }
            for (r, at) in restartAt.sorted(by: { $0.key < $1.key }) where t >= at {
                try cluster.restart(r, sink)
                restartAt[r] = nil
                log("\(t): restarted \(r)")
            }
            // The client, then the cluster, in small slices so the checks see every step.
            let sliceEnd = t + step
            var u = t
            while u < sliceEnd {
                serviceClient(now: u, sendNew: u < faultEnd)
                u = u + .milliseconds(100)
                cluster.run(until: min(u, sliceEnd), sink)
                checkAlways("at \(cluster.now)")
            }
            t = sliceEnd
        }
        // Settle: money messages still travelling at the end of the heal (liquidations go
        // on) are given up to 20 s more to be acknowledged before the final checks.
        var settle = 0
        while settle < 200, cluster.currentRecords(shardCount: scenario.shards).contains(where: { !$0.outbox.isEmpty }) {
            settle += 1
            cluster.run(until: cluster.now + .milliseconds(100), sink)
            serviceClient(now: cluster.now, sendNew: false)
        }
        cluster.flushEvents(sink)
        serviceClient(now: cluster.now, sendNew: false)

        // After the heal: everything settled.
        if !outstanding.isEmpty {
            violate("\(outstanding.count) client command(s) never acknowledged after the heal, e.g. \(outstanding.values.first!.body.kind) on \(outstanding.values.first!.account)")
        }
        let records = cluster.currentRecords(shardCount: scenario.shards)
        let byID = Dictionary(records.map { ($0.account.id, $0) }, uniquingKeysWith: { a, _ in a })
        for s in savers {
            let expected = acknowledgedE6[s] ?? 0
            let held = byID[s]?.account.collateral.e6 ?? -1
            if held != expected { violate("saver \(s): collateral \(Quote(e6: held)) ≠ acknowledged deposits − withdrawals \(Quote(e6: expected))") }
        }
        let ledger = cluster.aggregator.ledger
        if !ledger.isConserved { violate("end: the ledger is not conserved") }
        for r in records {
            let held = (try? r.account.heldBalance())?.e6
            let booked = ledger.balance(.trader(r.account.id)).e6
            if held != booked { violate("account \(r.account.id): worker holds \(held.map { "\(Quote(e6: $0))" } ?? "?") but the ledger says \(Quote(e6: booked))") }
            if !r.outbox.isEmpty {
                let s = ShardMath.shard(of: r.account.id, shardCount: scenario.shards)
                let owner = cluster.coordinator.shardMap.owner(of: s)
                let w = owner.flatMap { cluster.workers[$0.worker] }
                violate("account \(r.account.id): money messages \(r.outbox.map(\.sequence)) never acknowledged (aggregator applied up to \(cluster.aggregator.delivered[r.account.id] ?? 0); shard \(s) owner \(owner.map { "\($0.worker)@\($0.epoch)" } ?? "none"), worker holds it under \(w?.shards[s].map { "\($0)" } ?? "nothing")\(w?.loading.contains(s) == true ? ", loading" : ""), store epoch \(cluster.storeEpochs[s] ?? 0))")
            }
            if let f = r.inFlight.first {
                violate("account \(r.account.id): tranche \(f.id) still in flight after the heal (\(f.awaitingDecision ? "awaiting the bankruptcy decision" : "at the venue"), size \(f.size), ADL-filled \(f.adlFilled))")
            }
        }
        if !cluster.aggregator.pendingAdl.isEmpty { violate("end: \(cluster.aggregator.pendingAdl.count) ADL instruction(s) never applied") }
        if adlClosedByCounterpartiesE8 > adlMatchedE8 {
            violate("end: counterparties closed \(Size(e8: adlClosedByCounterpartiesE8)) by ADL, more than the \(Size(e8: adlMatchedE8)) the rounds matched")
        }
        if ledger.balance(.trader(Backstop.accountID)) != cluster.aggregator.backstop.collateral { violate("end: the backstop's collateral ≠ its ledger balance") }
        for s in 0..<scenario.shards {
            guard let o = cluster.coordinator.shardMap.owner(of: s) else { violate("end: shard \(s) has no owner"); continue }
            guard let w = cluster.workers[o.worker], !cluster.down.contains(o.worker), w.shards[s] != nil, !w.loading.contains(s) else {
                violate("end: shard \(s) is assigned to \(o.worker), which does not serve it")
                continue
            }
        }
        report.violations = violations
        report.faults = cluster.faultCounts
        report.deliveries = cluster.delivered
        report.fills = fillsByTranche.count
        report.takeovers = cluster.aggregator.statistics.takeovers
        report.adlCloses = adlCloses
        return report
    }
}
