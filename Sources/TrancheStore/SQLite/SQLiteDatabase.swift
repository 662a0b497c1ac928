import CSQLite
import Foundation

/// One SQLite connection. Not thread-safe: its owner serialises access. Every statement it
/// prepares is finalized (on `close()` or when the statement is released).
final class SQLiteDatabase {
    let path: String
    private var handle: OpaquePointer?
    private var statements: [String: SQLiteStatement] = [:]

    /// Opens (creating if needed) `path` with the cluster's durability settings: WAL so
    /// readers never block the writer and a commit is one sequential append; `synchronous=FULL`
    /// so every commit fsyncs the WAL before returning (with NORMAL a commit acknowledged to
    /// a client could vanish on power loss); a busy timeout so a second process (a new
    /// owner, a tool) waits for the lock instead of failing at once.
    init(path: String, busyTimeoutMilliseconds: Int32 = 5_000) throws(StoreError) {
        self.path = path
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close_v2(db)
            throw .cannotOpen(message: message, path: path)
        }
        handle = db
        sqlite3_extended_result_codes(db, 0)
        do throws(StoreError) {
            sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
            // The first statements read the header: a non-database file fails here.
            let mode = try scalarText("PRAGMA journal_mode=WAL")
            guard mode?.lowercased() == "wal" else {
                throw StoreError.sqlite(code: SQLITE_ERROR, message: "journal_mode is \(mode ?? "nil"), WAL required", path: path)
            }
            try execute("PRAGMA synchronous=FULL")
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    func close() {
        for s in statements.values { s.finalize() }
        statements.removeAll()
        if let h = handle { sqlite3_close_v2(h) }
        handle = nil
    }

    func error(_ rc: Int32) -> StoreError {
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
        switch rc & 0xff {
        case SQLITE_CORRUPT, SQLITE_NOTADB: return .corrupt(message: message, path: path)
        case SQLITE_CANTOPEN: return .cannotOpen(message: message, path: path)
        default: return .sqlite(code: rc, message: message, path: path)
        }
    }

    /// Runs statements that return no rows.
    func execute(_ sql: String) throws(StoreError) {
        guard let h = handle else { throw .closed }
        let rc = sqlite3_exec(h, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw error(rc) }
    }

    /// A cached prepared statement, reset and with its bindings cleared.
    func statement(_ sql: String) throws(StoreError) -> SQLiteStatement {
        if let s = statements[sql] {
            s.reset()
            return s
        }
        guard let h = handle else { throw .closed }
        var raw: OpaquePointer?
        let rc = sqlite3_prepare_v2(h, sql, -1, &raw, nil)
        guard rc == SQLITE_OK, let raw else {
            sqlite3_finalize(raw)
            throw error(rc)
        }
        let s = SQLiteStatement(raw, database: self)
        statements[sql] = s
        return s
    }

    func scalarText(_ sql: String) throws(StoreError) -> String? {
        let s = try statement(sql)
        defer { s.reset() }
        guard try s.step() else { return nil }
        return s.text(0)
    }

    func scalarInt(_ sql: String) throws(StoreError) -> Int64? {
        let s = try statement(sql)
        defer { s.reset() }
        guard try s.step() else { return nil }
        return s.isNull(0) ? nil : s.int64(0)
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction (the write lock is taken up front,
    /// so a read-check-write such as the epoch fence cannot race another connection);
    /// rolls back if it throws.
    func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Opens `directory/file` (creating the directory) and brings its schema up to date.
    static func open(_ file: String, in directory: URL, schemaVersion: Int64, schema: String) throws(StoreError) -> SQLiteDatabase {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotOpen(message: error.localizedDescription, path: directory.path)
        }
        let db = try SQLiteDatabase(path: directory.appendingPathComponent(file).path)
        do { try db.migrate(schemaVersion: schemaVersion, schema: schema) } catch { db.close(); throw error }
        return db
    }

    /// Checks `PRAGMA user_version` and sets it for a new file.
    func migrate(schemaVersion: Int64, schema: String) throws(StoreError) {
        let version = try scalarInt("PRAGMA user_version") ?? 0
        if version > schemaVersion { throw .unsupportedSchema(version: version, path: path) }
        if version < schemaVersion {
            try transaction { () throws(StoreError) in
                try execute(schema)
                try execute("PRAGMA user_version=\(schemaVersion)")
            }
        }
    }
}

/// A prepared statement: bind, step, read columns. Columns and parameters count from 0 and
/// 1 respectively, as in SQLite.
final class SQLiteStatement {
    private var raw: OpaquePointer?
    private unowned let database: SQLiteDatabase

    init(_ raw: OpaquePointer, database: SQLiteDatabase) {
        self.raw = raw
        self.database = database
    }

    deinit { finalize() }

    func finalize() {
        if let r = raw { sqlite3_finalize(r) }
        raw = nil
    }

    func reset() {
        sqlite3_reset(raw)
        sqlite3_clear_bindings(raw)
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private func check(_ rc: Int32) throws(StoreError) {
        guard rc == SQLITE_OK else { throw database.error(rc) }
    }

    func bind(_ index: Int32, _ value: Int64) throws(StoreError) { try check(sqlite3_bind_int64(raw, index, value)) }

    func bind(_ index: Int32, _ value: Int64?) throws(StoreError) {
        if let value { try bind(index, value) } else { try check(sqlite3_bind_null(raw, index)) }
    }

    func bind(_ index: Int32, _ value: String) throws(StoreError) {
        try check(sqlite3_bind_text(raw, index, value, -1, Self.transient))
    }

    func bind(_ index: Int32, _ value: Data) throws(StoreError) {
        let rc = value.withUnsafeBytes { buffer in
            // A zero-length blob still needs a non-null pointer to be a blob, not NULL.
            sqlite3_bind_blob(raw, index, buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(buffer.count), Self.transient)
        }
        try check(rc)
    }

    /// Steps once: true when a row is available, false when done.
    func step() throws(StoreError) -> Bool {
        let rc = sqlite3_step(raw)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw database.error(rc)
    }

    /// Steps a statement that returns no rows, then resets it.
    func run() throws(StoreError) {
        defer { reset() }
        _ = try step()
    }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(raw, column) == SQLITE_NULL }
    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(raw, column) }

    func text(_ column: Int32) -> String? {
        guard let p = sqlite3_column_text(raw, column) else { return nil }
        return String(cString: p)
    }

    func data(_ column: Int32) -> Data {
        let count = Int(sqlite3_column_bytes(raw, column))
        guard count > 0, let p = sqlite3_column_blob(raw, column) else { return Data() }
        return Data(bytes: p, count: count)
    }
}
