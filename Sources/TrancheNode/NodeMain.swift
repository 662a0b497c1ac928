import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import TrancheCore
import TrancheTransport

/// The options every node executable takes (swift-argument-parser).
public struct NodeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Cluster configuration (default: $TRANCHE_CONFIG, else cluster/local.json).", valueName: "FILE"))
    public var config: String?

    @Option(help: "Worker id (workers only; no ':').")
    public var id: String?

    @Option(help: "Lowest level logged: trace, debug, info, notice, warning, error or critical. Commands are logged at debug.")
    public var logLevel: String = "info"

    @Option(help: "Log lines as text or as one JSON object each.")
    public var logFormat: String = "text"

    @Flag(help: "Run without authentication or encryption (plain TCP): anyone who reaches the ports can act as anyone. Tests and trusted networks only.")
    public var insecure = false

    public init() {}

    public func validate() throws {
        if Logger.Level(rawValue: logLevel) == nil { throw ValidationError("--log-level: one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), got \(logLevel)") }
        if NodeLogFormat(rawValue: logFormat) == nil { throw ValidationError("--log-format: text or json, got \(logFormat)") }
    }
}

/// The command line of a node executable (its name set before parsing).
struct NodeCommand: ParsableCommand {
    nonisolated(unsafe) static var name = "tranche-node"
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: name, abstract: "A process of a Tranche cluster (see docs/topology.md). Stops gracefully on SIGTERM or SIGINT.")
    }
    @OptionGroup var options: NodeOptions
}

/// The parsed options, as the node builders see them.
public struct NodeArguments: Sendable {
    public var id: String?
    public var logLevel: String
    public var logFormat: String
    public var config: String?
    /// The process's CurveZMQ keys and ZAP handler (or `--insecure`).
    public var security: NodeSecurity
    /// The process's Prometheus metrics.
    public var metrics: NodeMetrics
}

/// The shared `main` of the four process executables: parses the options, reads and
/// validates the configuration, builds the node and runs its loop on a dedicated thread
/// as a swift-service-lifecycle `Service`. SIGTERM or SIGINT starts a graceful shutdown:
/// the loop stops taking work, sends what is durable, flushes its sockets and closes; the
/// process exits 0.
public enum NodeMain {
    /// `build` returns the loop to run and what to close after it.
    public static func run(role: String, arguments: [String] = CommandLine.arguments,
                           build: @escaping @Sendable (ClusterConfiguration, NodeArguments, ZMQContext, NodeLog) throws -> (run: (SocketThread) -> Void, close: () -> Void)) -> Never {
        NodeCommand.name = "tranche-\(role)"
        let parsed: NodeOptions
        do { parsed = try NodeCommand.parse(Array(arguments.dropFirst())).options } catch { NodeCommand.exit(withError: error) }
        let path = parsed.config ?? ProcessInfo.processInfo.environment["TRANCHE_CONFIG"] ?? "cluster/local.json"
        let config: ClusterConfiguration
        do { config = try ConfigurationFile.load(path) } catch { fail(role, "\(error)") }
        let node = role == "worker" ? "worker:\(parsed.id ?? "?")" : role
        let log = NodeLog(node: node, level: Logger.Level(rawValue: parsed.logLevel) ?? .info, format: NodeLogFormat(rawValue: parsed.logFormat) ?? .text)
        let context: ZMQContext
        do { context = try ZMQContext() } catch { fail(role, "\(error)") }
        // The ZAP handler is bound before any socket: libzmq lets handshakes through without one.
        let security: NodeSecurity
        do {
            guard let me = NodeID(node), role != "worker" || !(parsed.id ?? "").isEmpty else { throw KeyFiles.Failure("--id ID is required for a worker") }
            security = try NodeSecurity(node: me, configuration: config, insecure: parsed.insecure, context: context, log: log)
        } catch { fail(role, "\(error)") }
        if parsed.insecure {
            log.warning("INSECURE: started with --insecure: no authentication, no encryption; anyone who reaches these ports can act as any process or client")
        } else {
            log.info("CurveZMQ on every socket, keys from \(security.directory.path)")
        }
        let metrics = NodeMetrics()
        if config.metrics.enabled, let me = NodeID(node) {
            let file = URL(fileURLWithPath: config.runDirectory).appendingPathComponent(KeyFiles.name(of: me) + ".metrics")
            let served = Mutex<Result<String, Error>?>(nil)
            let ready = DispatchSemaphore(value: 0)
            Task {
                do { let url = try await metrics.serve(host: config.metrics.host, port: config.metrics.port(of: me), file: file)
                    served.withLock { $0 = .success(url) }
                } catch { served.withLock { $0 = .failure(error) } }
                ready.signal()
            }
            ready.wait()
            switch served.withLock({ $0 }) {
            case .success(let url)?: log.info("metrics at \(url)")
            case .failure(let e)?: fail(role, "metrics endpoint \(config.metrics.host):\(config.metrics.port(of: me)): \(e)")
            case nil: break
            }
        }
        let options = NodeArguments(id: parsed.id, logLevel: parsed.logLevel, logFormat: parsed.logFormat, config: parsed.config, security: security, metrics: metrics)

        let service = NodeService(role: role, log: log) {
            // The node is built on its loop thread: its sockets are created and used there only.
            SocketThread.start(name: "tranche-\(role)") { thread in
                let built: (run: (SocketThread) -> Void, close: () -> Void)
                do { built = try build(config, options, context, log) } catch { fail(role, "\(error)") }
                log.info("started (config \(path))")
                built.run(thread)
                built.close()
            }
        }
        let group = ServiceGroup(configuration: .init(services: [.init(service: service)], gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: log.logger))
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Error?>(nil)
        Task {
            do { try await group.run() } catch { outcome.withLock { $0 = error } }
            done.signal()
        }
        done.wait()
        if let e = outcome.withLock({ $0 }) { log.error("stopped on \(e)") }
        security.stop()
        // The loop closed its sockets after sending what was durable: wait (bounded by
        // their linger) for the queued messages to leave.
        context.terminate()
        log.info("stopped")
        exit(0)
    }

    static func fail(_ role: String, _ message: String) -> Never {
        FileHandle.standardError.write(Data("tranche-\(role): \(message)\n".utf8))
        exit(1)
    }
}

/// A node's loop as a `Service`: it runs until the loop's thread ends; a graceful shutdown
/// asks the loop to drain and waits for it. The thread is never joined from a task (the
/// cooperative pool must not block): it resumes the task when it ends.
final class NodeService: Service, Sendable {
    let role: String
    let log: NodeLog
    let start: @Sendable () -> SocketThread

    init(role: String, log: NodeLog, start: @escaping @Sendable () -> SocketThread) {
        self.role = role
        self.log = log
        self.start = start
    }

    func run() async throws {
        let loop = Mutex<SocketThread?>(nil)
        await withGracefulShutdownHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let thread = start()
                loop.withLock { $0 = thread }
                // A watcher thread (not a task) waits for the loop's end.
                Thread.detachNewThread {
                    thread.join()
                    c.resume()
                }
            }
        } onGracefulShutdown: { [log] in
            log.info("draining")
            loop.withLock { $0?.requestStop() }
        }
    }
}

/// Reads a configuration file; every failure names the file and the field.
public enum ConfigurationFile {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    public static func load(_ path: String) throws -> ClusterConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "\(path): cannot read the configuration file")
        }
        let config: ClusterConfiguration
        do { config = try JSONDecoder().decode(ClusterConfiguration.self, from: data) } catch let e as DecodingError {
            throw Failure(description: "\(path): \(describe(e))")
        }
        do { try config.validate() } catch { throw Failure(description: "\(path): \(error)") }
        return config
    }

    /// "markets[0].venue.depth: …" from a decoding error.
    public static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            var out = ""
            for k in keys {
                if let i = k.intValue { out += "[\(i)]" } else { out += out.isEmpty ? k.stringValue : ".\(k.stringValue)" }
            }
            return out.isEmpty ? "(top level)" : out
        }
        switch error {
        case .keyNotFound(let key, let ctx): return "\(path(ctx.codingPath + [key])): missing required field"
        case .typeMismatch(let type, let ctx): return "\(path(ctx.codingPath)): expected \(type) (\(ctx.debugDescription))"
        case .valueNotFound(let type, let ctx): return "\(path(ctx.codingPath)): expected \(type), found null"
        case .dataCorrupted(let ctx):
            if ctx.codingPath.isEmpty, let underlying = ctx.underlyingError { return "not valid JSON: \(underlying.localizedDescription)" }
            return "\(path(ctx.codingPath)): \(ctx.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
