/// Which accounts the exogenous price paths alone would make liquidatable: the baseline
/// against which `SimulationSummary.cascadeLiquidations` counts the liquidations the
/// cluster caused by its own impact on marks.
public enum CascadeAnalysis {
    /// The accounts that, kept exactly as given (no liquidation, no top-up, no trade),
    /// have some scope with equity < maintenance at some sample point of `paths`.
    ///
    /// Every market's path is sampled on the same time grid (point i of every path is the
    /// same instant), so marks of all markets move together. Every market of `markets`
    /// needs a path, and all paths need the same, non-zero length.
    ///
    /// A scope holding one position depends on one market only, so it is decided from
    /// that market's extreme (min for a long, max for a short) against the position's
    /// liquidation price, in O(1) once the path is sorted. Other scopes (cross with
    /// several positions, whose liquidation may need several markets to move at once)
    /// are evaluated with `MarginCalculator.scopeMetrics` at every time point. Both give
    /// exactly what evaluating every scope at every point gives.
    public static func liquidatableOnExogenousPath(accounts: [Account], markets: [MarketSpec], paths: [MarketID: [Price]]) throws -> Set<AccountID> {
        let grid = try PathGrid(markets: markets, paths: paths)
        var result = Set<AccountID>()
        for account in accounts where try isLiquidatable(account, on: grid) {
            result.insert(account.id)
        }
        return result
    }

    /// How a scope is decided.
    enum Method: Equatable {
        /// One position: its liquidation price against its market's extreme.
        case singlePosition
        /// Every time point evaluated.
        case everyPoint
    }

    /// The fast path applies to a scope that holds exactly one position.
    static func method(for account: Account, _ scope: MarginScope) -> Method {
        account.positions(in: scope).count == 1 ? .singlePosition : .everyPoint
    }

    static func isLiquidatable(_ account: Account, on grid: PathGrid) throws -> Bool {
        for scope in account.scopes {
            let liquidatable: Bool
            switch method(for: account, scope) {
            case .singlePosition: liquidatable = try singlePositionScope(account, scope, on: grid)
            case .everyPoint: liquidatable = try everyPoint(account, scope, on: grid)
            }
            if liquidatable { return true }
        }
        return false
    }

    /// Evaluates the scope at every time point, stopping at the first liquidatable one.
    static func everyPoint(_ account: Account, _ scope: MarginScope, on grid: PathGrid) throws -> Bool {
        var ctx = grid.context
        for i in 0..<grid.length {
            for (market, path) in grid.paths { ctx.setMark(path[i], for: market) }
            if try MarginCalculator.scopeMetrics(account, scope, ctx).isLiquidatable { return true }
        }
        return false
    }

    /// A one-position scope depends on its market's mark only, so the time order does not
    /// matter: only the distinct prices its path visits. The liquidation price L (the
    /// exact root of equity = maintenance, rounded) splits them; the integer maths, whose
    /// roundings move equity and maintenance by a few quantums, can only disagree with L
    /// within `roundingSlack` of it. So, for a long: scan the visited prices upward from
    /// the minimum, while they are ≤ L + slack, and stop at the first liquidatable one.
    /// The minimum decides alone unless it sits in that sliver; then a few prices are
    /// evaluated. A short mirrors it from the maximum down.
    static func singlePositionScope(_ account: Account, _ scope: MarginScope, on grid: PathGrid) throws -> Bool {
        guard let position = account.positions(in: scope).first else { return false }
        let spec = try grid.context.market(position.market)
        guard let visited = grid.sortedPrices[position.market] else { throw MarginError.missingMark(position.market) }
        // The liquidation price of a lone position does not depend on the marks: the rest
        // of its scope is only its capital (collateral or isolated margin).
        let metrics = try MarginCalculator.metrics(account, grid.context)
        guard let liquidationPrice = metrics.positions.first(where: { $0.position.market == position.market })?.liquidationPrice else {
            // No positive root (or none the bracket search could place): rare, decided exactly.
            return try everyPoint(account, scope, on: grid)
        }
        let slack = roundingSlack(size: position.size, spec: spec)
        var ctx = grid.context
        func liquidatable(at price: Price) throws -> Bool {
            ctx.setMark(price, for: position.market)
            return try MarginCalculator.scopeMetrics(account, scope, ctx).isLiquidatable
        }
        if position.size.e8 > 0 {
            let limit = liquidationPrice.e8.addingReportingOverflow(slack).overflow ? Int64.max : liquidationPrice.e8 + slack
            for price in visited {
                if price.e8 > limit { break }
                if try liquidatable(at: price) { return true }
            }
        } else {
            let limit = liquidationPrice.e8 - slack  // both positive: no overflow
            for price in visited.reversed() {
                if price.e8 < limit { break }
                if try liquidatable(at: price) { return true }
            }
        }
        return false
    }

    /// Distance in price (10^-8) beyond the liquidation price past which a lone position is
    /// certainly not liquidatable in the integer maths.
    ///
    /// Equity − maintenance, as a real function g of the mark p, moves by at least
    /// |s|·(1 − MMR_max) / 10^10 quantums per 10^-8 of price. The integer evaluation differs
    /// from g by less than 1 quantum for each of: PnL rounded down, notional rounded up,
    /// maintenance rounded up, the bracket chosen on the rounded notional, and one per
    /// bracket floor crossed (amounts make maintenance continuous to the quantum, not
    /// exactly). Slack = 4 × that bound / slope, rounded up, plus 2 for L's own rounding.
    static func roundingSlack(size: Size, spec: MarketSpec) -> Int64 {
        let quantums = Int128(4 * (spec.brackets.count + 4))
        let maxRate = Int128(spec.brackets.map(\.maintenanceMarginRate.ppm).max() ?? 0)
        let absSize = Int128(size.e8.magnitude)
        let denominator = absSize * (Int128(Precision.rateScale) - maxRate)
        guard denominator > 0 else { return Int64.max }
        let numerator = quantums * Int128(Precision.rateScale) * Precision.notionalDivisor
        // Rounded up: a wider sliver only costs evaluations, a narrower one would be wrong.
        let slack = (numerator + denominator - 1) / denominator + 2
        return Int64(exactly: slack) ?? Int64.max
    }
}

extension CascadeAnalysis {
    /// The exogenous paths on their common time grid, with what both methods need.
    struct PathGrid {
        /// Path of every market, all of `length` points.
        var paths: [(MarketID, [Price])]
        var length: Int
        /// Markets with the marks of the first point (a base to overwrite marks in).
        var context: MarginContext
        /// Distinct prices each path visits, ascending.
        var sortedPrices: [MarketID: [Price]]

        init(markets: [MarketSpec], paths byMarket: [MarketID: [Price]]) throws {
            var length: Int?
            var paths: [(MarketID, [Price])] = []
            for spec in markets {
                guard let path = byMarket[spec.id] else {
                    throw ConfigurationError(field: "paths.\(spec.id)", reason: "no path for market \(spec.id)")
                }
                if path.isEmpty { throw ConfigurationError(field: "paths.\(spec.id)", reason: "the path has no point") }
                if let n = length, n != path.count {
                    throw ConfigurationError(field: "paths.\(spec.id)", reason: "\(path.count) points, but other paths have \(n): paths share one time grid")
                }
                length = path.count
                paths.append((spec.id, path))
            }
            guard let n = length else { throw ConfigurationError(field: "markets", reason: "at least one market is required") }
            self.paths = paths
            self.length = n
            context = MarginContext(markets: markets, marks: Dictionary(paths.map { ($0.0, $0.1[0]) }, uniquingKeysWith: { a, _ in a }))
            var sorted: [MarketID: [Price]] = [:]
            for (market, path) in paths {
                var distinct: [Price] = []
                for p in path.sorted() where distinct.last != p { distinct.append(p) }
                sorted[market] = distinct
            }
            sortedPrices = sorted
        }
    }
}
