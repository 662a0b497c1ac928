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

    /// A client trade is a market order at the venue with a limit within the band of the
    /// mark, answered when the venue fills it, at the fill's price; booking a given price is
    /// the operator's import alone; amounts are capped.
    @Test func tradesExecuteAtTheVenueWithinTheBand() throws {
        var w = Kit.worker(accounts: [7])
        var venue = try Venue(markets: [VenueMarket(spec: Fixtures.btc(), initialPrice: px("19099"))], now: Self.t0)
        _ = w.receive(Envelope(sender: "venue", sentAt: Self.t0, body: .markPrice(.init(market: "BTC-PERP", price: px("19099"), sequence: 1, at: Self.t0))), from: .venue, now: Self.t0)
        var request: UInt64 = 100
        func command(_ body: MessageBody, origin: String = "client:alice", correlation: UInt64 = 1) -> [RoleDirective] {
            request += 1
            return w.receive(Kit.command(body, origin: origin, requestID: request, correlation: correlation), from: .coordinator, now: Self.t0)
        }
        func orders(_ ds: [RoleDirective]) -> [Message.TrancheOrder] {
            Kit.sends(ds, to: .venue).compactMap { if case .trancheOrder(let o) = $0.body { return o } else { return nil } }
        }
        /// The venue's answers to the orders, delivered to the worker; the worker's replies.
        func execute(_ ds: [RoleDirective]) -> [Envelope] {
            var out: [Envelope] = []
            for o in orders(ds) {
                let answered = venue.receive(Envelope(sender: "worker:w1", sentAt: Self.t0, body: .trancheOrder(o)), from: .worker("w1"), now: Self.t0)
                for fill in Kit.sends(answered, to: .worker("w1")) { out += Kit.sends(w.receive(fill, from: .venue, now: Self.t0), to: .coordinator) }
            }
            return out
        }
        func submit(_ limit: String, side: Side = .long, size: String = "0.01", importAt: Bool = false, origin: String = "client:alice") -> [RoleDirective] {
            command(.submitPosition(.init(account: AccountID(7), market: "BTC-PERP", side: side, size: sz(size), entryPrice: px(limit), importAt: importAt)), origin: origin, correlation: 9)
        }
        // Refused at once: a limit far from the mark, a long's limit below it, an import by a client.
        #expect(Kit.replies(submit("1")).first?.errorCode == .invalidArgument)
        #expect(Kit.replies(submit("19000")).first?.errorCode == .invalidArgument)
        #expect(Kit.replies(submit("1", importAt: true)).first?.errorCode == .permissionDenied)
        // Sent to the venue, not answered yet; the account takes no other trade meanwhile.
        let sent = submit("19200")
        #expect(Kit.replies(sent).isEmpty)
        let order = try #require(orders(sent).first)
        #expect(order.side == .long && order.size == sz("0.01") && order.limitPrice == px("19200"))
        #expect(Kit.replies(command(.closePosition(.init(account: AccountID(7), market: "BTC-PERP", price: nil)))).first?.errorCode == .busy)
        // Not answered in time: the same order again.
        let again = orders(w.onWake(now: Self.t0 + .seconds(2)))
        #expect(again.map(\.tranche) == [order.tranche])
        // The venue fills it on its ask, above the mark: that is the entry, on the tick.
        let answer = execute(sent)
        #expect(answer.count == 1 && answer.first?.correlationID == 9)
        guard case .commandReply(let r)? = answer.first?.body else { Issue.record("no reply"); return }
        #expect(r.errorCode == .ok)
        let entry = try #require(r.account?.positions.first?.entryPrice)
        #expect(entry > px("19099") && entry <= px("19200") && entry.e8 % px("0.1").e8 == 0, "\(entry)")
        // A market order (no limit) goes out with the band's edge as its limit: 19099 × 1.05.
        let marketOrder = submit("0")
        #expect(orders(marketOrder).first?.limitPrice == px("20053.9"))
        #expect(execute(marketOrder).count == 1)
        // The operator's import books the price given.
        var w2 = Kit.worker(accounts: [8])
        _ = w2.receive(Envelope(sender: "venue", sentAt: Self.t0, body: .markPrice(.init(market: "BTC-PERP", price: px("19099"), sequence: 1, at: Self.t0))), from: .venue, now: Self.t0)
        let imported = Kit.replies(w2.receive(Kit.command(.submitPosition(.init(account: AccountID(8), market: "BTC-PERP", side: .long, size: sz("0.01"), entryPrice: px("20000"), importAt: true)),
                                                         origin: "client:operator/cli", requestID: 5), from: .coordinator, now: Self.t0)).first
        #expect(imported?.account?.positions.first?.entryPrice == px("20000"))
        // A close with a limit far from the mark is refused; amounts beyond the cap too.
        #expect(Kit.replies(command(.closePosition(.init(account: AccountID(7), market: "BTC-PERP", price: px("1000000"))))).first?.errorCode == .invalidArgument)
        // Closed at the venue: sold on its bid.
        let closed = execute(command(.closePosition(.init(account: AccountID(7), market: "BTC-PERP", price: nil))))
        guard case .commandReply(let c)? = closed.first?.body else { Issue.record("no close reply"); return }
        #expect(c.errorCode == .ok && c.account?.positions.isEmpty == true, "\(c)")
        #expect(Kit.replies(command(.deposit(.init(account: AccountID(7), amount: Quote(e6: .max))))).first?.errorCode == .invalidArgument)
    }

    /// Issue 11: a restarted aggregator resumes each market's breaker where it was, and
    /// says so at start (a HALTED market is not reopened by a restart).
    @Test func aRestartedAggregatorResumesItsBreakers() throws {
        var c = AggregatorConfiguration()
        c.fundInitialBalance = q("100000")
        var a = try Aggregator(configuration: c, markets: [AggregatorMarket(spec: Fixtures.btc())], now: .zero)
        let halted = CascadeBreaker.Snapshot(market: "BTC-PERP", level: .halted, reason: .liquidationVolume, sequence: 4, since: .seconds(30))
        a.restore(ledger: a.ledger, backstop: a.backstop, breakers: [halted])
        #expect(a.breakerSnapshots == [halted])
        let announced = a.start(now: .seconds(40)).compactMap { d -> Message.BreakerState? in
            if case .publish(.control, let e) = d, case .breakerState(let b) = e.body { return b } else { return nil }
        }
        #expect(announced.first?.level == .halted && announced.first?.sequence == 4)
    }

    /// Issue 11: `account list` is asked of every live worker and gathered by the
    /// coordinator, lowest ids first, within the limit; a worker that does not answer is named.
    @Test func anAccountListIsGatheredFromEveryWorker() {
        var c = Self.coordinator()
        _ = c.receive(Envelope(sender: "worker:w2", sentAt: Self.t0, body: .workerRegister(.init(workerID: "w2"))), from: .worker("w2"), now: Self.t0)
        let op = NodeID.client("operator/cli")
        let asked = c.receive(Envelope(correlationID: 5, sender: "x", sentAt: Self.t0, body: .accountListRequest(.init(limit: 2))), from: op, now: Self.t0)
        let k = Kit.sends(asked, to: .worker("w1")).first?.correlationID
        #expect(k != nil && Kit.sends(asked, to: .worker("w2")).first?.correlationID == k)
        func view(_ id: UInt64) -> Message.AccountView {
            Message.AccountView(account: AccountID(id), collateral: .zero, equity: .zero, maintenance: .zero, initial: .zero, marginRatio: nil,
                                freeCollateral: .zero, withdrawable: .zero, phase: .healthy, positions: [])
        }
        let part = Message.AccountList(accounts: [.init(workerID: "w2", account: view(9)), .init(workerID: "w2", account: view(3))])
        #expect(Kit.sends(c.receive(Envelope(correlationID: k!, sender: "", sentAt: Self.t0, body: .accountList(part)), from: .worker("w2"), now: Self.t0), to: op).isEmpty)
        // A client cannot answer for a worker; a worker answers once.
        #expect(c.receive(Envelope(correlationID: k!, sender: "", sentAt: Self.t0, body: .accountList(part)), from: .client("w1"), now: Self.t0).isEmpty)
        let done = Kit.sends(c.receive(Envelope(correlationID: k!, sender: "", sentAt: Self.t0, body: .accountList(.init(accounts: [.init(workerID: "w1", account: view(5))]))),
                                       from: .worker("w1"), now: Self.t0), to: op)
        guard case .accountList(let l)? = done.first?.body else { Issue.record("no list"); return }
        #expect(done.first?.correlationID == 5 && l.accounts.map(\.account.account) == [AccountID(3), AccountID(5)] && l.truncated)
        // w2 silent: at the timeout, what came, and w2 named.
        let again = c.receive(Envelope(correlationID: 6, sender: "x", sentAt: Self.t0, body: .accountListRequest(.init())), from: op, now: Self.t0)
        let k2 = Kit.sends(again, to: .worker("w1")).first!.correlationID
        _ = c.receive(Envelope(correlationID: k2, sender: "", sentAt: Self.t0, body: .accountList(.init(accounts: []))), from: .worker("w1"), now: Self.t0)
        let late = Kit.sends(c.onWake(now: Self.t0 + .seconds(6)), to: op)
        guard case .accountList(let partial)? = late.first?.body else { Issue.record("no partial list"); return }
        #expect(partial.missingWorkers == ["w2"])
    }
}
