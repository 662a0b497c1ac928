/// The typed body of an `Envelope`: exactly one of the messages of the wire contract.
public enum MessageBody: Sendable, Equatable {
    // Client commands.
    case openAccount(Message.OpenAccount)
    case deposit(Message.Deposit)
    case withdraw(Message.Withdraw)
    case submitPosition(Message.SubmitPosition)
    case reducePosition(Message.ReducePosition)
    case closePosition(Message.ClosePosition)
    case showAccount(Message.ShowAccount)
    case statusRequest(Message.StatusRequest)
    case fundRequest(Message.FundRequest)
    case breakerRequest(Message.BreakerRequest)
    case setPrice(Message.SetPrice)
    case subscribeEvents(Message.SubscribeEvents)
    case clientGrant(Message.ClientGrant)
    case accountListRequest(Message.AccountListRequest)
    // Replies.
    case commandReply(Message.CommandReply)
    case statusView(Message.StatusView)
    case fundView(Message.FundView)
    case breakerList(Message.BreakerList)
    case accountList(Message.AccountList)
    // Market data.
    case markPrice(Message.MarkPrice)
    case depthSummary(Message.DepthSummary)
    // Execution.
    case trancheOrder(Message.TrancheOrder)
    case trancheFill(Message.TrancheFill)
    case fillReport(Message.FillReport)
    // Control.
    case breakerState(Message.BreakerState)
    case insuranceFundEvent(Message.InsuranceFundEvent)
    case liquidationEvent(Message.LiquidationEvent)
    case heartbeat(Message.Heartbeat)
    case workerRegister(Message.WorkerRegister)
    case shardAssignment(Message.ShardAssignment)
    case adlCandidatesRequest(Message.AdlCandidatesRequest)
    case adlCandidates(Message.AdlCandidates)
    case adlInstruction(Message.AdlInstruction)
    case ledgerPosting(Message.LedgerPosting)
    case bankruptcyNotice(Message.BankruptcyNotice)
    case bankruptcyDecision(Message.BankruptcyDecision)
    case takeoverNotice(Message.TakeoverNotice)
    case fundState(Message.FundState)
    case clusterEvent(Message.ClusterEventMessage)
    case liquidationDemand(Message.LiquidationDemand)
    case liquidationBudget(Message.LiquidationBudget)
    case deliveryAck(Message.DeliveryAck)
    case adlApplied(Message.AdlApplied)

    /// The kind of this body, as written in the envelope.
    public var kind: MessageKind {
        switch self {
        case .openAccount: return .openAccount
        case .deposit: return .deposit
        case .withdraw: return .withdraw
        case .submitPosition: return .submitPosition
        case .reducePosition: return .reducePosition
        case .closePosition: return .closePosition
        case .showAccount: return .showAccount
        case .statusRequest: return .statusRequest
        case .fundRequest: return .fundRequest
        case .breakerRequest: return .breakerRequest
        case .setPrice: return .setPrice
        case .subscribeEvents: return .subscribeEvents
        case .clientGrant: return .clientGrant
        case .accountListRequest: return .accountListRequest
        case .accountList: return .accountList
        case .commandReply: return .commandReply
        case .statusView: return .statusView
        case .fundView: return .fundView
        case .breakerList: return .breakerList
        case .markPrice: return .markPrice
        case .depthSummary: return .depthSummary
        case .trancheOrder: return .trancheOrder
        case .trancheFill: return .trancheFill
        case .fillReport: return .fillReport
        case .breakerState: return .breakerState
        case .insuranceFundEvent: return .insuranceFundEvent
        case .liquidationEvent: return .liquidationEvent
        case .heartbeat: return .heartbeat
        case .workerRegister: return .workerRegister
        case .shardAssignment: return .shardAssignment
        case .adlCandidatesRequest: return .adlCandidatesRequest
        case .adlCandidates: return .adlCandidates
        case .adlInstruction: return .adlInstruction
        case .ledgerPosting: return .ledgerPosting
        case .bankruptcyNotice: return .bankruptcyNotice
        case .bankruptcyDecision: return .bankruptcyDecision
        case .takeoverNotice: return .takeoverNotice
        case .liquidationDemand: return .liquidationDemand
        case .liquidationBudget: return .liquidationBudget
        case .deliveryAck: return .deliveryAck
        case .adlApplied: return .adlApplied
        case .fundState: return .fundState
        case .clusterEvent: return .clusterEvent
        }
    }
}
