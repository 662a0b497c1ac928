import Foundation

/// One-line logs on standard error: "2026-11-22T20:00:00.123Z worker:w1 message".
public struct NodeLog: Sendable {
    public let node: String
    public init(node: String) { self.node = node }

    public func info(_ message: String) { write("INFO", message) }
    public func warning(_ message: String) { write("WARN", message) }
    public func error(_ message: String) { write("ERROR", message) }

    private func write(_ level: String, _ message: String) {
        let line = "\(Date().ISO8601Format(.iso8601.year().month().day().time(includingFractionalSeconds: true))) \(level) \(node) \(message)\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
