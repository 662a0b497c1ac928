import Testing
import TrancheCore
import TrancheWire

@Suite struct BadBytesTests {
    private func decodeError(_ bytes: [UInt8]) -> WireDecodeError? {
        do {
            _ = try WireCodec.decode(bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test func emptyBytes() {
        let error = decodeError([])
        #expect(error == .empty)
        #expect(error?.errorCode == .decodeError)
    }

    @Test func everyTruncationOfAValidMessageFails() {
        for body in Samples.bodies {
            let bytes = WireCodec.encode(Samples.envelope(body))
            for length in 1..<bytes.count {
                let error = decodeError(Array(bytes[..<length]))
                #expect(error != nil, "prefix of \(length)/\(bytes.count) bytes of \(body.kind) decoded")
                #expect(error?.errorCode == .decodeError)
            }
        }
    }

    @Test func tenThousandRandomByteArraysAreRejected() {
        var rng = SplitMix64(seed: 0x7472_616E_6368_65)
        var rejected = 0
        for i in 0..<10_000 {
            let length = i < 9_000 ? Int.random(in: 1...64, using: &rng) : Int.random(in: 65...2_048, using: &rng)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if let error = decodeError(bytes) {
                rejected += 1
                #expect(!error.description.isEmpty)
            }
        }
        #expect(rejected == 10_000)
    }

    /// Corrupting valid messages reaches deeper than random bytes: it must never
    /// crash, and whatever still decodes must encode again.
    @Test func corruptedValidMessagesNeverCrash() throws {
        var rng = SplitMix64(seed: 42)
        let originals = Samples.bodies.map { WireCodec.encode(Samples.envelope($0)) }
        for _ in 0..<10_000 {
            var bytes = originals.randomElement(using: &rng)!
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            if let envelope = try? WireCodec.decode(bytes) {
                _ = try WireCodec.decode(WireCodec.encode(envelope))
            }
        }
    }

    @Test func wrongProtocolVersion() {
        var envelope = Samples.envelope(.statusRequest(.init()))
        envelope.protocolVersion = 2
        let error = decodeError(WireCodec.encode(envelope))
        #expect(error == .unsupportedVersion(received: 2, supported: 1))
        #expect(error?.errorCode == .versionMismatch)

        envelope.protocolVersion = .max
        #expect(decodeError(WireCodec.encode(envelope)) == .unsupportedVersion(received: .max, supported: 1))
    }

    @Test func missingVersionIsVersionZero() {
        var p = ProtoBytes()
        p.varint(2, UInt64(MessageKind.statusRequest.rawValue))
        p.data(MessageKind.statusRequest.rawValue, [])
        #expect(decodeError(p.bytes) == .unsupportedVersion(received: 0, supported: 1))
    }

    @Test func bodyMissing() {
        #expect(decodeError(ProtoBytes.header(kind: MessageKind.markPrice.rawValue).bytes) == .missingBody(declaredKind: 40))
        #expect(decodeError(ProtoBytes.header(kind: 0).bytes) == .missingBody(declaredKind: 0))
    }

    @Test func unknownKindFromANewerPeer() {
        var p = ProtoBytes.header(kind: 99)
        p.data(99, [0x08, 0x01])  // a body this build has never heard of
        #expect(decodeError(p.bytes) == .unknownKind(99))
    }

    @Test func kindDisagreesWithBody() {
        var p = ProtoBytes.header(kind: MessageKind.deposit.rawValue)
        p.data(MessageKind.markPrice.rawValue, [])
        #expect(decodeError(p.bytes) == .kindMismatch(declaredKind: 11, body: .markPrice))

        var q = ProtoBytes.header(kind: 0)
        q.data(MessageKind.statusRequest.rawValue, [])
        #expect(decodeError(q.bytes) == .kindMismatch(declaredKind: 0, body: .statusRequest))
    }

    @Test(arguments: [(Int64(7), 7), (-1, -1), (0, 0)])
    func unknownEnumValue(raw: Int64, reported: Int) {
        var body = ProtoBytes()
        body.varint(1, 42)
        body.data(2, Array("BTC-PERP".utf8))
        if raw != 0 { body.varint(3, UInt64(bitPattern: raw)) }
        body.varint(6, 1)
        var p = ProtoBytes.header(kind: MessageKind.submitPosition.rawValue)
        p.message(MessageKind.submitPosition.rawValue, body)
        #expect(decodeError(p.bytes) == .invalidEnumValue(field: "SubmitPosition.side", value: reported))
    }

    @Test func unknownErrorCode() {
        var body = ProtoBytes()
        body.varint(1, 99)
        var p = ProtoBytes.header(kind: MessageKind.commandReply.rawValue)
        p.message(MessageKind.commandReply.rawValue, body)
        #expect(decodeError(p.bytes) == .invalidEnumValue(field: "CommandReply.error_code", value: 99))
    }

    @Test func invalidUTF8() {
        var p = ProtoBytes.header(kind: MessageKind.statusRequest.rawValue)
        p.data(4, [0x77, 0xFF, 0xFE, 0x6B])
        p.data(MessageKind.statusRequest.rawValue, [])
        let error = decodeError(p.bytes)
        #expect(error == .invalidUTF8(field: "Envelope.sender"))

        var market = ProtoBytes()
        market.data(1, [0xC3, 0x28])  // a truncated two-byte sequence
        var q = ProtoBytes.header(kind: MessageKind.markPrice.rawValue)
        q.message(MessageKind.markPrice.rawValue, market)
        #expect(decodeError(q.bytes) == .invalidUTF8(field: "MarkPrice.market"))
    }

    @Test func requiredSubMessageMissing() {
        var body = ProtoBytes()
        body.varint(2, 2)  // SELL, but no tranche id
        var p = ProtoBytes.header(kind: MessageKind.trancheOrder.rawValue)
        p.message(MessageKind.trancheOrder.rawValue, body)
        #expect(decodeError(p.bytes) == .missingField("TrancheOrder.tranche"))

        var notice = ProtoBytes()
        notice.varint(3, 1)  // LONG, but no tranche id
        var q = ProtoBytes.header(kind: MessageKind.bankruptcyNotice.rawValue)
        q.message(MessageKind.bankruptcyNotice.rawValue, notice)
        #expect(decodeError(q.bytes) == .missingField("BankruptcyNotice.tranche"))

        var decision = ProtoBytes()
        decision.varint(2, 5)
        var r = ProtoBytes.header(kind: MessageKind.bankruptcyDecision.rawValue)
        r.message(MessageKind.bankruptcyDecision.rawValue, decision)
        #expect(decodeError(r.bytes) == .missingField("BankruptcyDecision.tranche"))
    }

    /// A ledger account built by hand (0 / "" leave a field unset).
    private static func ledgerAccount(kind: UInt64, account: UInt64 = 0, market: String = "") -> ProtoBytes {
        var a = ProtoBytes()
        if kind != 0 { a.varint(1, kind) }
        if account != 0 { a.varint(2, account) }
        if !market.isEmpty { a.data(3, Array(market.utf8)) }
        return a
    }

    /// A one-transfer LedgerPosting paying `from` into the insurance fund.
    private static func ledgerPosting(from: ProtoBytes?, reason: UInt64 = 4) -> [UInt8] {
        var transfer = ProtoBytes()
        if let from { transfer.message(1, from) }
        transfer.message(2, ledgerAccount(kind: 3))  // INSURANCE_FUND
        transfer.varint(3, 5)
        if reason != 0 { transfer.varint(4, reason) }
        var posting = ProtoBytes()
        posting.message(1, transfer)
        var p = ProtoBytes.header(kind: MessageKind.ledgerPosting.rawValue)
        p.message(MessageKind.ledgerPosting.rawValue, posting)
        return p.bytes
    }

    @Test(arguments: [
        (UInt64(2), UInt64(0), "", "LedgerAccount.account_id"),  // TRADER without an account
        (4, 0, "", "LedgerAccount.market"),  // VENUE without a market
        (1, 7, "", "LedgerAccount.account_id"),  // EXTERNAL with an account
        (3, 7, "", "LedgerAccount.account_id"),  // INSURANCE_FUND with an account
        (4, 7, "BTC-PERP", "LedgerAccount.account_id"),  // VENUE with an account
        (2, 7, "BTC-PERP", "LedgerAccount.market"),  // TRADER with a market
        (5, 0, "BTC-PERP", "LedgerAccount.market"),  // FEES with a market
    ])
    func inconsistentLedgerAccount(kind: UInt64, account: UInt64, market: String, field: String) {
        let error = decodeError(Self.ledgerPosting(from: Self.ledgerAccount(kind: kind, account: account, market: market)))
        guard case .inconsistentField(let reported, let detail) = error else {
            Issue.record("expected inconsistentField, got \(String(describing: error))")
            return
        }
        #expect(reported == field)
        #expect(!detail.isEmpty)
        #expect(error?.errorCode == .decodeError)
    }

    @Test func consistentLedgerAccountsDecode() throws {
        let bytes = Self.ledgerPosting(from: Self.ledgerAccount(kind: 4, market: "ETH-PERP"))
        let posting = Message.LedgerPosting(
            transfers: [.init(from: .venue("ETH-PERP"), to: .insuranceFund, amount: Quote(e6: 5), reason: .liquidationFee)], at: .zero)
        #expect(try WireCodec.decode(bytes).body == .ledgerPosting(posting))
    }

    @Test func ledgerEnumsAndSubMessagesAreChecked() {
        #expect(decodeError(Self.ledgerPosting(from: Self.ledgerAccount(kind: 0))) == .invalidEnumValue(field: "LedgerAccount.kind", value: 0))
        #expect(decodeError(Self.ledgerPosting(from: Self.ledgerAccount(kind: 6))) == .invalidEnumValue(field: "LedgerAccount.kind", value: 6))
        #expect(decodeError(Self.ledgerPosting(from: nil)) == .missingField("LedgerTransfer.from"))
        let fund = Self.ledgerAccount(kind: 3)
        #expect(decodeError(Self.ledgerPosting(from: fund, reason: 0)) == .invalidEnumValue(field: "LedgerTransfer.reason", value: 0))
        #expect(decodeError(Self.ledgerPosting(from: fund, reason: 11)) == .invalidEnumValue(field: "LedgerTransfer.reason", value: 11))
    }

    /// Documented limit: account 0 and market "" mean none on the wire, so a core value
    /// holding them encodes but is refused by the decoder rather than misread.
    @Test func ledgerAccountsWithoutTheirValueDoNotDecode() {
        for account in [LedgerAccount.trader(AccountID(0)), .venue("")] {
            let transfer = LedgerTransfer(from: account, to: .insuranceFund, amount: Quote(e6: 1), reason: .deposit)
            let error = decodeError(WireCodec.encode(Samples.envelope(.ledgerPosting(.init(transfers: [transfer], at: .zero)))))
            guard case .inconsistentField = error else {
                Issue.record("\(account): expected inconsistentField, got \(String(describing: error))")
                continue
            }
        }
    }

    @Test(arguments: [0, 19, -1])
    func unknownClusterEventKind(raw: Int) {
        var body = ProtoBytes()
        if raw != 0 { body.varint(1, UInt64(bitPattern: Int64(raw))) }
        body.varint(2, 1)
        var p = ProtoBytes.header(kind: MessageKind.clusterEvent.rawValue)
        p.message(MessageKind.clusterEvent.rawValue, body)
        #expect(decodeError(p.bytes) == .invalidEnumValue(field: "ClusterEvent.kind", value: raw))
    }

    /// FillReport's order side came after its first fields (additively, as field 9): a
    /// report without one is refused, not read as a guess.
    @Test func fillReportWithoutOrderSide() {
        var tranche = ProtoBytes()
        tranche.varint(1, 42)
        tranche.data(2, Array("BTC-PERP".utf8))
        tranche.varint(3, 1)
        var body = ProtoBytes()
        body.message(1, tranche)
        body.varint(2, 100)
        var p = ProtoBytes.header(kind: MessageKind.fillReport.rawValue)
        p.message(MessageKind.fillReport.rawValue, body)
        #expect(decodeError(p.bytes) == .invalidEnumValue(field: "FillReport.order_side", value: 0))
    }

    @Test func nestedEnumIsChecked() {
        var position = ProtoBytes()
        position.data(1, Array("X".utf8))
        position.varint(10, 9)  // margin mode 9
        var view = ProtoBytes()
        view.varint(10, 1)  // HEALTHY
        view.message(13, position)
        var reply = ProtoBytes()
        reply.message(5, view)
        var p = ProtoBytes.header(kind: MessageKind.commandReply.rawValue)
        p.message(MessageKind.commandReply.rawValue, reply)
        #expect(decodeError(p.bytes) == .invalidEnumValue(field: "PositionView.margin_mode", value: 9))
    }

    @Test func unknownFieldsAreIgnored() throws {
        // Additive changes: a newer peer's extra fields do not break this build.
        var body = ProtoBytes()
        body.data(1, Array("BTC-PERP".utf8))
        body.varint(2, 5)
        body.varint(15, 123)  // a field this build does not know
        var p = ProtoBytes.header(kind: MessageKind.markPrice.rawValue)
        p.varint(9, 1)
        p.message(MessageKind.markPrice.rawValue, body)
        let envelope = try WireCodec.decode(p.bytes)
        #expect(envelope.body == .markPrice(.init(market: "BTC-PERP", price: Price(e8: 5), sequence: 0, at: .zero)))
    }

    @Test func errorsExplainThemselves() {
        let errors: [WireDecodeError] = [
            .empty, .malformed(byteCount: 3), .unsupportedVersion(received: 2, supported: 1), .unknownKind(99),
            .missingBody(declaredKind: 0), .kindMismatch(declaredKind: 11, body: .markPrice), .missingField("X.y"),
            .invalidEnumValue(field: "X.y", value: 7), .invalidUTF8(field: "X.y"),
            .inconsistentField(field: "X.y", detail: "needs z"),
        ]
        for error in errors {
            #expect(!error.description.isEmpty)
            let expected: ErrorCode = switch error {
            case .unsupportedVersion: .versionMismatch
            case .unknownKind: .unknownKind
            default: .decodeError
            }
            #expect(error.errorCode == expected)
        }
    }
}
