internal import CTrancheProto
import TrancheCore

// The cluster event stream ↔ protobuf-c (control.proto's ClusterEvent). The kind's
// stable numbers are in WireEnums.swift.

extension Message.ClusterEventMessage: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__ClusterEvent> {
        arena.message(tranche__v1__cluster_event__init) {
            $0.kind = event.kind.c
            $0.at_ns = event.at.nanoseconds
            $0.account_id = event.account?.rawValue ?? 0
            $0.market = arena.string(event.market?.symbol ?? "")
            $0.scope = arena.string(event.scope ?? "")
            $0.size_e8 = event.size?.e8 ?? 0
            $0.has_size = WireWrite.bool(event.size != nil)
            $0.price_e8 = event.price?.e8 ?? 0
            $0.amount_e6 = event.amount?.e6 ?? 0
            $0.has_amount = WireWrite.bool(event.amount != nil)
            $0.tranche_sequence = event.tranche ?? 0
            $0.detail = arena.string(event.detail ?? "")
            $0.tick_to_order_ns = event.tickToOrder?.nanoseconds ?? 0
        }
    }

    init(c m: Tranche__V1__ClusterEvent) throws(WireDecodeError) {
        self.init(ClusterEvent(
            at: Instant(nanoseconds: m.at_ns),
            kind: try ClusterEvent.Kind(c: m.kind, "ClusterEvent.kind"),
            account: WireRead.optionalAccount(m.account_id),
            market: try WireRead.optionalMarket(m.market, "ClusterEvent.market"),
            scope: try WireRead.optionalString(m.scope, "ClusterEvent.scope"),
            size: WireRead.bool(m.has_size) ? Size(e8: m.size_e8) : nil,
            price: WireRead.optionalPrice(m.price_e8),
            amount: WireRead.bool(m.has_amount) ? Quote(e6: m.amount_e6) : nil,
            tranche: m.tranche_sequence == 0 ? nil : m.tranche_sequence,
            detail: try WireRead.optionalString(m.detail, "ClusterEvent.detail"),
            tickToOrder: m.tick_to_order_ns == 0 ? nil : Duration(nanoseconds: m.tick_to_order_ns)))
    }
}
