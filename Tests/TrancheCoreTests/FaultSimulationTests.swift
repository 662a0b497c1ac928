import Foundation
import Testing
@testable import TrancheCore

/// The deterministic fault simulation (issue 8): the whole cluster under a lossy,
/// duplicating, reordering network, partitions and crashes of every role. A few seeds run
/// here in the debug build; `scripts/test.sh` runs 2,000 in a release build.
@Suite struct FaultSimulationTests {
    static func scenario() throws -> Scenario {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("cluster/scenarios/faults.json")
        return try JSONDecoder().decode(Scenario.self, from: Data(contentsOf: url))
    }

    @Test(arguments: Array(UInt64(1)...UInt64(16)))
    func invariantsHoldUnderFaults(seed: UInt64) throws {
        let report = try FaultSimulation.run(try Self.scenario(), settings: FaultSimulationSettings(seed: seed))
        #expect(report.passed, "seed \(seed): \(report.violations.joined(separator: "\n")); replay: \(FaultSimulation.replay(seed: seed, scenario: "cluster/scenarios/faults.json"))")
        // Faults were really injected, and work was really done under them.
        #expect(report.faults.dropped > 0 && report.faults.duplicated > 0 && report.faults.crashes > 0)
        #expect(report.commandsAcknowledged > 50)
    }

    @Test func theSameSeedGivesTheSameRun() throws {
        let a = try FaultSimulation.run(try Self.scenario(), settings: FaultSimulationSettings(seed: 77))
        let b = try FaultSimulation.run(try Self.scenario(), settings: FaultSimulationSettings(seed: 77))
        #expect(a == b)
    }

    /// The checks are not blind: without retransmission, money messages the network lost
    /// are never applied, and the run says so.
    @Test func withoutRetransmissionTheChecksFail() throws {
        var failed = 0
        for seed in UInt64(1)...4 {
            var settings = FaultSimulationSettings(seed: seed)
            settings.workerRetransmit = .seconds(1_000_000)
            let report = try FaultSimulation.run(try Self.scenario(), settings: settings)
            if report.violations.contains(where: { $0.contains("never acknowledged") || $0.contains("ledger says") }) { failed += 1 }
        }
        #expect(failed == 4)
    }
}
