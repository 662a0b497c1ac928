import CTrancheProto
import Testing
import TrancheCore
import TrancheWire

/// The Swift enums whose raw values are wire numbers must agree with the generated
/// C constants: these numbers are a contract with every peer.
@Suite struct StableNumbersTests {
    private func n<E: RawRepresentable>(_ e: E) -> Int where E.RawValue: BinaryInteger { Int(e.rawValue) }

    @Test func errorCodes() {
        let expected: [ErrorCode: Int] = [
            .ok: n(TRANCHE__V1__ERROR_CODE__ERROR_CODE_OK),
            .invalidArgument: n(TRANCHE__V1__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT),
            .unknownAccount: n(TRANCHE__V1__ERROR_CODE__ERROR_CODE_UNKNOWN_ACCOUNT),
            .accountExists: n(TRANCHE__V1__ERROR_CODE__ERROR_CODE_ACCOUNT_EXISTS),
            .unknownMarket: n(TRANCHE__V1__ERROR_CODE__ERROR_CODE_UNKNOWN_MARKET),
            .insufficientMargin: n(TRANCHE__V1__ERROR_CODE__ERROR_CODE_INSUFFICIENT_MARGIN),
            .insufficientCollateral: n(TRANCHE__V1__ERROR_CODE__ERROR_CODE_INSUFFICIENT_COLLATERAL),
            .positionNotFound: n(TRANCHE__V1__ERROR_CODE__ERROR_CODE_POSITION_NOT_FOUND),
            .liquidationInProgress: n(TRANCHE__V1__ERROR_CODE__ERROR_CODE_LIQUIDATION_IN_PROGRESS),
            .notOwner: n(TRANCHE__V1__ERROR_CODE__ERROR_CODE_NOT_OWNER),
            .unavailable: n(TRANCHE__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE),
            .breakerHalted: n(TRANCHE__V1__ERROR_CODE__ERROR_CODE_BREAKER_HALTED),
            .internal: n(TRANCHE__V1__ERROR_CODE__ERROR_CODE_INTERNAL),
            .versionMismatch: n(TRANCHE__V1__ERROR_CODE__ERROR_CODE_VERSION_MISMATCH),
            .decodeError: n(TRANCHE__V1__ERROR_CODE__ERROR_CODE_DECODE_ERROR),
            .timeout: n(TRANCHE__V1__ERROR_CODE__ERROR_CODE_TIMEOUT),
            .busy: n(TRANCHE__V1__ERROR_CODE__ERROR_CODE_BUSY),
            .unauthenticated: n(TRANCHE__V1__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED),
            .permissionDenied: n(TRANCHE__V1__ERROR_CODE__ERROR_CODE_PERMISSION_DENIED),
            .unknownKind: n(TRANCHE__V1__ERROR_CODE__ERROR_CODE_UNKNOWN_KIND),
        ]
        #expect(expected.count == ErrorCode.allCases.count)
        for code in ErrorCode.allCases { #expect(code.rawValue == expected[code], "\(code)") }
        // The published table (docs/wire-protocol.md): OK = 0 … UNKNOWN_KIND = 19, in order.
        #expect(ErrorCode.allCases.map(\.rawValue) == Array(0...19))
    }

    @Test func messageKindsEqualBodyFieldNumbers() {
        let expected: [MessageKind: (kind: Int, body: Int)] = [
            .openAccount: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_OPEN_ACCOUNT), n(TRANCHE__V1__ENVELOPE__BODY_OPEN_ACCOUNT)),
            .deposit: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_DEPOSIT), n(TRANCHE__V1__ENVELOPE__BODY_DEPOSIT)),
            .withdraw: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_WITHDRAW), n(TRANCHE__V1__ENVELOPE__BODY_WITHDRAW)),
            .submitPosition: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_SUBMIT_POSITION), n(TRANCHE__V1__ENVELOPE__BODY_SUBMIT_POSITION)),
            .reducePosition: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_REDUCE_POSITION), n(TRANCHE__V1__ENVELOPE__BODY_REDUCE_POSITION)),
            .closePosition: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_CLOSE_POSITION), n(TRANCHE__V1__ENVELOPE__BODY_CLOSE_POSITION)),
            .showAccount: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_SHOW_ACCOUNT), n(TRANCHE__V1__ENVELOPE__BODY_SHOW_ACCOUNT)),
            .statusRequest: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_STATUS_REQUEST), n(TRANCHE__V1__ENVELOPE__BODY_STATUS_REQUEST)),
            .fundRequest: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_FUND_REQUEST), n(TRANCHE__V1__ENVELOPE__BODY_FUND_REQUEST)),
            .breakerRequest: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_BREAKER_REQUEST), n(TRANCHE__V1__ENVELOPE__BODY_BREAKER_REQUEST)),
            .setPrice: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_SET_PRICE), n(TRANCHE__V1__ENVELOPE__BODY_SET_PRICE)),
            .subscribeEvents: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_SUBSCRIBE_EVENTS), n(TRANCHE__V1__ENVELOPE__BODY_SUBSCRIBE_EVENTS)),
            .clientGrant: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_CLIENT_GRANT), n(TRANCHE__V1__ENVELOPE__BODY_CLIENT_GRANT)),
            .accountListRequest: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_ACCOUNT_LIST_REQUEST), n(TRANCHE__V1__ENVELOPE__BODY_ACCOUNT_LIST_REQUEST)),
            .accountList: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_ACCOUNT_LIST), n(TRANCHE__V1__ENVELOPE__BODY_ACCOUNT_LIST)),
            .commandReply: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_COMMAND_REPLY), n(TRANCHE__V1__ENVELOPE__BODY_COMMAND_REPLY)),
            .statusView: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_STATUS_VIEW), n(TRANCHE__V1__ENVELOPE__BODY_STATUS_VIEW)),
            .fundView: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_FUND_VIEW), n(TRANCHE__V1__ENVELOPE__BODY_FUND_VIEW)),
            .breakerList: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_BREAKER_LIST), n(TRANCHE__V1__ENVELOPE__BODY_BREAKER_LIST)),
            .markPrice: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_MARK_PRICE), n(TRANCHE__V1__ENVELOPE__BODY_MARK_PRICE)),
            .depthSummary: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_DEPTH_SUMMARY), n(TRANCHE__V1__ENVELOPE__BODY_DEPTH_SUMMARY)),
            .trancheOrder: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_TRANCHE_ORDER), n(TRANCHE__V1__ENVELOPE__BODY_TRANCHE_ORDER)),
            .trancheFill: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_TRANCHE_FILL), n(TRANCHE__V1__ENVELOPE__BODY_TRANCHE_FILL)),
            .fillReport: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_FILL_REPORT), n(TRANCHE__V1__ENVELOPE__BODY_FILL_REPORT)),
            .breakerState: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_BREAKER_STATE), n(TRANCHE__V1__ENVELOPE__BODY_BREAKER_STATE)),
            .insuranceFundEvent: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_INSURANCE_FUND_EVENT), n(TRANCHE__V1__ENVELOPE__BODY_INSURANCE_FUND_EVENT)),
            .liquidationEvent: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_LIQUIDATION_EVENT), n(TRANCHE__V1__ENVELOPE__BODY_LIQUIDATION_EVENT)),
            .heartbeat: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_HEARTBEAT), n(TRANCHE__V1__ENVELOPE__BODY_HEARTBEAT)),
            .workerRegister: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_WORKER_REGISTER), n(TRANCHE__V1__ENVELOPE__BODY_WORKER_REGISTER)),
            .shardAssignment: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_SHARD_ASSIGNMENT), n(TRANCHE__V1__ENVELOPE__BODY_SHARD_ASSIGNMENT)),
            .adlCandidatesRequest: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_ADL_CANDIDATES_REQUEST), n(TRANCHE__V1__ENVELOPE__BODY_ADL_CANDIDATES_REQUEST)),
            .adlCandidates: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_ADL_CANDIDATES), n(TRANCHE__V1__ENVELOPE__BODY_ADL_CANDIDATES)),
            .adlInstruction: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_ADL_INSTRUCTION), n(TRANCHE__V1__ENVELOPE__BODY_ADL_INSTRUCTION)),
            .ledgerPosting: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_LEDGER_POSTING), n(TRANCHE__V1__ENVELOPE__BODY_LEDGER_POSTING)),
            .bankruptcyNotice: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_BANKRUPTCY_NOTICE), n(TRANCHE__V1__ENVELOPE__BODY_BANKRUPTCY_NOTICE)),
            .bankruptcyDecision: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_BANKRUPTCY_DECISION), n(TRANCHE__V1__ENVELOPE__BODY_BANKRUPTCY_DECISION)),
            .takeoverNotice: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_TAKEOVER_NOTICE), n(TRANCHE__V1__ENVELOPE__BODY_TAKEOVER_NOTICE)),
            .fundState: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_FUND_STATE), n(TRANCHE__V1__ENVELOPE__BODY_FUND_STATE)),
            .clusterEvent: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_CLUSTER_EVENT), n(TRANCHE__V1__ENVELOPE__BODY_CLUSTER_EVENT)),
            .liquidationDemand: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_LIQUIDATION_DEMAND), n(TRANCHE__V1__ENVELOPE__BODY_LIQUIDATION_DEMAND)),
            .liquidationBudget: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_LIQUIDATION_BUDGET), n(TRANCHE__V1__ENVELOPE__BODY_LIQUIDATION_BUDGET)),
            .deliveryAck: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_DELIVERY_ACK), n(TRANCHE__V1__ENVELOPE__BODY_DELIVERY_ACK)),
            .adlApplied: (n(TRANCHE__V1__MESSAGE_KIND__MESSAGE_KIND_ADL_APPLIED), n(TRANCHE__V1__ENVELOPE__BODY_ADL_APPLIED)),
        ]
        #expect(expected.count == MessageKind.allCases.count)
        for kind in MessageKind.allCases {
            #expect(expected[kind]?.kind == kind.rawValue, "\(kind)")
            #expect(expected[kind]?.body == kind.rawValue, "\(kind)")
        }
    }

    @Test func ledgerReasons() {
        let reasons: [LedgerReason: Int] = [
            .deposit: n(TRANCHE__V1__LEDGER_REASON__LEDGER_REASON_DEPOSIT),
            .withdrawal: n(TRANCHE__V1__LEDGER_REASON__LEDGER_REASON_WITHDRAWAL),
            .realisedPnl: n(TRANCHE__V1__LEDGER_REASON__LEDGER_REASON_REALISED_PNL),
            .liquidationFee: n(TRANCHE__V1__LEDGER_REASON__LEDGER_REASON_LIQUIDATION_FEE),
            .deficitCovered: n(TRANCHE__V1__LEDGER_REASON__LEDGER_REASON_DEFICIT_COVERED),
            .autoDeleverage: n(TRANCHE__V1__LEDGER_REASON__LEDGER_REASON_AUTO_DELEVERAGE),
            .takeover: n(TRANCHE__V1__LEDGER_REASON__LEDGER_REASON_TAKEOVER),
            .backstopUnwind: n(TRANCHE__V1__LEDGER_REASON__LEDGER_REASON_BACKSTOP_UNWIND),
            .fundSeed: n(TRANCHE__V1__LEDGER_REASON__LEDGER_REASON_FUND_SEED),
            .tradingFee: n(TRANCHE__V1__LEDGER_REASON__LEDGER_REASON_TRADING_FEE),
        ]
        #expect(reasons.count == LedgerReason.allCases.count)
        for r in LedgerReason.allCases { #expect(reasons[r] == r.rawValue, "\(r)") }
        #expect(n(TRANCHE__V1__LEDGER_REASON__LEDGER_REASON_UNSPECIFIED) == 0)
    }

    @Test func clusterEventKindsFollowDeclarationOrder() {
        let kinds: [ClusterEvent.Kind: Int] = [
            .command: n(TRANCHE__V1__CLUSTER_EVENT_KIND__CLUSTER_EVENT_KIND_COMMAND),
            .mark: n(TRANCHE__V1__CLUSTER_EVENT_KIND__CLUSTER_EVENT_KIND_MARK),
            .marginCall: n(TRANCHE__V1__CLUSTER_EVENT_KIND__CLUSTER_EVENT_KIND_MARGIN_CALL),
            .trancheOrder: n(TRANCHE__V1__CLUSTER_EVENT_KIND__CLUSTER_EVENT_KIND_TRANCHE_ORDER),
            .fill: n(TRANCHE__V1__CLUSTER_EVENT_KIND__CLUSTER_EVENT_KIND_FILL),
            .fee: n(TRANCHE__V1__CLUSTER_EVENT_KIND__CLUSTER_EVENT_KIND_FEE),
            .deficit: n(TRANCHE__V1__CLUSTER_EVENT_KIND__CLUSTER_EVENT_KIND_DEFICIT),
            .deficitCovered: n(TRANCHE__V1__CLUSTER_EVENT_KIND__CLUSTER_EVENT_KIND_DEFICIT_COVERED),
            .deficitUncovered: n(TRANCHE__V1__CLUSTER_EVENT_KIND__CLUSTER_EVENT_KIND_DEFICIT_UNCOVERED),
            .adl: n(TRANCHE__V1__CLUSTER_EVENT_KIND__CLUSTER_EVENT_KIND_ADL),
            .takeover: n(TRANCHE__V1__CLUSTER_EVENT_KIND__CLUSTER_EVENT_KIND_TAKEOVER),
            .breaker: n(TRANCHE__V1__CLUSTER_EVENT_KIND__CLUSTER_EVENT_KIND_BREAKER),
            .restored: n(TRANCHE__V1__CLUSTER_EVENT_KIND__CLUSTER_EVENT_KIND_RESTORED),
            .closed: n(TRANCHE__V1__CLUSTER_EVENT_KIND__CLUSTER_EVENT_KIND_CLOSED),
            .bankrupt: n(TRANCHE__V1__CLUSTER_EVENT_KIND__CLUSTER_EVENT_KIND_BANKRUPT),
            .rejected: n(TRANCHE__V1__CLUSTER_EVENT_KIND__CLUSTER_EVENT_KIND_REJECTED),
            .budget: n(TRANCHE__V1__CLUSTER_EVENT_KIND__CLUSTER_EVENT_KIND_BUDGET),
            .unfilled: n(TRANCHE__V1__CLUSTER_EVENT_KIND__CLUSTER_EVENT_KIND_UNFILLED),
        ]
        #expect(kinds.count == ClusterEvent.Kind.allCases.count)
        for k in ClusterEvent.Kind.allCases {
            #expect(kinds[k] == k.wireNumber, "\(k)")
            #expect(ClusterEvent.Kind(wireNumber: k.wireNumber) == k)
        }
        // Appending a case to the core enum must append a number, never shift one.
        #expect(ClusterEvent.Kind.allCases.map(\.wireNumber) == Array(1...ClusterEvent.Kind.allCases.count))
        #expect(ClusterEvent.Kind(wireNumber: 0) == nil)
        #expect(ClusterEvent.Kind(wireNumber: 19) == nil)
    }

    @Test func ledgerAccountKinds() {
        // Mapped by name in TrancheWire (LedgerAccount has associated values); the
        // numbers are published, so they are pinned here.
        #expect(n(TRANCHE__V1__LEDGER_ACCOUNT_KIND__LEDGER_ACCOUNT_KIND_UNSPECIFIED) == 0)
        #expect(n(TRANCHE__V1__LEDGER_ACCOUNT_KIND__LEDGER_ACCOUNT_KIND_EXTERNAL) == 1)
        #expect(n(TRANCHE__V1__LEDGER_ACCOUNT_KIND__LEDGER_ACCOUNT_KIND_TRADER) == 2)
        #expect(n(TRANCHE__V1__LEDGER_ACCOUNT_KIND__LEDGER_ACCOUNT_KIND_INSURANCE_FUND) == 3)
        #expect(n(TRANCHE__V1__LEDGER_ACCOUNT_KIND__LEDGER_ACCOUNT_KIND_VENUE) == 4)
        #expect(n(TRANCHE__V1__LEDGER_ACCOUNT_KIND__LEDGER_ACCOUNT_KIND_FEES) == 5)
    }

    @Test func breakerReasonsAndFundEventKinds() {
        let reasons: [BreakerReason: Int] = [
            .liquidationVolume: n(TRANCHE__V1__BREAKER_REASON__BREAKER_REASON_LIQUIDATION_VOLUME),
            .priceVelocity: n(TRANCHE__V1__BREAKER_REASON__BREAKER_REASON_PRICE_VELOCITY),
            .recovered: n(TRANCHE__V1__BREAKER_REASON__BREAKER_REASON_RECOVERED),
            .controlSilent: n(TRANCHE__V1__BREAKER_REASON__BREAKER_REASON_CONTROL_SILENT),
            .manual: n(TRANCHE__V1__BREAKER_REASON__BREAKER_REASON_MANUAL),
            .initial: n(TRANCHE__V1__BREAKER_REASON__BREAKER_REASON_INITIAL),
        ]
        #expect(reasons.count == BreakerReason.allCases.count)
        for r in BreakerReason.allCases { #expect(reasons[r] == r.rawValue, "\(r)") }

        let kinds: [Message.InsuranceFundEvent.Kind: Int] = [
            .feeIn: n(TRANCHE__V1__INSURANCE_FUND_EVENT_KIND__INSURANCE_FUND_EVENT_KIND_FEE_IN),
            .deficitCovered: n(TRANCHE__V1__INSURANCE_FUND_EVENT_KIND__INSURANCE_FUND_EVENT_KIND_DEFICIT_COVERED),
            .deficitUncovered: n(TRANCHE__V1__INSURANCE_FUND_EVENT_KIND__INSURANCE_FUND_EVENT_KIND_DEFICIT_UNCOVERED),
            .takeover: n(TRANCHE__V1__INSURANCE_FUND_EVENT_KIND__INSURANCE_FUND_EVENT_KIND_TAKEOVER),
            .adl: n(TRANCHE__V1__INSURANCE_FUND_EVENT_KIND__INSURANCE_FUND_EVENT_KIND_ADL),
            .deposit: n(TRANCHE__V1__INSURANCE_FUND_EVENT_KIND__INSURANCE_FUND_EVENT_KIND_DEPOSIT),
        ]
        #expect(kinds.count == Message.InsuranceFundEvent.Kind.allCases.count)
        for k in Message.InsuranceFundEvent.Kind.allCases { #expect(kinds[k] == k.rawValue, "\(k)") }
    }
}
