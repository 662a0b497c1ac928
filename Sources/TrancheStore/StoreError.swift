/// Errors of the durable store. Each carries what an operator needs: the database file and
/// SQLite's own message, or the epochs of a fenced write.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An SQLite call failed (`code` is SQLite's primary result code).
    case sqlite(code: Int32, message: String, path: String)
    /// The file exists but is not a readable SQLite database (or is damaged).
    case corrupt(message: String, path: String)
    /// The file or its directory cannot be opened or created.
    case cannotOpen(message: String, path: String)
    /// A newer owner already claimed the shard: the write or claim carries an older epoch.
    case staleEpoch(shard: Int, stored: UInt64, offered: UInt64)
    /// A stored value does not decode (JSON of a record, a ledger account name, ...).
    case decoding(message: String, path: String)
    /// A value could not be encoded for storage.
    case encoding(message: String)
    /// The restored ledger breaks Σ internal balances = deposits − withdrawals: refused.
    case ledgerNotConserved(path: String)
    /// Appended ledger entries do not continue the stored sequence.
    case ledgerGap(path: String, stored: UInt64, first: UInt64)
    /// The database was written by a newer schema than this build knows.
    case unsupportedSchema(version: Int64, path: String)
    /// A shard number outside 0...9999.
    case invalidShard(Int)
    /// The store (or committer) was closed.
    case closed

    public var description: String {
        switch self {
        case .sqlite(let code, let message, let path): return "sqlite error \(code) on \(path): \(message)"
        case .corrupt(let message, let path): return "\(path) is not a usable database (\(message)); restore it from a backup or remove it"
        case .cannotOpen(let message, let path): return "cannot open \(path): \(message)"
        case .staleEpoch(let shard, let stored, let offered):
            return "shard \(shard) is owned at epoch \(stored); refused an operation at older epoch \(offered)"
        case .decoding(let message, let path): return "undecodable value in \(path): \(message)"
        case .encoding(let message): return "cannot encode value for the store: \(message)"
        case .ledgerNotConserved(let path): return "ledger in \(path) is not conserved (balances do not match deposits − withdrawals); refusing to load it"
        case .ledgerGap(let path, let stored, let first):
            return "ledger in \(path) holds \(stored) entries; appending from sequence \(first) would leave a gap or overlap"
        case .unsupportedSchema(let version, let path): return "\(path) has schema version \(version), newer than this build supports"
        case .invalidShard(let s): return "shard \(s) is outside 0...9999"
        case .closed: return "the store is closed"
        }
    }
}
