import Foundation
import TrancheCore

/// What `tranche simulate --compare` prints: both policies' summaries and, per numeric
/// field, (allOrNothing − stepwise) / allOrNothing (null where all-or-nothing is zero and
/// stepwise is not).
struct SimulationComparison: Encodable {
    var stepwise: SimulationSummary
    var allOrNothing: SimulationSummary
    var relativeDifference: [String: Double?]

    init(stepwise: SimulationSummary, allOrNothing: SimulationSummary) {
        self.stepwise = stepwise
        self.allOrNothing = allOrNothing
        var diff: [String: Double?] = [:]
        let a = Self.numericFields(allOrNothing)
        for (name, s) in Self.numericFields(stepwise) {
            guard let aon = a.first(where: { $0.name == name })?.value else { continue }
            diff[name] = Self.relativeDifference(allOrNothing: aon, stepwise: s)
        }
        relativeDifference = diff
    }

    static func relativeDifference(allOrNothing aon: Double, stepwise s: Double) -> Double? {
        if aon == 0 { return s == 0 ? 0 : nil }
        return (aon - s) / aon
    }

    /// Fields that describe the setup, not the outcome: identical in both runs.
    static let setupFields: Set<String> = ["seed", "workers"]

    /// Every numeric outcome field of a summary, in declaration order, as a Double (money
    /// in quote units). Read by reflection so a field added to the summary is compared too.
    static func numericFields(_ s: SimulationSummary) -> [(name: String, value: Double)] {
        Mirror(reflecting: s).children.compactMap { child in
            guard let name = child.label, !setupFields.contains(name) else { return nil }
            switch child.value {
            case let v as Int: return (name, Double(v))
            case let v as UInt64: return (name, Double(v))
            case let v as Double: return (name, v)
            case let v as Quote: return (name, Double(v.e6) / Double(Precision.quoteScale))
            default: return nil
            }
        }
    }

    /// Every field of a summary as display text, in declaration order.
    static func displayFields(_ s: SimulationSummary) -> [(name: String, text: String)] {
        Mirror(reflecting: s).children.compactMap { child in
            guard let name = child.label else { return nil }
            switch child.value {
            case let v as Double: return (name, String(format: "%.2f", v))
            case let v as Bool: return (name, v ? "yes" : "NO")
            case let v as CustomStringConvertible: return (name, v.description)
            default: return (name, "\(child.value)")
            }
        }
    }

    /// "liquidatedNotional" → "liquidated notional".
    static func words(_ name: String) -> String {
        var out = ""
        for ch in name {
            if ch.isUppercase { out += " " + ch.lowercased() } else { out.append(ch) }
        }
        return out
    }

    static func seconds(_ d: Swift.Duration) -> String {
        let (s, attoseconds) = d.components
        return String(format: "%.2f s", Double(s) + Double(attoseconds) / 1e18)
    }

    /// The text form of one run.
    static func text(_ s: SimulationSummary, wallTime: Swift.Duration) -> String {
        let rows = displayFields(s).map { [words($0.name), $0.text] }
        var out = "Simulation of \(s.scenario): policy \(s.policy), seed \(s.seed), \(s.workers) worker(s)\n\n"
        out += Table(["", "value"], rows).render()
        out += "\nWall time \(seconds(wallTime))"
        if !s.moneyConserved { out += "\nWARNING: money is NOT conserved" }
        return out
    }

    /// The text form of a comparison: both runs side by side, then the relative difference.
    func text(wallTime: Swift.Duration) -> String {
        let a = Dictionary(Self.displayFields(allOrNothing).map { ($0.name, $0.text) }, uniquingKeysWith: { x, _ in x })
        let rows = Self.displayFields(stepwise).map { field -> [String] in
            let diff: String
            if let d = relativeDifference[field.name] {
                diff = d.map { String(format: "%+.1f %%", $0 * 100) } ?? "n/a"
            } else {
                diff = ""
            }
            return [Self.words(field.name), field.text, a[field.name] ?? "", diff]
        }
        var out = "Simulation of \(stepwise.scenario): stepwise vs all-or-nothing, seed \(stepwise.seed), \(stepwise.workers) worker(s)\n\n"
        out += Table(["", "stepwise", "all-or-nothing", "(aon − sw) / aon"], rows).render()
        out += "\nWall time \(Self.seconds(wallTime)) (both runs)"
        if !stepwise.moneyConserved || !allOrNothing.moneyConserved { out += "\nWARNING: money is NOT conserved" }
        return out
    }
}
