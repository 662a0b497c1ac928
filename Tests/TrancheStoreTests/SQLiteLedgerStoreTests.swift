import Foundation
import Testing
import TrancheCore
@testable import TrancheStore

@Suite struct SQLiteLedgerStoreTests {
    /// Deposit 1 000 to trader 1, seed the fund with 500, a 10 fee trader 1 → fund, a 40
    /// realised loss trader 1 → venue BTC. Internal balances: trader 1 = 1 000 − 10 − 40 = 950,
    /// fund 510, venue 40; Σ = 1 500 = deposits 1 500 − withdrawals 0; external −1 500.
    func postFirst(_ ledger: inout Ledger) throws {
        try ledger.post([
            LedgerTransfer(from: .external, to: .trader(AccountID(1)), amount: Quote(e6: 1_000_000_000), reason: .deposit, account: AccountID(1)),
            LedgerTransfer(from: .external, to: .insuranceFund, amount: Quote(e6: 500_000_000), reason: .fundSeed),
            LedgerTransfer(from: .trader(AccountID(1)), to: .insuranceFund, amount: Quote(e6: 10_000_000), reason: .liquidationFee, account: AccountID(1)),
            LedgerTransfer(from: .trader(AccountID(1)), to: .venue("BTC-PERP"), amount: Quote(e6: 40_000_000), reason: .realisedPnl, account: AccountID(1)),
        ], at: .seconds(10))
    }

    /// A breaker's level survives a restart (a HALTED market is not reopened by one).
    @Test func breakersRoundTrip() throws {
        try withTemporaryDirectory { dir in
            var ledger = Ledger(retainedEntries: nil)
            try postFirst(&ledger)
            let backstop = Account(id: Backstop.accountID)
            let halted = CascadeBreaker.Snapshot(market: "BTC-PERP", level: .halted, reason: .liquidationVolume, sequence: 3, since: .seconds(9))
            let store = try SQLiteLedgerStore(directory: dir)
            try store.save(AggregatorCheckpoint(entries: ledger.recentEntries, delivered: [], backstopSequence: 1, nextRequest: 1, breakers: [halted]),
                           ledger: ledger, backstop: backstop)
            // A later checkpoint without a breaker change keeps them.
            try store.save(AggregatorCheckpoint(entries: [], delivered: [], backstopSequence: 1, nextRequest: 1), ledger: ledger, backstop: backstop)
            store.close()
            let reopened = try SQLiteLedgerStore(directory: dir)
            defer { reopened.close() }
            #expect(try reopened.load(retainedEntries: nil)?.breakers == [halted])
        }
    }

    @Test func roundTripRestoresLedgerAndBackstop() throws {
        try withTemporaryDirectory { dir in
            var ledger = Ledger(retainedEntries: nil)
            try postFirst(&ledger)
            let backstop = Account(id: Backstop.accountID, collateral: Quote(e6: 7))
            let store = try SQLiteLedgerStore(directory: dir)
            #expect(try store.load(retainedEntries: nil) == nil)
            try store.append(ledger.recentEntries, ledger: ledger, backstop: backstop)
            let firstCount = ledger.recentEntries.count
            // Withdraw 100 from trader 1: only the new entry is appended.
            try ledger.post(LedgerTransfer(from: .trader(AccountID(1)), to: .external, amount: Quote(e6: 100_000_000), reason: .withdrawal, account: AccountID(1)), at: .seconds(11))
            try store.append(Array(ledger.recentEntries.dropFirst(firstCount)), ledger: ledger, backstop: backstop)
            store.close()

            let reopened = try SQLiteLedgerStore(directory: dir)
            defer { reopened.close() }
            let state = try #require(try reopened.load(retainedEntries: 2))
            #expect(state.backstop == backstop)
            #expect(state.ledger.balances == ledger.balances)
            #expect(state.ledger.totalDeposits == ledger.totalDeposits && state.ledger.totalWithdrawals == ledger.totalWithdrawals)
            #expect(state.ledger.entryCount == 5)
            #expect(state.ledger.recentEntries == Array(ledger.recentEntries.suffix(2)))
            #expect(state.ledger.isConserved)
            #expect(state.ledger.balance(.trader(AccountID(1))) == Quote(e6: 850_000_000))
            // The restored ledger continues the sequence.
            var next = state.ledger
            let entry = try next.post(LedgerTransfer(from: .insuranceFund, to: .fees, amount: Quote(e6: 1), reason: .tradingFee), at: .seconds(12))
            #expect(entry.sequence == 6)
            try reopened.append([entry], ledger: next, backstop: backstop)
            #expect(try reopened.load(retainedEntries: nil)?.ledger.recentEntries.count == 6)
        }
    }

    @Test func gapInSequenceIsRefused() throws {
        try withTemporaryDirectory { dir in
            var ledger = Ledger(retainedEntries: nil)
            try postFirst(&ledger)
            let store = try SQLiteLedgerStore(directory: dir)
            defer { store.close() }
            let backstop = Account(id: Backstop.accountID)
            #expect(throws: StoreError.ledgerGap(path: store.path, stored: 0, first: 2)) {
                try store.append(Array(ledger.recentEntries.dropFirst()), ledger: ledger, backstop: backstop)
            }
            // Nothing of the refused call was stored.
            #expect(try store.load(retainedEntries: nil) == nil)
        }
    }

    @Test func tamperedBalanceIsRefusedOnLoad() throws {
        try withTemporaryDirectory { dir in
            var ledger = Ledger(retainedEntries: nil)
            try postFirst(&ledger)
            let store = try SQLiteLedgerStore(directory: dir)
            defer { store.close() }
            try store.append(ledger.recentEntries, ledger: ledger, backstop: Account(id: Backstop.accountID))
            // Someone gives the fund one more quantum: Σ internal ≠ deposits − withdrawals.
            try tamper(store.path, "UPDATE balances SET amount_e6 = amount_e6 + 1 WHERE account = 'insurance-fund'")
            #expect(throws: StoreError.ledgerNotConserved(path: store.path)) { try store.load(retainedEntries: 10) }
        }
    }

    @Test func corruptAggregatorFileIsATypedError() throws {
        try withTemporaryDirectory { dir in
            try Data(repeating: 0x5A, count: 8_192).write(to: dir.appendingPathComponent("aggregator.sqlite"))
            #expect {
                try SQLiteLedgerStore(directory: dir)
            } throws: { error in
                if case StoreError.corrupt = error { return true }
                return false
            }
        }
    }
}

extension AggregatorState: Equatable {
    public static func == (a: AggregatorState, b: AggregatorState) -> Bool {
        a.backstop == b.backstop && a.ledger.balances == b.ledger.balances && a.ledger.entryCount == b.ledger.entryCount
    }
}
