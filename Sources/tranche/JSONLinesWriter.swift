import Foundation
import TrancheCore

/// Streams values to a file as JSON Lines (one object per line, keys sorted) through an
/// in-memory buffer, so a run with millions of events makes one write per buffer, not
/// one per event, and never holds the events themselves.
final class JSONLinesWriter {
    let path: String
    private let handle: FileHandle
    private let encoder: JSONEncoder
    private var buffer: [UInt8] = []
    private let capacity: Int
    /// The first encoding or write error; later values are dropped and `close` throws it
    /// (the producer's callback cannot throw).
    private var failure: Error?
    /// Lines accepted so far.
    private(set) var lines = 0

    init(path: String, capacity: Int = 1 << 16) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw InputFile.Failure(description: "\(path): cannot create the file")
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw InputFile.Failure(description: "\(path): cannot open the file for writing")
        }
        self.path = path
        self.handle = handle
        self.capacity = capacity
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        buffer.reserveCapacity(capacity + 1024)
    }

    /// An event, through its hand-written encoder (the same bytes, many times faster).
    func write(_ event: ClusterEvent) {
        guard failure == nil else { return }
        event.appendJSONLine(to: &buffer)
        lines += 1
        if buffer.count >= capacity {
            do { try flush() } catch { failure = error }
        }
    }

    func write<T: Encodable>(_ value: T) {
        guard failure == nil else { return }
        do {
            buffer.append(contentsOf: try encoder.encode(value))
            buffer.append(UInt8(ascii: "\n"))
            lines += 1
            if buffer.count >= capacity { try flush() }
        } catch {
            failure = error
        }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered and closes the file; throws the first error met.
    func close() throws {
        if failure == nil {
            do { try flush() } catch { failure = error }
        }
        try? handle.close()
        if let failure { throw InputFile.Failure(description: "\(path): \(failure)") }
    }
}
