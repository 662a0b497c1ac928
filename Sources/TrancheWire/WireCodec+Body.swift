internal import CTrancheProto
import TrancheCore

// The envelope's oneof body ↔ `MessageBody`. The encoding switch is exhaustive, so a
// new `MessageBody` case is a compile error until it is mapped here; the decoding
// switch names each generated body case.

extension WireCodec {
    static func setBody(_ body: MessageBody, on env: inout Tranche__V1__Envelope, in arena: PackArena) {
        switch body {
        case .openAccount(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_OPEN_ACCOUNT
            env.open_account = m.makeC(in: arena)
        case .deposit(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_DEPOSIT
            env.deposit = m.makeC(in: arena)
        case .withdraw(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_WITHDRAW
            env.withdraw = m.makeC(in: arena)
        case .submitPosition(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_SUBMIT_POSITION
            env.submit_position = m.makeC(in: arena)
        case .reducePosition(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_REDUCE_POSITION
            env.reduce_position = m.makeC(in: arena)
        case .closePosition(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_CLOSE_POSITION
            env.close_position = m.makeC(in: arena)
        case .showAccount(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_SHOW_ACCOUNT
            env.show_account = m.makeC(in: arena)
        case .statusRequest(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_STATUS_REQUEST
            env.status_request = m.makeC(in: arena)
        case .fundRequest(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_FUND_REQUEST
            env.fund_request = m.makeC(in: arena)
        case .breakerRequest(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_BREAKER_REQUEST
            env.breaker_request = m.makeC(in: arena)
        case .setPrice(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_SET_PRICE
            env.set_price = m.makeC(in: arena)
        case .subscribeEvents(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_SUBSCRIBE_EVENTS
            env.subscribe_events = m.makeC(in: arena)
        case .clientGrant(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_CLIENT_GRANT
            env.client_grant = m.makeC(in: arena)
        case .accountListRequest(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_ACCOUNT_LIST_REQUEST
            env.account_list_request = m.makeC(in: arena)
        case .accountList(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_ACCOUNT_LIST
            env.account_list = m.makeC(in: arena)
        case .commandReply(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_COMMAND_REPLY
            env.command_reply = m.makeC(in: arena)
        case .statusView(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_STATUS_VIEW
            env.status_view = m.makeC(in: arena)
        case .fundView(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_FUND_VIEW
            env.fund_view = m.makeC(in: arena)
        case .breakerList(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_BREAKER_LIST
            env.breaker_list = m.makeC(in: arena)
        case .markPrice(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_MARK_PRICE
            env.mark_price = m.makeC(in: arena)
        case .depthSummary(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_DEPTH_SUMMARY
            env.depth_summary = m.makeC(in: arena)
        case .trancheOrder(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_TRANCHE_ORDER
            env.tranche_order = m.makeC(in: arena)
        case .trancheFill(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_TRANCHE_FILL
            env.tranche_fill = m.makeC(in: arena)
        case .fillReport(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_FILL_REPORT
            env.fill_report = m.makeC(in: arena)
        case .breakerState(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_BREAKER_STATE
            env.breaker_state = m.makeC(in: arena)
        case .insuranceFundEvent(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_INSURANCE_FUND_EVENT
            env.insurance_fund_event = m.makeC(in: arena)
        case .liquidationEvent(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_LIQUIDATION_EVENT
            env.liquidation_event = m.makeC(in: arena)
        case .heartbeat(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_HEARTBEAT
            env.heartbeat = m.makeC(in: arena)
        case .workerRegister(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_WORKER_REGISTER
            env.worker_register = m.makeC(in: arena)
        case .shardAssignment(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_SHARD_ASSIGNMENT
            env.shard_assignment = m.makeC(in: arena)
        case .adlCandidatesRequest(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_ADL_CANDIDATES_REQUEST
            env.adl_candidates_request = m.makeC(in: arena)
        case .adlCandidates(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_ADL_CANDIDATES
            env.adl_candidates = m.makeC(in: arena)
        case .adlInstruction(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_ADL_INSTRUCTION
            env.adl_instruction = m.makeC(in: arena)
        case .ledgerPosting(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_LEDGER_POSTING
            env.ledger_posting = m.makeC(in: arena)
        case .bankruptcyNotice(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_BANKRUPTCY_NOTICE
            env.bankruptcy_notice = m.makeC(in: arena)
        case .bankruptcyDecision(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_BANKRUPTCY_DECISION
            env.bankruptcy_decision = m.makeC(in: arena)
        case .takeoverNotice(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_TAKEOVER_NOTICE
            env.takeover_notice = m.makeC(in: arena)
        case .fundState(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_FUND_STATE
            env.fund_state = m.makeC(in: arena)
        case .clusterEvent(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_CLUSTER_EVENT
            env.cluster_event = m.makeC(in: arena)
        case .liquidationDemand(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_LIQUIDATION_DEMAND
            env.liquidation_demand = m.makeC(in: arena)
        case .liquidationBudget(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_LIQUIDATION_BUDGET
            env.liquidation_budget = m.makeC(in: arena)
        case .deliveryAck(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_DELIVERY_ACK
            env.delivery_ack = m.makeC(in: arena)
        case .adlApplied(let m):
            env.body_case = TRANCHE__V1__ENVELOPE__BODY_ADL_APPLIED
            env.adl_applied = m.makeC(in: arena)
        }
    }

    /// The body that is set, or nil when none is (or one this build does not know).
    static func body(of env: Tranche__V1__Envelope) throws(WireDecodeError) -> MessageBody? {
        switch env.body_case {
        case TRANCHE__V1__ENVELOPE__BODY_OPEN_ACCOUNT: return .openAccount(try WireRead.required(env.open_account, "Envelope.open_account"))
        case TRANCHE__V1__ENVELOPE__BODY_DEPOSIT: return .deposit(try WireRead.required(env.deposit, "Envelope.deposit"))
        case TRANCHE__V1__ENVELOPE__BODY_WITHDRAW: return .withdraw(try WireRead.required(env.withdraw, "Envelope.withdraw"))
        case TRANCHE__V1__ENVELOPE__BODY_SUBMIT_POSITION: return .submitPosition(try WireRead.required(env.submit_position, "Envelope.submit_position"))
        case TRANCHE__V1__ENVELOPE__BODY_REDUCE_POSITION: return .reducePosition(try WireRead.required(env.reduce_position, "Envelope.reduce_position"))
        case TRANCHE__V1__ENVELOPE__BODY_CLOSE_POSITION: return .closePosition(try WireRead.required(env.close_position, "Envelope.close_position"))
        case TRANCHE__V1__ENVELOPE__BODY_SHOW_ACCOUNT: return .showAccount(try WireRead.required(env.show_account, "Envelope.show_account"))
        case TRANCHE__V1__ENVELOPE__BODY_STATUS_REQUEST: return .statusRequest(try WireRead.required(env.status_request, "Envelope.status_request"))
        case TRANCHE__V1__ENVELOPE__BODY_FUND_REQUEST: return .fundRequest(try WireRead.required(env.fund_request, "Envelope.fund_request"))
        case TRANCHE__V1__ENVELOPE__BODY_BREAKER_REQUEST: return .breakerRequest(try WireRead.required(env.breaker_request, "Envelope.breaker_request"))
        case TRANCHE__V1__ENVELOPE__BODY_SET_PRICE: return .setPrice(try WireRead.required(env.set_price, "Envelope.set_price"))
        case TRANCHE__V1__ENVELOPE__BODY_SUBSCRIBE_EVENTS: return .subscribeEvents(try WireRead.required(env.subscribe_events, "Envelope.subscribe_events"))
        case TRANCHE__V1__ENVELOPE__BODY_CLIENT_GRANT: return .clientGrant(try WireRead.required(env.client_grant, "Envelope.client_grant"))
        case TRANCHE__V1__ENVELOPE__BODY_ACCOUNT_LIST_REQUEST: return .accountListRequest(try WireRead.required(env.account_list_request, "Envelope.account_list_request"))
        case TRANCHE__V1__ENVELOPE__BODY_ACCOUNT_LIST: return .accountList(try WireRead.required(env.account_list, "Envelope.account_list"))
        case TRANCHE__V1__ENVELOPE__BODY_COMMAND_REPLY: return .commandReply(try WireRead.required(env.command_reply, "Envelope.command_reply"))
        case TRANCHE__V1__ENVELOPE__BODY_STATUS_VIEW: return .statusView(try WireRead.required(env.status_view, "Envelope.status_view"))
        case TRANCHE__V1__ENVELOPE__BODY_FUND_VIEW: return .fundView(try WireRead.required(env.fund_view, "Envelope.fund_view"))
        case TRANCHE__V1__ENVELOPE__BODY_BREAKER_LIST: return .breakerList(try WireRead.required(env.breaker_list, "Envelope.breaker_list"))
        case TRANCHE__V1__ENVELOPE__BODY_MARK_PRICE: return .markPrice(try WireRead.required(env.mark_price, "Envelope.mark_price"))
        case TRANCHE__V1__ENVELOPE__BODY_DEPTH_SUMMARY: return .depthSummary(try WireRead.required(env.depth_summary, "Envelope.depth_summary"))
        case TRANCHE__V1__ENVELOPE__BODY_TRANCHE_ORDER: return .trancheOrder(try WireRead.required(env.tranche_order, "Envelope.tranche_order"))
        case TRANCHE__V1__ENVELOPE__BODY_TRANCHE_FILL: return .trancheFill(try WireRead.required(env.tranche_fill, "Envelope.tranche_fill"))
        case TRANCHE__V1__ENVELOPE__BODY_FILL_REPORT: return .fillReport(try WireRead.required(env.fill_report, "Envelope.fill_report"))
        case TRANCHE__V1__ENVELOPE__BODY_BREAKER_STATE: return .breakerState(try WireRead.required(env.breaker_state, "Envelope.breaker_state"))
        case TRANCHE__V1__ENVELOPE__BODY_INSURANCE_FUND_EVENT: return .insuranceFundEvent(try WireRead.required(env.insurance_fund_event, "Envelope.insurance_fund_event"))
        case TRANCHE__V1__ENVELOPE__BODY_LIQUIDATION_EVENT: return .liquidationEvent(try WireRead.required(env.liquidation_event, "Envelope.liquidation_event"))
        case TRANCHE__V1__ENVELOPE__BODY_HEARTBEAT: return .heartbeat(try WireRead.required(env.heartbeat, "Envelope.heartbeat"))
        case TRANCHE__V1__ENVELOPE__BODY_WORKER_REGISTER: return .workerRegister(try WireRead.required(env.worker_register, "Envelope.worker_register"))
        case TRANCHE__V1__ENVELOPE__BODY_SHARD_ASSIGNMENT: return .shardAssignment(try WireRead.required(env.shard_assignment, "Envelope.shard_assignment"))
        case TRANCHE__V1__ENVELOPE__BODY_ADL_CANDIDATES_REQUEST: return .adlCandidatesRequest(try WireRead.required(env.adl_candidates_request, "Envelope.adl_candidates_request"))
        case TRANCHE__V1__ENVELOPE__BODY_ADL_CANDIDATES: return .adlCandidates(try WireRead.required(env.adl_candidates, "Envelope.adl_candidates"))
        case TRANCHE__V1__ENVELOPE__BODY_ADL_INSTRUCTION: return .adlInstruction(try WireRead.required(env.adl_instruction, "Envelope.adl_instruction"))
        case TRANCHE__V1__ENVELOPE__BODY_LEDGER_POSTING: return .ledgerPosting(try WireRead.required(env.ledger_posting, "Envelope.ledger_posting"))
        case TRANCHE__V1__ENVELOPE__BODY_BANKRUPTCY_NOTICE: return .bankruptcyNotice(try WireRead.required(env.bankruptcy_notice, "Envelope.bankruptcy_notice"))
        case TRANCHE__V1__ENVELOPE__BODY_BANKRUPTCY_DECISION: return .bankruptcyDecision(try WireRead.required(env.bankruptcy_decision, "Envelope.bankruptcy_decision"))
        case TRANCHE__V1__ENVELOPE__BODY_TAKEOVER_NOTICE: return .takeoverNotice(try WireRead.required(env.takeover_notice, "Envelope.takeover_notice"))
        case TRANCHE__V1__ENVELOPE__BODY_FUND_STATE: return .fundState(try WireRead.required(env.fund_state, "Envelope.fund_state"))
        case TRANCHE__V1__ENVELOPE__BODY_CLUSTER_EVENT: return .clusterEvent(try WireRead.required(env.cluster_event, "Envelope.cluster_event"))
        case TRANCHE__V1__ENVELOPE__BODY_LIQUIDATION_DEMAND: return .liquidationDemand(try WireRead.required(env.liquidation_demand, "Envelope.liquidation_demand"))
        case TRANCHE__V1__ENVELOPE__BODY_LIQUIDATION_BUDGET: return .liquidationBudget(try WireRead.required(env.liquidation_budget, "Envelope.liquidation_budget"))
        case TRANCHE__V1__ENVELOPE__BODY_DELIVERY_ACK: return .deliveryAck(try WireRead.required(env.delivery_ack, "Envelope.delivery_ack"))
        case TRANCHE__V1__ENVELOPE__BODY_ADL_APPLIED: return .adlApplied(try WireRead.required(env.adl_applied, "Envelope.adl_applied"))
        default: return nil
        }
    }
}
