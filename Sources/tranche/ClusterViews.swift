import Foundation
import TrancheCore

// JSON forms of the cluster's answers (amounts as exact decimal strings).

func json(_ v: Message.AccountView) -> [String: Any] {
    var o: [String: Any] = [
        "account": v.account.rawValue, "collateral": v.collateral.description, "equity": v.equity.description,
        "maintenance": v.maintenance.description, "initial": v.initial.description, "freeCollateral": v.freeCollateral.description,
        "withdrawable": v.withdrawable.description, "phase": v.phase.rawValue, "trancheIndex": v.trancheIndex, "trancheCount": v.trancheCount,
    ]
    o["marginRatio"] = v.marginRatio.map { $0.description } ?? NSNull()
    o["positions"] = v.positions.map { p -> [String: Any] in
        [
            "market": p.market.symbol, "size": p.size.description, "entryPrice": p.entryPrice.description, "mark": p.markPrice.description,
            "notional": p.notional.description, "unrealisedPnl": p.unrealisedPnl.description, "maintenance": p.maintenance.description,
            "liquidationPrice": p.liquidationPrice.map { $0.description } ?? NSNull(),
            "bankruptcyPrice": p.bankruptcyPrice.map { $0.description } ?? NSNull(),
            "mode": p.marginMode.rawValue, "isolatedMargin": p.isolatedMargin.description,
            "scopeRatio": p.scopeRatio.map { $0.description } ?? NSNull(),
        ]
    }
    return o
}

func text(_ v: Message.AccountView) -> String {
    var out = "Account \(v.account): \(v.phase.rawValue)" + (v.trancheCount > 0 ? " (tranche \(v.trancheIndex) of ~\(v.trancheCount))" : "") + "\n"
    out += "  collateral \(v.collateral)  equity \(v.equity)  maintenance \(v.maintenance)  initial \(v.initial)  "
    out += "ratio \(v.marginRatio.map { "\($0)" } ?? "-")  free \(v.freeCollateral)  withdrawable \(v.withdrawable)\n"
    if !v.positions.isEmpty {
        // Each position's own scope: its mode, its isolated margin, and the ratio that decides
        // its liquidation (the account's overall ratio can hide an isolated scope near 1).
        out += Table(["market", "size", "entry", "mark", "uPnL", "maint", "liq price", "bankr. price", "mode", "isol. margin", "scope ratio"], v.positions.map {
            [$0.market.symbol, "\($0.size)", "\($0.entryPrice)", "\($0.markPrice)", "\($0.unrealisedPnl)", "\($0.maintenance)",
             $0.liquidationPrice.map { "\($0)" } ?? "none", $0.bankruptcyPrice.map { "\($0)" } ?? "none", $0.marginMode.rawValue,
             $0.marginMode == .isolated ? "\($0.isolatedMargin)" : "-", $0.scopeRatio.map { "\($0)" } ?? "-"]
        }).render()
    }
    return out
}

func json(_ b: Message.BreakerState) -> [String: Any] {
    ["market": b.market.symbol, "level": b.level.rawValue, "reason": "\(b.reason)", "sequence": b.sequence,
     "stepScale": b.stepScale.description, "intervalScale": b.intervalScale.description, "sinceSeconds": FixedDecimal.format(b.since.nanoseconds, decimals: 9),
     "priceBand": b.priceBand.map { $0.description } ?? NSNull(), "maxStepFraction": b.maxStepFraction.map { $0.description } ?? NSNull()]
}
