internal import CTrancheProto
import TrancheCore

extension TrancheID: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__TrancheRef> {
        arena.message(tranche__v1__tranche_ref__init) {
            $0.account_id = account.rawValue
            $0.market = arena.string(market.symbol)
            $0.sequence = sequence
        }
    }

    init(c m: Tranche__V1__TrancheRef) throws(WireDecodeError) {
        self.init(
            account: AccountID(m.account_id),
            market: try WireRead.market(m.market, "TrancheRef.market"),
            sequence: m.sequence)
    }
}
