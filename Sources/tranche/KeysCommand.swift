import ArgumentParser
import Foundation
import TrancheCore
import TrancheNode

/// `tranche keys`: CurveZMQ keys of a cluster and of its clients (docs/security.md).
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "CurveZMQ keys: make the cluster's, make a client's, grant a client accounts, revoke it.",
        subcommands: [Generate.self, Grant.self, Revoke.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make the keys a cluster lacks (coordinator, aggregator, venue, operator, workers w1…wN) in its key directory, or a client's key pair with --client.",
            discussion: "Existing keys are never overwritten. Secret files are mode 0600, public files 0644, the directory 0700.")
        @Option(help: "Cluster configuration (default: $TRANCHE_CONFIG or cluster/local.json).") var config: String?
        @Option(help: "Workers to make keys for (w1…wN; default: the configuration's workers).") var workers: Int?
        @Option(help: "Make a client's key pair instead (client-NAME.key and .pub): give the .pub to the operator.") var client: String?
        @Option(help: "Where a client's key pair goes (default: the current directory).") var out: String = "."
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            if let w = workers, !(1...64).contains(w) { throw ValidationError("--workers: 1…64, got \(w)") }
            if let c = client, !Message.ClientGrant.isValidName(c) {
                throw ValidationError("--client: 1–64 letters, digits, '-', '_' or '.', and not 'operator', got '\(c)'")
            }
        }

        func run() throws {
            let directory: URL
            let nodes: [NodeID]
            if let client {
                directory = URL(fileURLWithPath: out)
                nodes = [.client(client)]
            } else {
                let c = try ConfigurationFile.load(config ?? ProcessInfo.processInfo.environment["TRANCHE_CONFIG"] ?? "cluster/local.json")
                directory = c.keyDirectory
                nodes = [.coordinator, .aggregator, .venue, KeyFiles.operatorNode] + (1...(workers ?? c.workers)).map { .worker("w\($0)") }
            }
            let made = try KeyFiles.generate(nodes, in: directory)
            if json {
                let data = try JSONSerialization.data(withJSONObject: ["directory": directory.path, "created": made.map(\.description),
                                                                        "kept": nodes.filter { !made.contains($0) }.map(\.description)], options: [.sortedKeys])
                FileHandle.standardOutput.write(data + Data("\n".utf8))
                return
            }
            print("keys in \(directory.path): \(made.count) created, \(nodes.count - made.count) kept")
            for n in made { print("  created \(KeyFiles.name(of: n)).key (secret, 0600) and .pub for \(n)") }
            if let client {
                print("give \(KeyFiles.publicFile(.client(client), in: directory).path) to the operator, who runs:")
                print("  tranche keys grant \(client) --public-key \(KeyFiles.publicFile(.client(client), in: directory).path) --accounts FIRST-LAST")
            }
        }
    }

    struct Grant: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Let a client's key act on a set of accounts (operator's key; replaces the client's earlier grant).")
        @Argument(help: "The client's name.") var name: String
        @Option(name: .customLong("public-key"), help: ArgumentHelp("The client's public key file (client-NAME.pub).", valueName: "FILE")) var publicKey: String
        @Option(help: ArgumentHelp("Account ids it may open and act on: ranges and ids, e.g. 100-199,250.", valueName: "LIST")) var accounts: String
        @OptionGroup var cluster: ClusterOptions

        func run() throws {
            let (identity, key) = try KeyFiles.loadPublic(URL(fileURLWithPath: publicKey))
            guard identity == .client(name) else { throw ValidationError("\(publicKey) is the key of \(identity), not of client:\(name)") }
            let ranges = try Self.parse(accounts)
            let reply = try cluster.client().command(.clientGrant(Message.ClientGrant(client: name, publicKey: key, accounts: ranges)), timeout: cluster.wait)
            if cluster.json { try cluster.printJSON(["client": name, "accounts": accounts, "message": reply.errorMessage]) } else { print(reply.errorMessage) }
        }

        static func parse(_ text: String) throws -> [ClosedRange<UInt64>] {
            var out: [ClosedRange<UInt64>] = []
            for part in text.split(separator: ",") {
                let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
                guard (1...2).contains(bounds.count), let first = UInt64(bounds[0]), let last = UInt64(bounds[bounds.count - 1]), first >= 1, first <= last else {
                    throw ValidationError("--accounts: '\(part)' is not an id or a range FIRST-LAST of positive ids")
                }
                out.append(first...last)
            }
            if out.isEmpty { throw ValidationError("--accounts: at least one id or range") }
            return out
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a client's key and grants (operator's key): its commands are refused at once, new connections too.")
        @Argument(help: "The client's name.") var name: String
        @OptionGroup var cluster: ClusterOptions
        func run() throws {
            let reply = try cluster.client().command(.clientGrant(Message.ClientGrant(client: name, publicKey: "", accounts: [], revoke: true)), timeout: cluster.wait)
            if cluster.json { try cluster.printJSON(["client": name, "revoked": true]) } else { print(reply.errorMessage) }
        }
    }
}
