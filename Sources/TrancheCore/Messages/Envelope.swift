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
    /// Client commands: the client's id for this request (0: none). A retry carries the
    /// same id and gets the original outcome instead of being applied twice.
    public var requestID: UInt64
    /// Set by the coordinator on a client command it routes: the client it came from.
    public var origin: String
    /// Reliable messages: their place in an account's stream (nil: not reliable).
    public var delivery: Delivery?

    /// The place of a reliable message in its account's stream: sequences 1, 2, ... are
    /// applied once each, in order, and acknowledged (`Message.DeliveryAck`).
    public struct Delivery: Sendable, Equatable, Hashable, Codable {
        public var account: AccountID
        public var sequence: UInt64
        public init(account: AccountID, sequence: UInt64) {
            self.account = account
            self.sequence = sequence
        }
    }

    public init(
        protocolVersion: UInt32 = Envelope.currentProtocolVersion,
        correlationID: UInt64 = 0,
        sender: String,
        sentAt: Instant,
        body: MessageBody,
        requestID: UInt64 = 0,
        origin: String = "",
        delivery: Delivery? = nil
    ) {
        self.protocolVersion = protocolVersion
        self.correlationID = correlationID
        self.sender = sender
        self.sentAt = sentAt
        self.body = body
        self.requestID = requestID
        self.origin = origin
        self.delivery = delivery
    }

    /// The kind of the body.
    public var kind: MessageKind { body.kind }
}
