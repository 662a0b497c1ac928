import TrancheCore

/// Non-trivial bodies of every kind: signed and extreme fixed-point values, unicode
/// strings, empty and non-empty lists, optionals both set and unset.
enum Samples {
    static let btc: MarketID = "BTC-PERP"
    static let unicodeMarket: MarketID = "ΩМЕГА-永続-🚀"
    static let max = Int64.max
    static let min = Int64.min
    static let tranche = TrancheID(account: AccountID(42), market: btc, sequence: 7)
    static let unicodeTranche = TrancheID(account: AccountID(.max), market: unicodeMarket, sequence: .max)

    static let position = Message.PositionView(
        market: btc, size: Size(e8: -250_000_000), entryPrice: Price(e8: 6_000_000_000_000),
        markPrice: Price(e8: 6_100_000_000_000), notional: Quote(e6: 152_500_000_000),
        unrealisedPnl: Quote(e6: -2_500_000_000), maintenance: Quote(e6: 762_500_000),
        liquidationPrice: Price(e8: 6_350_000_000_000), bankruptcyPrice: nil,
        marginMode: .isolated, isolatedMargin: Quote(e6: 10_000_000_000), scopeRatio: Rate(ppm: 1_500_000))

    static let account = Message.AccountView(
        account: AccountID(42), collateral: Quote(e6: min), equity: Quote(e6: max),
        maintenance: Quote(e6: 1), initial: Quote(e6: 2), marginRatio: Rate(ppm: -1_500_000),
        freeCollateral: Quote(e6: -3), withdrawable: .zero, phase: .liquidating,
        trancheIndex: 3, trancheCount: .max, positions: [position, position])

    static let breakerState = Message.BreakerState(
        market: unicodeMarket, level: .throttled, reason: .priceVelocity, sequence: .max,
        stepScale: Rate(ppm: 250_000), intervalScale: Rate(ppm: 4_000_000), since: Instant(nanoseconds: min))

    /// One body per kind (some kinds more than once, with other optionals).
    static let bodies: [MessageBody] = [
        .openAccount(.init(account: AccountID(1), initialCollateral: Quote(e6: max))),
        .deposit(.init(account: AccountID(.max), amount: Quote(e6: 1))),
        .withdraw(.init(account: AccountID(3), amount: Quote(e6: min))),
        .submitPosition(.init(
            account: AccountID(4), market: unicodeMarket, side: .short, size: Size(e8: -1),
            entryPrice: Price(e8: max), marginMode: .isolated, isolatedMargin: Quote(e6: 5_000_000))),
        .submitPosition(.init(account: AccountID(4), market: btc, side: .long, size: Size(e8: 1), entryPrice: Price(e8: 1))),
        .reducePosition(.init(account: AccountID(5), market: btc, size: Size(e8: min), price: Price(e8: -9))),
        .closePosition(.init(account: AccountID(6), market: btc, price: nil)),
        .closePosition(.init(account: AccountID(6), market: btc, price: Price(e8: max))),
        .showAccount(.init(account: AccountID(7))),
        .statusRequest(.init()),
        .fundRequest(.init(maxEntries: .max)),
        .breakerRequest(.init()),
        .setPrice(.init(market: unicodeMarket, price: Price(e8: 12_345_678_901_234))),
        .subscribeEvents(.init(account: nil)),
        .subscribeEvents(.init(account: AccountID(.max))),
        .clientGrant(.init(client: "alice", publicKey: "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7", accounts: [1...100, 500...500, 7...UInt64.max])),
        .clientGrant(.init(client: "bob", publicKey: "", accounts: [], revoke: true)),
        .accountListRequest(.init()),
        .accountListRequest(.init(liquidatingOnly: true, market: unicodeMarket, workerID: "工人-2", limit: .max)),
        .accountList(.init(accounts: [], truncated: true, missingWorkers: ["w1", "工人-2"])),
        .accountList(.init(accounts: [.init(workerID: "w1", account: account), .init(workerID: "", account: account)])),
        .commandReply(.init(
            errorCode: .insufficientMargin, errorMessage: "need 1.5 more — “margin” ≠ 证金 🙈",
            required: Quote(e6: max), available: Quote(e6: min), account: account)),
        .commandReply(.ok()),
        .commandReply(.init(errorCode: .timeout)),
        .statusView(.init(
            shardCount: 64,
            workers: [
                .init(workerID: "worker-1", alive: true, shards: [0, 2, 4, .max], accounts: .max),
                .init(workerID: "工人-2", alive: false, shards: [], accounts: 0),
            ],
            breakers: [.init(market: btc, level: .halted, reason: .liquidationVolume, sequence: 9, since: Instant(nanoseconds: max))],
            fundBalance: Quote(e6: -1))),
        .statusView(.init(shardCount: 0, workers: [], breakers: [], fundBalance: .zero)),
        .fundView(.init(
            balance: Quote(e6: 1_000_000_000_000),
            entries: [
                .init(sequence: 1, from: "account:42", to: "fund", amount: Quote(e6: 7), reason: "fee", account: AccountID(42), at: Instant(nanoseconds: 1)),
                .init(sequence: .max, from: "fund", to: "🏦", amount: Quote(e6: min), reason: "", account: nil, at: Instant(nanoseconds: -1)),
            ],
            backstop: [
                .init(market: btc, size: Size(e8: -max), entryPrice: Price(e8: 1), markPrice: nil, unrealisedPnl: Quote(e6: min)),
                .init(market: unicodeMarket, size: Size(e8: 3), entryPrice: Price(e8: max), markPrice: Price(e8: 2), unrealisedPnl: .zero),
            ])),
        .breakerList(.init(breakers: [breakerState, breakerState])),
        .breakerList(.init(breakers: [])),
        .markPrice(.init(market: btc, price: Price(e8: 6_000_012_345_678), sequence: .max, at: Instant(nanoseconds: max))),
        .depthSummary(.init(
            market: unicodeMarket, fairPrice: Price(e8: max), bestBid: Price(e8: 1), bestAsk: nil,
            bidDepthInBand: Quote(e6: min), askDepthInBand: Quote(e6: 0), band: Rate(ppm: 5_000), at: Instant(nanoseconds: 3))),
        .trancheOrder(.init(
            tranche: unicodeTranche, side: .short, size: Size(e8: max), limitPrice: Price(e8: 1),
            markPrice: Price(e8: min), epoch: .max, shard: .max)),
        .trancheOrder(.init(tranche: tranche, side: .long, size: Size(e8: 1), limitPrice: Price(e8: 2), markPrice: Price(e8: 3), epoch: 0, shard: 0)),
        .trancheOrder({
            var o = Message.TrancheOrder(tranche: tranche, side: .short, size: Size(e8: 2), limitPrice: Price(e8: 2), markPrice: Price(e8: 3), epoch: 1, shard: 2)
            o.markSequence = 41
            o.markAt = Instant(nanoseconds: 1_796_159_606_137_144_842)
            return o
        }()),
        .trancheFill({
            var f = Message.TrancheFill(tranche: tranche, filledSize: Size(e8: 1), vwap: Price(e8: 2), unfilledSize: .zero, duplicate: false, at: Instant(nanoseconds: 9))
            f.tickToOrder = Duration(nanoseconds: 412_345)
            return f
        }()),
        .trancheFill(.init(
            tranche: tranche, filledSize: Size(e8: 12_345), vwap: Price(e8: 6_000_000_000_000),
            unfilledSize: Size(e8: -1), duplicate: true, at: Instant(nanoseconds: min))),
        .fillReport(.init(
            tranche: unicodeTranche, filledSize: Size(e8: max), vwap: Price(e8: 5), fee: Quote(e6: 1),
            realisedPnl: Quote(e6: min), deficit: Quote(e6: -42), markAtOrder: Price(e8: 6), at: Instant(nanoseconds: 7),
            orderSide: .short, scope: .isolated(unicodeMarket))),
        .fillReport(.init(
            tranche: tranche, filledSize: Size(e8: 1), vwap: Price(e8: 2), fee: .zero, realisedPnl: .zero, deficit: .zero,
            markAtOrder: Price(e8: 3), at: .zero, orderSide: .long, scope: .cross)),
        .breakerState(breakerState),
        .breakerState(.init(
            market: btc, level: .normal, reason: .recovered, sequence: 0, stepScale: .one, intervalScale: .one,
            since: Instant(nanoseconds: max), priceBand: Rate(ppm: 20_000), maxStepFraction: Rate(ppm: min))),
        .insuranceFundEvent(.init(
            kind: .deficitUncovered, account: AccountID(42), market: btc, amount: Quote(e6: min),
            balanceAfter: Quote(e6: max), tranche: unicodeTranche, at: Instant(nanoseconds: 11))),
        .insuranceFundEvent(.init(
            kind: .deposit, account: nil, market: nil, amount: Quote(e6: 1), balanceAfter: Quote(e6: 2), tranche: nil, at: .zero)),
        .liquidationEvent(.init(
            account: AccountID(42), scope: .cross, phase: .marginCall, trancheIndex: 0, trancheCount: 0,
            detail: "grace 30 s ⏳", at: Instant(nanoseconds: 12))),
        .liquidationEvent(.init(
            account: AccountID(43), scope: .isolated(unicodeMarket), phase: .takenOver, trancheIndex: .max,
            trancheCount: .max, detail: "", at: Instant(nanoseconds: min))),
        .heartbeat(.init(workerID: "worker-ü", epoch: .max, accounts: 123_456, at: Instant(nanoseconds: max))),
        .heartbeat(.init(workerID: "w1", epoch: 1, accounts: 0, at: .zero, clusterID: "/var/tranche/data")),
        .workerRegister(.init(workerID: "worker-3")),
        .workerRegister(.init(workerID: "w2", clusterID: "/run/démo/data")),
        .shardAssignment(.init(workerID: "worker-3", epoch: 17, shards: [1, 3, 5, 7, .max, 0])),
        .shardAssignment(.init(workerID: "", epoch: 0, shards: [])),
        .adlCandidatesRequest(.init(requestID: .max, market: btc, sideNeeded: .long, sizeNeeded: Size(e8: max))),
        .adlCandidates(.init(requestID: 5, candidates: [
            .init(account: AccountID(1), market: btc, size: Size(e8: -7), entryPrice: Price(e8: 8), score: Rate(ppm: max)),
            .init(account: AccountID(2), market: unicodeMarket, size: Size(e8: min), entryPrice: Price(e8: 1), score: Rate(ppm: min)),
        ])),
        .adlCandidates(.init(requestID: 0, candidates: [])),
        .adlInstruction(.init(
            requestID: 5, account: AccountID(1), market: btc, size: Size(e8: 7), price: Price(e8: max), bankruptAccount: AccountID(42))),
        .ledgerPosting(.init(
            transfers: [
                .init(from: .external, to: .trader(AccountID(.max)), amount: Quote(e6: max), reason: .deposit, account: AccountID(.max)),
                .init(from: .trader(AccountID(42)), to: .insuranceFund, amount: Quote(e6: 1), reason: .liquidationFee, account: AccountID(42)),
                .init(from: .venue(unicodeMarket), to: .fees, amount: Quote(e6: min), reason: .tradingFee),
                .init(from: .insuranceFund, to: .venue(btc), amount: .zero, reason: .backstopUnwind),
            ],
            at: Instant(nanoseconds: min))),
        .ledgerPosting(.init(transfers: [], at: .zero)),
        .bankruptcyNotice(.init(
            tranche: unicodeTranche, scope: .isolated(unicodeMarket), positionSide: .short, size: Size(e8: max),
            bankruptcyPrice: Price(e8: 6_400_000_000_000), markPrice: Price(e8: min), expectedDeficit: Quote(e6: -1),
            at: Instant(nanoseconds: max))),
        .bankruptcyNotice(.init(
            tranche: tranche, scope: .cross, positionSide: .long, size: Size(e8: 1), bankruptcyPrice: Price(e8: 0),
            markPrice: Price(e8: 1), expectedDeficit: Quote(e6: 250_000_000), at: .zero)),
        .bankruptcyDecision(.init(
            tranche: unicodeTranche, adlSize: Size(e8: max), bookSize: Size(e8: min), at: Instant(nanoseconds: -5))),
        .bankruptcyDecision(.init(tranche: tranche, adlSize: .zero, bookSize: Size(e8: 12_345), at: .zero)),
        .takeoverNotice(.init(
            tranche: unicodeTranche, account: AccountID(.max), market: unicodeMarket, size: Size(e8: min),
            modelPrice: Price(e8: max), at: Instant(nanoseconds: 13))),
        .takeoverNotice(.init(
            tranche: nil, account: AccountID(0), market: btc, size: Size(e8: 250_000_000), modelPrice: Price(e8: 0), at: .zero,
            clearanceFee: Quote(e6: 191_000_000))),
        .liquidationDemand(.init(entries: [
            .init(market: btc, backlog: Quote(e6: max), sellFlow: Quote(e6: 7), buyFlow: Quote(e6: max), tranches: [.init(marginRatioPpm: -1, account: AccountID(.max), notional: Quote(e6: 1)),
                                                                   .init(marginRatioPpm: max, account: AccountID(0), notional: Quote(e6: min))], truncated: true),
            .init(market: unicodeMarket, backlog: .zero, tranches: []),
        ], at: Instant(nanoseconds: max))),
        .liquidationDemand(.init(entries: [], at: .zero)),
        .liquidationBudget(.init(market: unicodeMarket, sequence: .max, ratePerSecond: Quote(e6: max), cutoffRatioPpm: min, cutoffAccount: AccountID(.max),
                                 at: Instant(nanoseconds: min), sellFlow: Quote(e6: max), buyFlow: Quote(e6: min))),
        .liquidationBudget(.init(market: btc, sequence: 0, ratePerSecond: .zero, cutoffRatioPpm: nil, cutoffAccount: AccountID(0), at: .zero)),
        .deliveryAck(.init(entries: [.init(account: AccountID(.max), sequence: .max), .init(account: AccountID(1), sequence: 1)], at: Instant(nanoseconds: max))),
        .deliveryAck(.init(entries: [], at: .zero)),
        .adlApplied(.init(requestID: .max, account: AccountID(.max))),
        .adlApplied(.init(requestID: 0, account: AccountID(0))),
        .fundState(.init(
            balance: Quote(e6: max), available: Quote(e6: min), uncoveredDeficit: Quote(e6: 7), sequence: .max,
            at: Instant(nanoseconds: max))),
        .fundState(.init(balance: .zero, available: .zero, uncoveredDeficit: .zero, sequence: 0, at: .zero)),
        .clusterEvent(.init(ClusterEvent(
            at: Instant(nanoseconds: min), kind: .fill, account: AccountID(.max), market: unicodeMarket,
            scope: "isolated:\(unicodeMarket)", size: .zero, price: Price(e8: max), amount: Quote(e6: min),
            tranche: .max, detail: "vwap “slipped” 0.2 % ⚠️"))),
        .clusterEvent(.init(ClusterEvent(at: .zero, kind: .rejected))),
        .clusterEvent(.init(ClusterEvent(at: Instant(nanoseconds: 5), kind: .fill, account: AccountID(3), size: Size(e8: 1), price: Price(e8: 2),
                                         tickToOrder: Duration(nanoseconds: 250_000)))),
        .clusterEvent(.init(ClusterEvent(
            at: Instant(nanoseconds: 1), kind: .command, size: Size(e8: -1), amount: .zero, tranche: 1, detail: "deposit"))),
    ]

    static func envelope(_ body: MessageBody, correlation: UInt64 = 0xDEAD_BEEF_0000_0001) -> Envelope {
        Envelope(correlationID: correlation, sender: "worker-🦊-1", sentAt: Instant(nanoseconds: 1_700_000_000_123_456_789), body: body)
    }
}
