// tranche-loadgen: stress a running cluster the way a venue would (docs/loadgen.md).
//
//     tranche-loadgen populate --accounts 100000 [--config FILE]
//     tranche-loadgen commands --duration 30 [--rate 5000 | --max] [--mix deposit=40,withdraw=20,show=40]
//     tranche-loadgen crash [--scenario FILE [--populate] [--compare] | --drop 0.05 --steps 10] [--settle 10]

import ArgumentParser
import Foundation
import TrancheCore
import TrancheNode

@main
struct LoadGen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tranche-loadgen", abstract: "Load generator for a Tranche cluster: populate accounts, then drive a steady mix of client commands.",
        subcommands: [Populate.self, Commands.self, Crash.self])
}

/// Options every run takes.
struct RunOptions: ParsableArguments {
    @Option(help: "Cluster configuration (default: $TRANCHE_CONFIG or cluster/local.json).") var config: String?
    @Option(help: ArgumentHelp("CurveZMQ key file (default: the configuration's client key, else the operator's).", valueName: "FILE")) var key: String?
    @Flag(help: "A cluster started with --insecure.") var insecure = false
    @Option(help: "DEALER sockets.") var sockets = 8
    @Option(help: "Requests in flight per socket.") var depth = 64
    @Flag(help: "Print the summary as JSON.") var json = false
    @Option(help: ArgumentHelp("Write an HTML report: populate and commands, their summary and a per-second chart; crash, the stress report (index and mark, liquidated notional against the budget, fund, breaker bands, accounts by state, slippage, summary; beside the simulation with --compare).", valueName: "FILE")) var report: String?
    @Option(help: ArgumentHelp("Write every acknowledged request: its id and kind, one per line.", valueName: "FILE")) var acked: String?
    @Option(help: "Seed of the random draws.") var seed: UInt64 = 1

    func validate() throws {
        if !(1...256).contains(sockets) { throw ValidationError("--sockets: 1…256") }
        if !(1...4096).contains(depth) { throw ValidationError("--depth: 1…4096") }
    }

    func configuration() throws -> ClusterConfiguration {
        try ConfigurationFile.load(config ?? ProcessInfo.processInfo.environment["TRANCHE_CONFIG"] ?? "cluster/local.json")
    }

    /// The key this run acts with (nil: an --insecure cluster).
    func keys(_ c: ClusterConfiguration) throws -> ClientKeys? {
        insecure ? nil : try ClientKeys(file: key.map { URL(fileURLWithPath: $0) } ?? c.clientKeyFile, directory: c.keyDirectory)
    }

    func pipeline(_ c: ClusterConfiguration) throws -> Pipeline {
        try Pipeline(endpoint: c.endpoints.coordinatorClients, keys: keys(c), sockets: sockets, depth: depth, keepIDs: acked != nil)
    }

    /// A progress line on a terminal (standard error), nothing otherwise.
    func progress(total: Int?) -> (RunStatistics) -> Void {
        guard isatty(STDERR_FILENO) == 1 else { return { _ in } }
        return { s in
            let rate = s.seconds > 0 ? Double(s.acknowledged) / s.seconds : 0
            var line = String(format: "\r%7.1f s  %9d acknowledged  %8.0f /s", s.seconds, s.acknowledged, rate)
            if let total, total > 0 {
                let done = min(1, Double(s.acknowledged) / Double(total))
                let bar = String(repeating: "#", count: Int(done * 30)) + String(repeating: ".", count: 30 - Int(done * 30))
                line += String(format: "  [%@] %3.0f%%", bar, done * 100)
            }
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    func finish(_ title: String, _ s: RunStatistics, extra: [String: Any] = [:]) throws {
        if isatty(STDERR_FILENO) == 1 { FileHandle.standardError.write(Data("\n".utf8)) }
        let summary = Summary(title: title, stats: s, extra: extra)
        if json {
            let data = try JSONSerialization.data(withJSONObject: summary.json, options: [.prettyPrinted, .sortedKeys])
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        } else {
            print(summary.text)
        }
        if let report { try Data(summary.html.utf8).write(to: URL(fileURLWithPath: report)) }
        if let acked { try Data(s.acknowledgedIDs.map { "\($0.id) \($0.kind)\n" }.joined().utf8).write(to: URL(fileURLWithPath: acked)) }
        if s.acknowledged == 0 { throw ExitCode(69) }
    }
}

/// Opens accounts with collateral and positions drawn from distributions.
struct Populate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open N accounts with collateral (log-uniform) and, for a share of them, a position (leverage uniform, side, cross or isolated), pipelined.",
        discussion: "Positions are the operator's imports at each market's initial price of the configuration (a population loaded, not traded: trades would move the venue's book by the population's whole size). Needs the operator's key.")
    @Option(help: "Accounts to open.") var accounts: Int
    @Option(help: "First account id.") var first: UInt64 = 1_000_000
    @Option(help: "Collateral range, log-uniform: MIN-MAX.") var collateral = "100-100000"
    @Option(help: "Share of accounts with a position (0…1).") var positions = 0.8
    @Option(help: "Leverage range, uniform: MIN-MAX (within the first bracket's initial margin).") var leverage = "1-20"
    @Option(help: "Share of the positions that are long.") var longShare = 0.5
    @Option(help: "Share of the positions that are isolated.") var isolatedShare = 0.2
    @OptionGroup var options: RunOptions

    func validate() throws {
        if accounts < 1 { throw ValidationError("--accounts: at least 1") }
        if first == 0 || first > UInt64.max - UInt64(accounts) - 1 { throw ValidationError("--first: positive, and the ids must stay below the backstop's") }
        for (name, v) in [("--positions", positions), ("--long-share", longShare), ("--isolated-share", isolatedShare)] where !(0...1).contains(v) {
            throw ValidationError("\(name): 0…1, got \(v)")
        }
        _ = try Self.range(collateral, "--collateral")
        _ = try Self.range(leverage, "--leverage")
    }

    static func range(_ text: String, _ name: String) throws -> (Double, Double) {
        let parts = text.split(separator: "-").compactMap { Double($0) }
        guard parts.count == 2, parts[0] > 0, parts[0] <= parts[1] else { throw ValidationError("\(name): MIN-MAX with 0 < MIN ≤ MAX, got \(text)") }
        return (parts[0], parts[1])
    }

    func run() throws {
        let c = try options.configuration()
        let markets = c.markets
        let (cMin, cMax) = try Self.range(collateral, "--collateral")
        let (lMin, lMax) = try Self.range(leverage, "--leverage")
        var rng = SeededGenerator(seed: options.seed)
        var i = 0
        let pipeline = try options.pipeline(c)
        try pipeline.run(rate: nil, duration: nil, next: {
            guard i < accounts else { return nil }
            let id = AccountID(first + UInt64(i))
            i += 1
            let amount = exp(Double.random(in: log(cMin)...log(cMax), using: &rng))
            let quote = Quote(e6: Int64(amount * 1e6))
            var follow: MessageBody?
            if Double.random(in: 0..<1, using: &rng) < positions {
                let m = markets[Int.random(in: 0..<markets.count, using: &rng)]
                var lev = Double.random(in: lMin...lMax, using: &rng)
                let isolated = Double.random(in: 0..<1, using: &rng) < isolatedShare
                // Within the initial margin of the notional's bracket (with a tenth to spare):
                // a draw the venue's rules refuse is drawn lower, not sent to be refused.
                let margin = isolated ? amount * 0.9 : amount
                for _ in 0..<16 {
                    let notional = Quote(e6: Int64(amount * lev * 1e6))
                    guard let im = try? m.market.initialRequirement(notional: notional), Double(im.e6) / 1e6 > margin * 0.9 else { break }
                    lev *= 0.8
                }
                let sizeE8 = Int64(amount * lev / (Double(m.initialPrice.e8) / 1e8) * 1e8)
                if let size = try? Size(e8: sizeE8).rounded(toStep: m.market.stepSize, .down), size.isPositive {
                    follow = .submitPosition(Message.SubmitPosition(
                        account: id, market: m.market.id, side: Double.random(in: 0..<1, using: &rng) < longShare ? .long : .short, size: size,
                        entryPrice: m.initialPrice, marginMode: isolated ? .isolated : .cross,
                        isolatedMargin: isolated ? Quote(e6: quote.e6 * 9 / 10) : .zero, importAt: true))
                }
            }
            return Work(body: .openAccount(Message.OpenAccount(account: id, initialCollateral: quote)), requestID: UInt64.random(in: 1...UInt64.max, using: &rng), followUp: follow)
        }, progress: options.progress(total: accounts))
        try options.finish("populate \(accounts) accounts from \(first)", pipeline.stats, extra: ["accounts": accounts, "first": first])
    }
}

/// A steady mix of client commands on existing accounts.
struct Commands: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "A steady mix of client commands on accounts FIRST…FIRST+ACCOUNTS-1 for a duration, at a rate or as fast as acknowledged.")
    @Option(help: "Seconds to run.") var duration: Double = 10
    @Option(help: "Requests per second, sent on schedule (open loop).") var rate: Double?
    @Flag(help: "As fast as the cluster acknowledges (closed loop, --sockets × --depth in flight); the default without --rate.") var max = false
    @Option(help: "Command mix, weights: deposit, withdraw, show, trade (a 0.001 market order at the venue).") var mix = "deposit=40,withdraw=20,show=40"
    @Option(help: "Accounts the commands use (populated first).") var accounts: Int = 1_000
    @Option(help: "First account id.") var first: UInt64 = 1_000_000
    @OptionGroup var options: RunOptions

    func validate() throws {
        if duration <= 0 { throw ValidationError("--duration: positive") }
        if let r = rate, r <= 0 { throw ValidationError("--rate: positive") }
        if rate != nil && max { throw ValidationError("--rate or --max, not both") }
        _ = try Self.weights(mix)
    }

    static func weights(_ text: String) throws -> [(String, Double)] {
        var out: [(String, Double)] = []
        for part in text.split(separator: ",") {
            let kv = part.split(separator: "=")
            guard kv.count == 2, ["deposit", "withdraw", "show", "trade"].contains(String(kv[0])), let w = Double(kv[1]), w >= 0 else {
                throw ValidationError("--mix: NAME=WEIGHT,… with NAME deposit, withdraw, show or trade; got '\(part)'")
            }
            out.append((String(kv[0]), w))
        }
        guard out.contains(where: { $0.1 > 0 }) else { throw ValidationError("--mix: at least one positive weight") }
        return out
    }

    func run() throws {
        let c = try options.configuration()
        let weights = try Self.weights(mix)
        let total = weights.reduce(0) { $0 + $1.1 }
        var rng = SeededGenerator(seed: options.seed)
        let market = c.markets[0].market
        let pipeline = try options.pipeline(c)
        try pipeline.run(rate: rate, duration: duration, next: {
            let id = AccountID(first + UInt64.random(in: 0..<UInt64(accounts), using: &rng))
            var pick = Double.random(in: 0..<total, using: &rng)
            var kind = weights[0].0
            for (k, w) in weights { if pick < w { kind = k; break }; pick -= w }
            let body: MessageBody
            switch kind {
            case "deposit": body = .deposit(Message.Deposit(account: id, amount: Quote(e6: Int64.random(in: 1...100, using: &rng) * 1_000_000)))
            case "withdraw": body = .withdraw(Message.Withdraw(account: id, amount: Quote(e6: Int64.random(in: 1...10, using: &rng) * 1_000_000)))
            case "trade":
                body = .submitPosition(Message.SubmitPosition(account: id, market: market.id, side: Bool.random(using: &rng) ? .long : .short,
                                                              size: market.stepSize, entryPrice: Price(e8: 0)))
            default: body = .showAccount(Message.ShowAccount(account: id))
            }
            return Work(body: body, requestID: UInt64.random(in: 1...UInt64.max, using: &rng))
        }, progress: options.progress(total: nil))
        try options.finish("commands \(mix) for \(duration) s" + (rate.map { " at \(Int($0))/s" } ?? " as fast as acknowledged"), pipeline.stats,
                       extra: ["duration": duration, "rate": rate.map { $0 as Any } ?? NSNull(), "mix": mix])
    }
}
