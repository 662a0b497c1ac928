extension Venue {
    /// What the venue acts on; every other message is not for it (`input(_:)` says so, in
    /// one place).
    public enum Input: Sendable, Equatable {
        /// An exogenous index price (from the price path, an operator, a test).
        case setPrice(Message.SetPrice)
        /// A tranche order (workers, the backstop).
        case order(Message.TrancheOrder)
    }

    /// A message's input for the venue; nil for one that is not for it.
    public static func input(_ body: MessageBody) -> Input? {
        switch body {
        case .setPrice(let p): return .setPrice(p)
        case .trancheOrder(let o): return .order(o)
        case .openAccount, .deposit, .withdraw, .submitPosition, .reducePosition, .closePosition, .showAccount,
             .statusRequest, .fundRequest, .breakerRequest, .subscribeEvents, .clientGrant, .accountListRequest, .accountList, .commandReply, .statusView, .fundView,
             .breakerList, .markPrice, .depthSummary, .trancheFill, .fillReport, .breakerState, .insuranceFundEvent,
             .liquidationEvent, .heartbeat, .workerRegister, .shardAssignment, .adlCandidatesRequest, .adlCandidates, .adlInstruction,
             .ledgerPosting, .bankruptcyNotice, .bankruptcyDecision, .takeoverNotice, .fundState, .clusterEvent, .liquidationDemand,
             .liquidationBudget, .deliveryAck, .adlApplied:
            return nil
        }
    }
}

extension Venue {
    /// Whether the sender may send this input to the venue (the authenticated identity):
    /// prices come through the coordinator (which checked the operator's key), orders
    /// from workers and the aggregator (the backstop).
    public static func authorized(_ input: Input, from sender: NodeID) -> Bool {
        switch input {
        case .setPrice: return sender == .coordinator
        case .order:
            if case .worker = sender { return true }
            return sender == .aggregator
        }
    }
}
