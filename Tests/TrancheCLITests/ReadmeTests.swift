import Foundation
import Testing

/// Issue 11: the README's cluster commands, read from the README itself, run in its order
/// against a secure cluster on ephemeral ports, each checked for what it prints. A command
/// added to those blocks is run too (checked for its exit status at least).
@Suite struct ReadmeTests {
    /// The commands of the README's shell blocks under these sections, in order.
    static func commands(sections: [String]) throws -> [String] {
        let readme = try String(contentsOf: CLIRunner.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        var out: [String] = []
        var section = ""
        var inBlock = false
        for line in readme.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## ") { section = String(line.dropFirst(3)) }
            if line.hasPrefix("```") { inBlock.toggle(); continue }
            guard inBlock, sections.contains(section) else { continue }
            let parts = line.split(separator: "#", maxSplits: 1)
            let command = parts.first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            // A refusal the README announces stays with its command.
            let note = parts.count > 1 && parts[1].contains("PERMISSION_DENIED") ? " PERMISSION_DENIED" : ""
            if command.hasPrefix(".build/release/tranche ") || command.hasPrefix("scripts/cluster-") { out.append(command + note) }
        }
        return out
    }

    /// What each command must print (by its words after `tranche`).
    static let expected: [(prefix: String, contains: String)] = [
        ("status", "of 8 owned"),
        ("account open 7", "Account 7"),
        ("position submit 7", "BTC-PERP"),
        ("price set", "index set to 19100"),
        ("events", "account 7"),
        ("account show 7", "Account 7"),
        ("fund", "Insurance fund"),
        ("breaker", "BTC-PERP"),
        ("keys generate --client alice", "created client-alice.key"),
        ("keys grant alice", "client alice may act on accounts 100-199"),
        ("account open 100", "Account 100"),
        ("keys revoke alice", "client alice revoked"),
    ]

    @Test(.timeLimit(.minutes(3)))
    func theReadmeCommandsWorkInOrder() throws {
        let commands = try Self.commands(sections: ["The local cluster", "Security"])
        #expect(commands.count >= 12, "\(commands)")
        let cluster = try LocalCluster()
        defer { cluster.stopAll() }
        var checked = 0
        for command in commands {
            if command.hasPrefix("scripts/cluster-up.sh") {
                // Its processes, on this test's ports (cluster-up itself is tested elsewhere).
                try cluster.startAll()
                try cluster.waitForShards(workers: ["w1", "w2"], within: 15)
                continue
            }
            if command.hasPrefix("scripts/cluster-down.sh") {
                for (name, status) in cluster.stopAll() { #expect(status == 0, "\(name) exited \(status)") }
                continue
            }
            var words = command.split(separator: " ").dropFirst().map(String.init).filter { $0 != "PERMISSION_DENIED" }
            // Followed for a while, not for ever: long enough for account 7's grace window to end.
            if let i = words.firstIndex(of: "--follow") { words[i...i] = ["--seconds", "14"] }
            let r = try CLIRunner.run("tranche", words + ["--config", cluster.configPath], timeout: 40, in: cluster.directory)
            // The README says which command is refused, and how.
            let refused = command.contains("PERMISSION_DENIED")
            #expect(r.status == (refused ? 77 : 0), "\(command): \(r.stderr)")
            if refused { #expect(r.stderr.contains("PERMISSION_DENIED"), "\(r.stderr)") }
            let joined = words.joined(separator: " ")
            if !refused, let e = Self.expected.first(where: { joined.hasPrefix($0.prefix) }) {
                checked += 1
                #expect(r.stdout.contains(e.contains), "\(command) printed:\n\(r.stdout)\(r.stderr)")
            }
        }
        #expect(checked == Self.expected.count, "the README no longer has every command this test checks")
    }
}
