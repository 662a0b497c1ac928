import Foundation
import Synchronization
import TrancheCore

/// `ShardStore` over one SQLite file per shard, `directory/shards/shard-NNNN.sqlite`, so a
/// shard moves by its new owner opening its file. Files are opened on first use and kept
/// open. Thread-safe: calls are serialised by one lock (SQLite commits of one process to
/// one disk do not go faster in parallel; group commit is what amortises the fsync).
public final class SQLiteShardStore: ShardStore {
    /// `directory/shards`.
    public let shardsDirectory: URL
    private let state: Mutex<State>
    private let clock: @Sendable () -> Int64

    private struct State: ~Copyable {
        var open: [Int: SQLiteDatabase] = [:]
        var closed = false
        let decoder = JSONDecoder()
    }

    static let schemaVersion: Int64 = 1
    static let schema = """
        CREATE TABLE IF NOT EXISTS meta(id INTEGER PRIMARY KEY CHECK (id = 1), owner_epoch INTEGER NOT NULL);
        INSERT OR IGNORE INTO meta(id, owner_epoch) VALUES (1, 0);
        CREATE TABLE IF NOT EXISTS accounts(
            account_id INTEGER PRIMARY KEY,
            record BLOB NOT NULL,      -- AccountRecord: compact binary or JSON (RecordCoding)
            epoch INTEGER NOT NULL,    -- epoch of the write that stored it
            updated_at_ns INTEGER NOT NULL
        );
        """

    /// - Parameters:
    ///   - directory: the cluster's data directory; `shards/` is created inside it.
    ///   - clock: wall-clock nanoseconds for `updated_at_ns` (informational only).
    public init(directory: URL, clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1e9) }) throws(StoreError) {
        shardsDirectory = directory.appendingPathComponent("shards", isDirectory: true)
        self.clock = clock
        state = Mutex(State())
        do {
            try FileManager.default.createDirectory(at: shardsDirectory, withIntermediateDirectories: true)
        } catch {
            throw .cannotOpen(message: "\(error.localizedDescription)", path: shardsDirectory.path)
        }
    }

    /// Path of a shard's database file.
    public func path(of shard: Int) -> String {
        let digits = String(shard)
        return shardsDirectory.appendingPathComponent("shard-\(String(repeating: "0", count: max(0, 4 - digits.count)))\(digits).sqlite").path
    }

    private func database(_ shard: Int, in state: inout State) throws(StoreError) -> SQLiteDatabase {
        guard !state.closed else { throw .closed }
        guard (0...9_999).contains(shard) else { throw .invalidShard(shard) }
        if let db = state.open[shard] { return db }
        let db = try SQLiteDatabase(path: path(of: shard))
        do {
            try db.migrate(schemaVersion: Self.schemaVersion, schema: Self.schema)
        } catch {
            db.close()
            throw error
        }
        state.open[shard] = db
        return db
    }

    private static func ownerEpoch(_ db: SQLiteDatabase) throws(StoreError) -> UInt64 {
        StoreCoding.uint(try db.scalarInt("SELECT owner_epoch FROM meta WHERE id = 1") ?? 0)
    }

    public func claim(shard: Int, epoch: UInt64) throws(StoreError) -> [AccountRecord] {
        // Under the lock only the claim and the read of the raw records: decoding happens
        // after it, on every core, so other shards' writes do not wait for a big load.
        let (blobs, path) = try state.withLock { (state: inout State) throws(StoreError) -> ([Data], String) in
            let db = try database(shard, in: &state)
            return (try db.transaction { () throws(StoreError) -> [Data] in
                let stored = try Self.ownerEpoch(db)
                guard epoch >= stored else { throw .staleEpoch(shard: shard, stored: stored, offered: epoch) }
                let set = try db.statement("UPDATE meta SET owner_epoch = ?1 WHERE id = 1")
                try set.bind(1, StoreCoding.int(epoch))
                try set.run()
                return try Self.readBlobs(db)
            }, db.path)
        }
        return try Self.decode(blobs, path: path)
    }

    private static func readBlobs(_ db: SQLiteDatabase) throws(StoreError) -> [Data] {
        let select = try db.statement("SELECT record FROM accounts")
        defer { select.reset() }
        var blobs: [Data] = []
        while try select.step() { blobs.append(select.data(0)) }
        return blobs
    }

    /// Decodes records in parallel chunks (one decoder each), sorted by account id.
    static func decode(_ blobs: [Data], path: String) throws(StoreError) -> [AccountRecord] {
        let chunk = 4_096
        let chunks = (blobs.count + chunk - 1) / chunk
        let results = Mutex<[Int: Result<[AccountRecord], StoreError>]>([:])
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let decoder = JSONDecoder()
            var out: [AccountRecord] = []
            out.reserveCapacity(chunk)
            let r: Result<[AccountRecord], StoreError>
            do {
                for i in (c * chunk)..<min(blobs.count, (c + 1) * chunk) {
                    out.append(try RecordCoding.decode(blobs[i], json: decoder, path: path))
                }
                r = .success(out)
            } catch let e as StoreError { r = .failure(e) } catch { r = .failure(.decoding(message: "\(error)", path: path)) }
            results.withLock { $0[c] = r }
        }
        var records: [AccountRecord] = []
        records.reserveCapacity(blobs.count)
        let all = results.withLock { $0 }
        for c in 0..<chunks {
            switch all[c]! {
            case .success(let rs): records += rs
            case .failure(let e): throw e
            }
        }
        // Sorted here, not in SQL: ids above Int64.max are stored as negative integers.
        records.sort { $0.account.id < $1.account.id }
        return records
    }

    /// The shard's records sorted by account id, without claiming it (for tools and tests:
    /// a reader never changes the owner epoch).
    public func records(in shard: Int) throws(StoreError) -> [AccountRecord] {
        try state.withLock { (state: inout State) throws(StoreError) -> [AccountRecord] in
            let db = try database(shard, in: &state)
            return try Self.readRecords(db, decoder: state.decoder)
        }
    }

    private static func readRecords(_ db: SQLiteDatabase, decoder: JSONDecoder) throws(StoreError) -> [AccountRecord] {
        let select = try db.statement("SELECT record FROM accounts")
        defer { select.reset() }
        var records: [AccountRecord] = []
        while try select.step() {
            records.append(try RecordCoding.decode(select.data(0), json: decoder, path: db.path))
        }
        // Sorted here, not in SQL: ids above Int64.max are stored as negative integers.
        records.sort { $0.account.id < $1.account.id }
        return records
    }

    public func write(shard: Int, epoch: UInt64, records: [AccountRecord]) throws(StoreError) {
        let now = clock()
        let blobs = try Self.encode(records)
        try state.withLock { (state: inout State) throws(StoreError) in
            let db = try database(shard, in: &state)
            try db.transaction { () throws(StoreError) in
                let stored = try Self.ownerEpoch(db)
                guard epoch >= stored else { throw .staleEpoch(shard: shard, stored: stored, offered: epoch) }
                let upsert = try db.statement("""
                    INSERT INTO accounts(account_id, record, epoch, updated_at_ns) VALUES (?1, ?2, ?3, ?4)
                    ON CONFLICT(account_id) DO UPDATE SET record = excluded.record, epoch = excluded.epoch,
                        updated_at_ns = excluded.updated_at_ns
                    """)
                for (id, blob) in blobs {
                    try upsert.bind(1, id)
                    try upsert.bind(2, blob)
                    try upsert.bind(3, StoreCoding.int(epoch))
                    try upsert.bind(4, now)
                    try upsert.run()
                }
            }
        }
    }

    /// Each record's bytes (`RecordCoding`) with its id, outside the lock. Encoding, not SQLite, bounds a
    /// group commit's throughput, so large batches are encoded on every core in chunks.
    private static func encode(_ records: [AccountRecord]) throws(StoreError) -> [(Int64, Data)] {
        let chunk = 256
        let chunks = (records.count + chunk - 1) / chunk
        if chunks <= 1 {
            let encoder = StoreCoding.encoder()
            var out: [(Int64, Data)] = []
            out.reserveCapacity(records.count)
            for r in records { out.append((StoreCoding.int(r.account.id.rawValue), try RecordCoding.encode(r, json: encoder))) }
            return out
        }
        let results = Mutex([Result<[(Int64, Data)], StoreError>?](repeating: nil, count: chunks))
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let part = records[(c * chunk)..<min(records.count, (c + 1) * chunk)]
            let r = Result { () throws(StoreError) -> [(Int64, Data)] in try encode(Array(part)) }
            results.withLock { $0[c] = r }
        }
        var out: [(Int64, Data)] = []
        out.reserveCapacity(records.count)
        for r in results.withLock({ $0 }) { out += try r!.get() }
        return out
    }

    public func close() {
        state.withLock { state in
            for db in state.open.values { db.close() }
            state.open.removeAll()
            state.closed = true
        }
    }

    deinit { close() }
}
