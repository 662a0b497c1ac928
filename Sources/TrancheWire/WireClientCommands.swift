internal import CTrancheProto
import TrancheCore

// Client commands ↔ protobuf-c (client.proto).

extension Message.OpenAccount: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__OpenAccount> {
        arena.message(tranche__v1__open_account__init) {
            $0.account_id = account.rawValue
            $0.initial_collateral_e6 = initialCollateral.e6
        }
    }

    init(c m: Tranche__V1__OpenAccount) {
        self.init(account: AccountID(m.account_id), initialCollateral: Quote(e6: m.initial_collateral_e6))
    }
}

extension Message.Deposit: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__Deposit> {
        arena.message(tranche__v1__deposit__init) {
            $0.account_id = account.rawValue
            $0.amount_e6 = amount.e6
        }
    }

    init(c m: Tranche__V1__Deposit) {
        self.init(account: AccountID(m.account_id), amount: Quote(e6: m.amount_e6))
    }
}

extension Message.Withdraw: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__Withdraw> {
        arena.message(tranche__v1__withdraw__init) {
            $0.account_id = account.rawValue
            $0.amount_e6 = amount.e6
        }
    }

    init(c m: Tranche__V1__Withdraw) {
        self.init(account: AccountID(m.account_id), amount: Quote(e6: m.amount_e6))
    }
}

extension Message.SubmitPosition: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__SubmitPosition> {
        arena.message(tranche__v1__submit_position__init) {
            $0.account_id = account.rawValue
            $0.market = arena.string(market.symbol)
            $0.side = side.c
            $0.size_e8 = size.e8
            $0.entry_price_e8 = entryPrice.e8
            $0.margin_mode = marginMode.c
            $0.isolated_margin_e6 = isolatedMargin.e6
            $0.`import` = importAt ? 1 : 0
        }
    }

    init(c m: Tranche__V1__SubmitPosition) throws(WireDecodeError) {
        self.init(
            account: AccountID(m.account_id),
            market: try WireRead.market(m.market, "SubmitPosition.market"),
            side: try Side(c: m.side, "SubmitPosition.side"),
            size: Size(e8: m.size_e8),
            entryPrice: Price(e8: m.entry_price_e8),
            marginMode: try MarginMode(c: m.margin_mode, "SubmitPosition.margin_mode"),
            isolatedMargin: Quote(e6: m.isolated_margin_e6),
            importAt: m.`import` != 0)
    }
}

extension Message.ReducePosition: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__ReducePosition> {
        arena.message(tranche__v1__reduce_position__init) {
            $0.account_id = account.rawValue
            $0.market = arena.string(market.symbol)
            $0.size_e8 = size.e8
            $0.price_e8 = price.e8
        }
    }

    init(c m: Tranche__V1__ReducePosition) throws(WireDecodeError) {
        self.init(
            account: AccountID(m.account_id),
            market: try WireRead.market(m.market, "ReducePosition.market"),
            size: Size(e8: m.size_e8),
            price: Price(e8: m.price_e8))
    }
}

extension Message.ClosePosition: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__ClosePosition> {
        arena.message(tranche__v1__close_position__init) {
            $0.account_id = account.rawValue
            $0.market = arena.string(market.symbol)
            $0.price_e8 = price?.e8 ?? 0
        }
    }

    init(c m: Tranche__V1__ClosePosition) throws(WireDecodeError) {
        self.init(
            account: AccountID(m.account_id),
            market: try WireRead.market(m.market, "ClosePosition.market"),
            price: WireRead.optionalPrice(m.price_e8))
    }
}

extension Message.ShowAccount: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__ShowAccount> {
        arena.message(tranche__v1__show_account__init) { $0.account_id = account.rawValue }
    }

    init(c m: Tranche__V1__ShowAccount) {
        self.init(account: AccountID(m.account_id))
    }
}

extension Message.StatusRequest: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__StatusRequest> {
        arena.message(tranche__v1__status_request__init) { _ in }
    }

    init(c _: Tranche__V1__StatusRequest) { self.init() }
}

extension Message.FundRequest: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__FundRequest> {
        arena.message(tranche__v1__fund_request__init) { $0.max_entries = maxEntries }
    }

    init(c m: Tranche__V1__FundRequest) { self.init(maxEntries: m.max_entries) }
}

extension Message.BreakerRequest: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__BreakerRequest> {
        arena.message(tranche__v1__breaker_request__init) { _ in }
    }

    init(c _: Tranche__V1__BreakerRequest) { self.init() }
}

extension Message.SetPrice: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__SetPrice> {
        arena.message(tranche__v1__set_price__init) {
            $0.market = arena.string(market.symbol)
            $0.price_e8 = price.e8
        }
    }

    init(c m: Tranche__V1__SetPrice) throws(WireDecodeError) {
        self.init(market: try WireRead.market(m.market, "SetPrice.market"), price: Price(e8: m.price_e8))
    }
}

extension Message.SubscribeEvents: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__SubscribeEvents> {
        arena.message(tranche__v1__subscribe_events__init) { $0.account_id = account?.rawValue ?? 0 }
    }

    init(c m: Tranche__V1__SubscribeEvents) {
        self.init(account: WireRead.optionalAccount(m.account_id))
    }
}

extension Message.ClientGrant: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__ClientGrant> {
        arena.message(tranche__v1__client_grant__init) {
            $0.client = arena.string(client)
            $0.public_key = arena.string(publicKey)
            let bounds = accounts.flatMap { [$0.lowerBound, $0.upperBound] }
            $0.n_account_bounds = bounds.count
            $0.account_bounds = arena.array(bounds)
            $0.revoke = revoke ? 1 : 0
        }
    }

    init(c m: Tranche__V1__ClientGrant) throws(WireDecodeError) {
        let bounds: [UInt64] = WireRead.scalars(m.n_account_bounds, m.account_bounds)
        guard bounds.count % 2 == 0 else { throw .inconsistentField(field: "ClientGrant.account_bounds", detail: "an odd number of bounds (pairs of first, last)") }
        var ranges: [ClosedRange<UInt64>] = []
        for i in stride(from: 0, to: bounds.count, by: 2) {
            guard bounds[i] <= bounds[i + 1] else { throw .inconsistentField(field: "ClientGrant.account_bounds", detail: "range \(bounds[i])…\(bounds[i + 1]) is empty") }
            ranges.append(bounds[i]...bounds[i + 1])
        }
        self.init(client: try WireRead.string(m.client, "ClientGrant.client"), publicKey: try WireRead.string(m.public_key, "ClientGrant.public_key"),
                  accounts: ranges, revoke: m.revoke != 0)
    }
}

extension Message.AccountListRequest: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__AccountListRequest> {
        arena.message(tranche__v1__account_list_request__init) {
            $0.liquidating_only = WireWrite.bool(liquidatingOnly)
            $0.market = arena.string(market?.symbol ?? "")
            $0.worker_id = arena.string(workerID ?? "")
            $0.limit = limit
        }
    }

    init(c m: Tranche__V1__AccountListRequest) throws(WireDecodeError) {
        let market = try WireRead.string(m.market, "AccountListRequest.market")
        let worker = try WireRead.string(m.worker_id, "AccountListRequest.worker_id")
        self.init(liquidatingOnly: m.liquidating_only != 0, market: market.isEmpty ? nil : MarketID(market), workerID: worker.isEmpty ? nil : worker, limit: m.limit)
    }
}
