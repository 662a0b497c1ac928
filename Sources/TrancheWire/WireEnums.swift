internal import CTrancheProto
import TrancheCore

// Core enums ↔ protobuf-c enums. Every mapping names the generated constants, so a
// renamed or removed enum value in the .proto files is a compile error here. Decoding
// rejects UNSPECIFIED and unknown numbers with `.invalidEnumValue`.

/// The number an imported C enum holds, as protobuf reads it (an int32).
private func number<E: RawRepresentable>(_ e: E) -> Int where E.RawValue: BinaryInteger {
    Int(Int32(truncatingIfNeeded: e.rawValue))
}

/// The imported C enum holding `n`.
func cEnum<E: RawRepresentable>(_ n: Int) -> E where E.RawValue: BinaryInteger {
    E(rawValue: E.RawValue(truncatingIfNeeded: n))!
}

/// A core enum whose raw values are the wire numbers (stable by contract).
func coreEnum<S: RawRepresentable<Int>, E: RawRepresentable>(
    _ e: E, _ field: @autoclosure () -> String
) throws(WireDecodeError) -> S where E.RawValue: BinaryInteger {
    guard let s = S(rawValue: number(e)) else { throw .invalidEnumValue(field: field(), value: number(e)) }
    return s
}

func invalid<E: RawRepresentable>(_ e: E, _ field: String) -> WireDecodeError where E.RawValue: BinaryInteger {
    .invalidEnumValue(field: field, value: number(e))
}

extension Side {
    var c: Tranche__V1__Side {
        switch self {
        case .long: return TRANCHE__V1__SIDE__SIDE_LONG
        case .short: return TRANCHE__V1__SIDE__SIDE_SHORT
        }
    }

    init(c: Tranche__V1__Side, _ field: @autoclosure () -> String) throws(WireDecodeError) {
        switch c {
        case TRANCHE__V1__SIDE__SIDE_LONG: self = .long
        case TRANCHE__V1__SIDE__SIDE_SHORT: self = .short
        default: throw invalid(c, field())
        }
    }

    /// The side of an ORDER: buying is `.long`, selling `.short`.
    var cOrderSide: Tranche__V1__OrderSide {
        switch self {
        case .long: return TRANCHE__V1__ORDER_SIDE__ORDER_SIDE_BUY
        case .short: return TRANCHE__V1__ORDER_SIDE__ORDER_SIDE_SELL
        }
    }

    init(cOrderSide c: Tranche__V1__OrderSide, _ field: @autoclosure () -> String) throws(WireDecodeError) {
        switch c {
        case TRANCHE__V1__ORDER_SIDE__ORDER_SIDE_BUY: self = .long
        case TRANCHE__V1__ORDER_SIDE__ORDER_SIDE_SELL: self = .short
        default: throw invalid(c, field())
        }
    }
}

extension MarginMode {
    var c: Tranche__V1__MarginMode {
        switch self {
        case .cross: return TRANCHE__V1__MARGIN_MODE__MARGIN_MODE_CROSS
        case .isolated: return TRANCHE__V1__MARGIN_MODE__MARGIN_MODE_ISOLATED
        }
    }

    init(c: Tranche__V1__MarginMode, _ field: @autoclosure () -> String) throws(WireDecodeError) {
        switch c {
        case TRANCHE__V1__MARGIN_MODE__MARGIN_MODE_CROSS: self = .cross
        case TRANCHE__V1__MARGIN_MODE__MARGIN_MODE_ISOLATED: self = .isolated
        default: throw invalid(c, field())
        }
    }
}

extension BreakerLevel {
    var c: Tranche__V1__BreakerLevel {
        switch self {
        case .normal: return TRANCHE__V1__BREAKER_LEVEL__BREAKER_LEVEL_NORMAL
        case .throttled: return TRANCHE__V1__BREAKER_LEVEL__BREAKER_LEVEL_THROTTLED
        case .halted: return TRANCHE__V1__BREAKER_LEVEL__BREAKER_LEVEL_HALTED
        }
    }

    init(c: Tranche__V1__BreakerLevel, _ field: @autoclosure () -> String) throws(WireDecodeError) {
        switch c {
        case TRANCHE__V1__BREAKER_LEVEL__BREAKER_LEVEL_NORMAL: self = .normal
        case TRANCHE__V1__BREAKER_LEVEL__BREAKER_LEVEL_THROTTLED: self = .throttled
        case TRANCHE__V1__BREAKER_LEVEL__BREAKER_LEVEL_HALTED: self = .halted
        default: throw invalid(c, field())
        }
    }
}

extension LiquidationPhase {
    var c: Tranche__V1__LiquidationPhase {
        switch self {
        case .healthy: return TRANCHE__V1__LIQUIDATION_PHASE__LIQUIDATION_PHASE_HEALTHY
        case .marginCall: return TRANCHE__V1__LIQUIDATION_PHASE__LIQUIDATION_PHASE_MARGIN_CALL
        case .liquidating: return TRANCHE__V1__LIQUIDATION_PHASE__LIQUIDATION_PHASE_LIQUIDATING
        case .closed: return TRANCHE__V1__LIQUIDATION_PHASE__LIQUIDATION_PHASE_CLOSED
        case .bankrupt: return TRANCHE__V1__LIQUIDATION_PHASE__LIQUIDATION_PHASE_BANKRUPT
        case .takenOver: return TRANCHE__V1__LIQUIDATION_PHASE__LIQUIDATION_PHASE_TAKEN_OVER
        }
    }

    init(c: Tranche__V1__LiquidationPhase, _ field: @autoclosure () -> String) throws(WireDecodeError) {
        switch c {
        case TRANCHE__V1__LIQUIDATION_PHASE__LIQUIDATION_PHASE_HEALTHY: self = .healthy
        case TRANCHE__V1__LIQUIDATION_PHASE__LIQUIDATION_PHASE_MARGIN_CALL: self = .marginCall
        case TRANCHE__V1__LIQUIDATION_PHASE__LIQUIDATION_PHASE_LIQUIDATING: self = .liquidating
        case TRANCHE__V1__LIQUIDATION_PHASE__LIQUIDATION_PHASE_CLOSED: self = .closed
        case TRANCHE__V1__LIQUIDATION_PHASE__LIQUIDATION_PHASE_BANKRUPT: self = .bankrupt
        case TRANCHE__V1__LIQUIDATION_PHASE__LIQUIDATION_PHASE_TAKEN_OVER: self = .takenOver
        default: throw invalid(c, field())
        }
    }
}

// BreakerReason, ErrorCode, MessageKind, InsuranceFundEvent.Kind and LedgerReason carry
// their wire numbers as raw values (a test checks them against the generated constants).

extension BreakerReason {
    var c: Tranche__V1__BreakerReason { cEnum(rawValue) }
}

extension ErrorCode {
    var c: Tranche__V1__ErrorCode { cEnum(rawValue) }
}

extension MessageKind {
    var c: Tranche__V1__MessageKind { cEnum(rawValue) }
}

extension Message.InsuranceFundEvent.Kind {
    var c: Tranche__V1__InsuranceFundEventKind { cEnum(rawValue) }
}

extension LedgerReason {
    var c: Tranche__V1__LedgerReason { cEnum(rawValue) }
}

extension ClusterEvent.Kind {
    /// The stable wire number of this kind (`tranche.v1.ClusterEventKind`): the
    /// declaration order of the cases, starting at 1. Kept here rather than as raw
    /// values because the core's raw values are the JSON names. Never renumber or
    /// reuse one; new kinds are appended.
    public var wireNumber: Int {
        switch self {
        case .command: return 1
        case .mark: return 2
        case .marginCall: return 3
        case .trancheOrder: return 4
        case .fill: return 5
        case .fee: return 6
        case .deficit: return 7
        case .deficitCovered: return 8
        case .deficitUncovered: return 9
        case .adl: return 10
        case .takeover: return 11
        case .breaker: return 12
        case .restored: return 13
        case .closed: return 14
        case .bankrupt: return 15
        case .rejected: return 16
        case .budget: return 17
        case .unfilled: return 18
        }
    }

    private static let byWireNumber = Dictionary(uniqueKeysWithValues: allCases.map { ($0.wireNumber, $0) })

    /// The kind with this wire number; nil for 0 (UNSPECIFIED) and unknown numbers.
    public init?(wireNumber: Int) {
        guard let kind = Self.byWireNumber[wireNumber] else { return nil }
        self = kind
    }

    var c: Tranche__V1__ClusterEventKind { cEnum(wireNumber) }

    init(c: Tranche__V1__ClusterEventKind, _ field: @autoclosure () -> String) throws(WireDecodeError) {
        guard let kind = Self(wireNumber: number(c)) else { throw invalid(c, field()) }
        self = kind
    }
}
