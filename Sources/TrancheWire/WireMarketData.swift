internal import CTrancheProto
import TrancheCore

// Market data ↔ protobuf-c (market.proto).

extension Message.MarkPrice: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__MarkPrice> {
        arena.message(tranche__v1__mark_price__init) {
            $0.market = arena.string(market.symbol)
            $0.price_e8 = price.e8
            $0.sequence = sequence
            $0.at_ns = at.nanoseconds
        }
    }

    init(c m: Tranche__V1__MarkPrice) throws(WireDecodeError) {
        self.init(
            market: try WireRead.market(m.market, "MarkPrice.market"),
            price: Price(e8: m.price_e8),
            sequence: m.sequence,
            at: Instant(nanoseconds: m.at_ns))
    }
}

extension Message.DepthSummary: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__DepthSummary> {
        arena.message(tranche__v1__depth_summary__init) {
            $0.market = arena.string(market.symbol)
            $0.fair_price_e8 = fairPrice.e8
            $0.best_bid_e8 = bestBid?.e8 ?? 0
            $0.best_ask_e8 = bestAsk?.e8 ?? 0
            $0.bid_depth_in_band_e6 = bidDepthInBand.e6
            $0.ask_depth_in_band_e6 = askDepthInBand.e6
            $0.band_ppm = band.ppm
            $0.at_ns = at.nanoseconds
        }
    }

    init(c m: Tranche__V1__DepthSummary) throws(WireDecodeError) {
        self.init(
            market: try WireRead.market(m.market, "DepthSummary.market"),
            fairPrice: Price(e8: m.fair_price_e8),
            bestBid: WireRead.optionalPrice(m.best_bid_e8),
            bestAsk: WireRead.optionalPrice(m.best_ask_e8),
            bidDepthInBand: Quote(e6: m.bid_depth_in_band_e6),
            askDepthInBand: Quote(e6: m.ask_depth_in_band_e6),
            band: Rate(ppm: m.band_ppm),
            at: Instant(nanoseconds: m.at_ns))
    }
}
