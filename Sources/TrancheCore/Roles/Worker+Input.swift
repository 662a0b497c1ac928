extension Worker {
    /// What a worker acts on. Every other message is not for a worker: the classifier
    /// (`input(_:)`) is the one place that says so, and handlers switch over these cases
    /// only.
    public enum Input: Sendable, Equatable {
        /// A client command the coordinator routed (the envelope carries the correlation,
        /// the client and its request id).
        case command(Envelope)
        /// `tranche account list`, asked by the coordinator of every worker.
        case listAccounts(Envelope)
        // Market data (venue).
        case mark(Message.MarkPrice)
        case depth(Message.DepthSummary)
        /// The venue's answer to a tranche order.
        case fill(Message.TrancheFill)
        /// Which shards are ours (coordinator).
        case assignment(Message.ShardAssignment)
        // Control (aggregator).
        case breaker(Message.BreakerState)
        case fundState(Message.FundState)
        case fundEvent(Message.InsuranceFundEvent)
        case decision(Message.BankruptcyDecision)
        case adlRequest(Message.AdlCandidatesRequest)
        case adlInstruction(Message.AdlInstruction)
        case budget(Message.LiquidationBudget)
        case deliveryAck(Message.DeliveryAck)
    }

    /// A message's input for a worker; nil for one that is not for a worker.
    public static func input(_ envelope: Envelope) -> Input? {
        switch envelope.body {
        case .openAccount, .deposit, .withdraw, .submitPosition, .reducePosition, .closePosition, .showAccount:
            return .command(envelope)
        case .accountListRequest: return .listAccounts(envelope)
        case .markPrice(let m): return .mark(m)
        case .depthSummary(let d): return .depth(d)
        case .trancheFill(let f): return .fill(f)
        case .shardAssignment(let a): return .assignment(a)
        case .breakerState(let b): return .breaker(b)
        case .fundState(let f): return .fundState(f)
        case .insuranceFundEvent(let e): return .fundEvent(e)
        case .bankruptcyDecision(let d): return .decision(d)
        case .adlCandidatesRequest(let r): return .adlRequest(r)
        case .adlInstruction(let i): return .adlInstruction(i)
        case .liquidationBudget(let b): return .budget(b)
        case .deliveryAck(let a): return .deliveryAck(a)
        case .accountList, .statusRequest, .fundRequest, .breakerRequest, .setPrice, .subscribeEvents, .clientGrant, .commandReply, .statusView,
             .fundView, .breakerList, .trancheOrder, .fillReport, .liquidationEvent, .heartbeat, .workerRegister,
             .adlCandidates, .ledgerPosting, .bankruptcyNotice, .takeoverNotice, .clusterEvent, .liquidationDemand, .adlApplied:
            return nil
        }
    }
}

extension Worker {
    /// Whether the sender may send this input to a worker (the authenticated identity,
    /// never the envelope's `sender` field): commands and assignments come from the
    /// coordinator, market data and fills from the venue, control from the aggregator.
    public static func authorized(_ input: Input, from sender: NodeID) -> Bool {
        switch input {
        case .command, .assignment, .listAccounts: return sender == .coordinator
        case .mark, .depth, .fill: return sender == .venue
        case .breaker, .fundState, .fundEvent, .decision, .adlRequest, .adlInstruction, .budget, .deliveryAck: return sender == .aggregator
        }
    }
}
