/// One level of a book's depth profile, relative to the fair price so that the profile
/// moves with it.
public struct DepthLevel: Sendable, Hashable, Codable {
    /// Distance from the fair price as a fraction: a bid level sits at
    /// fair × (1 − offset), an ask level at fair × (1 + offset). At least the half-spread.
    public var offset: Rate
    /// Quote notional resting at the level when the book has fully recovered.
    public var notional: Quote

    public init(offset: Rate, notional: Quote) {
        self.offset = offset
        self.notional = notional
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case offset, notional }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        offset = try c.decode(Rate.self, forKey: .offset)
        notional = try c.decode(Quote.self, forKey: .notional)
    }
}
