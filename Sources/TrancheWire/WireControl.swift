internal import CTrancheProto
import TrancheCore

// Control plane ↔ protobuf-c (control.proto). The ledger posting is in
// WireLedger.swift, the cluster event in WireClusterEvent.swift.

extension Message.BreakerState: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__BreakerState> {
        arena.message(tranche__v1__breaker_state__init) {
            $0.market = arena.string(market.symbol)
            $0.level = level.c
            $0.reason = reason.c
            $0.sequence = sequence
            $0.step_scale_ppm = stepScale.ppm
            $0.interval_scale_ppm = intervalScale.ppm
            $0.since_ns = since.nanoseconds
            $0.price_band_ppm = priceBand?.ppm ?? 0
            $0.max_step_fraction_ppm = maxStepFraction?.ppm ?? 0
        }
    }

    init(c m: Tranche__V1__BreakerState) throws(WireDecodeError) {
        self.init(
            market: try WireRead.market(m.market, "BreakerState.market"),
            level: try BreakerLevel(c: m.level, "BreakerState.level"),
            reason: try coreEnum(m.reason, "BreakerState.reason"),
            sequence: m.sequence,
            stepScale: Rate(ppm: m.step_scale_ppm),
            intervalScale: Rate(ppm: m.interval_scale_ppm),
            since: Instant(nanoseconds: m.since_ns),
            priceBand: WireRead.optionalRate(m.price_band_ppm),
            maxStepFraction: WireRead.optionalRate(m.max_step_fraction_ppm))
    }
}

extension Message.InsuranceFundEvent: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__InsuranceFundEvent> {
        arena.message(tranche__v1__insurance_fund_event__init) {
            $0.kind = kind.c
            $0.account_id = account?.rawValue ?? 0
            $0.market = arena.string(market?.symbol ?? "")
            $0.amount_e6 = amount.e6
            $0.balance_after_e6 = balanceAfter.e6
            $0.tranche = tranche?.makeC(in: arena)
            $0.at_ns = at.nanoseconds
        }
    }

    init(c m: Tranche__V1__InsuranceFundEvent) throws(WireDecodeError) {
        self.init(
            kind: try coreEnum(m.kind, "InsuranceFundEvent.kind"),
            account: WireRead.optionalAccount(m.account_id),
            market: try WireRead.optionalMarket(m.market, "InsuranceFundEvent.market"),
            amount: Quote(e6: m.amount_e6),
            balanceAfter: Quote(e6: m.balance_after_e6),
            tranche: try WireRead.optional(m.tranche),
            at: Instant(nanoseconds: m.at_ns))
    }
}

extension Message.LiquidationEvent: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__LiquidationEvent> {
        arena.message(tranche__v1__liquidation_event__init) {
            $0.account_id = account.rawValue
            $0.scope = WireWrite.scope(scope, in: arena)
            $0.phase = phase.c
            $0.tranche_index = trancheIndex
            $0.tranche_count = trancheCount
            $0.detail = arena.string(detail)
            $0.at_ns = at.nanoseconds
        }
    }

    init(c m: Tranche__V1__LiquidationEvent) throws(WireDecodeError) {
        self.init(
            account: AccountID(m.account_id),
            scope: try WireRead.scope(m.scope, "LiquidationEvent.scope"),
            phase: try LiquidationPhase(c: m.phase, "LiquidationEvent.phase"),
            trancheIndex: m.tranche_index,
            trancheCount: m.tranche_count,
            detail: try WireRead.string(m.detail, "LiquidationEvent.detail"),
            at: Instant(nanoseconds: m.at_ns))
    }
}

extension Message.Heartbeat: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__Heartbeat> {
        arena.message(tranche__v1__heartbeat__init) {
            $0.worker_id = arena.string(workerID)
            $0.epoch = epoch
            $0.accounts = accounts
            $0.at_ns = at.nanoseconds
            $0.cluster_id = arena.string(clusterID)
        }
    }

    init(c m: Tranche__V1__Heartbeat) throws(WireDecodeError) {
        self.init(
            workerID: try WireRead.string(m.worker_id, "Heartbeat.worker_id"),
            epoch: m.epoch,
            accounts: m.accounts,
            at: Instant(nanoseconds: m.at_ns),
            clusterID: try WireRead.string(m.cluster_id, "Heartbeat.cluster_id"))
    }
}

extension Message.WorkerRegister: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__WorkerRegister> {
        arena.message(tranche__v1__worker_register__init) {
            $0.worker_id = arena.string(workerID)
            $0.cluster_id = arena.string(clusterID)
        }
    }

    init(c m: Tranche__V1__WorkerRegister) throws(WireDecodeError) {
        self.init(workerID: try WireRead.string(m.worker_id, "WorkerRegister.worker_id"),
                  clusterID: try WireRead.string(m.cluster_id, "WorkerRegister.cluster_id"))
    }
}

extension Message.ShardAssignment: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__ShardAssignment> {
        arena.message(tranche__v1__shard_assignment__init) {
            $0.worker_id = arena.string(workerID)
            $0.epoch = epoch
            $0.n_shards = shards.count
            $0.shards = arena.array(shards)
            $0.n_shard_epochs = shardEpochs.count
            $0.shard_epochs = arena.array(shardEpochs)
        }
    }

    init(c m: Tranche__V1__ShardAssignment) throws(WireDecodeError) {
        self.init(
            workerID: try WireRead.string(m.worker_id, "ShardAssignment.worker_id"),
            epoch: m.epoch,
            shards: WireRead.scalars(m.n_shards, m.shards),
            shardEpochs: WireRead.scalars(m.n_shard_epochs, m.shard_epochs))
    }
}

extension Message.AdlCandidatesRequest: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__AdlCandidatesRequest> {
        arena.message(tranche__v1__adl_candidates_request__init) {
            $0.request_id = requestID
            $0.market = arena.string(market.symbol)
            $0.side_needed = sideNeeded.c
            $0.size_needed_e8 = sizeNeeded.e8
        }
    }

    init(c m: Tranche__V1__AdlCandidatesRequest) throws(WireDecodeError) {
        self.init(
            requestID: m.request_id,
            market: try WireRead.market(m.market, "AdlCandidatesRequest.market"),
            sideNeeded: try Side(c: m.side_needed, "AdlCandidatesRequest.side_needed"),
            sizeNeeded: Size(e8: m.size_needed_e8))
    }
}

extension Message.AdlCandidates: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__AdlCandidates> {
        arena.message(tranche__v1__adl_candidates__init) {
            $0.request_id = requestID
            ($0.n_candidates, $0.candidates) = WireWrite.list(candidates, in: arena)
        }
    }

    init(c m: Tranche__V1__AdlCandidates) throws(WireDecodeError) {
        self.init(
            requestID: m.request_id,
            candidates: try WireRead.list(m.n_candidates, m.candidates, "AdlCandidates.candidates"))
    }
}

extension Message.AdlCandidate: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__AdlCandidate> {
        arena.message(tranche__v1__adl_candidate__init) {
            $0.account_id = account.rawValue
            $0.market = arena.string(market.symbol)
            $0.size_e8 = size.e8
            $0.entry_price_e8 = entryPrice.e8
            $0.score_ppm = score.ppm
        }
    }

    init(c m: Tranche__V1__AdlCandidate) throws(WireDecodeError) {
        self.init(
            account: AccountID(m.account_id),
            market: try WireRead.market(m.market, "AdlCandidate.market"),
            size: Size(e8: m.size_e8),
            entryPrice: Price(e8: m.entry_price_e8),
            score: Rate(ppm: m.score_ppm))
    }
}

extension Message.AdlInstruction: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__AdlInstruction> {
        arena.message(tranche__v1__adl_instruction__init) {
            $0.request_id = requestID
            $0.account_id = account.rawValue
            $0.market = arena.string(market.symbol)
            $0.size_e8 = size.e8
            $0.price_e8 = price.e8
            $0.bankrupt_account_id = bankruptAccount.rawValue
        }
    }

    init(c m: Tranche__V1__AdlInstruction) throws(WireDecodeError) {
        self.init(
            requestID: m.request_id,
            account: AccountID(m.account_id),
            market: try WireRead.market(m.market, "AdlInstruction.market"),
            size: Size(e8: m.size_e8),
            price: Price(e8: m.price_e8),
            bankruptAccount: AccountID(m.bankrupt_account_id))
    }
}

extension Message.BankruptcyNotice: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__BankruptcyNotice> {
        arena.message(tranche__v1__bankruptcy_notice__init) {
            $0.tranche = tranche.makeC(in: arena)
            $0.scope = WireWrite.scope(scope, in: arena)
            $0.position_side = positionSide.c
            $0.size_e8 = size.e8
            $0.bankruptcy_price_e8 = bankruptcyPrice.e8
            $0.mark_price_e8 = markPrice.e8
            $0.expected_deficit_e6 = expectedDeficit.e6
            $0.at_ns = at.nanoseconds
        }
    }

    init(c m: Tranche__V1__BankruptcyNotice) throws(WireDecodeError) {
        self.init(
            tranche: try WireRead.required(m.tranche, "BankruptcyNotice.tranche"),
            scope: try WireRead.scope(m.scope, "BankruptcyNotice.scope"),
            positionSide: try Side(c: m.position_side, "BankruptcyNotice.position_side"),
            size: Size(e8: m.size_e8),
            bankruptcyPrice: Price(e8: m.bankruptcy_price_e8),
            markPrice: Price(e8: m.mark_price_e8),
            expectedDeficit: Quote(e6: m.expected_deficit_e6),
            at: Instant(nanoseconds: m.at_ns))
    }
}

extension Message.BankruptcyDecision: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__BankruptcyDecision> {
        arena.message(tranche__v1__bankruptcy_decision__init) {
            $0.tranche = tranche.makeC(in: arena)
            $0.adl_size_e8 = adlSize.e8
            $0.book_size_e8 = bookSize.e8
            $0.at_ns = at.nanoseconds
        }
    }

    init(c m: Tranche__V1__BankruptcyDecision) throws(WireDecodeError) {
        self.init(
            tranche: try WireRead.required(m.tranche, "BankruptcyDecision.tranche"),
            adlSize: Size(e8: m.adl_size_e8),
            bookSize: Size(e8: m.book_size_e8),
            at: Instant(nanoseconds: m.at_ns))
    }
}

extension Message.TakeoverNotice: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__TakeoverNotice> {
        arena.message(tranche__v1__takeover_notice__init) {
            $0.tranche = tranche?.makeC(in: arena)
            $0.account_id = account.rawValue
            $0.market = arena.string(market.symbol)
            $0.size_e8 = size.e8
            $0.model_price_e8 = modelPrice.e8
            $0.at_ns = at.nanoseconds
            $0.clearance_fee_e6 = clearanceFee.e6
        }
    }

    init(c m: Tranche__V1__TakeoverNotice) throws(WireDecodeError) {
        self.init(
            tranche: try WireRead.optional(m.tranche),
            account: AccountID(m.account_id),
            market: try WireRead.market(m.market, "TakeoverNotice.market"),
            size: Size(e8: m.size_e8),
            modelPrice: Price(e8: m.model_price_e8),
            at: Instant(nanoseconds: m.at_ns),
            clearanceFee: Quote(e6: m.clearance_fee_e6))
    }
}

extension Message.FundState: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__FundState> {
        arena.message(tranche__v1__fund_state__init) {
            $0.balance_e6 = balance.e6
            $0.available_e6 = available.e6
            $0.uncovered_deficit_e6 = uncoveredDeficit.e6
            $0.sequence = sequence
            $0.at_ns = at.nanoseconds
        }
    }

    init(c m: Tranche__V1__FundState) {
        self.init(
            balance: Quote(e6: m.balance_e6),
            available: Quote(e6: m.available_e6),
            uncoveredDeficit: Quote(e6: m.uncovered_deficit_e6),
            sequence: m.sequence,
            at: Instant(nanoseconds: m.at_ns))
    }
}

extension Message.LiquidationDemand: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__LiquidationDemand> {
        arena.message(tranche__v1__liquidation_demand__init) {
            ($0.n_entries, $0.entries) = WireWrite.list(entries, in: arena)
            $0.at_ns = at.nanoseconds
        }
    }

    init(c m: Tranche__V1__LiquidationDemand) throws(WireDecodeError) {
        self.init(entries: try WireRead.list(m.n_entries, m.entries, "LiquidationDemand.entries"), at: Instant(nanoseconds: m.at_ns))
    }
}

extension Message.LiquidationDemand.Entry: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__LiquidationDemandEntry> {
        arena.message(tranche__v1__liquidation_demand_entry__init) {
            $0.market = arena.string(market.symbol)
            $0.backlog_e6 = backlog.e6
            $0.sell_flow_e6 = sellFlow.e6
            $0.buy_flow_e6 = buyFlow.e6
            ($0.n_tranches, $0.tranches) = WireWrite.list(tranches, in: arena)
            $0.truncated = truncated ? 1 : 0
        }
    }

    init(c m: Tranche__V1__LiquidationDemandEntry) throws(WireDecodeError) {
        self.init(market: try WireRead.market(m.market, "LiquidationDemandEntry.market"), backlog: Quote(e6: m.backlog_e6),
                  sellFlow: Quote(e6: m.sell_flow_e6), buyFlow: Quote(e6: m.buy_flow_e6), tranches: try WireRead.list(m.n_tranches, m.tranches, "LiquidationDemandEntry.tranches"), truncated: m.truncated != 0)
    }
}

extension Message.LiquidationDemand.DueTranche: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__DueTranche> {
        arena.message(tranche__v1__due_tranche__init) {
            $0.margin_ratio_ppm = marginRatioPpm
            $0.account_id = account.rawValue
            $0.notional_e6 = notional.e6
        }
    }

    init(c m: Tranche__V1__DueTranche) throws(WireDecodeError) {
        self.init(marginRatioPpm: m.margin_ratio_ppm, account: AccountID(m.account_id), notional: Quote(e6: m.notional_e6))
    }
}

extension Message.LiquidationBudget: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__LiquidationBudget> {
        arena.message(tranche__v1__liquidation_budget__init) {
            $0.market = arena.string(market.symbol)
            $0.sequence = sequence
            $0.rate_per_second_e6 = ratePerSecond.e6
            $0.has_cutoff = cutoffRatioPpm == nil ? 0 : 1
            $0.cutoff_ratio_ppm = cutoffRatioPpm ?? 0
            $0.cutoff_account_id = cutoffAccount.rawValue
            $0.at_ns = at.nanoseconds
            $0.sell_flow_e6 = sellFlow.e6
            $0.buy_flow_e6 = buyFlow.e6
        }
    }

    init(c m: Tranche__V1__LiquidationBudget) throws(WireDecodeError) {
        self.init(market: try WireRead.market(m.market, "LiquidationBudget.market"), sequence: m.sequence,
                  ratePerSecond: Quote(e6: m.rate_per_second_e6), cutoffRatioPpm: m.has_cutoff != 0 ? m.cutoff_ratio_ppm : nil,
                  cutoffAccount: AccountID(m.cutoff_account_id), at: Instant(nanoseconds: m.at_ns),
                  sellFlow: Quote(e6: m.sell_flow_e6), buyFlow: Quote(e6: m.buy_flow_e6))
    }
}

extension Message.DeliveryAck: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__DeliveryAck> {
        arena.message(tranche__v1__delivery_ack__init) {
            ($0.n_entries, $0.entries) = WireWrite.list(entries, in: arena)
            $0.at_ns = at.nanoseconds
        }
    }

    init(c m: Tranche__V1__DeliveryAck) throws(WireDecodeError) {
        self.init(entries: try WireRead.list(m.n_entries, m.entries, "DeliveryAck.entries"), at: Instant(nanoseconds: m.at_ns))
    }
}

extension Message.DeliveryAck.Entry: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__DeliveryAck__Entry> {
        arena.message(tranche__v1__delivery_ack__entry__init) {
            $0.account_id = account.rawValue
            $0.sequence = sequence
            $0.covered_deficit_e6 = coveredDeficit.e6
        }
    }

    init(c m: Tranche__V1__DeliveryAck__Entry) throws(WireDecodeError) {
        self.init(account: AccountID(m.account_id), sequence: m.sequence, coveredDeficit: Quote(e6: m.covered_deficit_e6))
    }
}

extension Message.AdlApplied: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__AdlApplied> {
        arena.message(tranche__v1__adl_applied__init) {
            $0.request_id = requestID
            $0.account_id = account.rawValue
        }
    }

    init(c m: Tranche__V1__AdlApplied) throws(WireDecodeError) {
        self.init(requestID: m.request_id, account: AccountID(m.account_id))
    }
}
