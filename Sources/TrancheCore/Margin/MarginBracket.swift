/// One row of a market's notional bracket table (the usual exchange convention):
/// positions whose notional is at least `notionalFloor` use these rates.
///
/// Maintenance = notional × maintenanceMarginRate − maintenanceAmount. The amount is what
/// makes maintenance continuous at each floor; `MarketSpec.validate()` checks it, and
/// `MarketSpec.withContinuousAmounts` computes it.
public struct MarginBracket: Sendable, Codable, Hashable {
    /// Lowest notional (quote) that falls in this bracket; the first bracket starts at 0.
    public var notionalFloor: Quote
    /// Initial-margin rate; 1 / rate is the maximum leverage in the bracket.
    public var initialMarginRate: Rate
    /// Maintenance-margin rate (MMR).
    public var maintenanceMarginRate: Rate
    /// Maintenance amount, subtracted so maintenance is continuous across floors.
    public var maintenanceAmount: Quote

    public init(notionalFloor: Quote, initialMarginRate: Rate, maintenanceMarginRate: Rate, maintenanceAmount: Quote = .zero) {
        self.notionalFloor = notionalFloor
        self.initialMarginRate = initialMarginRate
        self.maintenanceMarginRate = maintenanceMarginRate
        self.maintenanceAmount = maintenanceAmount
    }
}

extension MarginBracket {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case notionalFloor, initialMarginRate, maintenanceMarginRate, maintenanceAmount
    }

    /// A decoded row, remembering whether the amount was written in the file.
    struct Row: Decodable {
        var bracket: MarginBracket
        var amountGiven: Bool
        init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let amount = try c.decodeIfPresent(Quote.self, forKey: .maintenanceAmount)
            amountGiven = amount != nil
            bracket = MarginBracket(
                notionalFloor: try c.decode(Quote.self, forKey: .notionalFloor),
                initialMarginRate: try c.decode(Rate.self, forKey: .initialMarginRate),
                maintenanceMarginRate: try c.decode(Rate.self, forKey: .maintenanceMarginRate),
                maintenanceAmount: amount ?? .zero)
        }
    }
}
