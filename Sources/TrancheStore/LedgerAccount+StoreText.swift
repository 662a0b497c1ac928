import TrancheCore

extension LedgerAccount {
    /// Parses the stored name, which is `description` ("external", "trader:42", "venue:BTC-PERP").
    init?(storeText text: String) {
        switch text {
        case "external": self = .external
        case "insurance-fund": self = .insuranceFund
        case "fees": self = .fees
        default:
            if text.hasPrefix("trader:"), let id = UInt64(text.dropFirst("trader:".count)) {
                self = .trader(AccountID(id))
            } else if text.hasPrefix("venue:"), text.count > "venue:".count {
                self = .venue(MarketID(String(text.dropFirst("venue:".count))))
            } else {
                return nil
            }
        }
    }
}
