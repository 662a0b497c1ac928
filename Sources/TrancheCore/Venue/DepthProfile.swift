/// Where a book's resting liquidity sits, per side, relative to the fair price.
///
/// JSON: either the explicit form `{"bids": [{"offset": "0.001", "notional": "50000"}, …],
/// "asks": […]}` or the generated form `{"levelCount": 20, "spacing": "0.001",
/// "notionalPerLevel": "250000", "growth": "0.1"}` (see `GeneratedDepth`).
public enum DepthProfile: Sendable, Hashable {
    /// Levels written out, innermost first; offsets strictly ascending.
    case levels(bids: [DepthLevel], asks: [DepthLevel])
    /// Equally spaced levels, the same on both sides.
    case generated(GeneratedDepth)

    /// The levels of both sides, innermost first, checked. `field` prefixes error paths.
    public func resolve(halfSpread: Rate, field: String) throws(ConfigurationError) -> (bids: [DepthLevel], asks: [DepthLevel]) {
        switch self {
        case .generated(let g):
            let levels = try g.levels(halfSpread: halfSpread, field: field)
            try Self.checkTotal(levels, field: "\(field).notionalPerLevel")
            return (levels, levels)
        case .levels(let bids, let asks):
            try Self.check(bids, halfSpread: halfSpread, field: "\(field).bids")
            try Self.check(asks, halfSpread: halfSpread, field: "\(field).asks")
            return (bids, asks)
        }
    }

    private static func check(_ levels: [DepthLevel], halfSpread: Rate, field: String) throws(ConfigurationError) {
        guard !levels.isEmpty else { throw ConfigurationError(field: field, reason: "at least one level is required") }
        guard levels.count <= 10_000 else { throw ConfigurationError(field: field, reason: "at most 10000 levels, got \(levels.count)") }
        for (k, level) in levels.enumerated() {
            let p = "\(field)[\(k)]"
            if level.offset < halfSpread {
                throw ConfigurationError(field: "\(p).offset", reason: "must be at least the half-spread \(halfSpread), got \(level.offset)")
            }
            if level.offset.ppm >= Precision.rateScale {
                throw ConfigurationError(field: "\(p).offset", reason: "must be below 1, got \(level.offset)")
            }
            if k > 0 && level.offset <= levels[k - 1].offset {
                throw ConfigurationError(field: "\(p).offset", reason: "offsets must be strictly ascending (innermost level first)")
            }
            if !level.notional.isPositive {
                throw ConfigurationError(field: "\(p).notional", reason: "must be positive, got \(level.notional)")
            }
        }
        try checkTotal(levels, field: field)
    }

    /// The book keeps cumulative notionals in 64 bits; the whole side must fit.
    private static func checkTotal(_ levels: [DepthLevel], field: String) throws(ConfigurationError) {
        do { _ = try Quote.sum(levels.map(\.notional)) } catch {
            throw ConfigurationError(field: field, reason: "total notional of the side overflows: \(error)")
        }
    }
}

extension DepthProfile: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case bids, asks, levelCount, spacing, notionalPerLevel, growth
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if c.contains(.bids) || c.contains(.asks) {
            for key in [CodingKeys.levelCount, .spacing, .notionalPerLevel, .growth] where c.contains(key) {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "'\(key.stringValue)' belongs to the generated form; give either bids/asks or levelCount/spacing/notionalPerLevel/growth")
            }
            self = .levels(bids: try c.decode([DepthLevel].self, forKey: .bids), asks: try c.decode([DepthLevel].self, forKey: .asks))
        } else {
            self = .generated(try GeneratedDepth(from: decoder))
        }
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .generated(let g): try g.encode(to: encoder)
        case .levels(let bids, let asks):
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(bids, forKey: .bids)
            try c.encode(asks, forKey: .asks)
        }
    }
}
