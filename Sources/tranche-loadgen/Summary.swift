import Foundation
import TrancheCore

/// A run's figures as a table, JSON and an HTML report with its per-second chart.
struct Summary {
    let title: String
    let stats: RunStatistics
    let extra: [String: Any]

    var rate: Double { stats.seconds > 0 ? Double(stats.acknowledged) / stats.seconds : 0 }

    /// Latency percentiles in milliseconds.
    var percentiles: [(String, Double)] {
        guard stats.latency.totalCount > 0 else { return [] }
        return [("p50", 50), ("p90", 90), ("p99", 99), ("p99.9", 99.9)].map { ($0.0, Double(stats.latency.valueAtPercentile($0.1)) / 1000) }
            + [("max", Double(stats.latency.max) / 1000)]
    }

    var refused: String { stats.refused.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") }

    var text: String {
        var lines = [title,
                     String(format: "  %d acknowledged in %.1f s: %.0f /s (sent %d, retried %d, lost %d)", stats.acknowledged, stats.seconds, rate,
                            stats.sent, stats.retried, stats.lost)]
        if !percentiles.isEmpty {
            lines.append("  latency ms: " + percentiles.map { String(format: "%@ %.2f", $0.0, $0.1) }.joined(separator: "  "))
        }
        if !stats.refused.isEmpty { lines.append("  refused: \(refused)") }
        if !stats.perSecond.isEmpty {
            lines.append("  per second (acknowledged, p99 ms): " + stats.perSecond.prefix(60).map { String(format: "%d/%.1f", $0.acknowledged, Double($0.p99) / 1000) }.joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }

    var json: [String: Any] {
        var o: [String: Any] = ["title": title, "acknowledged": stats.acknowledged, "seconds": stats.seconds, "perSecondAverage": rate,
                                "sent": stats.sent, "retried": stats.retried, "lost": stats.lost,
                                "refused": Dictionary(uniqueKeysWithValues: stats.refused.map { ($0.key.description, $0.value) }),
                                "latencyMs": Dictionary(uniqueKeysWithValues: percentiles.map { ($0.0, $0.1) }),
                                "perSecond": stats.perSecond.map { ["acknowledged": $0.acknowledged, "p99Ms": Double($0.p99) / 1000] }]
        for (k, v) in extra { o[k] = v }
        return o
    }

    /// A self-contained page: the summary and an SVG chart of acknowledged/s and p99 per second.
    var html: String {
        let series = stats.perSecond
        let w = 720.0, h = 240.0
        let maxRate = Double(series.map(\.acknowledged).max() ?? 1).nextUp
        let maxP99 = Double(series.map(\.p99).max() ?? 1).nextUp
        func points(_ values: [Double], _ top: Double) -> String {
            guard values.count > 1 else { return "" }
            return values.enumerated().map { String(format: "%.1f,%.1f", Double($0.offset) / Double(values.count - 1) * w, h - $0.element / top * h) }.joined(separator: " ")
        }
        let rates = points(series.map { Double($0.acknowledged) }, maxRate)
        let p99s = points(series.map { Double($0.p99) }, maxP99)
        let escaped = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        return """
            <!doctype html><html><head><meta charset="utf-8"><title>tranche-loadgen</title>
            <style>body{font-family:sans-serif;margin:2em}pre{background:#f4f4f4;padding:1em}</style></head><body>
            <h1>tranche-loadgen</h1><pre>\(escaped)</pre>
            <h2>Per second</h2>
            <svg width="\(Int(w) + 80)" height="\(Int(h) + 40)" viewBox="-60 -10 \(Int(w) + 80) \(Int(h) + 40)">
            <rect x="0" y="0" width="\(Int(w))" height="\(Int(h))" fill="none" stroke="#ccc"/>
            <polyline points="\(rates)" fill="none" stroke="#1f77b4" stroke-width="2"/>
            <polyline points="\(p99s)" fill="none" stroke="#d62728" stroke-width="1.5"/>
            <text x="-55" y="10" font-size="11" fill="#1f77b4">\(Int(maxRate))/s</text>
            <text x="-55" y="26" font-size="11" fill="#d62728">\(String(format: "%.1f", maxP99 / 1000)) ms</text>
            <text x="0" y="\(Int(h) + 20)" font-size="11">0 s</text><text x="\(Int(w) - 30)" y="\(Int(h) + 20)" font-size="11">\(series.count) s</text>
            </svg>
            <p><span style="color:#1f77b4">■</span> acknowledged per second &nbsp; <span style="color:#d62728">■</span> p99 latency of that second</p>
            </body></html>
            """
    }
}
