/// The result of one simulation run. Field names are part of `tranche simulate --json`'s
/// contract.
public struct SimulationSummary: Sendable, Equatable, Codable {
    public var scenario: String
    public var policy: String
    public var seed: UInt64
    public var workers: Int
    /// Accounts opened.
    public var accounts: Int
    /// Accounts that had at least one tranche, ADL close as the bankrupt side, or takeover.
    public var liquidatedAccounts: Int
    /// Tranche orders sent for traders (backstop unwinds excluded).
    public var tranches: Int
    /// Notional filled by traders' tranches, at fill prices.
    public var liquidatedNotional: Quote
    /// Fill VWAP against the mark at order time, notional-weighted, in basis points
    /// (positive = worse than mark).
    public var avgSlippageBps: Double
    /// Whether the cluster-wide liquidation budget ran.
    public var budget: Bool
    /// The budget's Almgren–Chriss trajectory (`budget.paceHorizon`); nil without a budget.
    public var paceHorizon: PaceHorizon?
    /// Losses the liquidated accounts did not cover, whoever bore them: deficits of scopes
    /// that closed below zero (paid by the fund), the haircut of auto-deleveraged
    /// counterparties against the mark, and the backstop's loss at the marks on what it
    /// took over (realised, and unrealised on what it still holds at the last mark) beyond
    /// the clearance fees (the remaining margin those positions came with). The backstop
    /// part is zero when it made money. Independent of the fund's size: a small fund moves
    /// losses from the fund to ADL counterparties, not out of this figure.
    public var badDebt: Quote
    /// The trader-side part of `badDebt`: deficits of scopes that closed below zero.
    public var accountDeficits: Quote
    /// Part of `badDebt` the fund could not pay either (after ADL).
    public var uncoveredDeficit: Quote
    public var insuranceFundStart: Quote
    public var insuranceFundEnd: Quote
    /// The fund's floor (the scenario's): ADL runs so the fund does not end below it while
    /// counterparties exist.
    public var insuranceFundFloor: Quote
    /// What auto-deleveraging could still close when the run ended: profitable positions on
    /// either side (ADL closes only profitable positions, against a loss on the other side)
    /// at the last marks, as a count and notional at the mark.
    /// A fund below its floor with this at zero ran out of counterparties; with this above
    /// zero, ADL failed to reach one that existed.
    public var adlCandidatesAtEnd: Int
    public var adlCandidateNotionalAtEnd: Quote
    /// Realised result of the backstop (positions taken over and unwound), included in the
    /// fund's end balance: the losses the fund bore beyond covering deficits.
    public var backstopResult: Quote
    /// Positions the backstop still held when the run ended (not yet unwound), as notional
    /// at the last mark.
    public var backstopOpenNotional: Quote
    /// The backstop's open positions marked at the last mark (negative: a loss it still
    /// carries); counted in `badDebt`.
    public var backstopUnrealised: Quote
    /// Remaining margin kept from taken-over traders (into the fund).
    public var clearanceFees: Quote
    /// The backstop's loss from the mark moving while it held inventory (takeover → unwind
    /// order) and its execution cost (mark at order → fill); negative: a gain.
    public var backstopInventoryLoss: Quote
    public var backstopExecutionCost: Quote
    /// Notional the backstop unwound into the book, and closed by auto-deleveraging.
    public var backstopUnwoundNotional: Quote
    public var backstopDeleveraged: Quote
    /// Bankrupt traders' positions closed by auto-deleveraging (notional at the mark).
    public var tradersDeleveraged: Quote
    /// The loss of the inventory closed by deleveraging, at the mark (entry → mark).
    public var backstopDeleverageLoss: Quote
    /// What auto-deleveraged counterparties gave up against the mark (they close at the
    /// bankruptcy or ADL price): losses the liquidated side did not cover, borne by them
    /// instead of the fund. Counted in `badDebt`.
    public var adlHaircut: Quote
    /// ADL closes of counterparties.
    public var adlEvents: Int
    /// Traders' deposits the cluster accepted under the scenario's `topUps`, and their sum.
    public var topUps: Int
    public var topUpAmount: Quote
    /// Positions taken over by the backstop.
    public var takeovers: Int
    /// Breaker escalations (to a higher level).
    public var breakerTrips: Int
    /// Liquidated accounts that the exogenous price path alone would not have made
    /// liquidatable (their liquidation was caused by the cluster's own impact on marks).
    public var cascadeLiquidations: Int
    /// Σ of all internal ledger balances = deposits − withdrawals to the quantum, and every
    /// account's held balance equals its ledger balance.
    public var moneyConserved: Bool
    /// Simulated seconds.
    public var simulatedSeconds: Double
    /// Events emitted.
    public var events: Int

    public init(scenario: String, policy: String, seed: UInt64, workers: Int) {
        self.scenario = scenario
        self.policy = policy
        self.seed = seed
        self.workers = workers
        accounts = 0
        liquidatedAccounts = 0
        tranches = 0
        liquidatedNotional = .zero
        avgSlippageBps = 0
        budget = false
        badDebt = .zero
        accountDeficits = .zero
        uncoveredDeficit = .zero
        insuranceFundStart = .zero
        insuranceFundEnd = .zero
        insuranceFundFloor = .zero
        adlCandidatesAtEnd = 0
        adlCandidateNotionalAtEnd = .zero
        backstopResult = .zero
        backstopOpenNotional = .zero
        backstopUnrealised = .zero
        clearanceFees = .zero
        backstopInventoryLoss = .zero
        backstopExecutionCost = .zero
        backstopUnwoundNotional = .zero
        backstopDeleveraged = .zero
        tradersDeleveraged = .zero
        backstopDeleverageLoss = .zero
        adlHaircut = .zero
        adlEvents = 0
        topUps = 0
        topUpAmount = .zero
        takeovers = 0
        breakerTrips = 0
        cascadeLiquidations = 0
        moneyConserved = false
        simulatedSeconds = 0
        events = 0
    }
}
