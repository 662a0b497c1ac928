internal import CTrancheProto
import TrancheCore

// Replies and views ↔ protobuf-c (client.proto, control.proto's BreakerList).

extension Message.CommandReply: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__CommandReply> {
        arena.message(tranche__v1__command_reply__init) {
            $0.error_code = errorCode.c
            $0.error_message = arena.string(errorMessage)
            $0.required_e6 = required.e6
            $0.available_e6 = available.e6
            $0.account = account?.makeC(in: arena)
        }
    }

    init(c m: Tranche__V1__CommandReply) throws(WireDecodeError) {
        self.init(
            errorCode: try coreEnum(m.error_code, "CommandReply.error_code"),
            errorMessage: try WireRead.string(m.error_message, "CommandReply.error_message"),
            required: Quote(e6: m.required_e6),
            available: Quote(e6: m.available_e6),
            account: try WireRead.optional(m.account))
    }
}

extension Message.AccountView: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__AccountView> {
        arena.message(tranche__v1__account_view__init) {
            $0.account_id = account.rawValue
            $0.collateral_e6 = collateral.e6
            $0.equity_e6 = equity.e6
            $0.maintenance_e6 = maintenance.e6
            $0.initial_e6 = initial.e6
            $0.margin_ratio_ppm = marginRatio?.ppm ?? 0
            $0.has_margin_ratio = WireWrite.bool(marginRatio != nil)
            $0.free_collateral_e6 = freeCollateral.e6
            $0.withdrawable_e6 = withdrawable.e6
            $0.phase = phase.c
            $0.tranche_index = trancheIndex
            $0.tranche_count = trancheCount
            ($0.n_positions, $0.positions) = WireWrite.list(positions, in: arena)
        }
    }

    init(c m: Tranche__V1__AccountView) throws(WireDecodeError) {
        self.init(
            account: AccountID(m.account_id),
            collateral: Quote(e6: m.collateral_e6),
            equity: Quote(e6: m.equity_e6),
            maintenance: Quote(e6: m.maintenance_e6),
            initial: Quote(e6: m.initial_e6),
            marginRatio: WireRead.bool(m.has_margin_ratio) ? Rate(ppm: m.margin_ratio_ppm) : nil,
            freeCollateral: Quote(e6: m.free_collateral_e6),
            withdrawable: Quote(e6: m.withdrawable_e6),
            phase: try LiquidationPhase(c: m.phase, "AccountView.phase"),
            trancheIndex: m.tranche_index,
            trancheCount: m.tranche_count,
            positions: try WireRead.list(m.n_positions, m.positions, "AccountView.positions"))
    }
}

extension Message.PositionView: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__PositionView> {
        arena.message(tranche__v1__position_view__init) {
            $0.market = arena.string(market.symbol)
            $0.size_e8 = size.e8
            $0.entry_price_e8 = entryPrice.e8
            $0.mark_price_e8 = markPrice.e8
            $0.notional_e6 = notional.e6
            $0.unrealised_pnl_e6 = unrealisedPnl.e6
            $0.maintenance_e6 = maintenance.e6
            $0.liquidation_price_e8 = liquidationPrice?.e8 ?? 0
            $0.bankruptcy_price_e8 = bankruptcyPrice?.e8 ?? 0
            $0.margin_mode = marginMode.c
            $0.isolated_margin_e6 = isolatedMargin.e6
            $0.has_scope_ratio = scopeRatio == nil ? 0 : 1
            $0.scope_ratio_ppm = scopeRatio?.ppm ?? 0
        }
    }

    init(c m: Tranche__V1__PositionView) throws(WireDecodeError) {
        self.init(
            market: try WireRead.market(m.market, "PositionView.market"),
            size: Size(e8: m.size_e8),
            entryPrice: Price(e8: m.entry_price_e8),
            markPrice: Price(e8: m.mark_price_e8),
            notional: Quote(e6: m.notional_e6),
            unrealisedPnl: Quote(e6: m.unrealised_pnl_e6),
            maintenance: Quote(e6: m.maintenance_e6),
            liquidationPrice: WireRead.optionalPrice(m.liquidation_price_e8),
            bankruptcyPrice: WireRead.optionalPrice(m.bankruptcy_price_e8),
            marginMode: try MarginMode(c: m.margin_mode, "PositionView.margin_mode"),
            isolatedMargin: Quote(e6: m.isolated_margin_e6),
            scopeRatio: m.has_scope_ratio != 0 ? Rate(ppm: m.scope_ratio_ppm) : nil)
    }
}

extension Message.StatusView: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__StatusView> {
        arena.message(tranche__v1__status_view__init) {
            $0.shard_count = shardCount
            ($0.n_workers, $0.workers) = WireWrite.list(workers, in: arena)
            ($0.n_breakers, $0.breakers) = WireWrite.list(breakers, in: arena)
            $0.fund_balance_e6 = fundBalance.e6
            $0.insecure = insecure ? 1 : 0
        }
    }

    init(c m: Tranche__V1__StatusView) throws(WireDecodeError) {
        self.init(
            shardCount: m.shard_count,
            workers: try WireRead.list(m.n_workers, m.workers, "StatusView.workers"),
            breakers: try WireRead.list(m.n_breakers, m.breakers, "StatusView.breakers"),
            fundBalance: Quote(e6: m.fund_balance_e6), insecure: m.insecure != 0)
    }
}

extension Message.WorkerView: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__WorkerView> {
        arena.message(tranche__v1__worker_view__init) {
            $0.worker_id = arena.string(workerID)
            $0.alive = WireWrite.bool(alive)
            $0.n_shards = shards.count
            $0.shards = arena.array(shards)
            $0.accounts = accounts
        }
    }

    init(c m: Tranche__V1__WorkerView) throws(WireDecodeError) {
        self.init(
            workerID: try WireRead.string(m.worker_id, "WorkerView.worker_id"),
            alive: WireRead.bool(m.alive),
            shards: WireRead.scalars(m.n_shards, m.shards),
            accounts: m.accounts)
    }
}

extension Message.BreakerView: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__BreakerView> {
        arena.message(tranche__v1__breaker_view__init) {
            $0.market = arena.string(market.symbol)
            $0.level = level.c
            $0.reason = reason.c
            $0.sequence = sequence
            $0.since_ns = since.nanoseconds
        }
    }

    init(c m: Tranche__V1__BreakerView) throws(WireDecodeError) {
        self.init(
            market: try WireRead.market(m.market, "BreakerView.market"),
            level: try BreakerLevel(c: m.level, "BreakerView.level"),
            reason: try coreEnum(m.reason, "BreakerView.reason"),
            sequence: m.sequence,
            since: Instant(nanoseconds: m.since_ns))
    }
}

extension Message.FundView: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__FundView> {
        arena.message(tranche__v1__fund_view__init) {
            $0.balance_e6 = balance.e6
            ($0.n_entries, $0.entries) = WireWrite.list(entries, in: arena)
            ($0.n_backstop, $0.backstop) = WireWrite.list(backstop, in: arena)
        }
    }

    init(c m: Tranche__V1__FundView) throws(WireDecodeError) {
        self.init(
            balance: Quote(e6: m.balance_e6),
            entries: try WireRead.list(m.n_entries, m.entries, "FundView.entries"),
            backstop: try WireRead.list(m.n_backstop, m.backstop, "FundView.backstop"))
    }
}

extension Message.BackstopPositionView: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__BackstopPositionView> {
        arena.message(tranche__v1__backstop_position_view__init) {
            $0.market = arena.string(market.symbol)
            $0.size_e8 = size.e8
            $0.entry_price_e8 = entryPrice.e8
            $0.mark_price_e8 = markPrice?.e8 ?? 0
            $0.unrealised_pnl_e6 = unrealisedPnl.e6
        }
    }

    init(c m: Tranche__V1__BackstopPositionView) throws(WireDecodeError) {
        self.init(market: try WireRead.market(m.market, "BackstopPositionView.market"), size: Size(e8: m.size_e8), entryPrice: Price(e8: m.entry_price_e8),
                  markPrice: WireRead.optionalPrice(m.mark_price_e8), unrealisedPnl: Quote(e6: m.unrealised_pnl_e6))
    }
}

extension Message.LedgerEntryView: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__LedgerEntryView> {
        arena.message(tranche__v1__ledger_entry_view__init) {
            $0.sequence = sequence
            $0.from = arena.string(from)
            $0.to = arena.string(to)
            $0.amount_e6 = amount.e6
            $0.reason = arena.string(reason)
            $0.account_id = account?.rawValue ?? 0
            $0.at_ns = at.nanoseconds
        }
    }

    init(c m: Tranche__V1__LedgerEntryView) throws(WireDecodeError) {
        self.init(
            sequence: m.sequence,
            from: try WireRead.string(m.from, "LedgerEntryView.from"),
            to: try WireRead.string(m.to, "LedgerEntryView.to"),
            amount: Quote(e6: m.amount_e6),
            reason: try WireRead.string(m.reason, "LedgerEntryView.reason"),
            account: WireRead.optionalAccount(m.account_id),
            at: Instant(nanoseconds: m.at_ns))
    }
}

extension Message.BreakerList: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__BreakerList> {
        arena.message(tranche__v1__breaker_list__init) {
            ($0.n_breakers, $0.breakers) = WireWrite.list(breakers, in: arena)
        }
    }

    init(c m: Tranche__V1__BreakerList) throws(WireDecodeError) {
        self.init(breakers: try WireRead.list(m.n_breakers, m.breakers, "BreakerList.breakers"))
    }
}

extension Message.AccountList: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__AccountList> {
        arena.message(tranche__v1__account_list__init) {
            ($0.n_accounts, $0.accounts) = WireWrite.list(accounts, in: arena)
            $0.truncated = WireWrite.bool(truncated)
            $0.n_missing_workers = missingWorkers.count
            $0.missing_workers = arena.array(missingWorkers.map { Optional(arena.string($0)) })
        }
    }

    init(c m: Tranche__V1__AccountList) throws(WireDecodeError) {
        var missing: [String] = []
        if m.n_missing_workers > 0, let items = m.missing_workers {
            for i in 0..<m.n_missing_workers { missing.append(try WireRead.string(items[i], "AccountList.missing_workers")) }
        }
        self.init(accounts: try WireRead.list(m.n_accounts, m.accounts, "AccountList.accounts"), truncated: m.truncated != 0, missingWorkers: missing)
    }
}

extension Message.AccountListing: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__AccountListing> {
        arena.message(tranche__v1__account_listing__init) {
            $0.worker_id = arena.string(workerID)
            $0.account = account.makeC(in: arena)
        }
    }

    init(c m: Tranche__V1__AccountListing) throws(WireDecodeError) {
        self.init(workerID: try WireRead.string(m.worker_id, "AccountListing.worker_id"), account: try WireRead.required(m.account, "AccountListing.account"))
    }
}
