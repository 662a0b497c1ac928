/// One market at the venue.
public struct VenueMarket: Sendable {
    public var spec: MarketSpec
    public var book: VenueBookConfiguration
    public var markPrice: MarkPriceConfiguration
    public var initialPrice: Price
    public init(spec: MarketSpec, book: VenueBookConfiguration = .init(), markPrice: MarkPriceConfiguration = .init(), initialPrice: Price) {
        self.spec = spec
        self.book = book
        self.markPrice = markPrice
        self.initialPrice = initialPrice
    }
}

/// The default execution venue: one simulated book per market (`VenueBook`). It takes
/// exogenous price updates, fills tranche orders with impact and resilience, and publishes
/// marks and depth. Mark price = the exogenous index plus a clamped, slow, time-weighted
/// average of the book's basis (`MarkPriceEstimator`, see docs/venue-book.md), so no single
/// liquidation order can push it. Orders are de-duplicated by tranche id: an id seen before
/// gets the original fill again, marked `duplicate`, and never trades twice.
public struct Venue: Sendable {
    public let markets: [MarketID: VenueMarket]
    public private(set) var books: [MarketID: VenueBook] = [:]
    var estimators: [MarketID: MarkPriceEstimator] = [:]
    var lastPublished: [MarketID: Instant] = [:]
    var markSequence: UInt64 = 0
    /// Mark prices published since start (metrics).
    public var marksPublished: UInt64 { markSequence }
    /// Tranches answered, by id (the de-duplication memory): the current generation and
    /// the one before it, at most `answeredPerGeneration` each.
    public private(set) var answered: [TrancheID: Message.TrancheFill] = [:]
    var answeredBefore: [TrancheID: Message.TrancheFill] = [:]
    static let answeredPerGeneration = 100_000
    /// Answers given since the shell last took them (to make durable), when a store wants
    /// them (`journaling`).
    var freshAnswers: [Message.TrancheFill] = []
    public var journaling = false

    /// The answers given since the last call, for the store.
    public mutating func takeFreshAnswers() -> [Message.TrancheFill] {
        defer { freshAnswers.removeAll(keepingCapacity: true) }
        return freshAnswers
    }

    /// Restores the answers a previous process gave (oldest first).
    public mutating func restore(answered fills: [Message.TrancheFill]) {
        for f in fills {
            if answered.count >= Self.answeredPerGeneration {
                answeredBefore = answered
                answered.removeAll(keepingCapacity: true)
            }
            answered[f.tranche] = f
        }
    }
    /// Interval of mark publication when no exogenous update comes.
    public let publishInterval: Duration

    public init(markets: [VenueMarket], publishInterval: Duration = .seconds(1), now: Instant) throws {
        self.markets = Dictionary(markets.map { ($0.spec.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.publishInterval = publishInterval
        for m in markets {
            books[m.spec.id] = try VenueBook(market: m.spec.id, configuration: m.book, fairPrice: m.initialPrice, now: now)
            estimators[m.spec.id] = try MarkPriceEstimator(configuration: m.markPrice)
        }
    }

    public mutating func start(now: Instant) -> [RoleDirective] {
        var out: [RoleDirective] = []
        for m in markets.keys.sorted() { out += publish(m, now: now) }
        out.append(.wake(at: now + publishInterval))
        return out
    }

    public func mark(_ market: MarketID, now: Instant) -> Price? {
        guard let b = books[market], let e = estimators[market] else { return nil }
        return e.mark(index: b.fairPrice, now: now)
    }

    public mutating func receive(_ envelope: Envelope, from sender: NodeID, now: Instant) -> [RoleDirective] {
        guard let input = Self.input(envelope.body), Self.authorized(input, from: sender) else { return [] }
        switch input {
        case .setPrice(let p):
            guard var book = books[p.market] else {
                return [reply(sender, envelope, Message.CommandReply(errorCode: .unknownMarket, errorMessage: "unknown market \(p.market)"), now)]
            }
            do { try book.setFairPrice(p.price, now: now) } catch {
                return [reply(sender, envelope, Message.CommandReply(errorCode: .invalidArgument, errorMessage: "\(error)"), now)]
            }
            books[p.market] = book
            var out = publish(p.market, now: now)
            if envelope.correlationID != 0 { out.append(reply(sender, envelope, .ok(), now)) }
            return out
        case .order(let o):
            return [.send(to: sender, Envelope(correlationID: envelope.correlationID, sender: NodeID.venue.description, sentAt: now,
                                               body: .trancheFill(execute(o, now: now))))]
        }
    }

    /// Publishes every market whose last publication is older than the interval.
    public mutating func onWake(now: Instant) -> [RoleDirective] {
        var out: [RoleDirective] = []
        for m in markets.keys.sorted() where (lastPublished[m].map { now - $0 >= publishInterval } ?? true) {
            out += publish(m, now: now)
        }
        let next = markets.keys.compactMap { lastPublished[$0] }.min().map { $0 + publishInterval } ?? now + publishInterval
        out.append(.wake(at: max(next, now + Duration(nanoseconds: 1))))
        return out
    }

    /// Fills an order against the book, once per tranche id.
    public mutating func execute(_ o: Message.TrancheOrder, now: Instant) -> Message.TrancheFill {
        if var seen = answered[o.tranche] ?? answeredBefore[o.tranche] {
            seen.duplicate = true
            return seen
        }
        var fill = Message.TrancheFill(tranche: o.tranche, filledSize: .zero, vwap: .zero, unfilledSize: o.size, duplicate: false, at: now)
        if o.markSequence > 0, let markAt = o.markAt, now >= markAt { fill.tickToOrder = now - markAt }
        if var book = books[o.tranche.market], let result = try? book.execute(side: o.side, size: o.size, limit: o.limitPrice, now: now) {
            books[o.tranche.market] = book
            fill.filledSize = result.filled
            fill.unfilledSize = result.unfilled
            fill.vwap = result.vwap ?? .zero
        }
        // Bounded: two generations of `answeredPerGeneration` ids. Workers send an order
        // again within seconds, far inside the window.
        if answered.count >= Self.answeredPerGeneration {
            answeredBefore = answered
            answered.removeAll(keepingCapacity: true)
        }
        answered[o.tranche] = fill
        if journaling { freshAnswers.append(fill) }
        return fill
    }

    mutating func publish(_ market: MarketID, now: Instant) -> [RoleDirective] {
        guard let book = books[market], var est = estimators[market], let spec = markets[market]?.spec else { return [] }
        let mark = est.update(index: book.fairPrice, mid: book.mid(now: now), now: now)
        estimators[market] = est
        markSequence += 1
        lastPublished[market] = now
        let s = book.summary(band: spec.liquidation.priceBand, now: now)
        let v = NodeID.venue.description
        return [
            .publish(.marketData, Envelope(sender: v, sentAt: now, body: .markPrice(Message.MarkPrice(market: market, price: mark, sequence: markSequence, at: now)))),
            .publish(.marketData, Envelope(sender: v, sentAt: now, body: .depthSummary(Message.DepthSummary(
                market: market, fairPrice: s.fairPrice, bestBid: s.bestBid, bestAsk: s.bestAsk, bidDepthInBand: s.bidDepthInBand,
                askDepthInBand: s.askDepthInBand, band: s.band, at: now)))),
            .event(ClusterEvent(at: now, kind: .mark, market: market, price: mark, detail: "index \(book.fairPrice)")),
        ]
    }

    func reply(_ to: NodeID, _ e: Envelope, _ r: Message.CommandReply, _ now: Instant) -> RoleDirective {
        .send(to: to, Envelope(correlationID: e.correlationID, sender: NodeID.venue.description, sentAt: now, body: .commandReply(r)))
    }
}
