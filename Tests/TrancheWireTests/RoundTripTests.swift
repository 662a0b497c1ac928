import Testing
import TrancheCore
import TrancheWire

@Suite struct RoundTripTests {
    @Test func samplesCoverEveryKind() {
        #expect(Set(Samples.bodies.map(\.kind)) == Set(MessageKind.allCases))
    }

    @Test(arguments: Samples.bodies)
    func roundTrip(_ body: MessageBody) throws {
        let envelope = Samples.envelope(body)
        let bytes = WireCodec.encode(envelope)
        #expect(!bytes.isEmpty)
        let decoded = try WireCodec.decode(bytes)
        #expect(decoded == envelope)
        #expect(decoded.kind == body.kind)
        // Deterministic: the same value always gives the same bytes.
        #expect(WireCodec.encode(decoded) == bytes)
    }

    @Test func headerExtremes() throws {
        for (correlation, sentAt, sender) in [
            (UInt64.max, Int64.min, ""),
            (0, Int64.max, "cli"),
            (1, 0, "coordinator/Ωμέγα/🛰️"),
        ] {
            let envelope = Envelope(
                correlationID: correlation, sender: sender, sentAt: Instant(nanoseconds: sentAt),
                body: .statusRequest(.init()))
            #expect(try WireCodec.decode(WireCodec.encode(envelope)) == envelope)
        }
    }

    @Test func requestIdOriginAndDeliveryRoundTrip() throws {
        for (requestID, origin, delivery) in [
            (UInt64.max, "client:Ωμέγα", Envelope.Delivery(account: AccountID(.max), sequence: .max)),
            (1, "", Envelope.Delivery(account: AccountID(7), sequence: 1)),
            (0, "client:cli-1", nil),
        ] {
            let envelope = Envelope(correlationID: 3, sender: "worker:w1", sentAt: Instant(nanoseconds: 5),
                                    body: .deposit(.init(account: AccountID(7), amount: Quote(e6: 1))),
                                    requestID: requestID, origin: origin, delivery: delivery)
            #expect(try WireCodec.decode(WireCodec.encode(envelope)) == envelope)
        }
    }

    @Test func everyErrorCodeRoundTrips() throws {
        for code in ErrorCode.allCases {
            let envelope = Samples.envelope(.commandReply(.init(errorCode: code, errorMessage: "\(code)")))
            #expect(try WireCodec.decode(WireCodec.encode(envelope)) == envelope)
        }
    }

    @Test func everyEnumCaseRoundTrips() throws {
        for level in BreakerLevel.allCases {
            for reason in BreakerReason.allCases {
                var state = Samples.breakerState
                state.level = level
                state.reason = reason
                let envelope = Samples.envelope(.breakerState(state))
                #expect(try WireCodec.decode(WireCodec.encode(envelope)) == envelope)
            }
        }
        for phase in LiquidationPhase.allCases {
            let envelope = Samples.envelope(.liquidationEvent(.init(
                account: AccountID(1), scope: .cross, phase: phase, trancheIndex: 1, trancheCount: 2, detail: "x", at: .zero)))
            #expect(try WireCodec.decode(WireCodec.encode(envelope)) == envelope)
        }
        for kind in Message.InsuranceFundEvent.Kind.allCases {
            let envelope = Samples.envelope(.insuranceFundEvent(.init(
                kind: kind, account: nil, market: nil, amount: .zero, balanceAfter: .zero, tranche: nil, at: .zero)))
            #expect(try WireCodec.decode(WireCodec.encode(envelope)) == envelope)
        }
        let ledgerAccounts: [LedgerAccount] = [.external, .trader(AccountID(1)), .insuranceFund, .venue("X"), .fees]
        for reason in LedgerReason.allCases {
            for (from, to) in zip(ledgerAccounts, ledgerAccounts.reversed()) {
                let envelope = Samples.envelope(.ledgerPosting(.init(
                    transfers: [.init(from: from, to: to, amount: Quote(e6: 1), reason: reason)], at: .zero)))
                #expect(try WireCodec.decode(WireCodec.encode(envelope)) == envelope)
            }
        }
        for kind in ClusterEvent.Kind.allCases {
            let envelope = Samples.envelope(.clusterEvent(.init(ClusterEvent(at: .zero, kind: kind))))
            #expect(try WireCodec.decode(WireCodec.encode(envelope)) == envelope)
        }
        for side in Side.allCases {
            for scope in [MarginScope.cross, .isolated("X")] {
                let report = Samples.envelope(.fillReport(.init(
                    tranche: Samples.tranche, filledSize: Size(e8: 1), vwap: Price(e8: 1), fee: .zero, realisedPnl: .zero,
                    deficit: .zero, markAtOrder: Price(e8: 1), at: .zero, orderSide: side, scope: scope)))
                #expect(try WireCodec.decode(WireCodec.encode(report)) == report)
                let notice = Samples.envelope(.bankruptcyNotice(.init(
                    tranche: Samples.tranche, scope: scope, positionSide: side, size: Size(e8: 1), bankruptcyPrice: Price(e8: 1),
                    markPrice: Price(e8: 1), expectedDeficit: .zero, at: .zero)))
                #expect(try WireCodec.decode(WireCodec.encode(notice)) == notice)
            }
            for mode in [MarginMode.cross, .isolated] {
                let envelope = Samples.envelope(.submitPosition(.init(
                    account: AccountID(1), market: "X", side: side, size: Size(e8: 1), entryPrice: Price(e8: 1), marginMode: mode)))
                #expect(try WireCodec.decode(WireCodec.encode(envelope)) == envelope)
            }
        }
    }

    /// Documented limit of the optional ↔ zero convention.
    @Test func zeroInAnOptionalPriceReadsBackAsNone() throws {
        let envelope = Samples.envelope(.closePosition(.init(account: AccountID(1), market: "X", price: Price(e8: 0))))
        let decoded = try WireCodec.decode(WireCodec.encode(envelope))
        #expect(decoded.body == .closePosition(.init(account: AccountID(1), market: "X", price: nil)))
    }

    /// The same limit in the newer bodies: a zero or "" stored where the wire means
    /// none reads back as `nil`.
    @Test func zeroInOtherOptionalsReadsBackAsNone() throws {
        var state = Samples.breakerState
        state.priceBand = .zero
        state.maxStepFraction = .zero
        var decoded = try WireCodec.decode(WireCodec.encode(Samples.envelope(.breakerState(state))))
        state.priceBand = nil
        state.maxStepFraction = nil
        #expect(decoded.body == .breakerState(state))

        let zeros = ClusterEvent(
            at: .zero, kind: .mark, account: AccountID(0), market: "", scope: "", size: .zero, price: Price(e8: 0),
            amount: .zero, tranche: 0, detail: "")
        decoded = try WireCodec.decode(WireCodec.encode(Samples.envelope(.clusterEvent(.init(zeros)))))
        // Size and amount carry a presence flag: their zeros survive.
        #expect(decoded.body == .clusterEvent(.init(ClusterEvent(at: .zero, kind: .mark, size: .zero, amount: .zero))))

        let transfer = LedgerTransfer(from: .fees, to: .external, amount: Quote(e6: 1), reason: .withdrawal, account: AccountID(0))
        decoded = try WireCodec.decode(WireCodec.encode(Samples.envelope(.ledgerPosting(.init(transfers: [transfer], at: .zero)))))
        var none = transfer
        none.account = nil
        #expect(decoded.body == .ledgerPosting(.init(transfers: [none], at: .zero)))
    }

    @Test func breakerStateInitialiserStaysSourceCompatible() {
        let state = Message.BreakerState(
            market: "X", level: .normal, reason: .initial, sequence: 1, stepScale: .one, intervalScale: .one, since: .zero)
        #expect(state.priceBand == nil)
        #expect(state.maxStepFraction == nil)
    }

    @Test func manyMessagesDoNotInterfere() throws {
        let envelopes = Samples.bodies.enumerated().map { Samples.envelope($1, correlation: UInt64($0)) }
        let encoded = envelopes.map(WireCodec.encode)
        for (bytes, envelope) in zip(encoded, envelopes) {
            #expect(try WireCodec.decode(bytes) == envelope)
        }
    }
}
