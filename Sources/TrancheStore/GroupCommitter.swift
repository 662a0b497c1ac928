import Foundation
import TrancheCore

/// Group commit for a worker shell: submissions from any thread are queued; one dedicated
/// thread takes everything that arrived within a short window and writes each shard's
/// batch in one transaction, so one fsync makes many commands durable. A submission's
/// completion runs (on the committer thread, in submission order) only after its records
/// are committed: a command is acknowledged only once it is durable.
///
/// Batching rule: the window opens at the first submission after an idle period; the batch
/// is taken when the window closes, or at once when `maxBatchRecords` are queued. While a
/// commit is running new submissions queue up, and are taken as soon as it ends when
/// their window has already passed, so under load batches grow by themselves.
public final class GroupCommitter: @unchecked Sendable {
    public struct Configuration: Sendable {
        /// How long the first submission of a batch waits for others to join it.
        public var windowNanoseconds: Int64
        /// A batch is taken at once when this many records are queued.
        public var maxBatchRecords: Int

        public init(windowNanoseconds: Int64 = 2_000_000, maxBatchRecords: Int = 20_000) {
            self.windowNanoseconds = windowNanoseconds
            self.maxBatchRecords = maxBatchRecords
        }

        public func validate() throws(ConfigurationError) {
            guard windowNanoseconds >= 0 else { throw ConfigurationError(field: "windowNanoseconds", reason: "must be ≥ 0, got \(windowNanoseconds)") }
            guard maxBatchRecords > 0 else { throw ConfigurationError(field: "maxBatchRecords", reason: "must be > 0, got \(maxBatchRecords)") }
        }
    }

    /// Counters since start.
    public struct Statistics: Sendable, Equatable {
        /// Calls to `submit`.
        public var submissions = 0
        /// Records submitted.
        public var recordsSubmitted = 0
        /// Transactions committed (one per shard and epoch of a batch).
        public var transactions = 0
        /// Rows written (after "last record per account wins").
        public var recordsWritten = 0
        /// Batches taken from the queue.
        public var batches = 0
        /// Records queued and not yet taken into a batch (now).
        public var queuedRecords = 0
    }

    public typealias Completion = @Sendable (Result<Void, StoreError>) -> Void

    private struct Submission {
        var shard: Int
        var epoch: UInt64
        var records: [AccountRecord]
        var completion: Completion
    }

    public let configuration: Configuration
    private let store: any ShardStore
    /// Told how long each batch took to commit (every shard's transaction) and how many
    /// records it wrote, on the committer's thread (metrics).
    private let onCommit: (@Sendable (Swift.Duration, Int) -> Void)?
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var queue: [Submission] = []
    private var queuedRecords = 0
    private var windowStart: Date?
    private var running = true
    private var finished = false
    private var stats = Statistics()

    /// Starts the committer thread.
    public init(store: any ShardStore, configuration: Configuration = Configuration(), onCommit: (@Sendable (Swift.Duration, Int) -> Void)? = nil) throws(ConfigurationError) {
        try configuration.validate()
        self.store = store
        self.onCommit = onCommit
        self.configuration = configuration
        let thread = Thread { [self] in run() }
        thread.name = "tranche-group-commit"
        thread.start()
    }

    /// Queues `records` of `shard` at `epoch`; `completion` runs once, after the commit (or
    /// with the error, e.g. `staleEpoch`, or `closed` after `close()`).
    public func submit(shard: Int, epoch: UInt64, records: [AccountRecord], completion: @escaping Completion) {
        condition.lock()
        guard running else {
            condition.unlock()
            completion(.failure(.closed))
            return
        }
        if queue.isEmpty { windowStart = Date() }
        queue.append(Submission(shard: shard, epoch: epoch, records: records, completion: completion))
        queuedRecords += records.count
        stats.submissions += 1
        stats.recordsSubmitted += records.count
        condition.broadcast()
        condition.unlock()
    }

    public var statistics: Statistics {
        condition.lock()
        defer { condition.unlock() }
        var s = stats
        s.queuedRecords = queuedRecords
        return s
    }

    /// Commits what is queued, stops the thread and waits for it. Later submissions fail
    /// with `closed`. Does not close the store.
    public func close() {
        condition.lock()
        running = false
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private func run() {
        while let batch = nextBatch() { commit(batch) }
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for a batch; nil once closed and drained.
    private func nextBatch() -> [Submission]? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if queue.isEmpty {
                if !running { return nil }
                condition.wait()
                continue
            }
            let deadline = (windowStart ?? Date()).addingTimeInterval(Double(configuration.windowNanoseconds) / 1e9)
            if !running || queuedRecords >= configuration.maxBatchRecords || Date() >= deadline {
                // At most `maxBatchRecords` (whole submissions, at least one), so a backlog
                // is committed and acknowledged in steady slices, not one huge transaction.
                var take = 0, taken = 0
                while take < queue.count, take == 0 || taken + queue[take].records.count <= configuration.maxBatchRecords {
                    taken += queue[take].records.count
                    take += 1
                }
                let batch = Array(queue[..<take])
                queue.removeFirst(take)
                queuedRecords -= taken
                windowStart = queue.isEmpty ? nil : Date.distantPast  // the rest is already due
                stats.batches += 1
                return batch
            }
            _ = condition.wait(until: deadline)
        }
    }

    private struct Key: Hashable { var shard: Int; var epoch: UInt64 }

    private func commit(_ batch: [Submission]) {
        // Group by shard and epoch (first-seen order); within a group the last record of
        // each account wins, at the position of its first appearance.
        var order: [Key] = []
        var groups: [Key: (records: [AccountRecord], index: [AccountID: Int])] = [:]
        for s in batch {
            let key = Key(shard: s.shard, epoch: s.epoch)
            if groups[key] == nil { order.append(key); groups[key] = ([], [:]) }
            for r in s.records {
                if let i = groups[key]!.index[r.account.id] {
                    groups[key]!.records[i] = r
                } else {
                    groups[key]!.index[r.account.id] = groups[key]!.records.count
                    groups[key]!.records.append(r)
                }
            }
        }
        var results: [Key: Result<Void, StoreError>] = [:]
        var transactions = 0, written = 0
        let start = ContinuousClock.now
        for key in order {
            let records = groups[key]!.records
            do throws(StoreError) {
                try store.write(shard: key.shard, epoch: key.epoch, records: records)
                results[key] = .success(())
                transactions += 1
                written += records.count
            } catch {
                results[key] = .failure(error)
            }
        }
        if written > 0 { onCommit?(ContinuousClock.now - start, written) }
        condition.lock()
        stats.transactions += transactions
        stats.recordsWritten += written
        condition.unlock()
        for s in batch { s.completion(results[Key(shard: s.shard, epoch: s.epoch)]!) }
    }
}
