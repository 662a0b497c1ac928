import Foundation
import Testing

/// Small things a new user meets first.
@Suite struct CLIBasicsTests {
    @Test func versionIsPrinted() throws {
        let r = try CLIRunner.tranche("--version")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.3.0")
    }

    /// Nobody listens on the port: the error names the endpoint and the timeout as given.
    @Test func anUnreachableCoordinatorTimesOutReadably() throws {
        let port = try LocalCluster.freePorts(1)[0]
        let endpoint = "tcp://127.0.0.1:\(port)"
        let r = try CLIRunner.tranche("status", "--coordinator", endpoint, "--timeout", "0.5")
        #expect(r.status != 0)
        #expect(r.stderr.contains("within 0.5 s") && r.stderr.contains(endpoint), "\(r.stderr)")
        let whole = try CLIRunner.tranche("status", "--coordinator", endpoint, "--timeout", "1")
        #expect(whole.stderr.contains("within 1 s"), "\(whole.stderr)")
    }

    @Test func eventsRefuseAnUnknownKind() throws {
        let r = try CLIRunner.tranche("events", "--exclude", "nonsense", "--seconds", "0")
        #expect(r.status != 0)
        #expect(r.stderr.contains("--exclude") && r.stderr.contains("budget"), "\(r.stderr)")
    }
}
