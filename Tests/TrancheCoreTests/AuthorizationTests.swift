import Testing
@testable import TrancheCore

/// Issue 9: each role acts only on what the authenticated sender may send it (the sender
/// the shell established, never the envelope's `sender` field), and client trades can
/// never book a price a client wrote.
@Suite struct AuthorizationTests {
    typealias Kit = ReliableDeliveryTests
    static let t0 = Kit.t0

    static func coordinator(open: Bool = false) -> Coordinator {
        var config = CoordinatorConfiguration(shardCount: 2)
        config.openAccess = open
        var c = Coordinator(configuration: config)
        _ = c.start(now: t0)
        _ = c.receive(Envelope(sender: "worker:w1", sentAt: t0, body: .workerRegister(.init(workerID: "w1"))), from: .worker("w1"), now: t0)
        return c
    }

    static func code(_ ds: [RoleDirective], to node: NodeID) -> ErrorCode? {
        for d in ds { if case .send(let to, let e) = d, to == node, case .commandReply(let r) = e.body { return r.errorCode } }
        return nil
    }

    static let key = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"

    @Test func aReplyIsRelayedOnlyFromTheWorkerAsked() {
        var c = Self.coordinator()
        let op = NodeID.client("operator/cli")
        let routed = c.receive(Envelope(correlationID: 9, sender: "x", sentAt: Self.t0, body: .withdraw(.init(account: AccountID(1), amount: q("5000000")))), from: op, now: Self.t0)
        let forwarded = Kit.sends(routed, to: .worker("w1"))
        #expect(forwarded.count == 1)
        let k = forwarded[0].correlationID
        // A forged OK from another worker (or anyone) with the right correlation id: nothing.
        let forged = Envelope(correlationID: k, sender: "worker:w1", sentAt: Self.t0, body: .commandReply(.ok()))
        #expect(Kit.sends(c.receive(forged, from: .worker("w2"), now: Self.t0), to: op).isEmpty)
        #expect(Kit.sends(c.receive(forged, from: .client("mallory"), now: Self.t0), to: op).isEmpty)
        // The worker asked answers: relayed once, with the client's correlation.
        let real = Envelope(correlationID: k, sender: "worker:w1", sentAt: Self.t0, body: .commandReply(.init(errorCode: .insufficientCollateral)))
        let relayed = Kit.sends(c.receive(real, from: .worker("w1"), now: Self.t0), to: op)
        #expect(relayed.count == 1 && relayed.first?.correlationID == 9)
        #expect(Kit.sends(c.receive(real, from: .worker("w1"), now: Self.t0), to: op).isEmpty)
    }

    @Test func aWorkerSpeaksOnlyForItself() {
        var c = Self.coordinator()
        let reg = c.receive(Envelope(sender: "worker:evil", sentAt: Self.t0, body: .workerRegister(.init(workerID: "evil"))), from: .worker("w2"), now: Self.t0)
        #expect(Self.code(reg, to: .worker("w2")) == .permissionDenied)
        #expect(c.workers["evil"] == nil)
        let hb = c.receive(Envelope(sender: "worker:w1", sentAt: Self.t0, body: .heartbeat(.init(workerID: "w1", epoch: 1, accounts: 5, at: Self.t0))),
                           from: .worker("w2"), now: Self.t0)
        #expect(Self.code(hb, to: .worker("w2")) == .permissionDenied)
        // A client cannot register at all (refused before any handler).
        #expect(c.receive(Envelope(sender: "worker:w9", sentAt: Self.t0, body: .workerRegister(.init(workerID: "w9"))), from: .client("w9"), now: Self.t0).isEmpty)
        #expect(c.workers["w9"] == nil)
    }

    @Test func clientsActOnlyOnGrantedAccountsAndOperatorCommandsNeedTheOperator() {
        var c = Self.coordinator()
        let alice = NodeID.client("alice/1")
        func send(_ body: MessageBody, from: NodeID) -> [RoleDirective] { c.receive(Envelope(correlationID: 3, sender: "x", sentAt: Self.t0, body: body), from: from, now: Self.t0) }
        // Nothing granted yet.
        #expect(Self.code(send(.showAccount(.init(account: AccountID(5))), from: alice), to: alice) == .permissionDenied)
        // Only the operator grants.
        let grant = MessageBody.clientGrant(.init(client: "alice", publicKey: Self.key, accounts: [1...9]))
        #expect(Self.code(send(grant, from: alice), to: alice) == .permissionDenied)
        #expect(Self.code(send(grant, from: .client("operator/x")), to: .client("operator/x")) == .ok)
        #expect(c.grantsVersion == 1)
        #expect(!Kit.sends(send(.showAccount(.init(account: AccountID(5))), from: alice), to: .worker("w1")).isEmpty)
        #expect(Self.code(send(.showAccount(.init(account: AccountID(10))), from: alice), to: alice) == .permissionDenied)
        // Another client's connection named like alice's is not alice's grant.
        #expect(Self.code(send(.deposit(.init(account: AccountID(5), amount: q("1"))), from: .client("alicex")), to: .client("alicex")) == .permissionDenied)
        for op in [MessageBody.setPrice(.init(market: "BTC-PERP", price: px("1"))), .statusRequest(.init()), .fundRequest(.init(maxEntries: 0)), .breakerRequest(.init())] {
            #expect(Self.code(send(op, from: alice), to: alice) == .permissionDenied, "\(op.kind)")
        }
        // Names and keys are checked; a key belongs to one client.
        #expect(Self.code(send(.clientGrant(.init(client: "operator", publicKey: Self.key, accounts: [1...1])), from: .client("operator")), to: .client("operator")) == .invalidArgument)
        #expect(Self.code(send(.clientGrant(.init(client: "bob", publicKey: Self.key, accounts: [1...1])), from: .client("operator")), to: .client("operator")) == .invalidArgument)
        #expect(Self.code(send(.clientGrant(.init(client: "bob", publicKey: "short", accounts: [1...1])), from: .client("operator")), to: .client("operator")) == .invalidArgument)
        // Revoked: refused at once.
        #expect(Self.code(send(.clientGrant(.init(client: "alice", publicKey: "", accounts: [], revoke: true)), from: .client("operator")), to: .client("operator")) == .ok)
        #expect(Self.code(send(.showAccount(.init(account: AccountID(5))), from: alice), to: alice) == .permissionDenied)
        // An insecure cluster: everyone is the operator.
        var open = Self.coordinator(open: true)
        let any = open.receive(Envelope(correlationID: 3, sender: "x", sentAt: Self.t0, body: .statusRequest(.init())), from: .client("anyone"), now: Self.t0)
        #expect(Kit.sends(any, to: .client("anyone")).first?.kind == .statusView)
    }

    @Test func workersAggregatorAndVenueIgnoreWhoMayNotSend() throws {
        var w = Kit.worker(accounts: [7])
        // A command not from the coordinator, a fill not from the venue: nothing.
        #expect(w.receive(Kit.command(.withdraw(.init(account: AccountID(7), amount: q("1")))), from: .client("mallory"), now: Self.t0).isEmpty)
        #expect(w.receive(Kit.command(.withdraw(.init(account: AccountID(7), amount: q("1")))), from: .venue, now: Self.t0).isEmpty)
        #expect(w.accounts[AccountID(7)]?.account.collateral == q("1000"))

        var a = try Kit.aggregator()
        let before = a.fundBalance
        let drain = Envelope(sender: "worker:w1", sentAt: Self.t0, body: .ledgerPosting(.init(transfers: [LedgerTransfer(from: .insuranceFund, to: .external, amount: q("50000"), reason: .withdrawal)], at: Self.t0)))
        #expect(a.receive(drain, from: .client("mallory"), now: Self.t0).isEmpty)
        #expect(a.receive(drain, from: .venue, now: Self.t0).isEmpty)
        #expect(a.fundBalance == before)
        #expect(!Aggregator.authorized(.fundQuery(.init(maxEntries: 1)), from: .client("operator")))
        #expect(Aggregator.authorized(.fundQuery(.init(maxEntries: 1)), from: .coordinator))

        #expect(!Venue.authorized(.setPrice(.init(market: "BTC-PERP", price: px("1"))), from: .client("operator")))
        #expect(Venue.authorized(.setPrice(.init(market: "BTC-PERP", price: px("1"))), from: .coordinator))
        let order = Message.TrancheOrder(tranche: TrancheID(account: AccountID(1), market: "BTC-PERP", sequence: 9), side: .short, size: Size(e8: 1),
                                         limitPrice: px("1"), markPrice: px("1"), epoch: 1, shard: 0)
        #expect(!Venue.authorized(.order(order), from: .client("mallory")))
        #expect(Venue.authorized(.order(order), from: .worker("w1")) && Venue.authorized(.order(order), from: .aggregator))
    }

    /// A client trade fills at the mark; its price is a limit within the band; booking a
    /// given price is the operator's import alone; amounts are capped.
    @Test func tradesFillAtTheMarkWithinTheBand() {
        var w = Kit.worker(accounts: [7])
        _ = w.receive(Envelope(sender: "venue", sentAt: Self.t0, body: .markPrice(.init(market: "BTC-PERP", price: px("19099"), sequence: 1, at: Self.t0))), from: .venue, now: Self.t0)
        func submit(_ limit: String, side: Side = .long, importAt: Bool = false, origin: String = "client:alice") -> Message.CommandReply? {
            Kit.replies(w.receive(Kit.command(.submitPosition(.init(account: AccountID(7), market: "BTC-PERP", side: side, size: sz("0.01"), entryPrice: px(limit), importAt: importAt)),
                                              origin: origin, requestID: UInt64.random(in: 1...UInt64.max)), from: .coordinator, now: Self.t0)).first
        }
        #expect(submit("1")?.errorCode == .invalidArgument)            // far below: out of band
        #expect(submit("19000")?.errorCode == .invalidArgument)        // a long's limit below the mark: not filled
        #expect(submit("1", importAt: true)?.errorCode == .permissionDenied)
        let filled = submit("19200")
        #expect(filled?.errorCode == .ok)
        #expect(filled?.account?.positions.first?.entryPrice == px("19099"))
        #expect(submit("0", side: .long)?.errorCode == .ok)            // no limit: at the mark
        // A mark between ticks: a buy fills on the tick above, a sell on the tick below.
        _ = w.receive(Envelope(sender: "venue", sentAt: Self.t0, body: .markPrice(.init(market: "BTC-PERP", price: px("19099.05"), sequence: 2, at: Self.t0))), from: .venue, now: Self.t0)
        let up = submit("0", side: .long)
        #expect(up?.errorCode == .ok, "\(String(describing: up))")
        let shortFill = Kit.replies(w.receive(Kit.command(.reducePosition(.init(account: AccountID(7), market: "BTC-PERP", size: sz("0.01"), price: px("0"))), requestID: 77),
                                              from: .coordinator, now: Self.t0)).first
        #expect(shortFill?.errorCode == .ok, "\(String(describing: shortFill))")
        // The operator's import books the price given.
        var w2 = Kit.worker(accounts: [8])
        _ = w2.receive(Envelope(sender: "venue", sentAt: Self.t0, body: .markPrice(.init(market: "BTC-PERP", price: px("19099"), sequence: 1, at: Self.t0))), from: .venue, now: Self.t0)
        let imported = Kit.replies(w2.receive(Kit.command(.submitPosition(.init(account: AccountID(8), market: "BTC-PERP", side: .long, size: sz("0.01"), entryPrice: px("20000"), importAt: true)),
                                                         origin: "client:operator/cli", requestID: 5), from: .coordinator, now: Self.t0)).first
        #expect(imported?.account?.positions.first?.entryPrice == px("20000"))
        // A close far from the mark is refused; at the mark it fills.
        let far = Kit.replies(w.receive(Kit.command(.closePosition(.init(account: AccountID(7), market: "BTC-PERP", price: px("1000000"))), requestID: 8), from: .coordinator, now: Self.t0)).first
        #expect(far?.errorCode == .invalidArgument)
        // Amounts beyond what a command may move are refused before anything is booked.
        let huge = Kit.replies(w.receive(Kit.command(.deposit(.init(account: AccountID(7), amount: Quote(e6: .max))), requestID: 9), from: .coordinator, now: Self.t0)).first
        #expect(huge?.errorCode == .invalidArgument)
        let zero = Kit.replies(w.receive(Kit.command(.openAccount(.init(account: AccountID(0), initialCollateral: q("1"))), requestID: 10), from: .coordinator, now: Self.t0)).first
        #expect(zero?.errorCode == .invalidArgument || zero?.errorCode == .notOwner)
    }
}
