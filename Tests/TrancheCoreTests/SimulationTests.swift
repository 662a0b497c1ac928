import Testing
@testable import TrancheCore

@Suite struct SimulationTests {
    @Test func smoke() throws {
        let s = SimulationFixtures.scenario()
        let summary = try Simulator.run(s, options: SimulationOptions(policy: .stepwise))
        print(summary)
        let aon = try Simulator.run(s, options: SimulationOptions(policy: .allOrNothing))
        print(aon)
        #expect(summary.moneyConserved)
        #expect(summary.accounts == 200)
    }
}
