import ArgumentParser
import Foundation
import Histogram
import TrancheCore
import TrancheNode
import TrancheReport
import TrancheTransport
import TrancheWire

/// Drives a price path into the live venue while the cluster liquidates, and measures what
/// the cluster does from its event stream: tick → tranche order at the venue, tranches and
/// fills per second, takeovers, breaker transitions, the fund.
struct Crash: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Drive a crash (a scenario's price path, or a synthetic fall) into the live venue and measure the cluster's liquidations.",
        discussion: """
            With --scenario FILE, the scenario's exogenous path (drawn from its seed, one point per mark interval) is set as the \
            index price at that pace; --populate first opens the scenario's accounts (ids shifted to start at --first), and \
            --compare runs `tranche simulate` on the same scenario and prints its figures beside the live ones (the live \
            cluster should then run the scenario's markets: scripts/cluster-lib.sh scenario_config). Without --scenario, the \
            first market's index falls by --drop in --steps equal steps, --step-interval apart. Prices are then held for \
            --settle seconds. Tick → order is measured by the venue for every order a worker sent while handling a mark \
            (the mark's time travels in the order), filled or not; orders sent later (a step interval, a budget, a retry) are \
            counted apart.
            """)
    @Option(help: ArgumentHelp("Scenario whose price path to drive.", valueName: "FILE")) var scenario: String?
    @Flag(help: "Open the scenario's accounts first (operator imports at their entry prices).") var populate = false
    @Flag(help: "Run `tranche simulate` on the same scenario and print its figures beside.") var compare = false
    @Option(help: "First account id of --populate.") var first: UInt64 = 2_000_000
    @Option(help: "Without --scenario: the share the index falls by.") var drop = 0.05
    @Option(help: "Without --scenario: steps of the fall.") var steps = 10
    @Option(help: "Without --scenario: seconds between steps.") var stepInterval = 1.0
    @Option(help: "Without --scenario: the index the fall starts from (default: the first market's initial price).") var from: String?
    @Option(help: "Seconds the last price is held while liquidations go on.") var settle = 10.0
    @OptionGroup var options: RunOptions

    func validate() throws {
        if !(0.0001...0.9).contains(drop) { throw ValidationError("--drop: 0.0001…0.9") }
        if !(1...10_000).contains(steps) { throw ValidationError("--steps: 1…10000") }
        if stepInterval <= 0 || stepInterval > 3600 { throw ValidationError("--step-interval: (0, 3600] seconds") }
        if settle < 0 || settle > 3600 { throw ValidationError("--settle: 0…3600 seconds") }
        if (populate || compare) && scenario == nil { throw ValidationError("--populate and --compare need --scenario") }
    }

    /// The points to drive: (seconds after the start, market, index).
    func path(_ c: ClusterConfiguration) throws -> (points: [(at: Double, market: MarketID, price: Price)], scenario: Scenario?) {
        if let file = scenario {
            let s = try JSONDecoder().decode(Scenario.self, from: Data(contentsOf: URL(fileURLWithPath: file)))
            try s.validate()
            if s.topUps.isEnabled {
                FileHandle.standardError.write(Data("note: the scenario's topUps are simulated by `tranche simulate` only; this live run has no traders who top up\n".utf8))
            }
            let configured = Set(c.markets.map(\.market.id))
            for m in s.markets where !configured.contains(m.market.id) {
                throw ValidationError("--scenario: market \(m.market.id) is not in the cluster's configuration (\(configured.map(\.symbol).sorted().joined(separator: ", ")))")
            }
            let (paths, _) = try Simulator.inputs(s)
            let interval = Double(s.markInterval.nanoseconds) / 1e9
            var points: [(Double, MarketID, Price)] = []
            for (m, path) in paths.sorted(by: { $0.key < $1.key }) {
                for (k, p) in path.enumerated() where k > 0 { points.append((Double(k) * interval, m, p)) }
            }
            return (points.sorted { ($0.0, $0.1) < ($1.0, $1.1) }, s)
        }
        let market = c.markets[0]
        let start = try from.map { Price(e8: try FixedDecimal.parse($0, decimals: Precision.priceDecimals)) } ?? market.initialPrice
        var points: [(Double, MarketID, Price)] = []
        for k in 1...steps {
            let e8 = Double(start.e8) * (1 - drop * Double(k) / Double(steps))
            let ticked = (try? Price(e8: Int64(e8)).rounded(toTick: market.market.tickSize, .down)) ?? Price(e8: Int64(e8))
            points.append((Double(k - 1) * stepInterval, market.market.id, ticked))
        }
        return (points, nil)
    }

    func run() throws {
        let c = try options.configuration()
        let (points, scenarioFile) = try path(c)
        let keys = try options.keys(c)

        if populate, let s = scenarioFile {
            let (_, accounts) = try Simulator.inputs(s)
            let shift = first - 1
            var works: [Work] = []
            var rng = SeededGenerator(seed: options.seed)
            for a in accounts {
                let id = AccountID(a.id.rawValue + shift)
                var follow: [MessageBody] = []
                for p in a.positions {
                    follow.append(.submitPosition(Message.SubmitPosition(account: id, market: p.market, side: p.side, size: try p.size.magnitude(), entryPrice: p.entryPrice,
                                                                         marginMode: p.mode, isolatedMargin: p.isolatedMargin, importAt: true)))
                }
                // One position per account in the scenarios' populations: the follow-up.
                works.append(Work(body: .openAccount(Message.OpenAccount(account: id, initialCollateral: try a.heldBalance())),
                                  requestID: UInt64.random(in: 1...UInt64.max, using: &rng), followUp: follow.first))
            }
            let pipeline = try options.pipeline(c)
            var i = 0
            try pipeline.run(rate: nil, duration: nil, next: {
                guard i < works.count else { return nil }
                defer { i += 1 }
                return works[i]
            }, progress: options.progress(total: works.count))
            if isatty(STDERR_FILENO) == 1 { FileHandle.standardError.write(Data("\n".utf8)) }
            if pipeline.stats.acknowledged < works.count {
                throw ValidationError("--populate: \(works.count - pipeline.stats.acknowledged) of \(works.count) account openings were not acknowledged")
            }
        }

        // The event stream, on this thread, polled between price points.
        let context = try ZMQContext()
        // Alive until the run ends (the socket does not keep its context alive).
        defer { withExtendedLifetime(context) {} }
        let socket = try ZMQSocket(context, .sub)
        let monitor = try HandshakeMonitor(socket, context: context)
        defer { monitor.close() }
        try socket.subscribe()
        try keys?.configure(socket, server: .aggregator)
        try socket.connect(c.endpoints.events)
        // The venue's marks, for the report's price chart (the operator may watch them).
        let marks = try ZMQSocket(context, .sub)
        try marks.subscribe()
        try keys?.configure(marks, server: .venue)
        try marks.connect(c.endpoints.venueMarketData)
        let client = try ClusterClient(endpoint: c.endpoints.coordinatorClients, name: "loadgen-crash", security: keys)
        var tally = CrashTally()
        // A second for the subscription to join (events are published as they happen; a
        // quiet cluster sends none), then a refused key is named.
        try drain(socket, marks: marks, into: &tally, start: Date(), for: 1)
        if let f = monitor.failure() { throw ValidationError("events at \(c.endpoints.events): the aggregator refused our key (\(f))") }
        let fundStart = try fundBalance(client)
        let start = Date()
        tally = CrashTally(recorder: ReportRecorder(market: c.markets[0].market.id, origin: WallClock.now()))
        var nextSample = 0.0
        // Once a second, for the report only: the fund (asked briefly; a second the cluster
        // is too busy to answer has no point rather than stopping the run) and what the
        // events said.
        func sampleIfDue() throws {
            guard options.report != nil, Date().timeIntervalSince(start) >= nextSample else { return }
            nextSample += 1
            tally.recorder?.sampleLive(at: WallClock.now(), fund: (try? fundBalance(client, timeout: .milliseconds(500))) ?? nil)
        }

        let total = (points.last?.at ?? 0) + settle
        for p in points {
            // Events until this point is due, then the point.
            while Date().timeIntervalSince(start) < p.at {
                try drain(socket, marks: marks, into: &tally, start: start, for: min(0.05, p.at - Date().timeIntervalSince(start)))
                try sampleIfDue()
            }
            _ = try client.command(.setPrice(Message.SetPrice(market: p.market, price: p.price)), timeout: .seconds(5))
            if p.market == c.markets[0].market.id { tally.recorder?.recordIndex(p.price, at: WallClock.now()) }
            if isatty(STDERR_FILENO) == 1 {
                FileHandle.standardError.write(Data(String(format: "\r%7.1f / %.0f s  %@ %@  %d tranches  %d fills  %d takeovers", Date().timeIntervalSince(start), total,
                                                             p.market.symbol, p.price.description, tally.tranches, tally.fills, tally.takeovers).utf8))
            }
        }
        while Date().timeIntervalSince(start) < total {
            try drain(socket, marks: marks, into: &tally, start: start, for: 0.05)
            try sampleIfDue()
        }
        if isatty(STDERR_FILENO) == 1 { FileHandle.standardError.write(Data("\n".utf8)) }
        let seconds = Date().timeIntervalSince(start)
        let fundEnd = try fundBalance(client)

        var simulated: SimulationSummary?
        var simulatedRecorder: ReportRecorder?
        if compare, let s = scenarioFile {
            let recorder = ReportRecorder(market: c.markets[0].market.id)
            simulated = try Simulator.run(s, options: SimulationOptions(policy: .stepwise, recordEvents: options.report != nil)) { recorder.record($0) } sample: { t, cluster in
                if options.report != nil { recorder.sample(t, cluster) }
            }
            simulatedRecorder = recorder
        }
        try report(tally, seconds: seconds, fundStart: fundStart, fundEnd: fundEnd, points: points.count, simulated: simulated, simulatedRecorder: simulatedRecorder,
                   scenario: scenarioFile)
    }

    func fundBalance(_ client: ClusterClient, timeout: Duration = .seconds(5)) throws -> Quote? {
        guard case .fundView(let f) = try client.query(.fundRequest(Message.FundRequest(maxEntries: 0)), timeout: timeout) else { return nil }
        return f.balance
    }

    /// Receives events (and the venue's marks) for up to `seconds`.
    func drain(_ socket: ZMQSocket, marks: ZMQSocket, into tally: inout CrashTally, start: Date, for seconds: Double) throws {
        let until = Date().addingTimeInterval(max(seconds, 0.001))
        repeat {
            let left = Int(max(1, until.timeIntervalSinceNow * 1000))
            let ready = try ZMQPoller.poll([socket, marks], timeoutMilliseconds: left)
            if ready.contains(1) {
                while let frames = try marks.tryReceive() {
                    guard let payload = frames.last, let envelope = try? WireCodec.decode(payload), case .markPrice(let m) = envelope.body,
                          let recorder = tally.recorder, m.market == recorder.market else { continue }
                    recorder.recordMark(m.price, at: m.at)
                }
            }
            if ready.contains(0) {
                while let frames = try socket.tryReceive() {
                    guard let payload = frames.last, let envelope = try? WireCodec.decode(payload), case .clusterEvent(let m) = envelope.body else { continue }
                    tally.count(m.event, second: Int(Date().timeIntervalSince(start)))
                }
            }
        } while Date() < until
    }

    func report(_ t: CrashTally, seconds: Double, fundStart: Quote?, fundEnd: Quote?, points: Int, simulated: SimulationSummary?,
                simulatedRecorder: ReportRecorder?, scenario: Scenario?) throws {
        func ms(_ us: UInt64) -> Double { Double(us) / 1000 }
        let h = t.tickToOrder
        let latency: [String: Any] = h.totalCount == 0 ? ["count": 0] : [
            "count": Int(h.totalCount), "p50": ms(h.valueAtPercentile(50)), "p90": ms(h.valueAtPercentile(90)),
            "p99": ms(h.valueAtPercentile(99)), "p999": ms(h.valueAtPercentile(99.9)), "max": ms(h.max)]
        var o: [String: Any] = [
            "title": "crash" + (scenario.map { " \($0)" } ?? String(format: " -%g%% in %d steps", drop * 100, steps)), "seconds": seconds, "pricesSet": points,
            "tickToOrderMs": latency, "answersOfOrdersSentLater": t.answersWithoutTick, "tranches": t.tranches, "fills": t.fills, "unfilled": t.unfilled,
            "crossingAccounts": t.accounts.count, "marginCalls": t.marginCalls, "takeovers": t.takeovers, "adl": t.adl,
            "breakerTransitions": t.breakers, "liquidatedNotional": t.filledNotional.description,
            "perSecond": t.perSecond.map { ["tranches": $0.tranches, "fills": $0.fills] },
        ]
        if let fundStart { o["fundStart"] = fundStart.description }
        if let fundEnd { o["fundEnd"] = fundEnd.description }
        if let s = simulated {
            o["simulated"] = ["tranches": s.tranches, "liquidatedAccounts": s.liquidatedAccounts, "takeovers": s.takeovers, "breakerTrips": s.breakerTrips,
                              "adlEvents": s.adlEvents, "liquidatedNotional": s.liquidatedNotional.description, "fundEnd": s.insuranceFundEnd.description]
        }
        var lines = [o["title"] as! String,
                     String(format: "  %d prices set over %.1f s; %d accounts liquidated: %d tranches, %d fills (%@ notional), %d unfilled, %d margin calls, %d takeovers, %d ADL, %d breaker transitions",
                            points, seconds, t.accounts.count, t.tranches, t.fills, t.filledNotional.description, t.unfilled, t.marginCalls, t.takeovers, t.adl, t.breakers)]
        // Measured on every answered order a worker sent while handling a mark, filled or not.
        if h.totalCount > 0 {
            lines.append(String(format: "  tick → order at the venue (%d orders sent on a tick): p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.3f ms; %d answers to orders sent later",
                                Int(h.totalCount), ms(h.valueAtPercentile(50)), ms(h.valueAtPercentile(90)), ms(h.valueAtPercentile(99)), ms(h.valueAtPercentile(99.9)), ms(h.max), t.answersWithoutTick))
        } else {
            lines.append("  tick → order: no order was sent on a tick (\(t.answersWithoutTick) answers to orders sent later)")
        }
        if let fundStart, let fundEnd { lines.append("  insurance fund: \(fundStart) → \(fundEnd)") }
        if !t.perSecond.isEmpty {
            lines.append("  per second (tranches/fills): " + t.perSecond.prefix(120).map { "\($0.tranches)/\($0.fills)" }.joined(separator: " "))
        }
        if let s = simulated {
            lines.append("  beside `tranche simulate` on the same scenario (stepwise):")
            lines.append("    figure               live        simulated")
            lines.append(String(format: "    accounts liquidated  %-10d  %d", t.accounts.count, s.liquidatedAccounts))
            lines.append(String(format: "    tranches             %-10d  %d", t.tranches, s.tranches))
            lines.append(String(format: "    takeovers            %-10d  %d", t.takeovers, s.takeovers))
            lines.append(String(format: "    breaker transitions  %-10d  %d (trips)", t.breakers, s.breakerTrips))
            lines.append("    liquidated notional  \(t.filledNotional)  \(s.liquidatedNotional)")
        }
        if options.json {
            let data = try JSONSerialization.data(withJSONObject: o, options: [.prettyPrinted, .sortedKeys])
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        } else {
            print(lines.joined(separator: "\n"))
        }
        if let path = options.report, let recorder = t.recorder {
            // The simulation's stress report, on the live run: the same charts, from the event
            // stream, the venue's marks and the fund polled once a second.
            var live: [(String, String)] = [
                ("accounts liquidated", "\(t.accounts.count)"), ("tranches", "\(t.tranches)"), ("fills", "\(t.fills)"), ("unfilled tranches", "\(t.unfilled)"),
                ("liquidated notional", "\(t.filledNotional)"), ("average slippage (bps)", String(format: "%.1f", recorder.averageSlippageBps)),
                ("takeovers", "\(t.takeovers)"), ("ADL events", "\(t.adl)"), ("breaker transitions", "\(t.breakers)"),
                ("insurance fund: start", fundStart.map(\.description) ?? "–"), ("insurance fund: end", fundEnd.map(\.description) ?? "–"),
            ]
            if h.totalCount > 0 {
                live.append(("tick → order p50 / p99 (ms)", String(format: "%.3f / %.3f", ms(h.valueAtPercentile(50)), ms(h.valueAtPercentile(99)))))
            }
            var runs = [StressReport.Run(name: "live cluster", color: "#1f77b4", recorder: recorder, summary: live)]
            if let s = simulated, let r = simulatedRecorder {
                var rows = StressReport.rows(s)
                if let i = rows.firstIndex(where: { $0.0 == "liquidated accounts" }) { rows[i].0 = "accounts liquidated" }
                runs.append(StressReport.Run(name: "tranche simulate (stepwise)", color: "#ff7f0e", recorder: r, summary: rows))
            }
            let html = StressReport.html(title: o["title"] as! String,
                                         description: "tranche-loadgen crash: " + (scenario?.description ?? "the index of \(recorder.market.symbol) falls by \(drop * 100) % in \(steps) steps, \(stepInterval) s apart, then held \(settle) s."),
                                         about: String(format: "%d prices set over %.1f s", points, seconds), runs: runs)
            try Data(html.utf8).write(to: URL(fileURLWithPath: path))
        }
    }
}

/// What the event stream showed during a crash run.
struct CrashTally {
    /// The report's series (from the run's start on).
    var recorder: ReportRecorder?
    var events = 0
    var tranches = 0
    var fills = 0
    var unfilled = 0
    /// Venue answers (fills and unfilled tranches) to orders not sent while handling a mark.
    var answersWithoutTick = 0
    var marginCalls = 0
    var takeovers = 0
    var adl = 0
    var breakers = 0
    var filledNotional = Quote.zero
    var accounts = Set<AccountID>()
    /// µs, tick → order of the orders sent while handling a mark (from fills and unfilled tranches).
    var tickToOrder = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
    var perSecond: [(tranches: Int, fills: Int)] = []

    mutating func latency(_ e: ClusterEvent) {
        if let t = e.tickToOrder { tickToOrder.record(UInt64(max(1, t.nanoseconds / 1000))) } else { answersWithoutTick += 1 }
    }

    mutating func count(_ e: ClusterEvent, second: Int) {
        events += 1
        recorder?.record(e)
        while perSecond.count <= second { perSecond.append((0, 0)) }
        let trader = e.account.map { $0 != Backstop.accountID } ?? false
        switch e.kind {
        case .trancheOrder where trader:
            tranches += 1
            perSecond[second].tranches += 1
            if let a = e.account { accounts.insert(a) }
        case .fill where trader:
            fills += 1
            perSecond[second].fills += 1
            if let q = e.amount, let sum = try? Checked.add(filledNotional.e6, q.e6) { filledNotional = Quote(e6: sum) }
            latency(e)
        case .unfilled where trader:
            unfilled += 1
            latency(e)
        case .marginCall: marginCalls += 1
        case .takeover where trader: takeovers += 1
        case .adl: adl += 1
        case .breaker: breakers += 1
        default: break
        }
    }
}
