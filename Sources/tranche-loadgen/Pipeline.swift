import Foundation
import Histogram
import TrancheCore
import TrancheNode
import TrancheTransport
import TrancheWire

/// One request of a run: its body, its request id (idempotency key, retried under it),
/// and what to send once it is acknowledged (an account's position after its opening).
struct Work {
    var body: MessageBody
    var requestID: UInt64
    var followUp: MessageBody?
    var attempts = 0
    /// Not sent again before this time (a retry backs off).
    var notBefore: UInt64 = 0
}

/// What a run measured.
struct RunStatistics {
    var sent = 0
    var acknowledged = 0
    var retried = 0
    var lost = 0
    var refused: [ErrorCode: Int] = [:]
    /// Acknowledgement latency, µs.
    var latency = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
    /// Per second of the run: acknowledged, and the p99 latency (µs) of that second.
    var perSecond: [(acknowledged: Int, p99: UInt64)] = []
    var seconds: Double = 0
    var acknowledgedIDs: [(id: UInt64, kind: MessageKind)] = []
}

/// Pipelined requests over several DEALER sockets to the coordinator's clients endpoint,
/// `depth` in flight on each, from one thread polling them all (never a concurrency task).
/// Open loop with `rate` (requests per second, sent on schedule whatever the replies), or
/// closed loop without (a new request as each reply comes). Codes worth retrying are sent
/// again under the same request id, so nothing is applied twice.
final class Pipeline {
    struct InFlight { var work: Work; var sentAt: UInt64 }

    let context: ZMQContext
    var sockets: [ZMQSocket] = []
    var inFlight: [[UInt64: InFlight]]
    let depth: Int
    var correlation: UInt64 = 0
    var ready: [Work] = []
    var stats = RunStatistics()
    let keepIDs: Bool
    static let retried: Set<ErrorCode> = ClusterClient.retriedCodes
    static let requestTimeoutNs: UInt64 = 10_000_000_000

    init(endpoint: String, keys: ClientKeys?, sockets count: Int, depth: Int, keepIDs: Bool) throws {
        context = try ZMQContext()
        self.depth = depth
        self.keepIDs = keepIDs
        inFlight = Array(repeating: [:], count: count)
        let run = String(UInt64.random(in: 1...UInt64.max), radix: 36)
        for i in 0..<count {
            let s = try ZMQSocket(context, .dealer)
            try s.setRoutingID(Array((keys.map { "client:\($0.name)/loadgen-\(run)-\(i)" } ?? "client:loadgen-\(run)-\(i)").utf8))
            try s.setSendHighWaterMark(0)
            try s.setReceiveHighWaterMark(0)
            try keys?.configure(s, server: .coordinator)
            try s.connect(endpoint)
            sockets.append(s)
        }
    }

    deinit {
        for s in sockets { s.close() }
        context.shutdown()
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Runs until `next` has nothing more and everything is answered, or `duration` passes.
    /// `progress` is called about five times a second with the acknowledged count.
    func run(rate: Double?, duration: Double?, next: () -> Work?, progress: (RunStatistics) -> Void) throws {
        let start = Self.now()
        let end = duration.map { start + UInt64($0 * 1e9) }
        var second = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .two)
        var secondAcked = 0
        var secondEnd = start + 1_000_000_000
        var lastProgress = start
        var exhausted = false
        func closeSecond(_ t: UInt64) {
            while t >= secondEnd {
                stats.perSecond.append((secondAcked, second.totalCount > 0 ? second.valueAtPercentile(99) : 0))
                second.reset()
                secondAcked = 0
                secondEnd += 1_000_000_000
            }
        }
        while true {
            let t = Self.now()
            closeSecond(t)
            let stopping = end.map { t >= $0 } ?? false
            let inFlightCount = inFlight.reduce(0) { $0 + $1.count }
            if stopping || (exhausted && inFlightCount == 0 && ready.isEmpty) { break }
            // Send what the schedule (open loop) or the free slots (closed loop) allow.
            if !stopping {
                var allowance = rate.map { Int(Double(t - start) / 1e9 * $0) - stats.sent } ?? Int.max
                var progressMade = true
                while allowance > 0 && progressMade {
                    progressMade = false
                    for i in sockets.indices where inFlight[i].count < depth && allowance > 0 {
                        let work: Work
                        if let r = ready.firstIndex(where: { $0.notBefore <= t }) { work = ready.remove(at: r) }
                        else if !exhausted, let w = next() { work = w }
                        else { if ready.isEmpty { exhausted = true }; break }
                        try send(work, on: i)
                        allowance -= 1
                        progressMade = true
                    }
                }
            }
            for i in try ZMQPoller.poll(sockets, timeoutMilliseconds: rate == nil ? 20 : 1) {
                while let frames = try sockets[i].tryReceive(), let payload = frames.last {
                    guard let reply = try? WireCodec.decode(payload), let f = inFlight[i].removeValue(forKey: reply.correlationID) else { continue }
                    let t = Self.now()
                    let micros = (t - f.sentAt) / 1_000
                    guard case .commandReply(let r) = reply.body else { continue }
                    if r.errorCode == .ok {
                        stats.acknowledged += 1
                        secondAcked += 1
                        stats.latency.record(micros)
                        second.record(micros)
                        if keepIDs { stats.acknowledgedIDs.append((f.work.requestID, f.work.body.kind)) }
                        if let follow = f.work.followUp { ready.append(Work(body: follow, requestID: UInt64.random(in: 1...UInt64.max))) }
                    } else if Self.retried.contains(r.errorCode), f.work.attempts < 40 {
                        // Again under the same id, after 50 ms doubling to 1 s (about 30 s in all).
                        var again = f.work
                        again.attempts += 1
                        again.notBefore = t + UInt64(Swift.min(1_000, 50 << Swift.min(again.attempts - 1, 5))) * 1_000_000
                        stats.retried += 1
                        ready.append(again)
                    } else {
                        stats.refused[r.errorCode, default: 0] += 1
                    }
                }
            }
            // Requests unanswered for too long: lost (retried under the same id).
            let checked = Self.now()
            for i in inFlight.indices {
                for (k, f) in inFlight[i] where checked > f.sentAt && checked - f.sentAt > Self.requestTimeoutNs {
                    inFlight[i][k] = nil
                    stats.lost += 1
                    if f.work.attempts < 3 { var again = f.work; again.attempts += 1; ready.append(again) }
                }
            }
            if checked - lastProgress > 200_000_000 {
                lastProgress = checked
                stats.seconds = Double(checked - start) / 1e9
                progress(stats)
            }
        }
        let t = Self.now()
        closeSecond(t)
        if secondAcked > 0 { stats.perSecond.append((secondAcked, second.totalCount > 0 ? second.valueAtPercentile(99) : 0)) }
        stats.seconds = Double(t - start) / 1e9
    }

    func send(_ work: Work, on i: Int) throws {
        correlation += 1
        let e = Envelope(correlationID: correlation, sender: "loadgen", sentAt: .zero, body: work.body, requestID: work.requestID)
        inFlight[i][correlation] = InFlight(work: work, sentAt: Self.now())
        try sockets[i].send([WireCodec.encode(e)])
        stats.sent += 1
    }
}
