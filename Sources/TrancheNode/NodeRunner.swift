import Foundation
import Synchronization
import TrancheCore
import TrancheTransport
import TrancheWire

/// Runs one role's state machine on the calling thread (a dedicated `Thread`, never a Swift
/// concurrency task): polls the node's sockets, feeds every message to the role, fires its
/// wake-ups from the wall clock, and carries out its directives.
///
/// One path to durability for every role: the messages a handler emits are held until the
/// state it changed is on disk, so nothing (a reply, an ack, a tranche order) leaves before
/// the state that produced it; later messages queue behind them, in order. A worker's
/// records go to its group committer asynchronously (`persist`); the other roles make their
/// state durable synchronously once per turn of the loop (`checkpoint`), after the turn's
/// handlers and before the turn's messages leave: one transaction for many messages.
public final class NodeRunner<Role: NodeRole> {
    /// Where `.send(to:)` goes: a socket index and, for a ROUTER, the peer's identity.
    public typealias Route = (NodeID) -> (socket: Int, identity: [UInt8]?)?

    struct Held {
        var messages: [(socket: Int, identity: [UInt8]?, envelope: Envelope)]
        /// The persist batch these messages wait for; nil once durable (or never needed).
        var batch: Int?
        /// The store refused the batch: drop the messages.
        var refused = false
    }

    /// The batch id of messages that wait for the turn's checkpoint.
    static var awaitingCheckpoint: Int { -1 }

    var role: Role
    let sockets: [NodeSocket]
    let route: Route
    let publishers: [Topic: Int]
    let log: NodeLog
    /// Makes a set of records durable, calling back (from any thread) when done: true when
    /// every record is on disk, false when the store refused (a stale epoch: another worker
    /// owns the shard now). Messages held for a refused batch are dropped, never sent: what
    /// was not made durable is never acknowledged.
    let persist: ((_ batch: [(shard: Int, epoch: UInt64, records: [AccountRecord])], _ done: @escaping @Sendable (_ refusedShards: [Int]) -> Void) -> Void)?
    /// Tells the role which shards' writes the store refused (a newer owner holds them):
    /// the worker drops them (worker only).
    let onRefused: ((inout Role, _ shards: [Int], _ now: Instant) -> [RoleDirective])?
    /// Loads a shard's records for the role (worker only).
    let loadShard: ShardLoader<Role>?
    /// Makes the role's changed state durable (aggregator, coordinator, venue): once per
    /// turn, before the turn's messages leave. A throw stops the process (fail-stop): its
    /// memory is ahead of its disk, and a restart resumes from what is durable. Returns
    /// whether it wrote anything (its time is then a commit, in the metrics).
    let checkpoint: ((inout Role) throws -> Bool)?
    /// Where events go besides the log (the aggregator's events PUB; workers forward them).
    let onEvent: ((ClusterEvent) -> RoleDirective?)?

    var nextWake: Instant?
    var held: [Held] = []
    /// Shards being loaded off the loop's thread, what came back, and what is being handed
    /// to the role (`loadChunk` records per turn of the loop).
    var loadsInFlight: [Int: UInt64] = [:]
    let loaded = LoadedShards()
    var feeding: [(load: LoadedShard, offset: Int)] = []
    static var loadChunk: Int { 10_000 }
    /// A handler ran since the last checkpoint.
    var turnChanged = false
    /// Messages dropped because the peer's queue was full (never blocking the loop).
    var droppedSends = 0
    /// Messages refused before the role saw them: undecodable, unauthenticated, or a kind
    /// this socket does not take from that sender.
    var refusedMessages = 0
    let completed = CompletedBatches()
    var batchCounter = 0
    /// Counters and the role's gauges (`sample`, at most twice a second).
    let metrics: NodeMetrics?
    let sample: ((inout Role, NodeMetrics) -> Void)?
    /// Called after every handler with the kind of the message it handled (nil: a wake, a
    /// load, a refusal), while metrics are on: the worker measures accounts evaluated per tick.
    let afterHandling: ((inout Role, MessageKind?, NodeMetrics) -> Void)?
    var lastSample = Instant(nanoseconds: 0)
    /// Rung by the store and the shard loader when they finish, so the loop sends what
    /// became durable, or takes a loaded shard, at once.
    let doorbell: Doorbell

    public init(role: Role, sockets: [NodeSocket], route: @escaping Route, publishers: [Topic: Int], log: NodeLog,
                persist: ((_ batch: [(shard: Int, epoch: UInt64, records: [AccountRecord])], _ done: @escaping @Sendable (_ refusedShards: [Int]) -> Void) -> Void)? = nil,
                loadShard: ShardLoader<Role>? = nil,
                onRefused: ((inout Role, [Int], Instant) -> [RoleDirective])? = nil,
                checkpoint: ((inout Role) throws -> Bool)? = nil,
                onEvent: ((ClusterEvent) -> RoleDirective?)? = nil,
                metrics: NodeMetrics? = nil, sample: ((inout Role, NodeMetrics) -> Void)? = nil,
                afterHandling: ((inout Role, MessageKind?, NodeMetrics) -> Void)? = nil) throws {
        doorbell = try Doorbell()
        self.metrics = metrics
        self.sample = sample
        self.afterHandling = afterHandling
        self.role = role
        self.sockets = sockets
        self.route = route
        self.publishers = publishers
        self.log = log
        self.persist = persist
        self.loadShard = loadShard
        self.onRefused = onRefused
        self.checkpoint = checkpoint
        self.onEvent = onEvent
    }

    /// Runs until `thread` is asked to stop, then returns after flushing held messages.
    public func run(until thread: SocketThread) {
        carryOut(role.start(now: WallClock.now()))
        commitTurn()
        releaseDurable()
        let polled = sockets.map(\.socket)
        while !thread.isStopRequested {
            let now = WallClock.now()
            var timeout = 50
            if let w = nextWake { timeout = max(0, min(timeout, Int((w.nanoseconds - now.nanoseconds) / 1_000_000))) }
            // Records still to hand to the role: no wait. What waits for the store or a
            // loader is woken by the doorbell they ring when done.
            if !feeding.isEmpty { timeout = 0 }
            let ready: [Int]
            do { ready = try ZMQPoller.poll(polled, doorbell: doorbell, timeoutMilliseconds: timeout).ready } catch {
                if error.kind == .terminated { break }
                log.error("poll: \(error)")
                continue
            }
            for i in ready { drain(socket: i) }
            if let w = nextWake, WallClock.now() >= w {
                nextWake = nil
                handle { $0.onWake(now: WallClock.now()) }
            }
            feedLoadedRecords()
            commitTurn()
            releaseDurable()
            if let metrics {
                let t = WallClock.now()
                if t - lastSample >= .milliseconds(500) {
                    lastSample = t
                    metrics.held.set(Double(held.reduce(0) { $0 + $1.messages.count }))
                    sample?(&role, metrics)
                }
            }
        }
        // Drain: wait (bounded) for what is being made durable, then send it.
        let deadline = Date().addingTimeInterval(5)
        while !held.isEmpty && Date() < deadline {
            commitTurn()
            releaseDurable()
            if !held.isEmpty { Thread.sleep(forTimeInterval: 0.001) }
        }
        // What is queued in the sockets still goes out: closed with a linger, flushed by the
        // context's termination (bounded by the linger).
        for s in sockets {
            try? s.socket.setLinger(milliseconds: Self.drainLingerMilliseconds)
            s.socket.close()
        }
    }

    /// How long closing waits for queued messages to leave on a graceful stop.
    static var drainLingerMilliseconds: Int { 2_000 }

    func drain(socket i: Int) {
        for _ in 0..<1_000 {
            let read: NodeSocket.Inbound?
            do { read = try sockets[i].read() } catch {
                log.error("\(sockets[i].name): receive failed: \(error)")
                return
            }
            switch read {
            case nil:
                return
            case .refused(let code, let why, let correlation, let identity)?:
                refuse(socket: i, code, why, correlation: correlation, identity: identity)
            case .message(let envelope, let sender, let identity)?:
                guard Role.accepts(envelope) else {
                    // A broadcast carries what other roles need too. Elsewhere, a kind that is
                    // not one of this role's inputs is refused.
                    if sockets[i].broadcast { continue }
                    refuse(socket: i, .permissionDenied, "\(sockets[i].name): \(envelope.kind) is not accepted here", correlation: envelope.correlationID, identity: identity)
                    continue
                }
                guard Role.permits(envelope, from: sender) else {
                    refuse(socket: i, .permissionDenied, "\(sockets[i].name): \(sender) may not send \(envelope.kind)", correlation: envelope.correlationID, identity: identity)
                    continue
                }
                metrics?.received(envelope.kind)
                handle(envelope.kind) { $0.receive(envelope, from: sender, now: WallClock.now()) }
            }
        }
    }

    /// Refuses a message no role saw: a typed reply on a ROUTER (request sockets), a
    /// counted drop elsewhere; said in the log once in a while.
    func refuse(socket i: Int, _ code: ErrorCode, _ why: String, correlation: UInt64, identity: [UInt8]?) {
        refusedMessages += 1
        metrics?.refused.increment()
        if refusedMessages <= 10 || refusedMessages % 1_000 == 0 {
            log.warning("refused (\(code), \(refusedMessages) so far): \(why)")
        }
        guard let identity else { return }
        let reply = Envelope(correlationID: correlation, sender: log.node, sentAt: WallClock.now(),
                             body: .commandReply(Message.CommandReply(errorCode: code, errorMessage: why)))
        if (try? sockets[i].write(reply, identity: identity)) != true { droppedSends += 1 }
    }

    func handle(_ kind: MessageKind? = nil, _ body: (inout Role) -> [RoleDirective]) {
        guard let metrics else { return carryOut(body(&role)) }
        let start = ContinuousClock.now
        let directives = body(&role)
        metrics.turn.record(ContinuousClock.now - start)
        afterHandling?(&role, kind, metrics)
        carryOut(directives)
    }

    /// Hands loaded shards to the role, at most `loadChunk` records per turn, so sockets are
    /// served between parts.
    func feedLoadedRecords() {
        guard let loader = loadShard else { return }
        for l in loaded.takeAll() {
            guard l.records != nil else {
                // The load failed (logged by the loader); the role asks again.
                if loadsInFlight[l.shard] == l.epoch { loadsInFlight[l.shard] = nil }
                continue
            }
            feeding.append((l, 0))
        }
        var budget = Self.loadChunk
        while budget > 0, let first = feeding.first {
            let records = first.load.records!
            let end = min(records.count, first.offset + budget)
            let last = end == records.count
            let part = records[first.offset..<end]
            budget -= max(part.count, 1)
            handle { loader.apply(&$0, first.load.shard, first.load.epoch, part, last, WallClock.now()) }
            if last {
                feeding.removeFirst()
                if loadsInFlight[first.load.shard] == first.load.epoch { loadsInFlight[first.load.shard] = nil }
            } else {
                feeding[0].offset = end
            }
        }
    }

    /// The synchronous roles' checkpoint: what this turn changed goes to disk, then the
    /// messages waiting for it may leave.
    func commitTurn() {
        guard let checkpoint, held.contains(where: { $0.batch == Self.awaitingCheckpoint }) || turnChanged else { return }
        do {
            let start = ContinuousClock.now
            if try checkpoint(&role) { metrics?.commit.record(ContinuousClock.now - start) }
        } catch {
            log.error("making state durable failed, stopping (a restart resumes from the store): \(error)")
            exit(75)
        }
        turnChanged = false
        for i in held.indices where held[i].batch == Self.awaitingCheckpoint { held[i].batch = nil }
    }

    /// Carries out a handler's directives by the rules of `DirectivePlan` (shared with the
    /// simulator): wakes and loads at once; messages and events held until the state the
    /// handler changed is durable, dropped if the store refuses it.
    func carryOut(_ directives: [RoleDirective]) {
        let plan = DirectivePlan(directives)
        if let w = plan.earliestWake { nextWake = min(nextWake ?? w, w) }
        for (shard, epoch) in plan.loads {
            // Off this thread: claiming and decoding a big shard must not stop the
            // heartbeats. One load per shard and epoch at a time.
            if let loader = loadShard, loadsInFlight[shard] != epoch {
                loadsInFlight[shard] = epoch
                let inbox = loaded
                let bell = doorbell
                loader.start(shard, epoch) { records in
                    inbox.add(LoadedShard(shard: shard, epoch: epoch, records: records))
                    bell.ring()
                }
            }
        }
        var out: [(socket: Int, identity: [UInt8]?, envelope: Envelope)] = []
        func add(_ o: DirectivePlan.Outgoing) {
            switch o {
            case .send(let to, let e):
                if let r = route(to) { out.append((r.socket, r.identity, e)) } else { log.warning("no route to \(to) for \(e.kind)") }
            case .publish(let topic, let e):
                if let s = publishers[topic] { out.append((s, nil, e)) }
            case .event(let e):
                // An event leaves as a message (workers forward theirs, the aggregator publishes).
                switch onEvent?(e) {
                case .send(let to, let env)?: add(.send(to, env))
                case .publish(let topic, let env)?: add(.publish(topic, env))
                case .wake?, .persist?, .loadShard?, .event?, nil: break
                }
            }
        }
        for o in plan.outgoing { add(o) }
        if checkpoint != nil {
            // Every handler may have changed state: its messages wait for the turn's checkpoint.
            turnChanged = true
            if !out.isEmpty { held.append(Held(messages: out, batch: Self.awaitingCheckpoint)) }
        } else if plan.persists.isEmpty || persist == nil {
            if held.isEmpty { send(out) } else if !out.isEmpty { held.append(Held(messages: out, batch: nil)) }
        } else {
            batchCounter += 1
            let id = batchCounter
            held.append(Held(messages: out, batch: id))
            let batch = plan.persists.map { (shard: $0.shard, epoch: $0.epoch, records: $0.records) }
            let queue = completed
            let bell = doorbell
            persist!(batch) { refused in
                queue.add(id, refused: refused)
                bell.ring()
            }
        }
    }

    /// Sends, in order, every held group whose records are durable.
    func releaseDurable() {
        let done = completed.takeAll()
        var refusedShards = Set<Int>()
        for (id, refused) in done {
            if let i = held.firstIndex(where: { $0.batch == id }) {
                held[i].batch = nil
                held[i].refused = !refused.isEmpty
            }
            refusedShards.formUnion(refused)
        }
        if !refusedShards.isEmpty, let onRefused {
            let shards = refusedShards.sorted()
            handle { onRefused(&$0, shards, WallClock.now()) }
        }
        while let first = held.first, first.batch == nil {
            if first.refused {
                log.warning("dropped \(first.messages.count) message(s) whose state the store refused (the shard has a newer owner)")
            } else {
                send(first.messages)
            }
            held.removeFirst()
        }
    }

    /// Sends without ever blocking the loop: a message a full queue cannot take is dropped
    /// and counted (replies are retried by clients, money messages retransmitted from the
    /// outbox, snapshots re-sent).
    func send(_ messages: [(socket: Int, identity: [UInt8]?, envelope: Envelope)]) {
        for m in messages {
            do {
                if try sockets[m.socket].write(m.envelope, identity: m.identity) {
                    metrics?.sent.increment()
                } else {
                    metrics?.dropped.increment()
                    droppedSends += 1
                    if droppedSends == 1 || droppedSends % 1_000 == 0 {
                        log.warning("\(sockets[m.socket].name): peer not keeping up, \(droppedSends) message(s) dropped so far (last: \(m.envelope.kind))")
                    }
                }
            } catch {
                log.warning("\(sockets[m.socket].name): send \(m.envelope.kind) failed: \(error)")
            }
        }
    }
}

/// Batch ids made durable, handed from the store's thread to the loop's.
final class CompletedBatches: Sendable {
    private let ids = Mutex<[(Int, [Int])]>([])
    func add(_ id: Int, refused: [Int]) { ids.withLock { $0.append((id, refused)) } }
    func takeAll() -> [(Int, [Int])] { ids.withLock { c in defer { c.removeAll() }; return c } }
}

/// How a worker's shell loads shards: `start` runs off the loop's thread and calls back
/// (from any thread) with the records, or nil when the load failed; `apply` hands a part
/// of them to the role (`last` for the final part).
public struct ShardLoader<Role> {
    public var start: (_ shard: Int, _ epoch: UInt64, _ done: @escaping @Sendable ([AccountRecord]?) -> Void) -> Void
    public var apply: (inout Role, _ shard: Int, _ epoch: UInt64, _ records: ArraySlice<AccountRecord>, _ last: Bool, _ now: Instant) -> [RoleDirective]
    public init(start: @escaping (Int, UInt64, @escaping @Sendable ([AccountRecord]?) -> Void) -> Void,
                apply: @escaping (inout Role, Int, UInt64, ArraySlice<AccountRecord>, Bool, Instant) -> [RoleDirective]) {
        self.start = start
        self.apply = apply
    }
}

/// A loaded shard (nil records: the load failed).
struct LoadedShard: Sendable {
    var shard: Int
    var epoch: UInt64
    var records: [AccountRecord]?
}

/// Loads finished on the loader's thread, handed to the loop's.
final class LoadedShards: Sendable {
    private let items = Mutex<[LoadedShard]>([])
    func add(_ l: LoadedShard) { items.withLock { $0.append(l) } }
    func takeAll() -> [LoadedShard] { items.withLock { c in defer { c.removeAll() }; return c } }
}
