internal import CTrancheProto
import TrancheCore

// Ledger postings ↔ protobuf-c (control.proto).

extension LedgerAccount: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__LedgerAccount> {
        arena.message(tranche__v1__ledger_account__init) {
            switch self {
            case .external:
                $0.kind = TRANCHE__V1__LEDGER_ACCOUNT_KIND__LEDGER_ACCOUNT_KIND_EXTERNAL
            case .trader(let account):
                $0.kind = TRANCHE__V1__LEDGER_ACCOUNT_KIND__LEDGER_ACCOUNT_KIND_TRADER
                $0.account_id = account.rawValue
            case .insuranceFund:
                $0.kind = TRANCHE__V1__LEDGER_ACCOUNT_KIND__LEDGER_ACCOUNT_KIND_INSURANCE_FUND
            case .venue(let market):
                $0.kind = TRANCHE__V1__LEDGER_ACCOUNT_KIND__LEDGER_ACCOUNT_KIND_VENUE
                $0.market = arena.string(market.symbol)
            case .fees:
                $0.kind = TRANCHE__V1__LEDGER_ACCOUNT_KIND__LEDGER_ACCOUNT_KIND_FEES
            }
        }
    }

    /// Rejects a kind without the value it needs (TRADER: a non-zero account id,
    /// VENUE: a market) and a value its kind does not have: money moved to the wrong
    /// account is worse than a message refused.
    init(c m: Tranche__V1__LedgerAccount) throws(WireDecodeError) {
        let account = WireRead.optionalAccount(m.account_id)
        let market = try WireRead.optionalMarket(m.market, "LedgerAccount.market")
        switch m.kind {
        case TRANCHE__V1__LEDGER_ACCOUNT_KIND__LEDGER_ACCOUNT_KIND_EXTERNAL:
            self = .external
        case TRANCHE__V1__LEDGER_ACCOUNT_KIND__LEDGER_ACCOUNT_KIND_TRADER:
            guard let account else {
                throw .inconsistentField(field: "LedgerAccount.account_id", detail: "a TRADER account needs a non-zero account id")
            }
            self = .trader(account)
        case TRANCHE__V1__LEDGER_ACCOUNT_KIND__LEDGER_ACCOUNT_KIND_INSURANCE_FUND:
            self = .insuranceFund
        case TRANCHE__V1__LEDGER_ACCOUNT_KIND__LEDGER_ACCOUNT_KIND_VENUE:
            guard let market else {
                throw .inconsistentField(field: "LedgerAccount.market", detail: "a VENUE account needs a market")
            }
            self = .venue(market)
        case TRANCHE__V1__LEDGER_ACCOUNT_KIND__LEDGER_ACCOUNT_KIND_FEES:
            self = .fees
        default:
            throw invalid(m.kind, "LedgerAccount.kind")
        }
        if case .trader = self {} else if account != nil {
            throw .inconsistentField(field: "LedgerAccount.account_id", detail: "only a TRADER account has one, not \(self)")
        }
        if case .venue = self {} else if market != nil {
            throw .inconsistentField(field: "LedgerAccount.market", detail: "only a VENUE account has one, not \(self)")
        }
    }
}

extension LedgerTransfer: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__LedgerTransfer> {
        arena.message(tranche__v1__ledger_transfer__init) {
            $0.from = from.makeC(in: arena)
            $0.to = to.makeC(in: arena)
            $0.amount_e6 = amount.e6
            $0.reason = reason.c
            $0.account_id = account?.rawValue ?? 0
        }
    }

    init(c m: Tranche__V1__LedgerTransfer) throws(WireDecodeError) {
        self.init(
            from: try WireRead.required(m.from, "LedgerTransfer.from"),
            to: try WireRead.required(m.to, "LedgerTransfer.to"),
            amount: Quote(e6: m.amount_e6),
            reason: try coreEnum(m.reason, "LedgerTransfer.reason"),
            account: WireRead.optionalAccount(m.account_id))
    }
}

extension Message.LedgerPosting: WireMessage {
    func makeC(in arena: PackArena) -> UnsafeMutablePointer<Tranche__V1__LedgerPosting> {
        arena.message(tranche__v1__ledger_posting__init) {
            ($0.n_transfers, $0.transfers) = WireWrite.list(transfers, in: arena)
            $0.at_ns = at.nanoseconds
        }
    }

    init(c m: Tranche__V1__LedgerPosting) throws(WireDecodeError) {
        self.init(
            transfers: try WireRead.list(m.n_transfers, m.transfers, "LedgerPosting.transfers"),
            at: Instant(nanoseconds: m.at_ns))
    }
}
