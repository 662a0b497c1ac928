extension Coordinator {
    /// What the coordinator acts on; every other message is not for it (`input(_:)` says
    /// so, in one place), and handlers switch over these cases only.
    public enum Input: Sendable, Equatable {
        // Workers.
        case register(Message.WorkerRegister)
        case heartbeat(Message.Heartbeat)
        /// A client command for an account: routed to the owner of its shard.
        case accountCommand(AccountID)
        /// A client request another role answers (the fund: aggregator; a price: venue).
        case forward(to: NodeID)
        // Client requests the coordinator answers itself.
        case status
        case breakers
        case subscribe
        /// The operator grants or revokes a client key.
        case grant(Message.ClientGrant)
        /// The operator lists accounts: asked of every live worker, gathered here.
        case listAccounts(Message.AccountListRequest)
        /// A worker's part of an account list.
        case listing(Message.AccountList)
        /// A reply to a request it routed or forwarded, to relay to the client.
        case reply
        // Control (aggregator).
        case breakerState(Message.BreakerState)
        case fundState(Message.FundState)
    }

    /// A message's input for the coordinator; nil for one that is not for it.
    public static func input(_ body: MessageBody) -> Input? {
        switch body {
        case .workerRegister(let r): return .register(r)
        case .heartbeat(let h): return .heartbeat(h)
        case .openAccount(let c): return .accountCommand(c.account)
        case .deposit(let c): return .accountCommand(c.account)
        case .withdraw(let c): return .accountCommand(c.account)
        case .submitPosition(let c): return .accountCommand(c.account)
        case .reducePosition(let c): return .accountCommand(c.account)
        case .closePosition(let c): return .accountCommand(c.account)
        case .showAccount(let c): return .accountCommand(c.account)
        case .fundRequest: return .forward(to: .aggregator)
        case .setPrice: return .forward(to: .venue)
        case .statusRequest: return .status
        case .breakerRequest: return .breakers
        case .subscribeEvents: return .subscribe
        case .clientGrant(let g): return .grant(g)
        case .accountListRequest(let r): return .listAccounts(r)
        case .accountList(let l): return .listing(l)
        case .commandReply, .statusView, .fundView, .breakerList: return .reply
        case .breakerState(let b): return .breakerState(b)
        case .fundState(let f): return .fundState(f)
        case .markPrice, .depthSummary, .trancheOrder, .trancheFill, .fillReport, .insuranceFundEvent, .liquidationEvent,
             .shardAssignment, .adlCandidatesRequest, .adlCandidates, .adlInstruction, .ledgerPosting, .bankruptcyNotice, .bankruptcyDecision,
             .takeoverNotice, .clusterEvent, .liquidationDemand, .liquidationBudget, .deliveryAck, .adlApplied:
            return nil
        }
    }
}

extension Coordinator {
    /// Whether a node of the sender's kind may send this input at all (the shell refuses
    /// the rest with PERMISSION_DENIED before the role sees them). The sender is the
    /// authenticated identity, never the envelope's `sender` field. Finer rules (which
    /// worker, which account, the operator) are the handlers'.
    public static func authorized(_ input: Input, from sender: NodeID) -> Bool {
        switch (input, sender) {
        case (.register, .worker), (.heartbeat, .worker): return true
        case (.accountCommand, .client), (.forward, .client), (.status, .client), (.breakers, .client), (.subscribe, .client), (.grant, .client),
             (.listAccounts, .client): return true
        case (.listing, .worker): return true
        case (.reply, .worker), (.reply, .aggregator), (.reply, .venue): return true
        case (.breakerState, .aggregator), (.fundState, .aggregator): return true
        default: return false
        }
    }

    /// The client a node acts for: its name up to the first '/' (a client process names
    /// its connection "client:NAME/SUFFIX"); nil for members.
    public static func principal(of node: NodeID) -> String? {
        guard case .client(let name) = node else { return nil }
        return String(name.prefix { $0 != "/" })
    }
}
