/// Everything a worker keeps about one account, durably: what a new owner of the shard
/// loads to resume exactly where the old owner stopped.
public struct AccountRecord: Sendable, Equatable, Codable {
    public var account: Account
    /// Liquidation state per margin scope (absent = healthy, never liquidated).
    public var scopes: [ScopeState]
    /// Next tranche sequence of the account (tranche ids are never reused).
    public var nextSequence: UInt64
    /// Tranches sent and not yet answered, with what is needed to apply their fill.
    public var inFlight: [InFlightTranche]
    /// Money messages to the aggregator not yet acknowledged, oldest first: made durable
    /// with the change that produced them, retransmitted until acknowledged (whoever
    /// owns the shard by then), applied once by the aggregator.
    public var outbox: [OutboxEntry]
    /// The sequence the next message of this account's stream gets (1, 2, ...).
    public var nextDelivery: UInt64
    /// The deficit the fund has covered that this account has settled (cumulative, as the
    /// aggregator's acks carry it).
    public var coveredDeficitSettled: Quote
    /// The last client requests applied to this account (oldest first, at most
    /// `AccountRecord.rememberedRequests`): a retry of one is answered, not applied again.
    public var appliedRequests: [AppliedRequest]

    /// The last ADL rounds whose instruction this account applied (at most
    /// `rememberedRequests`): an instruction sent again is answered, not applied again.
    public var appliedAdlRounds: [UInt64]

    /// A client's trade sent to the venue and not answered yet (at most one per account):
    /// its fill is applied, and the client answered, when the venue's answer comes.
    /// Boxed: it is rare and large (112 bytes inline), and every account of a worker pays
    /// for an inline field in its dictionary slot (`tranche-workerbench`, memory).
    public var pendingTrade: PendingTrade? {
        get { pendingTradeBox?.value }
        set { pendingTradeBox = newValue.map(PendingTradeBox.init) }
    }
    var pendingTradeBox: PendingTradeBox?

    /// An immutable box (a new one on every change), compared by value.
    final class PendingTradeBox: Sendable, Equatable {
        let value: PendingTrade
        init(_ value: PendingTrade) { self.value = value }
        static func == (a: PendingTradeBox, b: PendingTradeBox) -> Bool { a.value == b.value }
    }

    /// How many applied requests an account remembers.
    public static let rememberedRequests = 16

    /// A client request applied to the account: the client and its request id.
    public struct AppliedRequest: Sendable, Equatable, Codable {
        public var origin: String
        public var requestID: UInt64
        public init(origin: String, requestID: UInt64) {
            self.origin = origin
            self.requestID = requestID
        }
    }

    public struct ScopeState: Sendable, Equatable, Codable {
        public var scope: MarginScope
        public var state: ScopeLiquidation
        public init(scope: MarginScope, state: ScopeLiquidation) {
            self.scope = scope
            self.state = state
        }
    }

    public init(account: Account) {
        self.account = account
        scopes = []
        nextSequence = 1
        inFlight = []
        outbox = []
        nextDelivery = 1
        coveredDeficitSettled = .zero
        appliedRequests = []
        appliedAdlRounds = []
        pendingTrade = nil
    }

    enum CodingKeys: String, CodingKey { case account, scopes, nextSequence, inFlight, outbox, nextDelivery, coveredDeficitSettled, appliedRequests, appliedAdlRounds, pendingTrade }

    /// Records written before the outbox and applied requests existed load with both empty.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        account = try c.decode(Account.self, forKey: .account)
        scopes = try c.decode([ScopeState].self, forKey: .scopes)
        nextSequence = try c.decode(UInt64.self, forKey: .nextSequence)
        inFlight = try c.decode([InFlightTranche].self, forKey: .inFlight)
        outbox = try c.decodeIfPresent([OutboxEntry].self, forKey: .outbox) ?? []
        nextDelivery = try c.decodeIfPresent(UInt64.self, forKey: .nextDelivery) ?? 1
        coveredDeficitSettled = try c.decodeIfPresent(Quote.self, forKey: .coveredDeficitSettled) ?? .zero
        appliedRequests = try c.decodeIfPresent([AppliedRequest].self, forKey: .appliedRequests) ?? []
        appliedAdlRounds = try c.decodeIfPresent([UInt64].self, forKey: .appliedAdlRounds) ?? []
        pendingTrade = try c.decodeIfPresent(PendingTrade.self, forKey: .pendingTrade)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(account, forKey: .account)
        try c.encode(scopes, forKey: .scopes)
        try c.encode(nextSequence, forKey: .nextSequence)
        try c.encode(inFlight, forKey: .inFlight)
        try c.encode(outbox, forKey: .outbox)
        try c.encode(nextDelivery, forKey: .nextDelivery)
        try c.encode(coveredDeficitSettled, forKey: .coveredDeficitSettled)
        try c.encode(appliedRequests, forKey: .appliedRequests)
        try c.encode(appliedAdlRounds, forKey: .appliedAdlRounds)
        try c.encodeIfPresent(pendingTrade, forKey: .pendingTrade)
    }

    /// Remembers an ADL round applied to this account (forgetting the oldest beyond the bound).
    public mutating func rememberAdl(_ round: UInt64) {
        appliedAdlRounds.append(round)
        if appliedAdlRounds.count > Self.rememberedRequests { appliedAdlRounds.removeFirst(appliedAdlRounds.count - Self.rememberedRequests) }
    }

    /// Whether a client request was already applied to this account.
    public func applied(origin: String, requestID: UInt64) -> Bool {
        requestID != 0 && appliedRequests.contains { $0.requestID == requestID && $0.origin == origin }
    }

    /// Remembers an applied request (forgetting the oldest beyond the bound).
    public mutating func remember(origin: String, requestID: UInt64) {
        guard requestID != 0 else { return }
        appliedRequests.append(AppliedRequest(origin: origin, requestID: requestID))
        if appliedRequests.count > Self.rememberedRequests { appliedRequests.removeFirst(appliedRequests.count - Self.rememberedRequests) }
    }

    public func state(of scope: MarginScope) -> ScopeLiquidation {
        scopes.first { $0.scope == scope }?.state ?? ScopeLiquidation()
    }

    public mutating func setState(_ state: ScopeLiquidation, of scope: MarginScope) {
        if let i = scopes.firstIndex(where: { $0.scope == scope }) {
            scopes[i].state = state
        } else {
            scopes.append(ScopeState(scope: scope, state: state))
            scopes.sort { $0.scope < $1.scope }
        }
    }

    /// True while some scope is in margin call or liquidating, or a tranche is in flight.
    public var isActive: Bool { !inFlight.isEmpty || scopes.contains { $0.state.isActive } }
}

/// A tranche sent to the venue (or, when bankrupt, to the aggregator first).
public struct InFlightTranche: Sendable, Equatable, Codable {
    public var id: TrancheID
    public var scope: MarginScope
    public var orderSide: Side
    public var size: Size
    public var limitPrice: Price
    public var markPrice: Price
    /// Waiting for the aggregator's bankruptcy decision (not yet at the venue).
    public var awaitingDecision: Bool
    /// Size already closed by auto-deleveraging for this tranche.
    public var adlFilled: Size

    public init(id: TrancheID, scope: MarginScope, orderSide: Side, size: Size, limitPrice: Price, markPrice: Price, awaitingDecision: Bool, adlFilled: Size) {
        self.id = id
        self.scope = scope
        self.orderSide = orderSide
        self.size = size
        self.limitPrice = limitPrice
        self.markPrice = markPrice
        self.awaitingDecision = awaitingDecision
        self.adlFilled = adlFilled
    }
}

/// One message of an account's reliable stream to the aggregator.
public struct OutboxEntry: Sendable, Equatable, Codable {
    public var sequence: UInt64
    public var message: ReliableMessage
    public init(sequence: UInt64, message: ReliableMessage) {
        self.sequence = sequence
        self.message = message
    }
}

/// The messages a worker sends the aggregator reliably: everything that moves money or
/// hands over a position.
public enum ReliableMessage: Sendable, Equatable, Codable {
    case ledgerPosting(Message.LedgerPosting)
    case fillReport(Message.FillReport)
    case takeoverNotice(Message.TakeoverNotice)

    public var body: MessageBody {
        switch self {
        case .ledgerPosting(let m): return .ledgerPosting(m)
        case .fillReport(let m): return .fillReport(m)
        case .takeoverNotice(let m): return .takeoverNotice(m)
        }
    }

    /// Whether a body is one of the money messages sent reliably.
    public static func isMoney(_ body: MessageBody) -> Bool {
        switch body {
        case .ledgerPosting, .fillReport, .takeoverNotice: return true
        default: return false
        }
    }

    /// The reliable form of a body the worker sends the aggregator, with the account
    /// whose stream carries it; nil for bodies that are not money messages.
    public static func of(_ body: MessageBody) -> (AccountID, ReliableMessage)? {
        switch body {
        case .ledgerPosting(let p):
            guard let a = p.transfers.first?.account else { return nil }
            return (a, .ledgerPosting(p))
        case .fillReport(let r): return (r.tranche.account, .fillReport(r))
        case .takeoverNotice(let t): return (t.account, .takeoverNotice(t))
        default: return nil
        }
    }
}

/// A client's market order at the venue (submit, reduce or close), durable in its
/// account's record until the venue answers: then the fill is applied and the client
/// answered. Its id shares the account's tranche sequence, so the venue's once-per-id
/// answer covers a re-sent order too.
public struct PendingTrade: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable { case submit, reduce, close }
    public var id: TrancheID
    public var kind: Kind
    /// `.long` buys, `.short` sells.
    public var orderSide: Side
    public var size: Size
    /// Not filled beyond: the client's limit, or the band's edge when it gave none.
    public var limitPrice: Price
    public var markPrice: Price
    public var marginMode: MarginMode
    public var isolatedMargin: Quote
    /// The client and its request (answered, and remembered, at the fill).
    public var origin: String
    public var requestID: UInt64
    /// The coordinator's correlation of the request, for the answer.
    public var correlation: UInt64

    public init(id: TrancheID, kind: Kind, orderSide: Side, size: Size, limitPrice: Price, markPrice: Price, marginMode: MarginMode,
                isolatedMargin: Quote, origin: String, requestID: UInt64, correlation: UInt64) {
        self.id = id
        self.kind = kind
        self.orderSide = orderSide
        self.size = size
        self.limitPrice = limitPrice
        self.markPrice = markPrice
        self.marginMode = marginMode
        self.isolatedMargin = isolatedMargin
        self.origin = origin
        self.requestID = requestID
        self.correlation = correlation
    }
}
