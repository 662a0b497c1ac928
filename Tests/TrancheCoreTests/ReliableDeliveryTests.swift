import Testing
@testable import TrancheCore

/// Money messages from a worker to the aggregator are durable with the change that made
/// them, retransmitted until acknowledged, and applied once; client commands are applied
/// once per request id.
@Suite struct ReliableDeliveryTests {
    static let t0 = Instant(nanoseconds: 1_000_000_000)

    /// A worker owning the only shard, with `accounts` open (cross collateral 1,000 each).
    static func worker(_ id: String = "w1", accounts: [UInt64] = []) -> Worker {
        var w = Worker(configuration: WorkerConfiguration(id: id, shardCount: 1), markets: [Fixtures.btc()])
        _ = w.start(now: t0)
        _ = w.receive(Envelope(sender: "coordinator", sentAt: t0, body: .shardAssignment(.init(workerID: id, epoch: 1, shards: [0]))),
                      from: .coordinator, now: t0)
        _ = w.onShardLoaded(shard: 0, epoch: 1, records: [], now: t0)
        for a in accounts {
            _ = w.receive(command(.openAccount(.init(account: AccountID(a), initialCollateral: q("1000")))), from: .coordinator, now: t0)
        }
        return w
    }

    static func command(_ body: MessageBody, origin: String = "client:alice", requestID: UInt64 = 0, correlation: UInt64 = 1) -> Envelope {
        Envelope(correlationID: correlation, sender: "coordinator", sentAt: t0, body: body, requestID: requestID, origin: origin)
    }

    static func aggregator() throws -> Aggregator {
        var c = AggregatorConfiguration()
        c.fundInitialBalance = q("100000")
        var a = try Aggregator(configuration: c, markets: [AggregatorMarket(spec: Fixtures.btc())], now: .zero)
        _ = a.start(now: .zero)
        return a
    }

    /// A worker holding account 7 with a cross long of 0.9 BTC-PERP booked at 20,000 (the
    /// mark at 20,000, sequence 1, at t0).
    static func workerHoldingALong() -> Worker {
        var w = worker(accounts: [7])
        _ = w.receive(Envelope(sender: "venue", sentAt: t0, body: .markPrice(.init(market: "BTC-PERP", price: px("20000"), sequence: 1, at: t0))),
                      from: .venue, now: t0)
        _ = w.receive(command(.submitPosition(.init(account: AccountID(7), market: "BTC-PERP", side: .long, size: sz("0.9"), entryPrice: px("20000"),
                                                    marginMode: .cross, isolatedMargin: .zero, importAt: true)), origin: "client:operator/test"), from: .coordinator, now: t0)
        return w
    }

    static func sends(_ ds: [RoleDirective], to node: NodeID) -> [Envelope] {
        ds.compactMap { if case .send(let to, let e) = $0, to == node { return e } else { return nil } }
    }

    static func replies(_ ds: [RoleDirective]) -> [Message.CommandReply] {
        sends(ds, to: .coordinator).compactMap { if case .commandReply(let r) = $0.body { return r } else { return nil } }
    }

    @Test func aDepositIsDurableInTheOutboxBeforeItLeavesAndLeavesItOnAck() throws {
        var w = Self.worker(accounts: [7])
        let out = w.receive(Self.command(.deposit(.init(account: AccountID(7), amount: q("50")))), from: .coordinator, now: Self.t0)
        let postings = Self.sends(out, to: .aggregator).filter { $0.kind == .ledgerPosting }
        #expect(postings.count == 1)
        // The open's posting was sequence 1, the deposit's is 2.
        #expect(postings.first?.delivery == Envelope.Delivery(account: AccountID(7), sequence: 2))
        // The record persisted with this handler carries both unacknowledged messages.
        let persisted = out.compactMap { if case .persist(_, _, let r) = $0, r.account.id == AccountID(7) { return r } else { return nil } }
        #expect(persisted.count == 1)
        #expect(persisted.first?.outbox.map(\.sequence) == [1, 2])

        _ = w.receive(Envelope(sender: "aggregator", sentAt: Self.t0, body: .deliveryAck(.init(entries: [.init(account: AccountID(7), sequence: 2)], at: Self.t0))),
                      from: .aggregator, now: Self.t0)
        #expect(w.accounts[AccountID(7)]?.outbox.isEmpty == true)
        // Nothing left to send again, however long we wait.
        let later = w.onWake(now: Self.t0 + .seconds(5))
        #expect(Self.sends(later, to: .aggregator).filter { $0.delivery != nil }.isEmpty)
        #expect(w.retransmissions == 0)
    }

    @Test func anUnacknowledgedMessageIsSentAgainInOrderUntilAcknowledged() throws {
        var w = Self.worker(accounts: [7])
        _ = w.receive(Self.command(.deposit(.init(account: AccountID(7), amount: q("50")))), from: .coordinator, now: Self.t0)
        // Not yet due.
        #expect(Self.sends(w.onWake(now: Self.t0 + .milliseconds(500)), to: .aggregator).filter { $0.delivery != nil }.isEmpty)
        let again = Self.sends(w.onWake(now: Self.t0 + .seconds(1)), to: .aggregator).compactMap(\.delivery)
        #expect(again == [Envelope.Delivery(account: AccountID(7), sequence: 1), Envelope.Delivery(account: AccountID(7), sequence: 2)])
        // A partial ack leaves the rest to send.
        _ = w.receive(Envelope(sender: "aggregator", sentAt: Self.t0, body: .deliveryAck(.init(entries: [.init(account: AccountID(7), sequence: 1)], at: Self.t0 + .seconds(1)))),
                      from: .aggregator, now: Self.t0 + .seconds(1))
        let rest = Self.sends(w.onWake(now: Self.t0 + .seconds(2)), to: .aggregator).compactMap(\.delivery)
        #expect(rest == [Envelope.Delivery(account: AccountID(7), sequence: 2)])
    }

    @Test func aNewOwnerSendsWhatTheOldOneLeftUnacknowledged() throws {
        var old = Self.worker(accounts: [7])
        let out = old.receive(Self.command(.deposit(.init(account: AccountID(7), amount: q("50")))), from: .coordinator, now: Self.t0)
        let stored = try #require(out.compactMap { if case .persist(_, _, let r) = $0 { return r } else { return nil } }.last)
        var new = Worker(configuration: WorkerConfiguration(id: "w2", shardCount: 1), markets: [Fixtures.btc()])
        _ = new.start(now: Self.t0)
        _ = new.receive(Envelope(sender: "coordinator", sentAt: Self.t0, body: .shardAssignment(.init(workerID: "w2", epoch: 2, shards: [0]))),
                        from: .coordinator, now: Self.t0)
        let resent = Self.sends(new.onShardLoaded(shard: 0, epoch: 2, records: [stored], now: Self.t0), to: .aggregator).compactMap(\.delivery)
        #expect(resent.map(\.sequence) == [1, 2])
    }

    @Test func theAggregatorAppliesEachSequenceOnceAndInOrder() throws {
        var a = try Self.aggregator()
        let w1 = NodeID.worker("w1")
        func posting(_ seq: UInt64, _ amount: String) -> Envelope {
            Envelope(sender: "worker:w1", sentAt: Self.t0, body: .ledgerPosting(.init(transfers: [
                LedgerTransfer(from: .external, to: .trader(AccountID(7)), amount: q(amount), reason: .deposit, account: AccountID(7))], at: Self.t0)),
                delivery: Envelope.Delivery(account: AccountID(7), sequence: seq))
        }
        func acked(_ ds: [RoleDirective]) -> [UInt64] {
            Self.sends(ds, to: w1).compactMap { if case .deliveryAck(let a) = $0.body { return a.entries.first?.sequence } else { return nil } }
        }
        #expect(acked(a.receive(posting(1, "100"), from: w1, now: Self.t0)) == [1])
        // The same message again (a retransmission, or a new owner's resend): ack, no effect.
        #expect(acked(a.receive(posting(1, "100"), from: w1, now: Self.t0)) == [1])
        #expect(a.ledger.balance(.trader(AccountID(7))) == q("100"))
        #expect(a.duplicatesIgnored == 1)
        // A gap: 3 before 2 is held back (2 will be retransmitted first), not applied, not acked.
        #expect(acked(a.receive(posting(3, "1"), from: w1, now: Self.t0)).isEmpty)
        #expect(a.ledger.balance(.trader(AccountID(7))) == q("100"))
        #expect(acked(a.receive(posting(2, "10"), from: w1, now: Self.t0)) == [2])
        #expect(acked(a.receive(posting(3, "1"), from: w1, now: Self.t0)) == [3])
        #expect(a.ledger.balance(.trader(AccountID(7))) == q("111"))
        #expect(a.takeDeliveredChanges().map(\.1) == [3])
        // Only a worker sends reliable messages.
        _ = a.receive(posting(4, "1000"), from: .client("mallory"), now: Self.t0)
        #expect(a.ledger.balance(.trader(AccountID(7))) == q("111"))
        #expect(a.ledger.isConserved)
    }

    @Test func aRepeatedRequestIsAnsweredNotAppliedAgain() throws {
        var w = Self.worker(accounts: [7])
        let deposit = MessageBody.deposit(.init(account: AccountID(7), amount: q("50")))
        let first = w.receive(Self.command(deposit, requestID: 42), from: .coordinator, now: Self.t0)
        let retry = w.receive(Self.command(deposit, requestID: 42, correlation: 2), from: .coordinator, now: Self.t0)
        #expect(Self.replies(first).first?.errorCode == .ok)
        #expect(Self.replies(retry).first?.errorCode == .ok)
        #expect(Self.sends(retry, to: .aggregator).filter { $0.kind == .ledgerPosting }.isEmpty)
        #expect(w.accounts[AccountID(7)]?.account.collateral == q("1050"))
        // The same id from another client is another request.
        _ = w.receive(Self.command(deposit, origin: "client:bob", requestID: 42), from: .coordinator, now: Self.t0)
        #expect(w.accounts[AccountID(7)]?.account.collateral == q("1100"))
        // An open retried after its reply was lost: OK, not ACCOUNT_EXISTS.
        let open = MessageBody.openAccount(.init(account: AccountID(8), initialCollateral: q("5")))
        _ = w.receive(Self.command(open, requestID: 9), from: .coordinator, now: Self.t0)
        #expect(Self.replies(w.receive(Self.command(open, requestID: 9), from: .coordinator, now: Self.t0)).first?.errorCode == .ok)
        #expect(Self.replies(w.receive(Self.command(open, requestID: 10), from: .coordinator, now: Self.t0)).first?.errorCode == .accountExists)
        #expect(w.accounts[AccountID(8)]?.account.collateral == q("5"))
    }

    @Test func anAccountWhoseMessagesAreNotAcknowledgedGetsBusy() throws {
        var config = WorkerConfiguration(id: "w1", shardCount: 1)
        config.maxUnacknowledged = 3
        var w = Worker(configuration: config, markets: [Fixtures.btc()])
        _ = w.start(now: Self.t0)
        _ = w.receive(Envelope(sender: "coordinator", sentAt: Self.t0, body: .shardAssignment(.init(workerID: "w1", epoch: 1, shards: [0]))),
                      from: .coordinator, now: Self.t0)
        _ = w.onShardLoaded(shard: 0, epoch: 1, records: [], now: Self.t0)
        _ = w.receive(Self.command(.openAccount(.init(account: AccountID(7), initialCollateral: q("1000")))), from: .coordinator, now: Self.t0)
        let deposit = MessageBody.deposit(.init(account: AccountID(7), amount: q("1")))
        var codes: [ErrorCode] = []
        for _ in 0..<3 { codes += Self.replies(w.receive(Self.command(deposit), from: .coordinator, now: Self.t0)).map(\.errorCode) }
        #expect(codes == [.ok, .ok, .busy])
        _ = w.receive(Envelope(sender: "aggregator", sentAt: Self.t0, body: .deliveryAck(.init(entries: [.init(account: AccountID(7), sequence: 3)], at: Self.t0))),
                      from: .aggregator, now: Self.t0)
        #expect(Self.replies(w.receive(Self.command(deposit), from: .coordinator, now: Self.t0)).map(\.errorCode) == [.ok])
    }

    @Test func aRepeatedBankruptcyNoticeGetsTheSameDecision() throws {
        var a = try Self.aggregator()
        let notice = Message.BankruptcyNotice(tranche: TrancheID(account: AccountID(7), market: "BTC-PERP", sequence: 3), scope: .cross, positionSide: .long,
                                              size: sz("1"), bankruptcyPrice: px("19000"), markPrice: px("18900"), expectedDeficit: q("100"), at: Self.t0)
        func decisions(_ ds: [RoleDirective]) -> [Message.BankruptcyDecision] {
            ds.compactMap { if case .publish(_, let e) = $0, case .bankruptcyDecision(let d) = e.body { return d } else { return nil } }
        }
        let env = Envelope(sender: "worker:w1", sentAt: Self.t0, body: .bankruptcyNotice(notice))
        let first = decisions(a.receive(env, from: .worker("w1"), now: Self.t0))
        let again = decisions(a.receive(env, from: .worker("w1"), now: Self.t0 + .seconds(1)))
        #expect(first.count == 1)
        #expect(again == first)
    }

    @Test func anUnansweredOrderIsSentAgainUnderTheSameTrancheID() throws {
        var w = Self.workerHoldingALong()
        let t = Self.t0
        // Far below maintenance, past any grace: a tranche goes to the venue.
        var orders: [Message.TrancheOrder] = []
        var now = t
        for i in 1...40 where orders.isEmpty {
            now = t + .milliseconds(Int64(i) * 500)
            let ds = w.receive(Envelope(sender: "venue", sentAt: now, body: .markPrice(.init(market: "BTC-PERP", price: px("19000"), sequence: UInt64(i + 1), at: now))),
                               from: .venue, now: now) + w.onWake(now: now)
            orders = Self.sends(ds, to: .venue).compactMap { if case .trancheOrder(let o) = $0.body { return o } else { return nil } }
        }
        let order = try #require(orders.first)
        let resent = Self.sends(w.onWake(now: now + .seconds(1)), to: .venue).compactMap { if case .trancheOrder(let o) = $0.body { return o } else { return nil } }
        #expect(resent.map(\.tranche).contains(order.tranche))
        #expect(resent.first { $0.tranche == order.tranche }?.size == order.size)
    }

    /// Issue 10: an order sent while handling a mark carries that mark (sequence, time),
    /// and the venue measures tick → order from it; a copy sent again on a timer carries
    /// none (its delay is not a reaction to a tick).
    @Test func anOrderSentOnATickCarriesItsMarkAndTheVenueMeasuresTickToOrder() throws {
        var w = Self.workerHoldingALong()
        let t = Self.t0
        // Below the hard floor, not bankrupt (equity 55): the tranche leaves while the mark
        // is handled.
        let markAt = t + .seconds(1)
        let ds = w.receive(Envelope(sender: "venue", sentAt: markAt, body: .markPrice(.init(market: "BTC-PERP", price: px("18950"), sequence: 2, at: markAt))),
                           from: .venue, now: markAt + .microseconds(30))
        let order = try #require(Self.sends(ds, to: .venue).compactMap { if case .trancheOrder(let o) = $0.body { return o } else { return nil } }.first)
        #expect(order.markSequence == 2)
        #expect(order.markAt == markAt)
        let resent = Self.sends(w.onWake(now: markAt + .seconds(2)), to: .venue).compactMap { if case .trancheOrder(let o) = $0.body { return o } else { return nil } }
        #expect(!resent.isEmpty && resent.allSatisfy { $0.markSequence == 0 && $0.markAt == nil })
        guard !resent.isEmpty else { return }

        var venue = try Venue(markets: [VenueMarket(spec: Fixtures.btc(), initialPrice: px("18950"))], now: .zero)
        let fill = venue.execute(order, now: markAt + .microseconds(250))
        #expect(fill.tickToOrder == .microseconds(250))
        #expect(venue.execute(resent[0], now: markAt + .seconds(2)).duplicate)
        var untimed = order
        untimed.tranche.sequence += 1
        untimed.markSequence = 0
        untimed.markAt = nil
        #expect(venue.execute(untimed, now: markAt + .seconds(2)).tickToOrder == nil)
        // The worker's fill event carries it to the event stream.
        let events = w.receive(Envelope(sender: "venue", sentAt: markAt, body: .trancheFill(fill)), from: .venue, now: markAt + .milliseconds(1))
            .compactMap { if case .event(let e) = $0, e.kind == .fill { return e } else { return nil } }
        #expect(events.first?.tickToOrder == .microseconds(250))
        // An order the book filled none of is measured too: its unfilled event carries it.
        var w2 = Self.workerHoldingALong()
        let ds2 = w2.receive(Envelope(sender: "venue", sentAt: markAt, body: .markPrice(.init(market: "BTC-PERP", price: px("18950"), sequence: 2, at: markAt))),
                             from: .venue, now: markAt + .microseconds(30))
        let order2 = try #require(Self.sends(ds2, to: .venue).compactMap { if case .trancheOrder(let o) = $0.body { return o } else { return nil } }.first)
        var none = Message.TrancheFill(tranche: order2.tranche, filledSize: .zero, vwap: .zero, unfilledSize: order2.size, duplicate: false, at: markAt + .microseconds(400))
        none.tickToOrder = .microseconds(400)
        let unfilled = w2.receive(Envelope(sender: "venue", sentAt: markAt, body: .trancheFill(none)), from: .venue, now: markAt + .milliseconds(1))
            .compactMap { if case .event(let e) = $0, e.kind == .unfilled { return e } else { return nil } }
        #expect(unfilled.count == 1)
        #expect(unfilled.first?.tickToOrder == .microseconds(400))
        #expect(unfilled.first?.size == order2.size && unfilled.first?.price == order2.limitPrice)
    }

    @Test func anAdlInstructionIsAppliedOncePerRoundAndAnsweredEveryTime() throws {
        var w = Self.worker(accounts: [7])
        let t = Self.t0
        _ = w.receive(Envelope(sender: "venue", sentAt: t, body: .markPrice(.init(market: "BTC-PERP", price: px("20000"), sequence: 1, at: t))), from: .venue, now: t)
        _ = w.receive(Self.command(.submitPosition(.init(account: AccountID(7), market: "BTC-PERP", side: .short, size: sz("0.1"), entryPrice: px("20000"),
                                                         marginMode: .cross, isolatedMargin: .zero, importAt: true)), origin: "client:operator/test"), from: .coordinator, now: t)
        let ins = Message.AdlInstruction(requestID: 5, account: AccountID(7), market: "BTC-PERP", size: sz("0.04"), price: px("19000"), bankruptAccount: AccountID(9))
        func answers(_ ds: [RoleDirective]) -> Int {
            Self.sends(ds, to: .aggregator).filter { if case .adlApplied(let a) = $0.body { return a.requestID == 5 } else { return false } }.count
        }
        let env = Envelope(sender: "aggregator", sentAt: t, body: .adlInstruction(ins))
        #expect(answers(w.receive(env, from: .aggregator, now: t)) == 1)
        #expect(w.accounts[AccountID(7)]?.account.position(in: "BTC-PERP")?.size == Size(e8: -sz("0.06").e8))
        // Sent again (the answer was lost): answered, not applied again.
        #expect(answers(w.receive(env, from: .aggregator, now: t + .seconds(1))) == 1)
        #expect(w.accounts[AccountID(7)]?.account.position(in: "BTC-PERP")?.size == Size(e8: -sz("0.06").e8))
    }

    @Test func theAggregatorSendsAnAdlInstructionAgainUntilItIsApplied() throws {
        var a = try Self.aggregator()
        let ins = Message.AdlInstruction(requestID: 5, account: AccountID(7), market: "BTC-PERP", size: sz("0.04"), price: px("19000"), bankruptAccount: AccountID(9))
        _ = a.instruct(ins, now: .zero)
        func instructions(_ ds: [RoleDirective]) -> [Message.AdlInstruction] {
            ds.compactMap { if case .publish(_, let e) = $0, case .adlInstruction(let i) = e.body { return i } else { return nil } }
        }
        #expect(instructions(a.onWake(now: .seconds(1))) == [ins])
        _ = a.receive(Envelope(sender: "worker:w1", sentAt: .seconds(1), body: .adlApplied(.init(requestID: 5, account: AccountID(7)))), from: .worker("w1"), now: .seconds(1))
        #expect(instructions(a.onWake(now: .seconds(3))).isEmpty)
        #expect(a.pendingAdl.isEmpty)
    }

    /// A venue restarted from what it made durable answers an order it had answered with
    /// the original fill, never a second trade.
    @Test func aRestartedVenueAnswersARepeatedOrderWithTheOriginalFill() throws {
        let market = VenueMarket(spec: Fixtures.btc(), initialPrice: px("20000"))
        var venue = try Venue(markets: [market], now: .zero)
        venue.journaling = true
        let order = Message.TrancheOrder(tranche: TrancheID(account: AccountID(7), market: "BTC-PERP", sequence: 1), side: .short, size: sz("0.5"),
                                         limitPrice: px("19800"), markPrice: px("20000"), epoch: 1, shard: 0)
        let first = venue.execute(order, now: .seconds(1))
        #expect(first.filledSize.isPositive && !first.duplicate)
        let durable = venue.takeFreshAnswers()
        #expect(durable == [first])
        var restarted = try Venue(markets: [market], now: .seconds(2))
        restarted.restore(answered: durable)
        let again = restarted.execute(order, now: .seconds(3))
        #expect(again.duplicate)
        #expect(again.filledSize == first.filledSize && again.vwap == first.vwap)
        // The restarted book did not trade it: its next order fills at the untouched touch.
        #expect(restarted.books["BTC-PERP"]?.fairPrice == px("20000"))
    }

    @Test func accountZeroIsRefusedAndTheFundViewHonoursZeroEntries() throws {
        var w = Self.worker()
        let r = Self.replies(w.receive(Self.command(.openAccount(.init(account: AccountID(0), initialCollateral: q("5")))), from: .coordinator, now: Self.t0))
        #expect(r.first?.errorCode == .invalidArgument)
        #expect(w.accounts[AccountID(0)] == nil)
        var a = try Self.aggregator()
        func view(_ n: UInt32) -> Message.FundView? {
            let ds = a.receive(Envelope(sender: "coordinator", sentAt: Self.t0, body: .fundRequest(.init(maxEntries: n))), from: .coordinator, now: Self.t0)
            return Self.sends(ds, to: .coordinator).compactMap { if case .fundView(let v) = $0.body { return v } else { return nil } }.first
        }
        #expect(view(0)?.entries.isEmpty == true)
        #expect(view(0)?.balance == q("100000"))
        #expect(view(5)?.entries.count == 1)   // the seed deposit
    }

    /// A worker configured for another cluster (another data directory) is ignored: it
    /// gets no shards and cannot keep anything alive.
    @Test func aWorkerOfAnotherClusterNeverJoins() throws {
        var config = CoordinatorConfiguration(shardCount: 4)
        config.clusterID = "/srv/a/data"
        var c = Coordinator(configuration: config)
        _ = c.start(now: .zero)
        func register(_ id: String, _ cluster: String) -> [RoleDirective] {
            c.receive(Envelope(sender: "worker:\(id)", sentAt: .zero, body: .workerRegister(.init(workerID: id, clusterID: cluster))), from: .worker(id), now: .zero)
        }
        let foreign = register("w3", "/srv/b/data")
        #expect(Self.sends(foreign, to: .worker("w3")).isEmpty)
        #expect(c.workers["w3"] == nil)
        let own = register("w1", "/srv/a/data")
        #expect(!Self.sends(own, to: .worker("w1")).isEmpty)
        #expect(c.shardMap.shards(of: "w1").count == 4)
    }

    /// `account show` gives each position its own scope's ratio: an isolated scope near
    /// its maintenance shows, even when the account's overall ratio is comfortable.
    @Test func eachPositionShowsItsScopesRatio() throws {
        var w = Self.worker(accounts: [7])
        func mark(_ p: String, _ n: UInt64) {
            _ = w.receive(Envelope(sender: "venue", sentAt: Self.t0, body: .markPrice(.init(market: "BTC-PERP", price: px(p), sequence: n, at: Self.t0))), from: .venue, now: Self.t0)
        }
        mark("20000", 1)
        _ = w.receive(Self.command(.submitPosition(.init(account: AccountID(7), market: "BTC-PERP", side: .long, size: sz("0.1"), entryPrice: px("20000"),
                                                         marginMode: .isolated, isolatedMargin: q("100"), importAt: true)), origin: "client:operator/test"), from: .coordinator, now: Self.t0)
        mark("19500", 2)
        let shown = Self.replies(w.receive(Self.command(.showAccount(.init(account: AccountID(7)))), from: .coordinator, now: Self.t0)).first?.account
        // Isolated scope: equity 100 − 50 = 50 against maintenance 0.1 × 19 500 × 1 % = 19.5.
        #expect(shown?.positions.first?.scopeRatio == Rate(ppm: 2_564_102))
        #expect(shown?.positions.first?.isolatedMargin == q("100"))
        // The account's overall ratio is far higher (the cross collateral counts there).
        #expect((shown?.marginRatio?.ppm ?? 0) > 40_000_000)
    }
}
