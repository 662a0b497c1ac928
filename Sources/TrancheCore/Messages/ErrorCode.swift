/// Outcome of a command, as carried by `Message.CommandReply`. The raw values are
/// STABLE and equal the wire's `ErrorCode` numbers: clients switch on them. Never
/// renumber or reuse one; only append.
public enum ErrorCode: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case ok = 0
    /// A field is out of range or inconsistent (e.g. a non-positive size).
    case invalidArgument = 1
    case unknownAccount = 2
    case accountExists = 3
    case unknownMarket = 4
    /// The initial margin requirement is not met after the command.
    case insufficientMargin = 5
    /// Not enough free collateral to withdraw or to fund an isolated margin.
    case insufficientCollateral = 6
    case positionNotFound = 7
    /// The scope is being liquidated: trader commands on it are refused.
    case liquidationInProgress = 8
    /// The receiving worker does not own the account's shard (stale routing).
    case notOwner = 9
    /// The owner of the account is not reachable right now; retry later.
    case unavailable = 10
    /// The market's breaker is HALTED.
    case breakerHalted = 11
    case `internal` = 12
    /// The peer speaks another protocol version.
    case versionMismatch = 13
    /// The request's bytes could not be decoded.
    case decodeError = 14
    /// No answer in time.
    case timeout = 15
    /// Overloaded, or the account's earlier money messages are not acknowledged yet:
    /// retry after a short pause with the same request id.
    case busy = 16
    /// The sender's identity could not be established (no key, or a connection whose
    /// routing id is not its authenticated identity's).
    case unauthenticated = 17
    /// The authenticated sender may not do this (this message kind on this socket, this
    /// account, an operator's command).
    case permissionDenied = 18
    /// A message kind this build does not know.
    case unknownKind = 19

    /// The wire name, e.g. `INSUFFICIENT_MARGIN`.
    public var description: String {
        switch self {
        case .ok: return "OK"
        case .invalidArgument: return "INVALID_ARGUMENT"
        case .unknownAccount: return "UNKNOWN_ACCOUNT"
        case .accountExists: return "ACCOUNT_EXISTS"
        case .unknownMarket: return "UNKNOWN_MARKET"
        case .insufficientMargin: return "INSUFFICIENT_MARGIN"
        case .insufficientCollateral: return "INSUFFICIENT_COLLATERAL"
        case .positionNotFound: return "POSITION_NOT_FOUND"
        case .liquidationInProgress: return "LIQUIDATION_IN_PROGRESS"
        case .notOwner: return "NOT_OWNER"
        case .unavailable: return "UNAVAILABLE"
        case .breakerHalted: return "BREAKER_HALTED"
        case .internal: return "INTERNAL"
        case .versionMismatch: return "VERSION_MISMATCH"
        case .decodeError: return "DECODE_ERROR"
        case .timeout: return "TIMEOUT"
        case .busy: return "BUSY"
        case .unauthenticated: return "UNAUTHENTICATED"
        case .permissionDenied: return "PERMISSION_DENIED"
        case .unknownKind: return "UNKNOWN_KIND"
        }
    }
}
