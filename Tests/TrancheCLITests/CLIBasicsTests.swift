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

    /// Bad input is refused before anything is sent, with the real problem named.
    @Test func badInputIsRefusedWithItsReason() throws {
        let zero = try CLIRunner.tranche("account", "open", "0", "--collateral", "10")
        #expect(zero.status != 0 && zero.stderr.contains("positive"), "\(zero.stderr)")
        let negative = try CLIRunner.tranche("account", "open", "5", "--collateral", "-5")
        #expect(negative.status != 0 && negative.stderr.contains("must not be negative") && !negative.stderr.contains("Missing value"), "\(negative.stderr)")
        let crossMargin = try CLIRunner.tranche("position", "submit", "5", "BTC-PERP", "long", "1", "20000", "--margin", "100")
        #expect(crossMargin.status != 0 && crossMargin.stderr.contains("--isolated"), "\(crossMargin.stderr)")
        let entries = try CLIRunner.tranche("fund", "--entries", "5000")
        #expect(entries.status != 0 && entries.stderr.contains("at most 1000"), "\(entries.stderr)")
        let backstop = try CLIRunner.tranche("account", "show", "18446744073709551615")
        #expect(backstop.status != 0 && backstop.stderr.contains("backstop"), "\(backstop.stderr)")
    }
}
