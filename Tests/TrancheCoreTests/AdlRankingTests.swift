import Testing
@testable import TrancheCore

/// A worker answers ADL candidate requests from a ranking built once per mark, with the
/// accounts changed since merged in: the same answer as a full scan of every account, also
/// after deposits, new positions, an account leaving the ranking and a new mark.
@Suite struct AdlRankingTests {
    typealias R = ReliableDeliveryTests

    static func candidates(_ ds: [RoleDirective]) -> [Message.AdlCandidate] {
        R.sends(ds, to: .aggregator).compactMap { if case .adlCandidates(let c) = $0.body { return c.candidates } else { return nil } }.first ?? []
    }

    static func request(_ w: inout Worker, id: UInt64, size: String, at t: Instant) -> [Message.AdlCandidate] {
        let ds = w.receive(Envelope(sender: "aggregator", sentAt: t, body: .adlCandidatesRequest(Message.AdlCandidatesRequest(
            requestID: id, market: "BTC-PERP", sideNeeded: .short, sizeNeeded: sz(size)))), from: .aggregator, now: t)
        return candidates(ds)
    }

    static func scan(_ w: Worker, size: String) -> [Message.AdlCandidate] {
        w.adlPicksByScan(market: "BTC-PERP", side: .short, sizeNeeded: sz(size)).map {
            Message.AdlCandidate(account: $0.account, market: $0.market, size: $0.size, entryPrice: $0.entryPrice, score: Rate(ppm: $0.scorePpm))
        }
    }

    @Test func theRankingAnswersAsAFullScanWouldAcrossChanges() throws {
        let ids = Array(UInt64(1)...40)
        var w = R.worker(accounts: ids)
        let t = R.t0
        _ = w.receive(Envelope(sender: "venue", sentAt: t, body: .markPrice(.init(market: "BTC-PERP", price: px("20000"), sequence: 1, at: t))), from: .venue, now: t)
        // Shorts entered at different prices (profit at 19,000), sizes 0.01 to 0.4.
        for a in ids {
            let entry = px(String(19_500 + Int(a) * 25))
            _ = w.receive(R.command(.submitPosition(.init(account: AccountID(a), market: "BTC-PERP", side: .short, size: sz(String(format: "%.2f", Double(a % 40 + 1) / 100)),
                                                          entryPrice: entry, marginMode: .cross, isolatedMargin: .zero, importAt: true)), origin: "client:operator/test"),
                          from: .coordinator, now: t)
        }
        let t1 = t + .seconds(1)
        _ = w.receive(Envelope(sender: "venue", sentAt: t1, body: .markPrice(.init(market: "BTC-PERP", price: px("19000"), sequence: 2, at: t1))), from: .venue, now: t1)
        let first = Self.request(&w, id: 1, size: "1.5", at: t1)
        #expect(first.count > 3 && first == Self.scan(w, size: "1.5"))
        #expect(w.adlRankings.count == 1)
        // Changes between two marks: a deposit lowers one account's leverage (its score), a
        // withdrawal raises another's, one account closes its short, a new account opens one.
        _ = w.receive(R.command(.deposit(.init(account: AccountID(first[0].account.rawValue), amount: q("5000")))), from: .coordinator, now: t1)
        _ = w.receive(R.command(.withdraw(.init(account: AccountID(first.last!.account.rawValue + 1), amount: q("500")))), from: .coordinator, now: t1)
        _ = w.receive(R.command(.openAccount(.init(account: AccountID(99), initialCollateral: q("300")))), from: .coordinator, now: t1)
        _ = w.receive(R.command(.submitPosition(.init(account: AccountID(99), market: "BTC-PERP", side: .short, size: sz("0.3"), entryPrice: px("21000"),
                                                      marginMode: .cross, isolatedMargin: .zero, importAt: true)), origin: "client:operator/test"), from: .coordinator, now: t1)
        let second = Self.request(&w, id: 2, size: "1.5", at: t1)
        #expect(second == Self.scan(w, size: "1.5"))
        #expect(second != first, "the changes moved the ranking")
        #expect(second.contains { $0.account == AccountID(99) })
        #expect(w.adlRankings.count == 1 && !(w.adlRankings.values.first?.dirty.isEmpty ?? true))
        // A new mark: rebuilt from scratch.
        let t2 = t1 + .seconds(1)
        _ = w.receive(Envelope(sender: "venue", sentAt: t2, body: .markPrice(.init(market: "BTC-PERP", price: px("18500"), sequence: 3, at: t2))), from: .venue, now: t2)
        #expect(w.adlRankings.isEmpty)
        #expect(Self.request(&w, id: 3, size: "100", at: t2) == Self.scan(w, size: "100"))
    }
}
