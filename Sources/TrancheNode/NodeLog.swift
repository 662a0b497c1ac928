import Foundation
import Logging

/// A node's logger: swift-log's `Logger` labelled with the node's name, writing one line per
/// record to standard error, as text ("2026-11-22T20:00:00.123Z INFO worker:w1 message") or
/// as one JSON object (`--log-format json`), at `--log-level` and above.
public struct NodeLog: Sendable {
    public let node: String
    public let logger: Logger

    public init(node: String, level: Logger.Level = .info, format: NodeLogFormat = .text) {
        self.node = node
        var l = Logger(label: node) { label in NodeLogHandler(node: label, format: format) }
        l.logLevel = level
        logger = l
    }

    public func debug(_ message: @autoclosure () -> String) { logger.debug("\(message())") }
    public func info(_ message: @autoclosure () -> String) { logger.info("\(message())") }
    public func warning(_ message: @autoclosure () -> String) { logger.warning("\(message())") }
    public func error(_ message: @autoclosure () -> String) { logger.error("\(message())") }
}

/// How log records are written.
public enum NodeLogFormat: String, Sendable, CaseIterable {
    case text, json
}

/// One line per record on standard error.
struct NodeLogHandler: LogHandler {
    let node: String
    let format: NodeLogFormat
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        write(level: event.level, message: event.message, metadata: event.metadata)
    }

    func write(level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?) {
        let time = Date().ISO8601Format(.iso8601.year().month().day().time(includingFractionalSeconds: true))
        let name = Self.names[level] ?? "\(level)"
        let text: String
        switch format {
        case .text:
            text = "\(time) \(name) \(node) \(message)\n"
        case .json:
            var o: [String: String] = ["time": time, "level": name, "node": node, "message": "\(message)"]
            for (k, v) in metadata.merging(extra ?? [:], uniquingKeysWith: { $1 }) { o[k] = "\(v)" }
            let data = (try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys])) ?? Data()
            text = String(decoding: data, as: UTF8.self) + "\n"
        }
        FileHandle.standardError.write(Data(text.utf8))
    }

    static let names: [Logger.Level: String] = [.trace: "TRACE", .debug: "DEBUG", .info: "INFO", .notice: "NOTICE",
                                                .warning: "WARN", .error: "ERROR", .critical: "CRITICAL"]
}
