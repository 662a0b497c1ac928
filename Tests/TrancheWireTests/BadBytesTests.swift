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
        body.varint(1, 16)
        var p = ProtoBytes.header(kind: MessageKind.commandReply.rawValue)
        p.message(MessageKind.commandReply.rawValue, body)
        #expect(decodeError(p.bytes) == .invalidEnumValue(field: "CommandReply.error_code", value: 16))
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
        ]
        for error in errors {
            #expect(!error.description.isEmpty)
            #expect(error.errorCode == (error == .unsupportedVersion(received: 2, supported: 1) ? .versionMismatch : .decodeError))
        }
    }
}
