internal import CTrancheProto
import TrancheCore

// Execution ↔ protobuf-c (execution.proto).

extension Message.TrancheOrder: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__TrancheOrder> {
        arena.message(tranche__v1__tranche_order__init) {
            $0.tranche = tranche.makeC(in: arena)
            $0.side = side.cOrderSide
            $0.size_e8 = size.e8
            $0.limit_price_e8 = limitPrice.e8
            $0.mark_price_e8 = markPrice.e8
            $0.epoch = epoch
            $0.shard = shard
            $0.mark_sequence = markSequence
            $0.mark_at_ns = markAt?.nanoseconds ?? 0
        }
    }

    init(c m: Tranche__V1__TrancheOrder) throws(WireDecodeError) {
        self.init(
            tranche: try WireRead.required(m.tranche, "TrancheOrder.tranche"),
            side: try Side(cOrderSide: m.side, "TrancheOrder.side"),
            size: Size(e8: m.size_e8),
            limitPrice: Price(e8: m.limit_price_e8),
            markPrice: Price(e8: m.mark_price_e8),
            epoch: m.epoch,
            shard: m.shard)
        markSequence = m.mark_sequence
        markAt = m.mark_at_ns == 0 ? nil : Instant(nanoseconds: m.mark_at_ns)
    }
}

extension Message.TrancheFill: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__TrancheFill> {
        arena.message(tranche__v1__tranche_fill__init) {
            $0.tranche = tranche.makeC(in: arena)
            $0.filled_size_e8 = filledSize.e8
            $0.vwap_e8 = vwap.e8
            $0.unfilled_size_e8 = unfilledSize.e8
            $0.duplicate = WireWrite.bool(duplicate)
            $0.at_ns = at.nanoseconds
            $0.tick_to_order_ns = tickToOrder?.nanoseconds ?? 0
        }
    }

    init(c m: Tranche__V1__TrancheFill) throws(WireDecodeError) {
        self.init(
            tranche: try WireRead.required(m.tranche, "TrancheFill.tranche"),
            filledSize: Size(e8: m.filled_size_e8),
            vwap: Price(e8: m.vwap_e8),
            unfilledSize: Size(e8: m.unfilled_size_e8),
            duplicate: WireRead.bool(m.duplicate),
            at: Instant(nanoseconds: m.at_ns))
        tickToOrder = m.tick_to_order_ns == 0 ? nil : Duration(nanoseconds: m.tick_to_order_ns)
    }
}

extension Message.FillReport: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__FillReport> {
        arena.message(tranche__v1__fill_report__init) {
            $0.tranche = tranche.makeC(in: arena)
            $0.filled_size_e8 = filledSize.e8
            $0.vwap_e8 = vwap.e8
            $0.fee_e6 = fee.e6
            $0.realised_pnl_e6 = realisedPnl.e6
            $0.deficit_e6 = deficit.e6
            $0.mark_price_e8 = markAtOrder.e8
            $0.at_ns = at.nanoseconds
            $0.order_side = orderSide.cOrderSide
            $0.scope = WireWrite.scope(scope, in: arena)
        }
    }

    init(c m: Tranche__V1__FillReport) throws(WireDecodeError) {
        self.init(
            tranche: try WireRead.required(m.tranche, "FillReport.tranche"),
            filledSize: Size(e8: m.filled_size_e8),
            vwap: Price(e8: m.vwap_e8),
            fee: Quote(e6: m.fee_e6),
            realisedPnl: Quote(e6: m.realised_pnl_e6),
            deficit: Quote(e6: m.deficit_e6),
            markAtOrder: Price(e8: m.mark_price_e8),
            at: Instant(nanoseconds: m.at_ns),
            orderSide: try Side(cOrderSide: m.order_side, "FillReport.order_side"),
            scope: try WireRead.scope(m.scope, "FillReport.scope"))
    }
}
