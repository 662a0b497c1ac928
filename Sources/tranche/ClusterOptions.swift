import ArgumentParser
import Foundation
import TrancheCore
import TrancheNode

/// Options every cluster command shares.
struct ClusterOptions: ParsableArguments {
    @Option(help: "Cluster configuration (default: $TRANCHE_CONFIG or cluster/local.json).")
    var config: String?

    @Option(help: "Coordinator client endpoint (default: $TRANCHE_COORDINATOR, else from the configuration).")
    var coordinator: String?

    @Option(help: "Seconds to wait for an answer.")
    var timeout: Double = 5

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Option(help: ArgumentHelp("CurveZMQ key file to act as (default: security.clientKey of the configuration, else the operator's key in its key directory).", valueName: "FILE"))
    var key: String?

    @Flag(help: "Talk to a cluster started with --insecure (no authentication, plain TCP).")
    var insecure = false

    func configuration() throws -> ClusterConfiguration {
        try ConfigurationFile.load(config ?? ProcessInfo.processInfo.environment["TRANCHE_CONFIG"] ?? "cluster/local.json")
    }

    func client() throws -> ClusterClient {
        let endpoint: String
        if let c = coordinator ?? ProcessInfo.processInfo.environment["TRANCHE_COORDINATOR"] { endpoint = c } else { endpoint = try configuration().endpoints.coordinatorClients }
        return try ClusterClient(endpoint: endpoint, security: keys())
    }

    /// The client's keys (nil with --insecure).
    func keys() throws -> ClientKeys? {
        if insecure { return nil }
        let c = try configuration()
        let file = key.map { URL(fileURLWithPath: $0) } ?? c.clientKeyFile
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw ValidationError("no key file \(file.path): the cluster's keys are made by scripts/cluster-up.sh (or `tranche keys generate`); give yours with --key FILE, or --insecure for a cluster started with --insecure")
        }
        return try ClientKeys(file: file, directory: c.keyDirectory)
    }

    var wait: TrancheCore.Duration { .milliseconds(Int64(timeout * 1000)) }

    /// Prints a JSON object (keys sorted).
    func printJSON(_ object: Any) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}

/// Parses a decimal argument into a fixed-point value, naming the argument on error.
func parseDecimal(_ text: String, _ decimals: Int, _ name: String) throws -> Int64 {
    do { return try FixedDecimal.parse(text, decimals: decimals) } catch { throw ValidationError("\(name): \(error)") }
}

/// Account ids are positive integers (0 is not one; the largest is the backstop's).
func checkAccountID(_ id: UInt64) throws {
    if id == 0 { throw ValidationError("ID: account ids are positive integers, got 0") }
    if id == UInt64.max { throw ValidationError("ID: \(id) is reserved (the backstop)") }
}
