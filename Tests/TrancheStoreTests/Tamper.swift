import CSQLite
import Testing

/// Runs `sql` on the database at `path` behind the store's back (a damaged or edited file).
func tamper(_ path: String, _ sql: String) throws {
    var db: OpaquePointer?
    defer { sqlite3_close_v2(db) }
    try #require(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK)
    try #require(sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK)
}
