/// The liquidation state of one margin scope of one account:
/// healthy → marginCall (grace) → liquidating (tranche k of n) → healthy | closed | bankrupt
/// (| takenOver). A plain value; every event is a method that returns directives.
///
/// - Entering: a scope whose equity falls below maintenance gets a margin call and waits
///   `graceWindow`, unless the policy has no grace (all-or-nothing), the equity/maintenance
///   ratio is below `hardFloorMarginRatio`, or the scope is bankrupt: then the first
///   tranche goes at once.
/// - During the grace window a top-up (or a price move) that lifts equity back to
///   maintenance cancels the call.
/// - The grace window is also skipped when the marks projected along the recent trend and
///   moved by the cluster's queued liquidation flow (`LiquidationControls.projectedMarks`)
///   would put the scope below the hard floor by the deadline. The trend never lifts the
///   step cap: only a scope already below the hard floor may exceed it (in the policy).
/// - Liquidating: one tranche in flight at a time; the next waits `stepInterval` (scaled
///   by the breaker) and stops as soon as equity reaches the target (maintenance + buffer),
///   which is also how a deposit between steps stops it.
/// - A tranche that filled nothing caused no impact: the next attempt waits only a quarter
///   of the interval, so a vanished book reaches the backstop quickly.
/// - While the market's breaker is HALTED no tranche goes to the book; a scope below the
///   hard floor is handed to the backstop instead (`.takeover`), off-book.
public struct ScopeLiquidation: Sendable, Equatable, Codable {
    public private(set) var phase: LiquidationPhase = .healthy
    public private(set) var graceDeadline: Instant?
    public private(set) var nextTrancheAt: Instant?
    /// Tranches sent in the current liquidation (k).
    public private(set) var trancheIndex: Int = 0
    /// Expected tranches in the current liquidation (n), re-estimated at every tranche.
    public private(set) var trancheEstimate: Int = 0
    /// The tranche awaiting its fill, if any.
    public private(set) var inFlight: TrancheID?
    /// Consecutive tranches that filled nothing.
    public private(set) var unfilledAttempts: Int = 0
    /// When the last tranche was sent.
    public private(set) var lastTrancheAt: Instant?
    /// The tranche due at the last evaluation (sent, or waiting for the budget): what the
    /// scope asks of the market's budget.
    public private(set) var pendingTranche: PendingTranche?

    /// Equal but perhaps for the pending tranche.
    func equalsIgnoringPendingTranche(_ other: ScopeLiquidation) -> Bool {
        var a = self
        a.pendingTranche = other.pendingTranche
        return a == other
    }

    public struct PendingTranche: Sendable, Equatable, Codable {
        public var market: MarketID
        /// Size × mark, rounded up.
        public var notional: Quote
        public init(market: MarketID, notional: Quote) {
            self.market = market
            self.notional = notional
        }
    }

    public init() {}

    /// A stored state, field by field (a store's binary record layout); nothing is checked
    /// here beyond the types: the store wrote what a state machine had.
    public init(restoring phase: LiquidationPhase, graceDeadline: Instant?, nextTrancheAt: Instant?, trancheIndex: Int, trancheEstimate: Int,
                inFlight: TrancheID?, unfilledAttempts: Int, lastTrancheAt: Instant?, pendingTranche: PendingTranche?) {
        self.phase = phase
        self.graceDeadline = graceDeadline
        self.nextTrancheAt = nextTrancheAt
        self.trancheIndex = trancheIndex
        self.trancheEstimate = trancheEstimate
        self.inFlight = inFlight
        self.unfilledAttempts = unfilledAttempts
        self.lastTrancheAt = lastTrancheAt
        self.pendingTranche = pendingTranche
    }

    /// True while the scope is in margin call or liquidating.
    public var isActive: Bool { phase == .marginCall || phase == .liquidating }

    /// Re-evaluates the scope (on a mark, a deposit, a wake-up, a breaker change, a fill).
    /// `nextSequence` is the account's tranche counter; it is advanced for every tranche.
    public mutating func evaluate(account: Account, scope: MarginScope, context ctx: MarginContext, policy: any LiquidationPolicy,
                                  controls: LiquidationControls, nextSequence: inout UInt64, now: Instant) throws(MarginError) -> [LiquidationDirective] {
        if inFlight != nil { return [] }
        let positions = account.positions(in: scope)
        if positions.isEmpty {
            if isActive { return [finish(scope: scope, deficit: account.unsettledDeficit, takenOver: false)] }
            return []
        }
        // Not in a liquidation and above maintenance: nothing to do (below, the same test on
        // the full metrics returns the same); the screening computes only equity and
        // maintenance.
        if !isActive, try !MarginCalculator.isLiquidatable(account, scope, ctx) {
            assert((try? MarginCalculator.scopeMetrics(account, scope, ctx))?.isLiquidatable != true, "the screening disagrees with the full metrics")
            return []
        }
        let metrics = try MarginCalculator.scopeMetrics(account, scope, ctx)
        let params = try ctx.market(positions[0].market).liquidation
        let belowFloor = metrics.isBelow(hardFloor: params.hardFloorMarginRatio)
        // Would the recent trend take the scope below the floor before the grace ends?
        var trendBelowFloor = false
        if policy.usesGraceWindow, let projected = controls.projectedMarks, !belowFloor, metrics.isLiquidatable {
            var p = ctx
            for (m, price) in projected { p.setMark(price, for: m) }
            if let pm = try? MarginCalculator.scopeMetrics(account, scope, p) {
                trendBelowFloor = pm.isBelow(hardFloor: params.hardFloorMarginRatio)
            }
        }

        switch phase {
        case .healthy, .closed, .bankrupt, .takenOver:
            guard metrics.isLiquidatable else { return [] }
            trancheIndex = 0
            trancheEstimate = 0
            unfilledAttempts = 0
            if policy.usesGraceWindow && !belowFloor && !trendBelowFloor && params.graceWindow > .zero {
                phase = .marginCall
                let deadline = now + params.graceWindow
                graceDeadline = deadline
                return [.marginCall(scope: scope, deadline: deadline), .wake(at: deadline)]
            }
            phase = .liquidating
            nextTrancheAt = now
        case .marginCall:
            if !metrics.isLiquidatable {
                phase = .healthy
                graceDeadline = nil
                return [.restored(scope: scope)]
            }
            if let d = graceDeadline, now < d, !belowFloor, !trendBelowFloor { return [.wake(at: d)] }
            phase = .liquidating
            graceDeadline = nil
            nextTrancheAt = now
        case .liquidating:
            break
        }

        guard let plan = try policy.nextTranche(account: account, scope: scope, context: ctx, adjustments: controls.adjustments) else {
            phase = .healthy
            nextTrancheAt = nil
            pendingTranche = nil
            return [.restored(scope: scope)]
        }
        if controls.breaker == .halted {
            // The breaker stops tranches into the book, not risk reduction: a scope below the
            // hard floor (and the takeover threshold) goes to the backstop off-book, before its
            // losses grow further.
            if belowFloor && metrics.isBelow(hardFloor: params.takeoverMarginRatio) && inFlight == nil { return [.takeover(scope: scope, market: plan.market, size: plan.size)] }
            return [.halted(scope: scope, market: plan.market)]
        }
        // The cluster-wide budget: no grant left for this market, wait for the next one.
        pendingTranche = PendingTranche(market: plan.market, notional: (try? plan.size.notional(at: plan.markPrice, .up)) ?? .zero)
        // A bankrupt scope's close goes to the aggregator first (the fund or ADL decides);
        // it is not held by the budget, which serves it first anyway.
        switch plan.reason == .bankrupt ? .admitted : controls.budget {
        case .admitted:
            break
        case .notYetReported:
            return [.awaitBudget(scope: scope, market: plan.market)]
        case .excluded:
            // Below the hard floor and the takeover threshold, waiting is what the scope
            // cannot afford: the backstop takes it over, as when the book cannot fill it.
            if belowFloor && metrics.isBelow(hardFloor: params.takeoverMarginRatio) { return [.takeover(scope: scope, market: plan.market, size: plan.size)] }
            return [.awaitBudget(scope: scope, market: plan.market)]
        }
        if let at = nextTrancheAt, now < at { return [.wake(at: at)] }

        trancheIndex += 1
        trancheEstimate = trancheIndex - 1 + plan.estimatedRemainingTranches
        let interval = policy.usesStepInterval ? params.stepInterval : .zero
        let scaled = Duration(nanoseconds: (try? Checked.mulDiv(interval.nanoseconds, controls.intervalScale.ppm, Precision.rateScale, .up)) ?? interval.nanoseconds)
        nextTrancheAt = now + scaled
        lastTrancheAt = now
        let id = TrancheID(account: account.id, market: plan.market, sequence: nextSequence)
        nextSequence += 1
        inFlight = id
        return [.sendTranche(id: id, plan: plan)]
    }

    /// The venue answered tranche `id` (already applied to `account` by the caller, with
    /// `deficit` the settlement's new deficit). Returns `.takeover` after too many empty
    /// fills and `.finished` when the scope has no position left; the caller then calls
    /// `evaluate` again to continue.
    ///
    /// `belowHardFloor`: the scope is below its hard floor (or bankrupt) at the current
    /// marks. Then a single empty fill is enough for a takeover: waiting for the book to
    /// recover is what a healthier scope can afford, not one this close to bankruptcy.
    ///
    /// `requested`: the tranche's size. An attempt that fills less than a tenth of it counts
    /// as unfilled (a book that only gives crumbs is a book without liquidity).
    ///
    /// `belowTakeover`: the scope is below its takeover threshold (`takeoverMarginRatio`);
    /// only then may the backstop take the position over. Above it, empty attempts keep
    /// retrying the book.
    ///
    /// `retryAfterEmpty`: the wait after an attempt that filled nothing, from when it was
    /// sent (the policy's: a quarter of the step interval for stepwise, which had no
    /// impact to let recover; the whole interval for all-or-nothing, as exchanges space
    /// their retries).
    public mutating func onFill(id: TrancheID, filled: Size, requested: Size? = nil, account: Account, scope: MarginScope,
                                maxUnfilledAttempts: Int, belowHardFloor: Bool = false, belowTakeover: Bool = true,
                                retryAfterEmpty: Duration? = nil, now: Instant) -> [LiquidationDirective] {
        guard inFlight == id else { return [] }
        inFlight = nil
        let empty = filled.isZero || requested.map { filled.e8 * 10 < $0.e8 } ?? false
        unfilledAttempts = empty ? unfilledAttempts + 1 : 0
        if filled.isZero, let sent = lastTrancheAt {
            if let retry = retryAfterEmpty {
                nextTrancheAt = sent + retry
            } else if let next = nextTrancheAt, next > sent {
                nextTrancheAt = sent + Duration(nanoseconds: (next - sent).nanoseconds / 4)
            }
        }
        if account.positions(in: scope).isEmpty {
            return [finish(scope: scope, deficit: account.unsettledDeficit, takenOver: false)]
        }
        if belowTakeover && (unfilledAttempts >= maxUnfilledAttempts || (empty && belowHardFloor)) {
            unfilledAttempts = 0
            return [.takeover(scope: scope, market: id.market, size: requested)]
        }
        if unfilledAttempts >= maxUnfilledAttempts { unfilledAttempts = 0 }
        return []
    }

    /// The caller completed a takeover of one market's position of this scope.
    public mutating func onTakeover(account: Account, scope: MarginScope) -> [LiquidationDirective] {
        if account.positions(in: scope).isEmpty {
            return [finish(scope: scope, deficit: account.unsettledDeficit, takenOver: true)]
        }
        return []
    }

    /// The tranche in flight will never be answered (e.g. lost with a venue that
    /// restarted): forget it so the next evaluation can send a new one.
    public mutating func abandonInFlight() { inFlight = nil }

    private mutating func finish(scope: MarginScope, deficit: Quote, takenOver: Bool) -> LiquidationDirective {
        phase = takenOver ? .takenOver : (deficit.isPositive ? .bankrupt : .closed)
        pendingTranche = nil
        graceDeadline = nil
        nextTrancheAt = nil
        inFlight = nil
        return .finished(scope: scope, phase: phase, deficit: deficit)
    }
}
