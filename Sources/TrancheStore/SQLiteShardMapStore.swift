import Foundation
import Synchronization
import TrancheCore

/// `ShardMapStore` in `directory/coordinator.sqlite`: one row holding the map as JSON, with
/// its version in a column for operators.
public final class SQLiteShardMapStore: ShardMapStore {
    public let path: String
    private let state: Mutex<SQLiteDatabase?>

    /// 2: the operator's client grants.
    static let schemaVersion: Int64 = 2
    static let schema = """
        CREATE TABLE IF NOT EXISTS shard_map(
            id INTEGER PRIMARY KEY CHECK (id = 1),
            version INTEGER NOT NULL,
            map BLOB NOT NULL  -- JSON of ShardMap
        );
        CREATE TABLE IF NOT EXISTS client_grants(
            id INTEGER PRIMARY KEY CHECK (id = 1),
            grants BLOB NOT NULL  -- JSON array of ClientGrant
        );
        """

    public init(directory: URL) throws(StoreError) {
        let db = try SQLiteDatabase.open("coordinator.sqlite", in: directory, schemaVersion: Self.schemaVersion, schema: Self.schema)
        path = db.path
        state = Mutex(db)
    }

    public func save(_ map: ShardMap) throws(StoreError) {
        let blob = try StoreCoding.encode(map, with: StoreCoding.encoder())
        try state.withLock { (db: inout SQLiteDatabase?) throws(StoreError) in
            guard let db else { throw .closed }
            try db.transaction { () throws(StoreError) in
                let s = try db.statement("INSERT OR REPLACE INTO shard_map(id, version, map) VALUES (1, ?1, ?2)")
                try s.bind(1, StoreCoding.int(map.version))
                try s.bind(2, blob)
                try s.run()
            }
        }
    }

    public func load() throws(StoreError) -> ShardMap? {
        try state.withLock { (db: inout SQLiteDatabase?) throws(StoreError) -> ShardMap? in
            guard let db else { throw .closed }
            let s = try db.statement("SELECT map FROM shard_map WHERE id = 1")
            defer { s.reset() }
            guard try s.step() else { return nil }
            return try StoreCoding.decode(ShardMap.self, from: s.data(0), with: JSONDecoder(), path: db.path)
        }
    }

    /// Replaces the stored client grants (durable when it returns).
    public func saveGrants(_ grants: [Message.ClientGrant]) throws(StoreError) {
        let blob = try StoreCoding.encode(grants, with: StoreCoding.encoder())
        try state.withLock { (db: inout SQLiteDatabase?) throws(StoreError) in
            guard let db else { throw .closed }
            try db.transaction { () throws(StoreError) in
                let s = try db.statement("INSERT OR REPLACE INTO client_grants(id, grants) VALUES (1, ?1)")
                try s.bind(1, blob)
                try s.run()
            }
        }
    }

    /// The stored client grants (none when never saved).
    public func loadGrants() throws(StoreError) -> [Message.ClientGrant] {
        try state.withLock { (db: inout SQLiteDatabase?) throws(StoreError) -> [Message.ClientGrant] in
            guard let db else { throw .closed }
            let s = try db.statement("SELECT grants FROM client_grants WHERE id = 1")
            defer { s.reset() }
            guard try s.step() else { return [] }
            return try StoreCoding.decode([Message.ClientGrant].self, from: s.data(0), with: JSONDecoder(), path: db.path)
        }
    }

    public func close() {
        state.withLock { db in
            db?.close()
            db = nil
        }
    }

    deinit { close() }
}
