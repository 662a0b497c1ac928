import ArgumentParser
import Foundation
import TrancheCore

/// `tranche margin FILE`: evaluates one account at given marks.
struct MarginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "margin",
        abstract: "Evaluate an account: equity, requirements, margin ratio, liquidation and bankruptcy prices, next tranche.",
        discussion: "FILE is JSON with `markets`, `account` and `marks` (see cluster/examples/). Amounts are decimal strings."
    )

    @Argument(help: "JSON file with markets, one account and marks.")
    var file: String

    @Flag(help: "Print one JSON object instead of the table.")
    var json = false

    func run() throws {
        let input = try InputFile.decode(MarginInput.self, from: file)
        let ctx: MarginContext
        do { ctx = try input.validate() } catch { throw InputFile.Failure(description: "\(file): \(error)") }
        let report = try MarginReport(input: input, context: ctx)
        if json { try JSONOutput.print(report) } else { print(report.text) }
    }
}

/// What `tranche margin` prints.
struct MarginReport: Encodable {
    struct ScopeView: Encodable {
        var scope: String
        var equity: Quote
        var maintenance: Quote
        var initialRequirement: Quote
        var notional: Quote
        /// equity / maintenance; null without positions.
        var marginRatio: Rate?
        var shortfall: Quote
        var liquidatable: Bool
        var bankrupt: Bool
    }

    struct PositionView: Encodable {
        var market: String
        var side: Side
        var size: Size
        var entryPrice: Price
        var mark: Price
        var mode: MarginMode
        var isolatedMargin: Quote
        var notional: Quote
        var unrealisedPnl: Quote
        var maintenance: Quote
        var initialRequirement: Quote
        var liquidationPrice: Price?
        var bankruptcyPrice: Price?
    }

    struct TrancheView: Encodable {
        var scope: String
        var market: String
        /// "sell" reduces a long, "buy" reduces a short.
        var order: String
        var size: Size
        var limitPrice: Price
        var markPrice: Price
        var reason: String
        var estimatedFee: Quote
        var estimatedRemainingTranches: Int
        var restoresTarget: Bool
    }

    var account: AccountID
    var policy: String
    var collateral: Quote
    var totalEquity: Quote
    var freeCollateral: Quote
    var withdrawable: Quote
    var scopes: [ScopeView]
    var positions: [PositionView]
    var nextTranches: [TrancheView]

    init(input: MarginInput, context ctx: MarginContext) throws {
        let m = try MarginCalculator.metrics(input.account, ctx)
        let policy = input.policy.policy
        account = m.account
        self.policy = policy.name
        collateral = m.collateral
        totalEquity = m.totalEquity
        freeCollateral = m.freeCollateral
        withdrawable = m.withdrawable
        let scopeMetrics = (m.cross.notional.isPositive ? [m.cross] : []) + m.isolated
        scopes = scopeMetrics.map {
            ScopeView(scope: $0.scope.description, equity: $0.equity, maintenance: $0.maintenance, initialRequirement: $0.initialRequirement,
                      notional: $0.notional, marginRatio: $0.marginRatio, shortfall: $0.shortfall,
                      liquidatable: $0.isLiquidatable, bankrupt: $0.isBankrupt)
        }
        positions = m.positions.map {
            PositionView(market: $0.position.market.symbol, side: $0.position.side, size: $0.position.size, entryPrice: $0.position.entryPrice,
                         mark: $0.mark, mode: $0.position.mode, isolatedMargin: $0.position.isolatedMargin, notional: $0.notional,
                         unrealisedPnl: $0.unrealisedPnl, maintenance: $0.maintenance, initialRequirement: $0.initialRequirement,
                         liquidationPrice: $0.liquidationPrice, bankruptcyPrice: $0.bankruptcyPrice)
        }
        nextTranches = try scopeMetrics.filter(\.isLiquidatable).compactMap { s in
            guard let plan = try policy.nextTranche(account: input.account, scope: s.scope, context: ctx, adjustments: .none) else { return nil }
            return TrancheView(scope: plan.scope.description, market: plan.market.symbol, order: plan.orderSide == .short ? "sell" : "buy",
                               size: plan.size, limitPrice: plan.limitPrice, markPrice: plan.markPrice, reason: plan.reason.rawValue,
                               estimatedFee: plan.estimatedFee, estimatedRemainingTranches: plan.estimatedRemainingTranches,
                               restoresTarget: plan.restoresTarget)
        }
    }

    var text: String {
        var out = "Account \(account)  collateral \(collateral)  total equity \(totalEquity)  free \(freeCollateral)  withdrawable \(withdrawable)\n\n"
        out += Table(["scope", "equity", "maintenance", "initial", "ratio", "shortfall", "state"],
                     scopes.map { [$0.scope, "\($0.equity)", "\($0.maintenance)", "\($0.initialRequirement)",
                                   $0.marginRatio.map { "\($0)" } ?? "-", "\($0.shortfall)",
                                   $0.bankrupt ? "BANKRUPT" : $0.liquidatable ? "LIQUIDATABLE" : "healthy"] }).render()
        out += "\n"
        out += Table(["market", "side", "size", "entry", "mark", "mode", "uPnL", "maint", "liq price", "bankr. price"],
                     positions.map { [$0.market, $0.side.rawValue, "\($0.size)", "\($0.entryPrice)", "\($0.mark)", $0.mode.rawValue,
                                      "\($0.unrealisedPnl)", "\($0.maintenance)", $0.liquidationPrice.map { "\($0)" } ?? "none",
                                      $0.bankruptcyPrice.map { "\($0)" } ?? "none"] }).render()
        if nextTranches.isEmpty {
            out += "\nNo tranche: every scope is at or above maintenance.\n"
        } else {
            out += "\nNext tranche (\(policy)):\n"
            for t in nextTranches {
                out += "  \(t.scope): \(t.order) \(t.size) \(t.market) limit \(t.limitPrice) (mark \(t.markPrice)), reason \(t.reason), "
                out += "fee ≈ \(t.estimatedFee), ≈ \(t.estimatedRemainingTranches) tranche(s) to go\(t.restoresTarget ? ", restores the target" : "")\n"
            }
        }
        return out
    }
}

/// A plain text table with right-aligned numbers.
struct Table {
    var header: [String]
    var rows: [[String]]
    init(_ header: [String], _ rows: [[String]]) { self.header = header; self.rows = rows }

    func render() -> String {
        let all = [header] + rows
        let widths = header.indices.map { i in all.map { $0[i].count }.max() ?? 0 }
        return all.enumerated().map { n, row in
            let line = row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return i == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
            return n == 0 ? line + "\n" + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") : line
        }.joined(separator: "\n") + "\n"
    }
}
