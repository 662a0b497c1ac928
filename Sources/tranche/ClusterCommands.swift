import ArgumentParser
import Foundation
import TrancheCore
import TrancheNode
import TrancheTransport
import TrancheWire

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Workers, shards and accounts per worker, breakers, fund balance.")
    @OptionGroup var cluster: ClusterOptions

    func run() throws {
        guard case .statusView(let s) = try cluster.client().query(.statusRequest(Message.StatusRequest()), timeout: cluster.wait) else {
            throw ValidationError("the coordinator answered something else than a status")
        }
        let owned = s.workers.filter(\.alive).reduce(0) { $0 + $1.shards.count }
        let metrics = Self.metricsURLs(try? cluster.configuration(), workers: s.workers.map(\.workerID))
        if cluster.json {
            try cluster.printJSON([
                "shardCount": s.shardCount, "shardsOwned": owned, "fundBalance": s.fundBalance.description, "insecure": s.insecure,
                "workers": s.workers.map { ["id": $0.workerID, "alive": $0.alive, "shards": $0.shards.count, "accounts": $0.accounts] as [String: Any] },
                "breakers": s.breakers.map { ["market": $0.market.symbol, "level": $0.level.rawValue, "reason": "\($0.reason)", "sequence": $0.sequence] as [String: Any] },
                "metrics": Dictionary(uniqueKeysWithValues: metrics.map { ($0.node, $0.url) }),
            ])
            return
        }
        // Before the coordinator has heard the aggregator (breakers are part of every control
        // broadcast), the fund it knows is not the fund: say so rather than print 0.
        let fund = s.breakers.isEmpty ? "not heard from the aggregator yet" : "\(s.fundBalance)"
        if s.insecure { print("INSECURE: this cluster runs without authentication (--insecure): anyone who reaches its ports can act as anyone") }
        print("Shards: \(owned) of \(s.shardCount) owned   Insurance fund: \(fund)")
        print(Table(["worker", "alive", "shards", "accounts"], s.workers.map { [$0.workerID, $0.alive ? "yes" : "NO", "\($0.shards.count)", "\($0.accounts)"] }).render())
        print(Table(["market", "breaker", "reason", "sequence"], s.breakers.map { [$0.market.symbol, $0.level.rawValue, "\($0.reason)", "\($0.sequence)"] }).render())
        if !metrics.isEmpty { print(Table(["process", "metrics"], metrics.map { [$0.node, $0.url] }).render()) }
    }

    /// Every process's Prometheus endpoint (docs/metrics.md): from the configuration's fixed
    /// ports, else (ephemeral ports) the URL the process wrote to RUN_DIRECTORY/NODE.metrics.
    /// Processes whose URL is not known here (another machine's run directory) are left out.
    static func metricsURLs(_ c: ClusterConfiguration?, workers: [String]) -> [(node: String, url: String)] {
        guard let c, c.metrics.enabled else { return [] }
        let nodes: [NodeID] = [.venue, .aggregator, .coordinator] + workers.sorted().map { .worker($0) }
        return nodes.compactMap { node in
            let name = KeyFiles.name(of: node)
            let port = c.metrics.port(of: node)
            if port > 0 { return (name, "http://\(c.metrics.host):\(port)/metrics") }
            let file = URL(fileURLWithPath: c.runDirectory).appendingPathComponent(name + ".metrics")
            guard let url = try? String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), !url.isEmpty else { return nil }
            return (name, url)
        }
    }
}

struct AccountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "account", abstract: "Open, show or list accounts.", subcommands: [Open.self, Show.self, List.self])

    struct Open: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open an account with an optional first deposit.")
        @Argument(help: "Account id (a positive integer).") var id: UInt64
        // Unconditional: "-5" is read as the value (and refused), not as an unknown option.
        @Option(parsing: .unconditional, help: "Initial collateral, e.g. 1000 (not negative).") var collateral = "0"
        @OptionGroup var cluster: ClusterOptions
        func validate() throws {
            try checkAccountID(id)
            if try parseDecimal(collateral, Precision.quoteDecimals, "--collateral") < 0 { throw ValidationError("--collateral: must not be negative, got \(collateral)") }
        }
        func run() throws {
            let amount = Quote(e6: try parseDecimal(collateral, Precision.quoteDecimals, "--collateral"))
            try printAccount(cluster.client().command(.openAccount(Message.OpenAccount(account: AccountID(id), initialCollateral: amount)), timeout: cluster.wait), cluster)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Collateral, equity, requirements, margin ratio, positions with liquidation and bankruptcy prices, liquidation state.")
        @Argument(help: "Account id.") var id: UInt64
        @OptionGroup var cluster: ClusterOptions
        func validate() throws { try checkAccountID(id) }
        func run() throws {
            try printAccount(cluster.client().command(.showAccount(Message.ShowAccount(account: AccountID(id))), timeout: cluster.wait), cluster)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The accounts the workers hold, lowest ids first, filtered (operator).")
        @Flag(help: "Only accounts in a margin call or a liquidation.") var liquidating = false
        @Option(help: "Only accounts with a position in this market.") var market: String?
        @Option(help: "Only this worker's accounts.") var worker: String?
        @Option(help: "At most this many (1…10000).") var limit: UInt32 = 100
        @OptionGroup var cluster: ClusterOptions
        func validate() throws {
            if limit < 1 || limit > Message.AccountListRequest.maxLimit { throw ValidationError("--limit: 1…10000, got \(limit)") }
        }
        func run() throws {
            let request = Message.AccountListRequest(liquidatingOnly: liquidating, market: market.map { MarketID($0) }, workerID: worker, limit: limit)
            guard case .accountList(let l) = try cluster.client().query(.accountListRequest(request), timeout: cluster.wait) else {
                throw ValidationError("the cluster answered something else than an account list")
            }
            if cluster.json {
                try cluster.printJSON(["accounts": l.accounts.map { var o = json($0.account); o["worker"] = $0.workerID; return o },
                                       "truncated": l.truncated, "missingWorkers": l.missingWorkers])
                return
            }
            print(Table(["account", "worker", "phase", "collateral", "equity", "maintenance", "ratio", "positions"], l.accounts.map { e in
                let a = e.account
                return ["\(a.account)", e.workerID, a.phase.rawValue, "\(a.collateral)", "\(a.equity)", "\(a.maintenance)",
                        a.marginRatio.map { "\($0)" } ?? "-", a.positions.map { "\($0.market.symbol) \($0.size)" }.joined(separator: ", ")]
            }).render())
            if l.truncated { print("(more accounts match: raise --limit, up to 10000)") }
            if !l.missingWorkers.isEmpty { print("(no answer from \(l.missingWorkers.joined(separator: ", ")): their accounts are missing)") }
        }
    }
}

struct DepositCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "deposit", abstract: "Add collateral to an account (also during a liquidation: a top-up).")
    @Argument(help: "Account id.") var id: UInt64
    @Argument(help: "Amount, e.g. 250.5.") var amount: String
    @OptionGroup var cluster: ClusterOptions
    func validate() throws { try checkAccountID(id) }
    func run() throws {
        let q = Quote(e6: try parseDecimal(amount, Precision.quoteDecimals, "AMOUNT"))
        try printAccount(cluster.client().command(.deposit(Message.Deposit(account: AccountID(id), amount: q)), timeout: cluster.wait), cluster)
    }
}

struct WithdrawCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "withdraw", abstract: "Withdraw collateral (unrealised profit and the initial requirement stay).")
    @Argument(help: "Account id.") var id: UInt64
    @Argument(help: "Amount.") var amount: String
    @OptionGroup var cluster: ClusterOptions
    func validate() throws { try checkAccountID(id) }
    func run() throws {
        let q = Quote(e6: try parseDecimal(amount, Precision.quoteDecimals, "AMOUNT"))
        try printAccount(cluster.client().command(.withdraw(Message.Withdraw(account: AccountID(id), amount: q)), timeout: cluster.wait), cluster)
    }
}

struct PositionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "position", abstract: "Submit, reduce or close a position.", subcommands: [Submit.self, Reduce.self, Close.self])

    struct Reduce: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reduce a position by SIZE, filled at the mark; refused during a liquidation.")
        @Argument(help: "Account id.") var id: UInt64
        @Argument(help: "Market.") var market: String
        @Argument(help: "Size to take off, in base units (at most the position).") var size: String
        @Option(help: "Limit price: not filled if the mark is worse; within the configured band of the mark (default: none).") var price: String?
        @OptionGroup var cluster: ClusterOptions
        func validate() throws {
            try checkAccountID(id)
            if try parseDecimal(size, Precision.sizeDecimals, "SIZE") <= 0 { throw ValidationError("SIZE: must be positive, got \(size)") }
        }
        func run() throws {
            let client = try cluster.client()
            let p: Price
            if let price {
                p = Price(e8: try parseDecimal(price, Precision.priceDecimals, "--price"))
            } else {
                // The mark the owner values the position at.
                let shown = try client.command(.showAccount(Message.ShowAccount(account: AccountID(id))), timeout: cluster.wait)
                guard let pos = shown.account?.positions.first(where: { $0.market == MarketID(market) }) else {
                    throw ValidationError("account \(id) has no \(market) position to reduce")
                }
                guard pos.markPrice.e8 > 0 else { throw ValidationError("no mark for \(market) yet; give --price") }
                p = pos.markPrice
            }
            let body = MessageBody.reducePosition(Message.ReducePosition(account: AccountID(id), market: MarketID(market),
                                                                          size: Size(e8: try parseDecimal(size, Precision.sizeDecimals, "SIZE")), price: p))
            try printAccount(client.command(body, timeout: cluster.wait), cluster)
        }
    }

    struct Submit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open or increase a position: a market order filled at the mark, PRICE its limit (initial-margin checked).")
        @Argument(help: "Account id.") var id: UInt64
        @Argument(help: "Market, e.g. BTC-PERP.") var market: String
        @Argument(help: "long or short.") var side: String
        @Argument(help: "Size in base units, e.g. 0.5.") var size: String
        @Argument(help: "Limit price: not filled if the mark is worse (a long's above it, a short's below); within the configured band of the mark (worker.tradePriceBand, 5 %). 0: none.") var price: String
        @Flag(help: "Isolated margin instead of cross.") var isolated = false
        @Flag(name: .customLong("import"), help: "Operator only: book the position at PRICE as given (a position opened elsewhere), not as a trade.") var importAt = false
        @Option(help: "Isolated margin (default: the initial requirement); needs --isolated.") var margin: String?
        @OptionGroup var cluster: ClusterOptions
        func validate() throws {
            try checkAccountID(id)
            // A cross position has no margin of its own: the amount would silently go nowhere.
            if margin != nil && !isolated { throw ValidationError("--margin is the margin of an isolated position: add --isolated (a cross position uses the account's collateral)") }
        }
        func run() throws {
            guard let s = Side(rawValue: side) else { throw ValidationError("SIDE must be long or short, got '\(side)'") }
            let body = MessageBody.submitPosition(Message.SubmitPosition(
                account: AccountID(id), market: MarketID(market), side: s, size: Size(e8: try parseDecimal(size, Precision.sizeDecimals, "SIZE")),
                entryPrice: Price(e8: try parseDecimal(price, Precision.priceDecimals, "PRICE")), marginMode: isolated ? .isolated : .cross,
                isolatedMargin: Quote(e6: try margin.map { try parseDecimal($0, Precision.quoteDecimals, "--margin") } ?? 0), importAt: importAt))
            try printAccount(cluster.client().command(body, timeout: cluster.wait), cluster)
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a position, filled at the mark.")
        @Argument(help: "Account id.") var id: UInt64
        @Argument(help: "Market.") var market: String
        @Option(help: "Limit price: not filled if the mark is worse; within the configured band of the mark (default: none).") var price: String?
        @OptionGroup var cluster: ClusterOptions
        func validate() throws { try checkAccountID(id) }
        func run() throws {
            let p = try price.map { Price(e8: try parseDecimal($0, Precision.priceDecimals, "--price")) }
            try printAccount(cluster.client().command(.closePosition(Message.ClosePosition(account: AccountID(id), market: MarketID(market), price: p)), timeout: cluster.wait), cluster)
        }
    }
}

struct PriceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "price", abstract: "Set the venue's exogenous (index) price.", subcommands: [Set.self])
    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a market's exogenous price at the venue.")
        @Argument(help: "Market.") var market: String
        @Argument(help: "Price.") var price: String
        @OptionGroup var cluster: ClusterOptions
        func run() throws {
            let p = Price(e8: try parseDecimal(price, Precision.priceDecimals, "PRICE"))
            _ = try cluster.client().command(.setPrice(Message.SetPrice(market: MarketID(market), price: p)), timeout: cluster.wait)
            if cluster.json { try cluster.printJSON(["market": market, "price": p.description]) } else { print("\(market) index set to \(p)") }
        }
    }
}

struct FundCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fund", abstract: "Insurance fund balance and recent ledger entries.")
    @Option(help: "Ledger entries to show (0: the balance only; at most 1000).") var entries: UInt32 = 20
    @OptionGroup var cluster: ClusterOptions
    func validate() throws {
        if entries > 1_000 { throw ValidationError("--entries: at most 1000, got \(entries)") }
    }
    func run() throws {
        guard case .fundView(let f) = try cluster.client().query(.fundRequest(Message.FundRequest(maxEntries: entries)), timeout: cluster.wait) else {
            throw ValidationError("the cluster answered something else than the fund")
        }
        if cluster.json {
            try cluster.printJSON(["balance": f.balance.description, "entries": f.entries.map {
                ["sequence": $0.sequence, "from": $0.from, "to": $0.to, "amount": $0.amount.description, "reason": $0.reason,
                 "account": $0.account.map { NSNumber(value: $0.rawValue) as Any } ?? NSNull(), "atSeconds": FixedDecimal.format($0.at.nanoseconds, decimals: 9)] as [String: Any]
            }])
            return
        }
        print("Insurance fund: \(f.balance)")
        guard !f.entries.isEmpty else { return }
        // The backstop is named, not shown as its reserved id.
        let backstop = "trader:\(Backstop.accountID)"
        func name(_ s: String) -> String { s == backstop ? "backstop" : s }
        print(Table(["#", "from", "to", "amount", "reason", "account"], f.entries.map {
            ["\($0.sequence)", name($0.from), name($0.to), "\($0.amount)", $0.reason, $0.account.map { $0 == Backstop.accountID ? "backstop" : "\($0)" } ?? ""]
        }).render())
    }
}

struct BackstopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backstop", abstract: "The backstop's inventory: positions taken over and not yet unwound, at the last mark (operator).")
    @OptionGroup var cluster: ClusterOptions
    func run() throws {
        guard case .fundView(let f) = try cluster.client().query(.fundRequest(Message.FundRequest(maxEntries: 0)), timeout: cluster.wait) else {
            throw ValidationError("the cluster answered something else than the fund")
        }
        if cluster.json {
            try cluster.printJSON(["fundBalance": f.balance.description, "positions": f.backstop.map {
                ["market": $0.market.symbol, "size": $0.size.description, "entryPrice": $0.entryPrice.description,
                 "markPrice": $0.markPrice.map { $0.description as Any } ?? NSNull(), "unrealisedPnl": $0.unrealisedPnl.description] as [String: Any]
            }])
            return
        }
        guard !f.backstop.isEmpty else { print("The backstop holds nothing (insurance fund \(f.balance))."); return }
        let total = f.backstop.reduce(Int64(0)) { $0 &+ $1.unrealisedPnl.e6 }
        print("Backstop inventory (insurance fund \(f.balance); unrealised at the marks: \(Quote(e6: total)))")
        print(Table(["market", "side", "size", "entry", "mark", "uPnL"], f.backstop.map {
            [$0.market.symbol, $0.size.e8 < 0 ? "short" : "long", "\((try? $0.size.magnitude()) ?? $0.size)", "\($0.entryPrice)",
             $0.markPrice.map { "\($0)" } ?? "-", "\($0.unrealisedPnl)"]
        }).render())
    }
}

struct BreakerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "breaker", abstract: "Cascade breaker state per market.")
    @OptionGroup var cluster: ClusterOptions
    func run() throws {
        guard case .breakerList(let l) = try cluster.client().query(.breakerRequest(Message.BreakerRequest()), timeout: cluster.wait) else {
            throw ValidationError("the cluster answered something else than the breakers")
        }
        if cluster.json { try cluster.printJSON(["breakers": l.breakers.map(json)]); return }
        print(Table(["market", "level", "reason", "sequence", "step scale", "interval scale"], l.breakers.map {
            [$0.market.symbol, $0.level.rawValue, "\($0.reason)", "\($0.sequence)", "\($0.stepScale)", "\($0.intervalScale)"]
        }).render())
    }
}

struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "events", abstract: "Liquidation events as they happen (one JSON object per line with --json).")
    @Flag(help: "Keep following until interrupted (otherwise stop after --seconds).") var follow = false
    @Option(help: "Only this account.") var account: UInt64?
    @Option(help: ArgumentHelp("Leave out events of this kind (repeatable), e.g. budget or mark.", valueName: "KIND")) var exclude: [String] = []
    @Option(help: "Listen this long without --follow.") var seconds: Double = 5
    func validate() throws {
        for k in exclude where ClusterEvent.Kind(rawValue: k) == nil {
            throw ValidationError("--exclude: unknown event kind '\(k)' (\(ClusterEvent.Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
    }
    @Option(help: "Events endpoint (default: from the configuration).") var endpoint: String?
    /// How long an event is held to print events from several workers in time order.
    static let reorderWindow: TimeInterval = 0.25
    @OptionGroup var cluster: ClusterOptions
    func run() throws {
        let url = try endpoint ?? cluster.configuration().endpoints.events
        let context = try ZMQContext()
        let socket = try ZMQSocket(context, .sub)
        try socket.subscribe()
        let keys = try cluster.keys()
        let monitor = try HandshakeMonitor(socket, context: context)
        defer { monitor.close() }
        try keys?.configure(socket, server: .aggregator)
        try socket.connect(url)
        let start = Date()
        let end = start.addingTimeInterval(seconds)
        // The aggregator publishes a mark event every mark interval: silence means no
        // connection. Never heard from: fail after --timeout. Heard, then silent: say so
        // (once per outage) and keep listening.
        var lastHeard: Date?
        var saidSilent = false
        // Printed in time order across workers' clocks (`EventReorderBuffer`).
        var held = EventReorderBuffer(window: Self.reorderWindow)
        func show(_ e: ClusterEvent) {
            if cluster.json {
                var line: [UInt8] = []
                e.appendJSONLine(to: &line)
                FileHandle.standardOutput.write(Data(line))
            } else {
                // Wall-clock time, readable (the JSON keeps the exact seconds).
                let at = Date(timeIntervalSince1970: Double(e.at.nanoseconds) / 1e9)
                var parts = [at.ISO8601Format(.iso8601.year().month().day().time(includingFractionalSeconds: true)), e.kind.rawValue]
                if let a = e.account { parts.append(a == Backstop.accountID ? "backstop" : "account \(a)") }
                if let mk = e.market { parts.append(mk.symbol) }
                if let s = e.size { parts.append("size \(s)") }
                if let p = e.price { parts.append("price \(p)") }
                if let q = e.amount { parts.append("amount \(q)") }
                if let d = e.detail { parts.append("— \(d)") }
                if let t = e.tickToOrder { parts.append(String(format: "(tick → order %.3f ms)", Double(t.nanoseconds) / 1e6)) }
                // Unbuffered: a follower piped into a file or another program sees each event at once.
                FileHandle.standardOutput.write(Data((parts.joined(separator: " ") + "\n").utf8))
            }
        }
        while follow || Date() < end {
            for e in held.take(at: Date()) { show(e) }
            guard let frames = try socket.receive(timeoutMilliseconds: 50), let payload = frames.last,
                  let envelope = try? WireCodec.decode(payload), case .clusterEvent(let m) = envelope.body else {
                if lastHeard == nil, Date().timeIntervalSince(start) > cluster.timeout {
                    socket.close()
                    context.shutdown()
                    if let f = monitor.failure() { throw ClusterClient.Failure.handshake(url, f, keys.map { "client:\($0.name)" } ?? "an insecure client") }
                    throw ClusterClient.Failure.transport("not connected: no events from \(url) within \(cluster.timeout) s (is the cluster up? scripts/cluster-up.sh)")
                }
                if let h = lastHeard, !saidSilent, Date().timeIntervalSince(h) > cluster.timeout {
                    saidSilent = true
                    FileHandle.standardError.write(Data("tranche events: no events from \(url) for \(Int(cluster.timeout)) s: the cluster may be down; still listening\n".utf8))
                }
                continue
            }
            lastHeard = Date()
            if saidSilent {
                saidSilent = false
                FileHandle.standardError.write(Data("tranche events: receiving again\n".utf8))
            }
            let e = m.event
            if let a = account, e.account != AccountID(a) { continue }
            if exclude.contains(e.kind.rawValue) { continue }
            held.add(e, receivedAt: Date())
        }
        for e in held.take(at: nil) { show(e) }
        socket.close()
        context.shutdown()
    }
}

func printAccount(_ reply: Message.CommandReply, _ cluster: ClusterOptions) throws {
    guard let v = reply.account else { if cluster.json { try cluster.printJSON(["ok": true]) } else { print("ok") }; return }
    if cluster.json { try cluster.printJSON(json(v)) } else { print(text(v), terminator: "") }
}
