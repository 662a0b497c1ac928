import TrancheCore
import TrancheWire

/// One fuzz input through everything a hostile peer reaches: the envelope decoder, and,
/// for a client command that decodes, the coordinator's authorization and the worker's
/// validation, with every ledger posting the worker makes booked by a real ledger.
///
/// Invariants (a violation is a finding, reported with the input):
/// 1. Decoding never traps; it returns an envelope or a typed `WireDecodeError`.
/// 2. A decoded envelope encodes and decodes back to itself.
/// 3. Every ledger posting a worker emits for a command it acknowledged is accepted by
///    the ledger: workers and ledger never disagree (no amount the ledger refuses, no
///    account id it drops).
/// 4. A command is answered exactly once.
struct FuzzHarness {
    struct Finding: Error, CustomStringConvertible {
        var description: String
    }

    struct Tally {
        var inputs = 0
        var decoded = 0
        var decodeErrors: [ErrorCode: Int] = [:]
        var commands = 0
        var accepted = 0
        var refused: [ErrorCode: Int] = [:]
        var postings = 0
        var orders = 0
    }

    var worker: Worker
    var coordinator: Coordinator
    /// Fills the worker's orders (client trades and tranches) against a real book.
    var venue: Venue
    var ledger = Ledger(retainedEntries: 0)
    var tally = Tally()
    let market: MarketSpec
    var now = Instant(nanoseconds: 1_000_000_000)
    var correlation: UInt64 = 0

    init() throws {
        market = try MarketSpec.fuzzMarket()
        var config = WorkerConfiguration(id: "w1", shardCount: 1)
        // Acknowledged below, as the aggregator would; never BUSY for want of acks.
        config.maxUnacknowledged = 1 << 20
        worker = Worker(configuration: config, markets: [market])
        _ = worker.start(now: now)
        _ = worker.receive(Envelope(sender: "coordinator", sentAt: now, body: .shardAssignment(.init(workerID: "w1", epoch: 1, shards: [0]))), from: .coordinator, now: now)
        _ = worker.onShardLoaded(shard: 0, epoch: 1, records: [], now: now)
        venue = try Venue(markets: [VenueMarket(spec: market, initialPrice: Price(e8: 20_000 * 100_000_000))], now: now)
        coordinator = Coordinator(configuration: CoordinatorConfiguration(shardCount: 1))
        _ = coordinator.start(now: now)
        _ = coordinator.receive(Envelope(sender: "worker:w1", sentAt: now, body: .workerRegister(.init(workerID: "w1"))), from: .worker("w1"), now: now)
        mark(Price(e8: 20_000 * 100_000_000))
    }

    mutating func mark(_ price: Price) {
        correlation += 1
        _ = worker.receive(Envelope(sender: "venue", sentAt: now, body: .markPrice(.init(market: market.id, price: price, sequence: correlation, at: now))), from: .venue, now: now)
    }

    /// Runs one input; throws a `Finding` when an invariant breaks.
    mutating func run(_ bytes: [UInt8], client: NodeID) throws(Finding) {
        tally.inputs += 1
        now = now + .milliseconds(1)
        let envelope: Envelope
        do { envelope = try WireCodec.decode(bytes) } catch {
            tally.decodeErrors[error.errorCode, default: 0] += 1
            return
        }
        tally.decoded += 1
        let again: Envelope
        do { again = try WireCodec.decode(WireCodec.encode(envelope)) } catch {
            throw Finding(description: "a decoded envelope does not decode after encoding: \(error)")
        }
        guard again == envelope else { throw Finding(description: "round trip changed the envelope: \(envelope) became \(again)") }
        guard let input = Coordinator.input(envelope.body), case .accountCommand = input else { return }
        tally.commands += 1
        // The coordinator: authorization, then routing to the owner.
        let routed = coordinator.receive(envelope, from: client, now: now)
        var forwarded: Envelope?
        var replies = 0
        for d in routed {
            guard case .send(let to, let e) = d else { continue }
            if to == .worker("w1") { forwarded = e } else if to == client { replies += 1; count(e) }
        }
        guard let forwarded else {
            if replies != 1 { throw Finding(description: "a refused command got \(replies) replies") }
            return
        }
        // The worker: validation, then the money it moves, booked by the ledger; its orders
        // go to the venue and the fills come back, as in the processes.
        var answers = 0
        var queue = worker.receive(forwarded, from: .coordinator, now: now)
        var steps = 0
        while !queue.isEmpty {
            steps += 1
            if steps > 10_000 { throw Finding(description: "a command did not settle: \(forwarded.body)") }
            let d = queue.removeFirst()
            guard case .send(let to, let e) = d else { continue }
            switch (to, e.body) {
            case (.coordinator, .commandReply):
                if e.correlationID == forwarded.correlationID { answers += 1 }
                // Relayed to the client through the coordinator, as in the processes.
                for r in coordinator.receive(e, from: .worker("w1"), now: now) {
                    if case .send(let c, let reply) = r, c == client { count(reply) }
                }
            case (.aggregator, .ledgerPosting(let p)):
                tally.postings += 1
                do { try ledger.post(p.transfers, at: now) } catch {
                    throw Finding(description: "the worker acknowledged a command whose posting the ledger refuses (\(error)): \(forwarded.body)")
                }
                if let delivery = e.delivery {
                    queue += worker.receive(Envelope(sender: "aggregator", sentAt: now, body: .deliveryAck(.init(entries: [.init(account: delivery.account, sequence: delivery.sequence)], at: now))),
                                            from: .aggregator, now: now)
                }
            case (.venue, .trancheOrder):
                tally.orders += 1
                for f in venue.receive(e, from: .worker("w1"), now: now) {
                    if case .send(.worker("w1"), let fill) = f { queue += worker.receive(fill, from: .venue, now: now) }
                }
            default: continue
            }
        }
        if answers != 1 { throw Finding(description: "a command got \(answers) answers from its worker: \(forwarded.body)") }
    }

    mutating func count(_ reply: Envelope) {
        guard case .commandReply(let r) = reply.body else { return }
        if r.errorCode == .ok { tally.accepted += 1 } else { tally.refused[r.errorCode, default: 0] += 1 }
    }
}

extension MarketSpec {
    /// The BTC-PERP of cluster/local.json.
    static func fuzzMarket() throws -> MarketSpec {
        try MarketSpec(
            id: "BTC-PERP", tickSize: Price(e8: 10_000_000), stepSize: Size(e8: 100_000),
            brackets: [MarginBracket(notionalFloor: .zero, initialMarginRate: Rate(ppm: 20_000), maintenanceMarginRate: Rate(ppm: 10_000)),
                       MarginBracket(notionalFloor: Quote(e6: 50_000_000_000), initialMarginRate: Rate(ppm: 40_000), maintenanceMarginRate: Rate(ppm: 20_000))],
            takerFeeRate: Rate(ppm: 500)).withContinuousAmounts()
    }
}
