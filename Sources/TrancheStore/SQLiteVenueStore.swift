import Foundation
import Synchronization
import TrancheCore

/// The venue's durable state in `directory/venue.sqlite`: the exogenous (index) price of
/// each market, and the tranche ids it answered with their fills, so an order sent again
/// after a venue restart gets its original fill instead of trading twice. Bounded: at most
/// `maxAnswered` answers are kept (the oldest go first; workers send an order again within
/// seconds).
public final class SQLiteVenueStore: Sendable {
    public let path: String
    private let state: Mutex<SQLiteDatabase?>
    public static let maxAnswered = 200_000

    static let schemaVersion: Int64 = 1
    static let schema = """
        CREATE TABLE IF NOT EXISTS prices(market TEXT PRIMARY KEY, price_e8 INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS answered(
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            account_id INTEGER NOT NULL, market TEXT NOT NULL, sequence INTEGER NOT NULL,
            filled_e8 INTEGER NOT NULL, vwap_e8 INTEGER NOT NULL, unfilled_e8 INTEGER NOT NULL, at_ns INTEGER NOT NULL,
            UNIQUE(account_id, market, sequence)
        );
        """

    public init(directory: URL) throws(StoreError) {
        let db = try SQLiteDatabase.open("venue.sqlite", in: directory, schemaVersion: Self.schemaVersion, schema: Self.schema)
        path = db.path
        state = Mutex(db)
    }

    /// Saves, in one transaction, the prices that changed and the new answers.
    public func save(prices: [MarketID: Price], answered: [Message.TrancheFill]) throws(StoreError) {
        try state.withLock { (db: inout SQLiteDatabase?) throws(StoreError) in
            guard let db else { throw .closed }
            try db.transaction { () throws(StoreError) in
                let p = try db.statement("INSERT OR REPLACE INTO prices(market, price_e8) VALUES (?1, ?2)")
                for (m, price) in prices.sorted(by: { $0.key < $1.key }) {
                    try p.bind(1, m.symbol)
                    try p.bind(2, price.e8)
                    try p.run()
                }
                let a = try db.statement("""
                    INSERT OR IGNORE INTO answered(account_id, market, sequence, filled_e8, vwap_e8, unfilled_e8, at_ns)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                    """)
                for f in answered {
                    try a.bind(1, StoreCoding.int(f.tranche.account.rawValue))
                    try a.bind(2, f.tranche.market.symbol)
                    try a.bind(3, StoreCoding.int(f.tranche.sequence))
                    try a.bind(4, f.filledSize.e8)
                    try a.bind(5, f.vwap.e8)
                    try a.bind(6, f.unfilledSize.e8)
                    try a.bind(7, f.at.nanoseconds)
                    try a.run()
                }
                if !answered.isEmpty {
                    try db.execute("DELETE FROM answered WHERE seq <= (SELECT MAX(seq) FROM answered) - \(Self.maxAnswered)")
                }
            }
        }
    }

    /// The saved prices and answers (oldest first).
    public func load() throws(StoreError) -> (prices: [MarketID: Price], answered: [Message.TrancheFill]) {
        try state.withLock { (db: inout SQLiteDatabase?) throws(StoreError) -> ([MarketID: Price], [Message.TrancheFill]) in
            guard let db else { throw .closed }
            var prices: [MarketID: Price] = [:]
            let p = try db.statement("SELECT market, price_e8 FROM prices")
            defer { p.reset() }
            while try p.step() { prices[MarketID(p.text(0) ?? "")] = Price(e8: p.int64(1)) }
            var answered: [Message.TrancheFill] = []
            let a = try db.statement("SELECT account_id, market, sequence, filled_e8, vwap_e8, unfilled_e8, at_ns FROM answered ORDER BY seq")
            defer { a.reset() }
            while try a.step() {
                let id = TrancheID(account: AccountID(StoreCoding.uint(a.int64(0))), market: MarketID(a.text(1) ?? ""), sequence: StoreCoding.uint(a.int64(2)))
                answered.append(Message.TrancheFill(tranche: id, filledSize: Size(e8: a.int64(3)), vwap: Price(e8: a.int64(4)),
                                                   unfilledSize: Size(e8: a.int64(5)), duplicate: false, at: Instant(nanoseconds: a.int64(6))))
            }
            return (prices, answered)
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
