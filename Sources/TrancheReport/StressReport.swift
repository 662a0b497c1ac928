import Foundation
import TrancheCore

/// What one run showed over time, for the stress report: from its events (marks, fills,
/// budgets) and, in a simulation, from the cluster as the simulator shows it once per mark
/// interval (fund, breaker, accounts by liquidation state); in a live run
/// (`tranche-loadgen crash`) the same series come from the event stream, the venue's marks
/// and the fund polled once a second. The first market's series.
public final class ReportRecorder {
    public let market: MarketID
    /// Seconds are counted from here: zero in a simulation, the run's start on the wall
    /// clock in a live run.
    public let origin: Instant
    /// Per second since `origin`.
    public var index: [Int: Double] = [:]
    public var mark: [Int: Double] = [:]
    public var liquidated: [Int: Double] = [:]
    public var budget: [Int: Double] = [:]
    public var fund: [Int: Double] = [:]
    public var breaker: [Int: Int] = [:]
    public var states: [Int: [LiquidationPhase: Int]] = [:]
    /// Slippage of every trader fill against the mark when its order was planned, bps.
    public var slippageBps: [Double] = []
    /// Live: each account's latest phase and the breaker's level, as the events say.
    var phases: [AccountID: LiquidationPhase] = [:]
    var breakerLevel = 0

    public init(market: MarketID, origin: Instant = .zero) {
        self.market = market
        self.origin = origin
    }

    func second(_ t: Instant) -> Int { max(0, Int((t.nanoseconds - origin.nanoseconds) / 1_000_000_000)) }
    static func number(_ text: Substring) -> Double? { Double(text.prefix { $0.isNumber || $0 == "." || $0 == "-" }) }

    public func record(_ e: ClusterEvent) {
        let s = second(e.at)
        let trader = e.account.map { $0 != Backstop.accountID } ?? false
        switch e.kind {
        case .mark where e.market == market:
            if let p = e.price { mark[s] = Double(p.e8) / 1e8 }
            if let d = e.detail, let r = d.range(of: "index "), let v = Self.number(d[r.upperBound...]) { index[s] = v }
        case .fill where e.market == market:
            if let q = e.amount { liquidated[s, default: 0] += Double(q.e6) / 1e6 }
            if trader, let p = e.price, let d = e.detail, let r = d.range(of: "mark at order "),
               let m = Self.number(d[r.upperBound...]), m > 0 {
                slippageBps.append(abs(Double(p.e8) / 1e8 - m) / m * 10_000)
            }
        case .budget where e.market == market:
            if let q = e.amount { budget[s] = Double(q.e6) / 1e6 }
        case .breaker where e.market == market:
            // "normal → throttled (reason)": the level it went to.
            if let d = e.detail, let r = d.range(of: "→ ") {
                let to = d[r.upperBound...]
                breakerLevel = to.hasPrefix("halted") ? 2 : to.hasPrefix("throttled") ? 1 : 0
            }
        default: break
        }
        // Accounts by liquidation state, as the events tell it (a live run has no records).
        guard trader, let a = e.account else { return }
        switch e.kind {
        case .marginCall: phases[a] = .marginCall
        case .trancheOrder: phases[a] = .liquidating
        case .takeover: phases[a] = .takenOver
        case .bankrupt: phases[a] = .bankrupt
        case .closed: phases[a] = .closed
        case .restored: phases[a] = nil
        default: break
        }
    }

    /// Live: the venue published a mark.
    public func recordMark(_ price: Price, at t: Instant) { mark[second(t)] = Double(price.e8) / 1e8 }

    /// Live: the exogenous (index) price the run set.
    public func recordIndex(_ price: Price, at t: Instant) {
        lastIndex = Double(price.e8) / 1e8
        index[second(t)] = lastIndex
    }
    var lastIndex: Double?

    /// Live, once a second: the fund (polled), the breaker level and the accounts by
    /// state as the events said so far.
    public func sampleLive(at t: Instant, fund balance: Quote?) {
        let s = second(t)
        if let balance { fund[s] = Double(balance.e6) / 1e6 }
        // The index is held between the prices set.
        if index[s] == nil, let lastIndex { index[s] = lastIndex }
        breaker[s] = breakerLevel
        var counts: [LiquidationPhase: Int] = [:]
        for p in phases.values { counts[p, default: 0] += 1 }
        states[s] = counts
    }

    public func sample(_ t: Instant, _ cluster: SimulatedCluster) {
        let s = second(t)
        fund[s] = Double(cluster.aggregator.fundBalance.e6) / 1e6
        breaker[s] = cluster.aggregator.breakerSnapshots.first { $0.market == market }.map { $0.level == .normal ? 0 : $0.level == .throttled ? 1 : 2 } ?? 0
        var counts: [LiquidationPhase: Int] = [:]
        for r in cluster.accountRecords() {
            // The account's most advanced scope: liquidating over margin call over the rest.
            let phases = r.scopes.map(\.state.phase)
            let p: LiquidationPhase = phases.contains(.liquidating) ? .liquidating : phases.contains(.marginCall) ? .marginCall
                : phases.contains(.takenOver) ? .takenOver : phases.contains(.bankrupt) ? .bankrupt : phases.contains(.closed) ? .closed : .healthy
            counts[p, default: 0] += 1
        }
        states[s] = counts
    }

    /// Mean slippage of the traders' fills recorded, bps.
    public var averageSlippageBps: Double { slippageBps.isEmpty ? 0 : slippageBps.reduce(0, +) / Double(slippageBps.count) }
}

/// One self-contained HTML page (inline SVG, no network): price against mark, liquidated
/// notional per second against the budget, the insurance fund, breaker levels as shaded
/// bands, accounts by liquidation state, the slippage distribution and a summary table;
/// with two runs, both on the same axes.
public enum StressReport {
    public struct Run {
        public var name: String
        public var color: String
        public var recorder: ReportRecorder
        /// The summary table's rows: (label, value); a label another run lacks shows "–".
        public var summary: [(String, String)]
        public init(name: String, color: String, recorder: ReportRecorder, summary: [(String, String)]) {
            self.name = name
            self.color = color
            self.recorder = recorder
            self.summary = summary
        }
        public init(name: String, color: String, recorder: ReportRecorder, summary: SimulationSummary) {
            self.init(name: name, color: color, recorder: recorder, summary: StressReport.rows(summary))
        }
    }

    static let width = 860.0, height = 220.0

    public static func html(scenario: Scenario, runs: [Run]) -> String {
        html(title: scenario.name, description: scenario.description, about: "Seed \(scenario.seed); \(scenario.markets.count) market(s)", runs: runs)
    }

    /// The page: `about` opens the line under the description (seed, markets, ...).
    public static func html(title: String, description: String, about: String, runs: [Run]) -> String {
        let seconds = runs.flatMap { Array($0.recorder.fund.keys) + Array($0.recorder.mark.keys) }.max() ?? 1
        var body = "<h1>Stress report: \(escape(title))</h1>"
        body += "<p>\(escape(description))</p>"
        body += "<p>\(escape(about)), charts for \(escape(runs.first?.recorder.market.symbol ?? "")); "
            + "shaded bands: breaker throttled (amber) or halted (red)\(runs.count > 1 ? " in the first run" : "").</p>"
        body += legend(runs)
        let bands = runs.first.map { breakerBands($0.recorder.breaker, seconds: seconds) } ?? ""
        body += chart(id: "price", title: "Exogenous (index) price and mark", seconds: seconds, bands: bands, series:
            [("index", "#7f7f7f", runs.first?.recorder.index ?? [:], "4,3")] + runs.map { ("mark, \($0.name)", $0.color, $0.recorder.mark, "") })
        // A flow: a second without fills is a zero, not a gap to draw across.
        func dense(_ v: [Int: Double]) -> [Int: Double] { Dictionary(uniqueKeysWithValues: (0...seconds).map { ($0, v[$0] ?? 0) }) }
        body += chart(id: "liquidated", title: "Liquidated notional per second (fills, backstop included) and the budget", seconds: seconds, bands: bands, series:
            runs.map { ("liquidated, \($0.name)", $0.color, dense($0.recorder.liquidated), "") } + runs.compactMap { r in
                r.recorder.budget.isEmpty ? nil : ("budget, \(r.name)", r.color, r.recorder.budget, "2,3") })
        body += chart(id: "fund", title: "Insurance fund", seconds: seconds, bands: bands, series: runs.map { ("fund, \($0.name)", $0.color, $0.recorder.fund, "") })
        body += chart(id: "breaker", title: "Breaker level (0 normal, 1 throttled, 2 halted)", seconds: seconds, bands: "", series:
            runs.map { ("breaker, \($0.name)", $0.color, $0.recorder.breaker.mapValues(Double.init), "") })
        var stateSeries: [(String, String, [Int: Double], String)] = []
        let phaseColors: [(LiquidationPhase, String)] = [(.marginCall, "#bcbd22"), (.liquidating, "#ff7f0e"), (.takenOver, "#d62728"), (.bankrupt, "#8c564b"), (.closed, "#9467bd")]
        for (i, r) in runs.enumerated() {
            for (phase, color) in phaseColors {
                stateSeries.append(("\(phase.rawValue), \(r.name)", color, r.recorder.states.mapValues { Double($0[phase] ?? 0) }, i == 0 ? "" : "4,3"))
            }
        }
        body += chart(id: "states", title: "Accounts by liquidation state (second run dashed)", seconds: seconds, bands: bands, series: stateSeries)
        body += histogram(id: "slippage", title: "Slippage of traders' fills against the mark at order (bps)", runs: runs)
        body += summaryTable(runs)
        return """
            <!doctype html><html><head><meta charset="utf-8"><title>Tranche stress report: \(escape(title))</title>
            <style>body{font-family:sans-serif;margin:24px;color:#222}h2{font-size:16px;margin:22px 0 4px}
            table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f0f0f0}
            .legend span{margin-right:16px}</style></head><body>
            \(body)
            </body></html>
            """
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    static func legend(_ runs: [Run]) -> String {
        "<p class=\"legend\">" + runs.map { "<span style=\"color:\($0.color)\">■ \(escape($0.name))</span>" }.joined() + "</p>"
    }

    static func breakerBands(_ levels: [Int: Int], seconds: Int) -> String {
        levels.sorted { $0.key < $1.key }.compactMap { s, level -> String? in
            guard level > 0 else { return nil }
            let x = Double(s) / Double(max(seconds, 1)) * width
            return "<rect x=\"\(f(x))\" y=\"0\" width=\"\(f(max(width / Double(max(seconds, 1)), 1)))\" height=\"\(f(height))\" fill=\"\(level == 1 ? "#ffe8b0" : "#ffc0c0")\"/>"
        }.joined()
    }

    static func f(_ v: Double) -> String { String(format: "%.1f", v) }

    static func label(_ v: Double) -> String { abs(v) >= 10_000 ? String(format: "%.3g", v) : String(format: "%.2f", v) }

    /// A line chart of per-second series on a shared time axis.
    static func chart(id: String, title: String, seconds: Int, bands: String, series: [(String, String, [Int: Double], String)]) -> String {
        let values = series.flatMap { $0.2.values }
        let lo = values.min() ?? 0, hi = values.max() ?? 1
        let bottom = lo
        func y(_ v: Double) -> Double { hi > lo ? height - (v - lo) / (hi - lo) * height : height / 2 }
        var lines = ""
        for (name, color, points, dash) in series where !points.isEmpty {
            let path = points.sorted { $0.key < $1.key }.map { "\(f(Double($0.key) / Double(max(seconds, 1)) * width)),\(f(y($0.value)))" }.joined(separator: " ")
            lines += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.6\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")><title>\(escape(name))</title></polyline>"
        }
        let names = series.filter { !$0.2.isEmpty }.map { "<span style=\"color:\($0.1)\">— \(escape($0.0))</span>" }.joined(separator: " ")
        return """
            <h2>\(escape(title))</h2>
            <svg id="\(id)" width="\(Int(width) + 90)" height="\(Int(height) + 30)" viewBox="-80 -5 \(Int(width) + 90) \(Int(height) + 30)">
            \(bands)<rect x="0" y="0" width="\(Int(width))" height="\(Int(height))" fill="none" stroke="#bbb"/>
            <text x="-75" y="10" font-size="11">\(label(hi))</text><text x="-75" y="\(Int(height))" font-size="11">\(label(bottom))</text>
            <text x="0" y="\(Int(height) + 16)" font-size="11">0 s</text><text x="\(Int(width) - 40)" y="\(Int(height) + 16)" font-size="11">\(seconds) s</text>
            \(lines)</svg><div class="legend">\(names)</div>
            """
    }

    static func histogram(id: String, title: String, runs: [Run]) -> String {
        let all = runs.flatMap(\.recorder.slippageBps)
        let top = max(all.max() ?? 1, 1)
        let bins = 30
        var bars = ""
        let barWidth = width / Double(bins) / Double(max(runs.count, 1))
        var counts: [[Int]] = []
        for r in runs {
            var c = Array(repeating: 0, count: bins)
            for v in r.recorder.slippageBps { c[min(bins - 1, Int(v / top * Double(bins)))] += 1 }
            counts.append(c)
        }
        let highest = max(counts.flatMap { $0 }.max() ?? 1, 1)
        for (i, r) in runs.enumerated() {
            for (b, n) in counts[i].enumerated() where n > 0 {
                let h = Double(n) / Double(highest) * height
                bars += "<rect x=\"\(f(Double(b) * width / Double(bins) + Double(i) * barWidth))\" y=\"\(f(height - h))\" width=\"\(f(barWidth))\" height=\"\(f(h))\" fill=\"\(r.color)\"><title>\(n) fills</title></rect>"
            }
        }
        return """
            <h2>\(escape(title))</h2>
            <svg id="\(id)" width="\(Int(width) + 90)" height="\(Int(height) + 30)" viewBox="-80 -5 \(Int(width) + 90) \(Int(height) + 30)">
            <rect x="0" y="0" width="\(Int(width))" height="\(Int(height))" fill="none" stroke="#bbb"/>
            <text x="-75" y="10" font-size="11">\(highest) fills</text>
            <text x="0" y="\(Int(height) + 16)" font-size="11">0 bps</text><text x="\(Int(width) - 60)" y="\(Int(height) + 16)" font-size="11">\(label(top)) bps</text>
            \(bars)</svg>
            """
    }

    /// A simulation's summary as table rows.
    public static func rows(_ s: SimulationSummary) -> [(String, String)] {
        [("accounts", "\(s.accounts)"), ("liquidated accounts", "\(s.liquidatedAccounts)"), ("tranches", "\(s.tranches)"),
         ("liquidated notional", "\(s.liquidatedNotional)"), ("average slippage (bps)", String(format: "%.1f", s.avgSlippageBps)),
         ("bad debt", "\(s.badDebt)"), ("takeovers", "\(s.takeovers)"), ("ADL events", "\(s.adlEvents)"),
         ("cascade liquidations", "\(s.cascadeLiquidations)"), ("breaker trips", "\(s.breakerTrips)"),
         ("insurance fund: start", "\(s.insuranceFundStart)"), ("insurance fund: end", "\(s.insuranceFundEnd)"),
         ("money conserved", s.moneyConserved ? "yes" : "NO")]
    }

    static func summaryTable(_ runs: [Run]) -> String {
        var labels: [String] = []
        for r in runs { for (l, _) in r.summary where !labels.contains(l) { labels.append(l) } }
        var html = "<h2>Summary</h2><table id=\"summary\"><tr><th></th>" + runs.map { "<th>\(escape($0.name))</th>" }.joined() + "</tr>"
        for l in labels {
            html += "<tr><td style=\"text-align:left\">\(escape(l))</td>"
                + runs.map { r in "<td>\(escape(r.summary.first { $0.0 == l }?.1 ?? "–"))</td>" }.joined() + "</tr>"
        }
        return html + "</table>"
    }
}
