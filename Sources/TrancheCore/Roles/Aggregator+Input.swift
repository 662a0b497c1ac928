extension Aggregator {
    /// What the aggregator acts on; every other message is not for it (`input(_:)` says
    /// so, in one place), and handlers switch over these cases only.
    public enum Input: Sendable, Equatable {
        /// A worker's settled transfers (reliable).
        case posting(Message.LedgerPosting)
        /// A tranche's outcome (reliable).
        case fillReport(Message.FillReport)
        /// A position handed to the backstop (reliable).
        case takeover(Message.TakeoverNotice)
        /// A bankrupt tranche waiting for a decision.
        case bankruptcy(Message.BankruptcyNotice)
        /// A worker's best ADL counterparties for a round.
        case adlCandidates(Message.AdlCandidates)
        /// A worker applied an ADL instruction.
        case adlApplied(Message.AdlApplied)
        /// A worker's due tranches (the budget's input).
        case demand(Message.LiquidationDemand)
        /// A worker's event, to publish.
        case event(Message.ClusterEventMessage)
        /// Market data (venue).
        case mark(Message.MarkPrice)
        /// Market data (venue).
        case depth(Message.DepthSummary)
        /// The venue's answer to a backstop unwind.
        case backstopFill(Message.TrancheFill)
        /// `tranche fund`, through the coordinator.
        case fundQuery(Message.FundRequest)
    }

    /// A message's input for the aggregator; nil for one that is not for it.
    public static func input(_ body: MessageBody) -> Input? {
        switch body {
        case .ledgerPosting(let m): return .posting(m)
        case .fillReport(let m): return .fillReport(m)
        case .takeoverNotice(let m): return .takeover(m)
        case .bankruptcyNotice(let m): return .bankruptcy(m)
        case .adlCandidates(let m): return .adlCandidates(m)
        case .adlApplied(let m): return .adlApplied(m)
        case .liquidationDemand(let m): return .demand(m)
        case .clusterEvent(let m): return .event(m)
        case .markPrice(let m): return .mark(m)
        case .depthSummary(let m): return .depth(m)
        case .trancheFill(let m): return .backstopFill(m)
        case .fundRequest(let m): return .fundQuery(m)
        case .openAccount, .deposit, .withdraw, .submitPosition, .reducePosition, .closePosition, .showAccount,
             .statusRequest, .breakerRequest, .setPrice, .subscribeEvents, .clientGrant, .accountListRequest, .accountList, .commandReply, .statusView, .fundView,
             .breakerList, .trancheOrder, .breakerState, .insuranceFundEvent, .liquidationEvent, .heartbeat, .workerRegister,
             .shardAssignment, .adlCandidatesRequest, .adlInstruction, .bankruptcyDecision, .fundState, .liquidationBudget, .deliveryAck:
            return nil
        }
    }
}

extension Aggregator {
    /// Whether the sender may send this input to the aggregator (the authenticated
    /// identity, never the envelope's `sender` field): money messages, notices, ADL
    /// answers, demand and events from workers; market data and fills from the venue;
    /// fund queries from the coordinator (which checked the operator's key).
    public static func authorized(_ input: Input, from sender: NodeID) -> Bool {
        switch input {
        case .posting, .fillReport, .takeover, .bankruptcy, .adlCandidates, .adlApplied, .demand, .event:
            if case .worker = sender { return true }
            return false
        case .mark, .depth, .backstopFill: return sender == .venue
        case .fundQuery: return sender == .coordinator
        }
    }
}
