import FlyingFox
import Foundation
import Prometheus
import Synchronization
import TrancheCore

/// Where a cluster's processes serve their Prometheus metrics (`GET /metrics`).
public struct MetricsSettings: Sendable, Codable, Equatable {
    /// Off: no HTTP endpoint.
    public var enabled = true
    /// The address the endpoints bind (loopback by default: metrics are not for the world).
    public var host = "127.0.0.1"
    /// venue basePort, aggregator +1, coordinator +2, worker wN +10+N; 0: every process an
    /// ephemeral port. Each process writes its URL to RUN_DIRECTORY/NODE.metrics.
    public var basePort = 7430
    public init() {}

    /// The port a node binds (0: ephemeral).
    public func port(of node: NodeID) -> Int {
        guard basePort > 0 else { return 0 }
        switch node {
        case .venue: return basePort
        case .aggregator: return basePort + 1
        case .coordinator: return basePort + 2
        case .worker(let id):
            // wN gets its own; any other name an ephemeral one (its URL is in its file).
            guard id.hasPrefix("w"), let n = Int(id.dropFirst()), (1...1_000).contains(n) else { return 0 }
            return basePort + 10 + n
        case .client: return 0
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case enabled, host, basePort }
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Self()
        enabled = try c.decode(.enabled, default: d.enabled)
        host = try c.decode(.host, default: d.host)
        basePort = try c.decode(.basePort, default: d.basePort)
    }
}

/// A process's metrics: what its loop counts (messages in, out, refused, dropped; turn
/// time; messages waiting for the store) and what its role reports (`gauge`), served in
/// the Prometheus text format by a small HTTP server (FlyingFox) off the loop's thread.
public final class NodeMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let receivedByKind = Mutex<[MessageKind: Counter]>([:])
    let sent: Counter
    let refused: Counter
    let dropped: Counter
    let turn: DurationHistogram
    let held: Gauge
    /// How long making state durable took: a worker's group commits, the other roles'
    /// once-per-turn checkpoints.
    public let commit: DurationHistogram
    private let gauges = Mutex<[String: Gauge]>([:])
    private let counters = Mutex<[String: (counter: Counter, total: Int)]>([:])
    private let histograms = Mutex<[String: ValueHistogram]>([:])
    private let server = Mutex<HTTPServer?>(nil)

    public init() {
        sent = registry.makeCounter(name: "tranche_messages_sent_total", help: "Messages sent.")
        refused = registry.makeCounter(name: "tranche_messages_refused_total",
                                       help: "Messages refused before the role saw them: undecodable, unauthenticated, not permitted.")
        dropped = registry.makeCounter(name: "tranche_sends_dropped_total", help: "Messages dropped because a peer's queue was full.")
        turn = registry.makeDurationHistogram(name: "tranche_handler_seconds", buckets: [
            .microseconds(10), .microseconds(50), .microseconds(100), .microseconds(500), .milliseconds(1), .milliseconds(5),
            .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(500), .seconds(1),
        ], help: "Time a role's handler took, per message or wake.")
        held = registry.makeGauge(name: "tranche_messages_waiting_for_store", help: "Messages held until the state they follow is durable.")
        commit = registry.makeDurationHistogram(name: "tranche_store_commit_seconds", buckets: [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
        ], help: "Time to make state durable: a worker's group commit, another role's checkpoint (one SQLite transaction and its fsync).")
    }

    /// A message handed to the role, by kind (`tranche_messages_received_total{kind}`).
    func received(_ kind: MessageKind) {
        let c = receivedByKind.withLock { cs -> Counter in
            if let c = cs[kind] { return c }
            let c = registry.makeCounter(name: "tranche_messages_received_total", labels: [("kind", "\(kind)")], help: "Messages received and handled by the role, by kind.")
            cs[kind] = c
            return c
        }
        c.increment()
    }

    /// Brings a counter to a role's cumulative `total` (made on first use; a total that
    /// went down, a restarted role's, starts the count again from it).
    public func advance(_ name: String, labels: [(String, String)] = [], to total: Int, help: String = "") {
        let key = Self.key(name, labels)
        counters.withLock { cs in
            let entry = cs[key] ?? (labels.isEmpty ? registry.makeCounter(name: name, help: help) : registry.makeCounter(name: name, labels: labels, help: help), 0)
            let delta = total >= entry.total ? total - entry.total : total
            if delta > 0 { entry.counter.increment(by: Int64(delta)) }
            cs[key] = (entry.counter, total)
        }
    }

    /// Adds `n` to a counter (made on first use).
    public func count(_ name: String, labels: [(String, String)] = [], by n: Int = 1, help: String = "") {
        let key = Self.key(name, labels)
        let c = counters.withLock { cs -> Counter in
            if let e = cs[key] { return e.counter }
            let c = labels.isEmpty ? registry.makeCounter(name: name, help: help) : registry.makeCounter(name: name, labels: labels, help: help)
            cs[key] = (c, 0)
            return c
        }
        c.increment(by: Int64(n))
    }

    /// A histogram of values (made on first use with these buckets).
    public func histogram(_ name: String, buckets: [Double], help: String) -> ValueHistogram {
        histograms.withLock { hs in
            if let h = hs[name] { return h }
            let h = registry.makeValueHistogram(name: name, buckets: buckets, help: help)
            hs[name] = h
            return h
        }
    }

    /// A metric's name and labels, as the caches key them.
    static func key(_ name: String, _ labels: [(String, String)]) -> String {
        name + labels.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
    }

    /// A role's gauge (made on first use), e.g. `tranche_worker_accounts`.
    public func gauge(_ name: String, _ value: Double, labels: [(String, String)] = [], help: String = "") {
        let key = Self.key(name, labels)
        let g = gauges.withLock { gauges -> Gauge in
            if let g = gauges[key] { return g }
            let g = labels.isEmpty ? registry.makeGauge(name: name, help: help) : registry.makeGauge(name: name, labels: labels, help: help)
            gauges[key] = g
            return g
        }
        g.set(value)
    }

    /// The metrics in the Prometheus text format.
    public func text() -> String { registry.emitToString() }

    /// Serves `GET /metrics` on `host:port` (0: ephemeral) in a task; returns the URL once
    /// listening, and writes it to `file` (so tools and tests find an ephemeral port).
    public func serve(host: String, port: Int, file: URL?) async throws -> String {
        let http = HTTPServer(address: try .inet(ip4: host, port: UInt16(port)), logger: .disabled)
        await http.appendRoute("GET /metrics") { [registry] _ in
            HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: Data(registry.emitToBuffer()))
        }
        server.withLock { $0 = http }
        Task { try? await http.run() }
        try await http.waitUntilListening(timeout: 5)
        guard case .ip4(_, let bound)? = await http.listeningAddress else { throw ConfigurationFile.Failure(description: "metrics: no listening address") }
        let url = "http://\(host):\(bound)/metrics"
        if let file { try Data((url + "\n").utf8).write(to: file) }
        return url
    }

    public func stop() async {
        if let s = server.withLock({ $0 }) { await s.stop(timeout: 0.5) }
    }
}
