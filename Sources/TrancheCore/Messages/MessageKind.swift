/// The kind of a message body. Raw values equal the wire's `MessageKind` numbers
/// (and the body's field number in the envelope): they are stable, never reused.
public enum MessageKind: Int, Sendable, Hashable, CaseIterable {
    // Client commands: 10–29.
    case openAccount = 10
    case deposit = 11
    case withdraw = 12
    case submitPosition = 13
    case reducePosition = 14
    case closePosition = 15
    case showAccount = 16
    case statusRequest = 17
    case fundRequest = 18
    case breakerRequest = 19
    case setPrice = 20
    case subscribeEvents = 21
    case clientGrant = 22
    case accountListRequest = 23
    // Replies: 30–39.
    case commandReply = 30
    case statusView = 31
    case fundView = 32
    case breakerList = 33
    case accountList = 34
    // Market data: 40–49.
    case markPrice = 40
    case depthSummary = 41
    // Execution: 50–59.
    case trancheOrder = 50
    case trancheFill = 51
    case fillReport = 52
    // Control: 60–79.
    case breakerState = 60
    case insuranceFundEvent = 61
    case liquidationEvent = 62
    case heartbeat = 63
    case workerRegister = 64
    case shardAssignment = 65
    case adlCandidatesRequest = 66
    case adlCandidates = 67
    case adlInstruction = 68
    case ledgerPosting = 69
    case bankruptcyNotice = 70
    case bankruptcyDecision = 71
    case takeoverNotice = 72
    case fundState = 73
    case clusterEvent = 74
    case liquidationDemand = 75
    case liquidationBudget = 76
    case deliveryAck = 77
    case adlApplied = 78
}
