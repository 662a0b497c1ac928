internal import CTrancheProto
import TrancheCore

/// Bytes ↔ `Envelope`: the only way a Tranche message is put on or taken off the
/// wire. The format is protobuf `tranche.v1.Envelope` (see proto/ and
/// docs/wire-protocol.md); protobuf-c does the byte work and none of its types
/// appear in this API.
public enum WireCodec {
    /// The protocol version this build speaks; decoding rejects any other.
    public static let protocolVersion: UInt32 = Envelope.currentProtocolVersion

    /// Serialises an envelope. Never fails: every core value has a wire form.
    ///
    /// Strings are written as C strings, so a string with an embedded NUL is cut at
    /// it. The envelope's `protocolVersion` is written as given.
    public static func encode(_ envelope: Envelope) -> [UInt8] {
        let arena = PackArena()
        var env = Tranche__V1__Envelope()
        tranche__v1__envelope__init(&env)
        env.protocol_version = envelope.protocolVersion
        env.kind = envelope.kind.c
        env.correlation_id = envelope.correlationID
        env.sender = arena.string(envelope.sender)
        env.sent_at_ns = envelope.sentAt.nanoseconds
        env.request_id = envelope.requestID
        env.origin = arena.string(envelope.origin)
        if let d = envelope.delivery {
            env.delivery_account_id = d.account.rawValue
            env.delivery_sequence = d.sequence
        }
        setBody(envelope.body, on: &env, in: arena)

        let size = tranche__v1__envelope__get_packed_size(&env)
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = size == 0 ? 0 : tranche__v1__envelope__pack(&env, buffer.baseAddress)
        }
        // The C tree points into the arena until packing is done.
        withExtendedLifetime(arena) {}
        return bytes
    }

    /// Parses bytes into an envelope, or says precisely why they are not one.
    /// Never crashes on hostile input and frees everything it unpacked.
    public static func decode(_ bytes: [UInt8]) throws(WireDecodeError) -> Envelope {
        guard !bytes.isEmpty else { throw .empty }
        let unpacked = bytes.withUnsafeBufferPointer { buffer in
            tranche__v1__envelope__unpack(nil, buffer.count, buffer.baseAddress)
        }
        guard let unpacked else { throw .malformed(byteCount: bytes.count) }
        defer { tranche__v1__envelope__free_unpacked(unpacked, nil) }
        return try decodeEnvelope(unpacked.pointee)
    }

    private static func decodeEnvelope(_ env: Tranche__V1__Envelope) throws(WireDecodeError) -> Envelope {
        guard env.protocol_version == protocolVersion else {
            throw .unsupportedVersion(received: env.protocol_version, supported: protocolVersion)
        }
        let declared = Int(Int32(truncatingIfNeeded: env.kind.rawValue))
        guard let body = try body(of: env) else {
            // No body this build knows: either none was set, or a newer peer sent one.
            if declared != 0 && MessageKind(rawValue: declared) == nil { throw .unknownKind(declared) }
            throw .missingBody(declaredKind: declared)
        }
        guard declared == body.kind.rawValue else {
            throw .kindMismatch(declaredKind: declared, body: body.kind)
        }
        return Envelope(
            protocolVersion: env.protocol_version,
            correlationID: env.correlation_id,
            sender: try WireRead.string(env.sender, "Envelope.sender"),
            sentAt: Instant(nanoseconds: env.sent_at_ns),
            body: body,
            requestID: env.request_id,
            origin: try WireRead.string(env.origin, "Envelope.origin"),
            delivery: env.delivery_sequence == 0 ? nil
                : Envelope.Delivery(account: AccountID(env.delivery_account_id), sequence: env.delivery_sequence))
    }
}
