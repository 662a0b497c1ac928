import ArgumentParser
import Foundation
import TrancheCore

/// `tranche schedule`: the Almgren–Chriss optimal liquidation schedule for given
/// parameters, as a table or as one JSON object. See docs/almgren-chriss.md.
struct ScheduleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Print the Almgren–Chriss optimal schedule for selling a position.",
        discussion: """
            Holdings follow x_j = X·sinh(κ(T−t_j))/sinh(κT) with 2(cosh(κτ)−1)/τ² = λσ²/η̃ and \
            η̃ = η − γτ/2; λ = 0 gives equal trades. With --step-size the trades are also \
            rounded to the size grid so that they sum exactly to X rounded down to the step.
            """)

    @Option(help: "X: total size to sell, in base units (e.g. 12.5 BTC).")
    var size: Double

    @Option(help: "N: number of trades (at least 1).")
    var steps: Int

    @Option(help: "τ: seconds between two trades.")
    var tau: Double

    @Option(help: "σ: price volatility per √second, in quote per base unit.")
    var sigma: Double

    @Option(help: "η: temporary impact, in price units per (base unit per second).")
    var eta: Double

    @Option(help: "γ: permanent impact, in price units per base unit.")
    var gamma: Double = 0

    @Option(help: "ε: fixed cost per unit traded (half-spread plus fees), in price units.")
    var epsilon: Double = 0

    @Option(help: "λ: risk aversion per unit of quote; 0 gives the linear (TWAP) schedule.")
    var lambda: Double = 0

    @Option(name: .customLong("step-size"), help: "Size grid step (e.g. 0.001) to print rounded tranche sizes.")
    var stepSize: String?

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    var parameters: AlmgrenChriss.Parameters {
        AlmgrenChriss.Parameters(totalSize: size, steps: steps, tau: tau, sigma: sigma, eta: eta,
                                 gamma: gamma, epsilon: epsilon, lambda: lambda)
    }

    /// The option a parameter error is about, so the message names what the user typed.
    static func option(for field: String) -> String {
        switch field {
        case "totalSize": return "--size"
        case "parameters": return "parameters"
        default: return "--\(field)"
        }
    }

    func validate() throws {
        do { try parameters.validate() } catch {
            throw ValidationError("\(Self.option(for: error.field)): \(error.reason)")
        }
        _ = try parsedStep()
    }

    func parsedStep() throws -> Size? {
        guard let text = stepSize else { return nil }
        let e8: Int64
        do { e8 = try FixedDecimal.parse(text, decimals: Precision.sizeDecimals) } catch {
            throw ValidationError("--step-size: \(error.description)")
        }
        guard e8 > 0 else { throw ValidationError("--step-size: must be positive, got \(text)") }
        return Size(e8: e8)
    }

    func run() throws {
        let schedule: AlmgrenChriss.Schedule
        let rounded: [Size]?
        do {
            schedule = try AlmgrenChriss.schedule(parameters)
            rounded = try parsedStep().map { step throws(ConfigurationError) in try schedule.rounded(toStep: step) }
        } catch let error as ConfigurationError {
            throw ValidationError("\(Self.option(for: error.field)): \(error.reason)")
        }
        if json {
            print(try Self.json(schedule, rounded: rounded))
        } else {
            print(Self.table(schedule, rounded: rounded))
        }
    }

    /// The machine form: trajectory, trades, roundedTrades (exact decimal strings, or null
    /// without --step-size), expectedCost, variance, kappa.
    struct Output: Encodable {
        var trajectory: [Double]
        var trades: [Double]
        var roundedTrades: [String]?
        var expectedCost: Double
        var variance: Double
        var kappa: Double

        enum CodingKeys: String, CodingKey { case trajectory, trades, roundedTrades, expectedCost, variance, kappa }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(trajectory, forKey: .trajectory)
            try c.encode(trades, forKey: .trades)
            try c.encode(roundedTrades, forKey: .roundedTrades)  // null, not absent, when not asked for
            try c.encode(expectedCost, forKey: .expectedCost)
            try c.encode(variance, forKey: .variance)
            try c.encode(kappa, forKey: .kappa)
        }
    }

    static func json(_ s: AlmgrenChriss.Schedule, rounded: [Size]?) throws -> String {
        let output = Output(trajectory: s.holdings, trades: s.trades, roundedTrades: rounded?.map(\.description),
                            expectedCost: s.expectedCost, variance: s.variance, kappa: s.kappa)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(output), as: UTF8.self)
    }

    static func table(_ s: AlmgrenChriss.Schedule, rounded: [Size]?) -> String {
        let p = s.parameters
        var header = [pad("j", 6), pad("t (s)", 12), pad("trade n_j", 18), pad("holding x_j", 18)]
        if rounded != nil { header.append(pad("tranche", 18)) }
        var lines = [header.joined(separator: "  ")]
        lines.append(pad("0", 6) + "  " + pad(number(0), 12) + "  " + pad("", 18) + "  " + pad(number(s.holdings[0]), 18))
        for j in 1...p.steps {
            var row = [pad(String(j), 6), pad(number(Double(j) * p.tau), 12), pad(number(s.trades[j - 1]), 18), pad(number(s.holdings[j]), 18)]
            if let r = rounded { row.append(pad(r[j - 1].description, 18)) }
            lines.append(row.joined(separator: "  "))
        }
        lines.append("")
        lines.append("κ (1/s)            \(number(s.kappa))")
        lines.append("η̃ = η − γτ/2       \(number(p.etaTilde))")
        lines.append("E[cost]            \(number(s.expectedCost))")
        lines.append("Var[cost]          \(number(s.variance))")
        lines.append("E + λ·Var          \(number(s.utility))")
        if let r = rounded {
            let total = r.reduce(Int64(0)) { $0 + $1.e8 }
            lines.append("rounded total      \(Size(e8: total))")
        }
        return lines.joined(separator: "\n")
    }

    static func number(_ v: Double) -> String {
        if v == 0 { return "0" }
        let a = abs(v)
        return a >= 1e-4 && a < 1e12 ? String(format: "%.6f", v) : String(format: "%.6e", v)
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }
}
