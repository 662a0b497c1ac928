extension Message {
    /// Operator command: lets a client key act on a set of accounts (replacing its earlier
    /// grant), or revokes the client.
    public struct ClientGrant: Sendable, Equatable, Codable {
        /// The client's name (letters, digits, '-', '_', '.'; not "operator").
        public var client: String
        /// Its CurveZMQ public key, Z85 (40 characters); empty when revoking.
        public var publicKey: String
        /// Inclusive ranges of the account ids it may open and act on.
        public var accounts: [ClosedRange<UInt64>]
        public var revoke: Bool

        public init(client: String, publicKey: String, accounts: [ClosedRange<UInt64>], revoke: Bool = false) {
            self.client = client
            self.publicKey = publicKey
            self.accounts = accounts
            self.revoke = revoke
        }
    }
}

extension Message.ClientGrant {
    /// The name the operator's key is known by; no client may take it.
    public static let operatorName = "operator"

    /// Whether `name` may name a client: 1–64 letters, digits, '-', '_' or '.', not the operator's.
    public static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 64, name != operatorName else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && (("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }
    }

    /// Whether the grant covers `account`.
    public func covers(_ account: AccountID) -> Bool { accounts.contains { $0.contains(account.rawValue) } }
}
