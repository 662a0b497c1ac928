/// Header plus one typed body: the unit every socket of the cluster carries.
public struct Envelope: Sendable, Equatable {
    /// The protocol version this build speaks. Decoders reject any other.
    public static let currentProtocolVersion: UInt32 = 1

    /// Written as given (tests build envelopes of other versions); decoded envelopes
    /// always carry `currentProtocolVersion`.
    public var protocolVersion: UInt32
    /// Chosen by the requester, echoed in the reply; 0 for unsolicited messages.
    public var correlationID: UInt64
    /// Logical name of the sending process, e.g. "worker-2".
    public var sender: String
    /// When the sender sent it (the shell's clock).
    public var sentAt: Instant
    public var body: MessageBody

    public init(
        protocolVersion: UInt32 = Envelope.currentProtocolVersion,
        correlationID: UInt64 = 0,
        sender: String,
        sentAt: Instant,
        body: MessageBody
    ) {
        self.protocolVersion = protocolVersion
        self.correlationID = correlationID
        self.sender = sender
        self.sentAt = sentAt
        self.body = body
    }

    /// The kind of the body.
    public var kind: MessageKind { body.kind }
}
