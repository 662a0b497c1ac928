import TrancheCore

/// Why bytes could not be decoded into an `Envelope`. Only structural validity is
/// checked here; whether a decoded value makes sense (a positive size, a known
/// market) is the receiving role's business.
public enum WireDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Zero bytes: there is no message at all.
    case empty
    /// The bytes are not a well-formed `tranche.v1.Envelope` (truncated, garbage or
    /// wrong wire types).
    case malformed(byteCount: Int)
    /// The sender speaks another protocol version.
    case unsupportedVersion(received: UInt32, supported: UInt32)
    /// The envelope's `kind` is a number this build does not know (a newer peer).
    case unknownKind(Int)
    /// No body is set (and the kind, if any, is known).
    case missingBody(declaredKind: Int)
    /// The envelope's `kind` disagrees with the body that is set.
    case kindMismatch(declaredKind: Int, body: MessageKind)
    /// A sub-message that the body cannot do without is absent.
    case missingField(String)
    /// An enum field holds UNSPECIFIED or a number this build does not know.
    case invalidEnumValue(field: String, value: Int)
    /// A string field is not valid UTF-8.
    case invalidUTF8(field: String)
    /// A field disagrees with the kind beside it (a TRADER ledger account without an
    /// account id, a VENUE one without a market, or a value a kind does not have).
    case inconsistentField(field: String, detail: String)

    /// The stable code to answer with: `.versionMismatch` for another protocol
    /// version, `.unknownKind` for a kind this build does not know, `.decodeError` for
    /// everything else.
    public var errorCode: ErrorCode {
        switch self {
        case .unsupportedVersion: return .versionMismatch
        case .unknownKind: return .unknownKind
        case .empty, .malformed, .missingBody, .kindMismatch, .missingField, .invalidEnumValue, .invalidUTF8,
             .inconsistentField:
            return .decodeError
        }
    }

    public var description: String {
        switch self {
        case .empty:
            return "empty message: expected a tranche.v1.Envelope"
        case .malformed(let n):
            return "\(n) bytes are not a well-formed tranche.v1.Envelope (truncated or corrupt)"
        case .unsupportedVersion(let received, let supported):
            return "protocol version \(received) is not supported (this build speaks \(supported))"
        case .unknownKind(let k):
            return "unknown message kind \(k): the sender is newer than this build"
        case .missingBody(let k):
            return "envelope has no body (declared kind \(k))"
        case .kindMismatch(let declared, let body):
            return "envelope declares kind \(declared) but carries a \(body) body (kind \(body.rawValue))"
        case .missingField(let f):
            return "required field \(f) is missing"
        case .invalidEnumValue(let f, let v):
            return "field \(f) has invalid enum value \(v)"
        case .invalidUTF8(let f):
            return "field \(f) is not valid UTF-8"
        case .inconsistentField(let f, let detail):
            return "field \(f) is inconsistent: \(detail)"
        }
    }
}
