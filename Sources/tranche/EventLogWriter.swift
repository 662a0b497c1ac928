import Foundation
import TrancheCore

/// Streams events to a file as JSON Lines (one object per line, keys sorted: see
/// `ClusterEvent.appendJSONLine`) through an in-memory buffer, so a run with millions of
/// events makes one write per 64 KiB, not one per event, and never holds the events.
final class EventLogWriter {
    let path: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private let capacity: Int
    /// The first write error; later events are dropped and `close` throws it (the
    /// simulator's callback cannot throw).
    private var failure: Error?
    /// Events accepted so far.
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
        buffer.reserveCapacity(capacity + 1024)
    }

    func write(_ event: ClusterEvent) {
        guard failure == nil else { return }
        event.appendJSONLine(to: &buffer)
        lines += 1
        if buffer.count >= capacity {
            do { try flush() } catch { failure = error }
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
