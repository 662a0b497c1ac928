extension Worker {
    /// Turns the money messages among a handler's directives into reliable ones: each gets
    /// the next sequence of its account's stream and joins the account's outbox, and the
    /// account's record (outbox included) is persisted with the handler's other changes, so
    /// the message leaves only once it is durable and is retransmitted until the aggregator
    /// acknowledges it, by whichever worker owns the account by then.
    mutating func makeReliable(_ directives: [RoleDirective], now: Instant) -> [RoleDirective] {
        // Most handlers send no money message: nothing to rebuild.
        guard directives.contains(where: { d in
            if case .send(.aggregator, let e) = d, e.delivery == nil { return ReliableMessage.isMoney(e.body) }
            return false
        }) else { return directives }
        var touched: [AccountID] = []
        var out: [RoleDirective] = []
        out.reserveCapacity(directives.count)
        for d in directives {
            guard case .send(.aggregator, var e) = d, e.delivery == nil, let (id, message) = ReliableMessage.of(e.body),
                  holds(id), let i = accounts.index(forKey: id) else {
                out.append(d)
                continue
            }
            // Changed in place: a copy of the record would copy its outbox to append to it.
            let entry = OutboxEntry(sequence: accounts.values[i].nextDelivery, message: message)
            accounts.values[i].nextDelivery += 1
            accounts.values[i].outbox.append(entry)
            e.delivery = Envelope.Delivery(account: id, sequence: entry.sequence)
            out.append(.send(to: .aggregator, e))
            if lastSentAt[id] == nil { lastSentAt[id] = now }
            if !touched.contains(id) { touched.append(id) }
        }
        guard !touched.isEmpty else { return directives }
        // The records persisted must carry the outbox: replace any copy taken before.
        let set = Set(touched)
        out.removeAll { d in
            if case .persist(_, _, let r) = d { return set.contains(r.account.id) }
            return false
        }
        for id in touched { out += persist(id) }
        return out
    }

    /// The aggregator applied (and made durable) these accounts' messages up to a sequence,
    /// and has covered so much of their deficits in all.
    mutating func onDeliveryAck(_ ack: Message.DeliveryAck) -> [RoleDirective] {
        var out: [RoleDirective] = []
        for e in ack.entries {
            // Taken out while it changes (so its outbox is not copied), and put back.
            guard holds(e.account), var rec = accounts.removeValue(forKey: e.account) else { continue }
            if let first = rec.outbox.first, first.sequence <= e.sequence {
                rec.outbox.removeAll { $0.sequence <= e.sequence }
                // Dropped from memory only: a stale durable copy is retransmitted after a
                // failover and the aggregator answers it with an ack, applying nothing.
                if rec.outbox.isEmpty { lastSentAt[e.account] = nil } else { lastSentAt[e.account] = ack.at }
            }
            // The fund covered more of the deficit than we settled: settle the difference,
            // durably (this moves the account's money).
            let fresh = e.coveredDeficit.e6 - rec.coveredDeficitSettled.e6
            if fresh > 0 {
                let amount = min(Quote(e6: fresh), rec.account.unsettledDeficit)
                if amount.isPositive { _ = try? rec.account.settleDeficit(amount) }
                rec.coveredDeficitSettled = e.coveredDeficit
                accounts[e.account] = rec
                reindex(e.account)
                out += persist(e.account)
            } else {
                accounts[e.account] = rec
            }
        }
        return out
    }

    /// An account's unacknowledged messages, in order, as envelopes.
    func outboxMessages(_ rec: AccountRecord, now: Instant) -> [RoleDirective] {
        rec.outbox.map { entry in
            .send(to: .aggregator, Envelope(sender: node.description, sentAt: now, body: entry.message.body,
                                            delivery: Envelope.Delivery(account: rec.account.id, sequence: entry.sequence)))
        }
    }

    /// Sends again what has waited longer than `retransmitInterval` for its answer: money
    /// messages (ack), bankruptcy notices (decision), tranche orders (fill). At most
    /// `maxRetransmitsPerWake` accounts per wake, oldest first. Each goes with a write of
    /// its account's record: a former owner the store has fenced off (cut off, declared
    /// dead, its shard since loaded by another) has its retransmissions dropped with the
    /// refused write, so only what the current owner holds durably is ever sent.
    mutating func retransmit(now: Instant) -> [RoleDirective] {
        let interval = configuration.retransmitInterval
        // The tables are scanned four times per interval at most, however often we wake.
        guard now >= nextRetransmitScan else { return [] }
        nextRetransmitScan = now + Duration(nanoseconds: interval.nanoseconds / 4)
        var out: [RoleDirective] = []
        let due = lastSentAt.filter { now - $0.value >= interval }.sorted { ($0.value, $0.key) < ($1.value, $1.key) }
        for (id, _) in due.prefix(Self.maxRetransmitsPerWake) {
            guard let rec = accounts[id], !rec.outbox.isEmpty, holds(id) else { lastSentAt[id] = nil; continue }
            out += outboxMessages(rec, now: now) + persist(id)
            lastSentAt[id] = now
            retransmissions += rec.outbox.count
        }
        let stale = inFlightSentAt.filter { now - $0.value >= interval }.sorted { ($0.value, $0.key) < ($1.value, $1.key) }
        for (tid, _) in stale.prefix(Self.maxRetransmitsPerWake) {
            // A client's trade at the venue: the same order again (answered once per id).
            if let rec = accounts[tid.account], holds(tid.account), let t = rec.pendingTrade, t.id == tid {
                out += [send(.venue, .trancheOrder(tradeOrder(t)), now)] + persist(tid.account)
                inFlightSentAt[tid] = now
                retransmissions += 1
                continue
            }
            guard let rec = accounts[tid.account], holds(tid.account), let f = rec.inFlight.first(where: { $0.id == tid }) else {
                inFlightSentAt[tid] = nil
                continue
            }
            if f.awaitingDecision, f.adlFilled.e8 >= f.size.e8 || rec.account.position(in: tid.market) == nil {
                // Auto-deleveraging closed all of it and only the decision was lost: nothing
                // is left for the book, so the tranche ends as the decision would end it.
                inFlightSentAt[tid] = nil
                out += onBankruptcyDecision(Message.BankruptcyDecision(tranche: tid, adlSize: f.adlFilled, bookSize: .zero, at: now), now: now)
                continue
            }
            // The venue answers a repeated tranche id with its original fill, never a second
            // one; the aggregator answers a repeated notice with its decision.
            out += f.awaitingDecision ? bankruptcyNotice(rec, f, now: now) : [send(.venue, .trancheOrder(order(f, size: f.size)), now)]
            out += persist(tid.account)
            inFlightSentAt[tid] = now
            retransmissions += 1
        }
        return out
    }

    static let maxRetransmitsPerWake = 4_096

    /// Notes when each tranche order or bankruptcy notice among the directives left, so an
    /// unanswered one is sent again.
    mutating func trackInFlight(_ directives: [RoleDirective], now: Instant) {
        for d in directives {
            guard case .send(let to, let e) = d else { continue }
            switch (to, e.body) {
            case (.venue, .trancheOrder(let o)): inFlightSentAt[o.tranche] = now
            case (.aggregator, .bankruptcyNotice(let n)): inFlightSentAt[n.tranche] = now
            default: continue
            }
        }
    }
}
