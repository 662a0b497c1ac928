import Foundation
import TrancheCore
import TrancheTransport

/// The shared `main` of the four process executables: reads and validates the
/// configuration, builds the node, runs its loop on a dedicated thread until SIGTERM or
/// SIGINT, then drains (stops taking work, sends what is durable, closes) and exits 0.
public enum NodeMain {
    /// `build` returns the loop to run and what to close after it.
    public static func run(role: String, arguments: [String] = CommandLine.arguments,
                           build: @escaping @Sendable (ClusterConfiguration, [String: String], ZMQContext, NodeLog) throws -> (run: (SocketThread) -> Void, close: () -> Void)) -> Never {
        var options: [String: String] = [:]
        var i = 1
        while i < arguments.count {
            let a = arguments[i]
            if a == "--help" || a == "-h" {
                print("usage: tranche-\(role) [--config FILE] [--id ID]\n  --config FILE  cluster configuration (default: cluster/local.json or $TRANCHE_CONFIG)\n  --id ID        worker id (workers only)")
                exit(0)
            }
            guard a.hasPrefix("--"), i + 1 < arguments.count else { fail(role, "unexpected argument '\(a)' (see --help)") }
            options[String(a.dropFirst(2))] = arguments[i + 1]
            i += 2
        }
        let path = options["config"] ?? ProcessInfo.processInfo.environment["TRANCHE_CONFIG"] ?? "cluster/local.json"
        let config: ClusterConfiguration
        do { config = try ConfigurationFile.load(path) } catch { fail(role, "\(error)") }
        let node = role == "worker" ? "worker:\(options["id"] ?? "?")" : role
        let log = NodeLog(node: node)
        let context: ZMQContext
        do { context = try ZMQContext() } catch { fail(role, "\(error)") }

        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        // The node is built on its loop thread: its sockets are created and used there only.
        let settings = options
        let loop = SocketThread.start(name: "tranche-\(role)") { thread in
            let built: (run: (SocketThread) -> Void, close: () -> Void)
            do { built = try build(config, settings, context, log) } catch { fail(role, "\(error)") }
            log.info("started (config \(path))")
            built.run(thread)
            built.close()
        }
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGTERM, SIGINT] {
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler {
                log.info("signal \(sig): draining")
                loop.requestStop()
            }
            s.resume()
            sources.append(s)
        }
        loop.join()
        // The loop closed its sockets after sending what was durable: wait (bounded by
        // their linger) for the queued messages to leave.
        context.terminate()
        log.info("stopped")
        _ = sources
        exit(0)
    }

    static func fail(_ role: String, _ message: String) -> Never {
        FileHandle.standardError.write(Data("tranche-\(role): \(message)\n".utf8))
        exit(1)
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
