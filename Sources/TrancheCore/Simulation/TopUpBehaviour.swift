/// Traders who answer a falling margin with a deposit: what a grace window is for. Off by
/// default (`share` 0), so a scenario without the key runs as before.
///
/// The behaviour does not depend on the policy: a trader watches its own account, not the
/// cluster's messages. When its cross equity falls below `warningMarginRatio` ×
/// maintenance (1.25 by default: Binance's margin-call warning, sent when the margin ratio
/// maintenance / equity reaches 80 %), it deposits `delay` later, enough to bring equity
/// back to `restoreMarginRatio` × maintenance at the marks of that moment, provided its
/// account still holds a cross position then. Under all-or-nothing a deposit that arrives
/// after the close finds nothing to save; under stepwise the grace window and the tranches
/// so far leave it something. `share` of the accounts, drawn from the scenario's seed,
/// behave so; the others never top up. Isolated positions are not topped up (the cluster
/// has no command that adds isolated margin). A trader tops up at most `maxTopUps` times.
public struct TopUpBehaviour: Sendable, Codable, Equatable {
    /// Fraction of the accounts that top up, in [0, 1].
    public var share: Double = 0
    /// Time from the warning to the deposit reaching the cluster.
    public var delay: Duration = .seconds(30)
    /// Equity / maintenance below which the trader acts (> 0).
    public var warningMarginRatio: Rate = Rate(ppm: 1_250_000)
    /// Equity / maintenance the deposit restores (≥ the warning level, ≤ 100).
    public var restoreMarginRatio: Rate = Rate(ppm: 2_000_000)
    /// Deposits per trader at most (≥ 1).
    public var maxTopUps: Int = 1

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable { case share, delay, warningMarginRatio, restoreMarginRatio, maxTopUps }
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = TopUpBehaviour()
        share = try c.decode(.share, default: d.share)
        delay = try c.decode(.delay, default: d.delay)
        warningMarginRatio = try c.decode(.warningMarginRatio, default: d.warningMarginRatio)
        restoreMarginRatio = try c.decode(.restoreMarginRatio, default: d.restoreMarginRatio)
        maxTopUps = try c.decode(.maxTopUps, default: d.maxTopUps)
    }

    public var isEnabled: Bool { share > 0 }

    public func validate(field: String) throws(ConfigurationError) {
        if !(share >= 0 && share <= 1) { throw ConfigurationError(field: "\(field).share", reason: "must be in [0, 1], got \(share)") }
        if delay.nanoseconds < 0 { throw ConfigurationError(field: "\(field).delay", reason: "must not be negative") }
        if warningMarginRatio.ppm <= 0 { throw ConfigurationError(field: "\(field).warningMarginRatio", reason: "must be positive") }
        if restoreMarginRatio < warningMarginRatio || restoreMarginRatio.ppm > 100 * Precision.rateScale {
            throw ConfigurationError(field: "\(field).restoreMarginRatio", reason: "must be in [warningMarginRatio, 100], got \(restoreMarginRatio)")
        }
        if maxTopUps < 1 { throw ConfigurationError(field: "\(field).maxTopUps", reason: "must be at least 1") }
    }
}

/// The traders of a run who top up (`TopUpBehaviour`), driven by the simulator once per
/// mark interval: they look at their accounts as the cluster holds them and send deposits
/// through a client of the cluster, as a trader's own client would.
struct TopUpTraders {
    static let client = "traders"
    let behaviour: TopUpBehaviour
    let specs: [MarketSpec]
    /// The accounts that top up, and how often each has.
    private(set) var done: [AccountID: Int]
    /// Deposits decided and not yet sent, in the order they fall due.
    private var due: [(at: Instant, account: AccountID)] = []
    private var waiting: Set<AccountID> = []
    /// Amount of each deposit sent, by correlation id (to count what was accepted).
    private(set) var sent: [UInt64: Quote] = [:]

    init(_ behaviour: TopUpBehaviour, accounts: [Account], specs: [MarketSpec], seed: UInt64) {
        self.behaviour = behaviour
        self.specs = specs
        var rng = SeededGenerator(seed: seed ^ 0x544F_505F_5550_5321)
        var chosen: [AccountID: Int] = [:]
        for a in accounts.sorted(by: { $0.id < $1.id }) where rng.nextUnit() < behaviour.share { chosen[a.id] = 0 }
        done = chosen
    }

    /// Looks at every topping-up account at `now` and sends the deposits that are due.
    mutating func step(at now: Instant, cluster: inout SimulatedCluster, correlation: inout UInt64) {
        let marks = Dictionary(specs.compactMap { s in cluster.venue.mark(s.id, now: now).map { (s.id, $0) } }, uniquingKeysWith: { a, _ in a })
        let context = MarginContext(markets: specs, marks: marks)
        let tables = cluster.recordTables()
        func record(_ id: AccountID) -> AccountRecord? {
            for t in tables { if let r = t[id] { return r } }
            return nil
        }
        for (id, count) in done where count < behaviour.maxTopUps && !waiting.contains(id) {
            guard let r = record(id), let m = try? MarginCalculator.scopeMetrics(r.account, .cross, context),
                  m.maintenance.isPositive, m.isBelow(hardFloor: behaviour.warningMarginRatio) else { continue }
            waiting.insert(id)
            due.append((now + behaviour.delay, id))
        }
        due.sort { ($0.at, $0.account) < ($1.at, $1.account) }  // the same order whatever the dictionary's
        while let first = due.first, first.at <= now {
            due.removeFirst()
            waiting.remove(first.account)
            done[first.account, default: 0] += 1
            guard let r = record(first.account), let m = try? MarginCalculator.scopeMetrics(r.account, .cross, context),
                  m.maintenance.isPositive else { continue }  // nothing left to save
            // restore × maintenance − equity, rounded up to a whole quote unit.
            let targetE6 = Int128(behaviour.restoreMarginRatio.ppm) * Int128(m.maintenance.e6) / Int128(Precision.rateScale)
            let missing = targetE6 - Int128(m.equity.e6)
            guard missing > 0 else { continue }
            let unit = Int128(Precision.quoteScale)
            let amount = Quote(e6: Int64(clamping: (missing + unit - 1) / unit * unit))
            correlation += 1
            sent[correlation] = amount
            cluster.clientSend(Self.client, .deposit(Message.Deposit(account: first.account, amount: amount)), correlation: correlation, requestID: correlation)
        }
    }

    /// Deposits the cluster accepted, and their sum.
    func accepted(_ cluster: SimulatedCluster) -> (count: Int, amount: Quote) {
        var count = 0, total: Int64 = 0
        for e in cluster.clientInbox[Self.client] ?? [] {
            guard case .commandReply(let r) = e.body, r.errorCode == .ok, let a = sent[e.correlationID] else { continue }
            count += 1
            total &+= a.e6
        }
        return (count, Quote(e6: total))
    }
}
