import Foundation
import Synchronization
import TrancheCore

/// `LedgerStore` in `directory/aggregator.sqlite`: the entries (append-only, by sequence),
/// the balance of every ledger account touched, and one row of totals with the backstop
/// (JSON of `Account`).
public final class SQLiteLedgerStore: LedgerStore {
    public let path: String
    private let state: Mutex<SQLiteDatabase?>

    /// 3: the breakers.
    static let schemaVersion: Int64 = 3
    static let schema = """
        CREATE TABLE IF NOT EXISTS entries(
            sequence INTEGER PRIMARY KEY,
            from_account TEXT NOT NULL,
            to_account TEXT NOT NULL,
            amount_e6 INTEGER NOT NULL,
            reason INTEGER NOT NULL,
            account_id INTEGER,
            at_ns INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS balances(account TEXT PRIMARY KEY, amount_e6 INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS totals(
            id INTEGER PRIMARY KEY CHECK (id = 1),
            total_deposits_e6 INTEGER NOT NULL,
            total_withdrawals_e6 INTEGER NOT NULL,
            entry_count INTEGER NOT NULL,
            backstop BLOB NOT NULL
        );
        CREATE TABLE IF NOT EXISTS delivered(account_id INTEGER PRIMARY KEY, sequence INTEGER NOT NULL, covered_deficit_e6 INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS pending_adl(id INTEGER PRIMARY KEY CHECK (id = 1), instructions BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS breakers(id INTEGER PRIMARY KEY CHECK (id = 1), snapshots BLOB NOT NULL);
        """

    public init(directory: URL) throws(StoreError) {
        let db = try SQLiteDatabase.open("aggregator.sqlite", in: directory, schemaVersion: Self.schemaVersion, schema: Self.schema)
        path = db.path
        state = Mutex(db)
    }

    private static func storedCount(_ db: SQLiteDatabase) throws(StoreError) -> UInt64 {
        StoreCoding.uint(try db.scalarInt("SELECT entry_count FROM totals WHERE id = 1") ?? 0)
    }

    public func append(_ entries: [LedgerEntry], ledger: Ledger, backstop: Account) throws(StoreError) {
        try save(AggregatorCheckpoint(entries: entries, delivered: [], backstopSequence: 0, nextRequest: 0), ledger: ledger, backstop: backstop)
    }

    public func save(_ checkpoint: AggregatorCheckpoint, ledger: Ledger, backstop: Account) throws(StoreError) {
        let entries = checkpoint.entries
        let pendingBlob = try checkpoint.pendingAdl.map { p throws(StoreError) in try StoreCoding.encode(p, with: StoreCoding.encoder()) }
        let breakersBlob = try checkpoint.breakers.map { b throws(StoreError) in try StoreCoding.encode(b, with: StoreCoding.encoder()) }
        let blob = try StoreCoding.encode(backstop, with: StoreCoding.encoder())
        try state.withLock { (db: inout SQLiteDatabase?) throws(StoreError) in
            guard let db else { throw .closed }
            try db.transaction { () throws(StoreError) in
                let stored = try Self.storedCount(db)
                var next = stored + 1
                for e in entries {
                    guard e.sequence == next else { throw .ledgerGap(path: path, stored: stored, first: entries.first!.sequence) }
                    next += 1
                }
                guard next - 1 == ledger.entryCount else { throw .ledgerGap(path: path, stored: stored, first: entries.first?.sequence ?? next) }
                let insert = try db.statement("""
                    INSERT INTO entries(sequence, from_account, to_account, amount_e6, reason, account_id, at_ns)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                    """)
                var touched = Set<LedgerAccount>()
                for e in entries {
                    try insert.bind(1, StoreCoding.int(e.sequence))
                    try insert.bind(2, e.from.description)
                    try insert.bind(3, e.to.description)
                    try insert.bind(4, e.amount.e6)
                    try insert.bind(5, Int64(e.reason.rawValue))
                    try insert.bind(6, e.account.map { StoreCoding.int($0.rawValue) })
                    try insert.bind(7, e.at.nanoseconds)
                    try insert.run()
                    touched.insert(e.from)
                    touched.insert(e.to)
                }
                // Balances only move through entries, so the accounts they touched are all
                // that can have changed (the first save of a ledger stores every balance).
                let accounts = stored == 0 ? Set(ledger.balances.keys) : touched
                let upsert = try db.statement("""
                    INSERT INTO balances(account, amount_e6) VALUES (?1, ?2)
                    ON CONFLICT(account) DO UPDATE SET amount_e6 = excluded.amount_e6
                    """)
                for a in accounts.sorted() {
                    try upsert.bind(1, a.description)
                    try upsert.bind(2, ledger.balance(a).e6)
                    try upsert.run()
                }
                let totals = try db.statement("""
                    INSERT OR REPLACE INTO totals(id, total_deposits_e6, total_withdrawals_e6, entry_count, backstop)
                    VALUES (1, ?1, ?2, ?3, ?4)
                    """)
                try totals.bind(1, ledger.totalDeposits.e6)
                try totals.bind(2, ledger.totalWithdrawals.e6)
                try totals.bind(3, StoreCoding.int(ledger.entryCount))
                try totals.bind(4, blob)
                try totals.run()
                let delivered = try db.statement("""
                    INSERT INTO delivered(account_id, sequence, covered_deficit_e6) VALUES (?1, ?2, ?3)
                    ON CONFLICT(account_id) DO UPDATE SET sequence = excluded.sequence, covered_deficit_e6 = excluded.covered_deficit_e6
                    """)
                for (a, seq, covered) in checkpoint.delivered {
                    try delivered.bind(1, StoreCoding.int(a.rawValue))
                    try delivered.bind(2, StoreCoding.int(seq))
                    try delivered.bind(3, covered.e6)
                    try delivered.run()
                }
                let counter = try db.statement("""
                    INSERT INTO counters(name, value) VALUES (?1, ?2)
                    ON CONFLICT(name) DO UPDATE SET value = max(value, excluded.value)
                    """)
                if let pendingBlob {
                    let p = try db.statement("INSERT OR REPLACE INTO pending_adl(id, instructions) VALUES (1, ?1)")
                    try p.bind(1, pendingBlob)
                    try p.run()
                }
                if let breakersBlob {
                    let b = try db.statement("INSERT OR REPLACE INTO breakers(id, snapshots) VALUES (1, ?1)")
                    try b.bind(1, breakersBlob)
                    try b.run()
                }
                for (name, value) in [("backstopSequence", checkpoint.backstopSequence), ("nextRequest", checkpoint.nextRequest)] where value > 0 {
                    try counter.bind(1, name)
                    try counter.bind(2, StoreCoding.int(value))
                    try counter.run()
                }
            }
        }
    }

    public func load(retainedEntries: Int?) throws(StoreError) -> AggregatorState? {
        try state.withLock { (db: inout SQLiteDatabase?) throws(StoreError) -> AggregatorState? in
            guard let db else { throw .closed }
            let path = db.path
            return try db.transaction { () throws(StoreError) -> AggregatorState? in
                let totals = try db.statement("SELECT total_deposits_e6, total_withdrawals_e6, entry_count, backstop FROM totals WHERE id = 1")
                defer { totals.reset() }
                guard try totals.step() else { return nil }
                let deposits = Quote(e6: totals.int64(0)), withdrawals = Quote(e6: totals.int64(1))
                let entryCount = StoreCoding.uint(totals.int64(2))
                let backstop = try StoreCoding.decode(Account.self, from: totals.data(3), with: JSONDecoder(), path: path)

                var balances: [LedgerAccount: Quote] = [:]
                let b = try db.statement("SELECT account, amount_e6 FROM balances")
                defer { b.reset() }
                while try b.step() {
                    let name = b.text(0) ?? ""
                    guard let account = LedgerAccount(storeText: name) else { throw .decoding(message: "ledger account \"\(name)\"", path: path) }
                    balances[account] = Quote(e6: b.int64(1))
                }

                let count = try db.statement("SELECT COUNT(*), COALESCE(MAX(sequence), 0) FROM entries")
                defer { count.reset() }
                _ = try count.step()
                guard StoreCoding.uint(count.int64(0)) == entryCount, StoreCoding.uint(count.int64(1)) == entryCount else {
                    throw .ledgerNotConserved(path: path)
                }

                let limit = retainedEntries.map { Int64(max($0, 0)) } ?? -1
                let e = try db.statement("""
                    SELECT sequence, from_account, to_account, amount_e6, reason, account_id, at_ns
                    FROM entries ORDER BY sequence DESC LIMIT ?1
                    """)
                defer { e.reset() }
                try e.bind(1, limit)
                var recent: [LedgerEntry] = []
                while try e.step() {
                    guard let from = LedgerAccount(storeText: e.text(1) ?? ""), let to = LedgerAccount(storeText: e.text(2) ?? ""),
                          let reason = LedgerReason(rawValue: Int(e.int64(4))) else {
                        throw .decoding(message: "ledger entry \(e.int64(0))", path: path)
                    }
                    recent.append(LedgerEntry(sequence: StoreCoding.uint(e.int64(0)), from: from, to: to, amount: Quote(e6: e.int64(3)),
                                              reason: reason, account: e.isNull(5) ? nil : AccountID(StoreCoding.uint(e.int64(5))),
                                              at: Instant(nanoseconds: e.int64(6))))
                }
                recent.reverse()
                let ledger = Ledger(restoring: balances, totalDeposits: deposits, totalWithdrawals: withdrawals, entryCount: entryCount,
                                    recentEntries: recent, retainedEntries: retainedEntries)
                guard ledger.isConserved else { throw .ledgerNotConserved(path: path) }
                var delivered: [AccountID: UInt64] = [:]
                var covered: [AccountID: Quote] = [:]
                let d = try db.statement("SELECT account_id, sequence, covered_deficit_e6 FROM delivered")
                defer { d.reset() }
                while try d.step() {
                    let a = AccountID(StoreCoding.uint(d.int64(0)))
                    delivered[a] = StoreCoding.uint(d.int64(1))
                    if d.int64(2) != 0 { covered[a] = Quote(e6: d.int64(2)) }
                }
                var counters: [String: UInt64] = [:]
                let c = try db.statement("SELECT name, value FROM counters")
                defer { c.reset() }
                while try c.step() { counters[c.text(0) ?? ""] = StoreCoding.uint(c.int64(1)) }
                var pendingAdl: [Message.AdlInstruction] = []
                let pa = try db.statement("SELECT instructions FROM pending_adl WHERE id = 1")
                defer { pa.reset() }
                if try pa.step() { pendingAdl = try StoreCoding.decode([Message.AdlInstruction].self, from: pa.data(0), with: JSONDecoder(), path: path) }
                var breakers: [CascadeBreaker.Snapshot] = []
                let br = try db.statement("SELECT snapshots FROM breakers WHERE id = 1")
                defer { br.reset() }
                if try br.step() { breakers = try StoreCoding.decode([CascadeBreaker.Snapshot].self, from: br.data(0), with: JSONDecoder(), path: path) }
                return AggregatorState(ledger: ledger, backstop: backstop, delivered: delivered, coveredDeficits: covered, pendingAdl: pendingAdl,
                                       backstopSequence: counters["backstopSequence"] ?? 1, nextRequest: counters["nextRequest"] ?? 1, breakers: breakers)
            }
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
