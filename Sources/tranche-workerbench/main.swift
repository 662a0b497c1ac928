// tranche-workerbench: a worker's core (TrancheCore.Worker, no I/O) holding N accounts, in
// one process, release build (scripts/bench.sh; issue 10's targets 4, 6 and 7):
//   - memory: resident bytes per account held (RSS before and after loading them);
//   - tick cost: the handling of one mark that crosses K accounts, for each N (the ratio
//     between the largest and the smallest N is the figure; K is the same);
//   - full re-evaluation: MarginCalculator.metrics over every account at one mark, against a
//     C loop (CMarginLoop) over the same accounts as flat arrays, in the same run.
// Accounts: one cross long of 0.1 BTC at 20,000 each; K of them with 50 of collateral (their
// liquidation price is 19,697), the others with 1,000 (far from any). The crossing mark is
// 19,600. Markets from cluster/local.json. Prints one line of JSON per N.
// Usage: tranche-workerbench [--accounts 100000,1000000] [--crossing 300] [--repeat 3] [--evaluation-only]
import CMarginLoop
import Foundation
import TrancheCore
import TrancheNode

func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
}

func nowNs() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

var counts = [100_000, 1_000_000]
var crossing = 300
var repeats = 3
var evaluationOnly = false
var args = CommandLine.arguments.dropFirst().makeIterator()
while let a = args.next() {
    switch a {
    case "--accounts": counts = (args.next() ?? "").split(separator: ",").compactMap { Int($0) }
    case "--crossing": crossing = Int(args.next() ?? "") ?? crossing
    case "--repeat": repeats = Int(args.next() ?? "") ?? repeats
    case "--evaluation-only": evaluationOnly = true  // the full re-evaluation alone (to profile it)
    case "-h", "--help":
        print("Usage: tranche-workerbench [--accounts 100000,1000000] [--crossing 300] [--repeat 3] [--evaluation-only]")
        exit(0)
    default:
        FileHandle.standardError.write(Data("tranche-workerbench: unknown argument \(a)\n".utf8))
        exit(2)
    }
}
guard !counts.isEmpty, counts.allSatisfy({ $0 > crossing }), crossing >= 0, repeats >= 1 else {
    FileHandle.standardError.write(Data("tranche-workerbench: --accounts N,… each above --crossing K ≥ 0, --repeat ≥ 1\n".utf8))
    exit(2)
}

let config = try ConfigurationFile.load("cluster/local.json")
let spec = config.markets[0].market
let market = spec.id
let entry = Price(e8: 20_000 * 100_000_000)
let size = Size(e8: 10_000_000)  // 0.1
let calm = Price(e8: 20_000 * 100_000_000)
let crash = Price(e8: 19_600 * 100_000_000)

func account(_ i: Int, crossing: Int) -> Account {
    let collateral = Quote(e6: (i <= crossing ? 50 : 1_000) * 1_000_000)
    return Account(id: AccountID(UInt64(i)), collateral: collateral, positions: [Position(market: market, size: size, entryPrice: entry)])
}

func mark(_ price: Price, _ sequence: UInt64, at: Instant) -> Envelope {
    Envelope(sender: "venue", sentAt: at, body: .markPrice(Message.MarkPrice(market: market, price: price, sequence: sequence, at: at)))
}

for n in counts {
    var tickNs: [UInt64] = []
    var firstMarkNs: [UInt64] = []
    var longestTurnNs: [UInt64] = []
    var bytesPerAccount = 0.0
    var swiftNs: [UInt64] = []
    var cNs: [UInt64] = []
    var liquidatable = (swift: 0, c: 0)
    for round in 0..<repeats where !evaluationOnly {
        // A worker holding n accounts, as after loading its shard.
        let before = residentBytes()
        var worker = Worker(configuration: WorkerConfiguration(id: "w1", shardCount: 1), markets: [spec])
        let t0 = Instant(nanoseconds: 1_000_000_000)
        _ = worker.start(now: t0)
        _ = worker.receive(Envelope(sender: "coordinator", sentAt: t0, body: .shardAssignment(Message.ShardAssignment(workerID: "w1", epoch: 1, shards: [0]))),
                           from: .coordinator, now: t0)
        _ = worker.onShardLoaded(shard: 0, epoch: 1, records: (1...n).map { AccountRecord(account: account($0, crossing: crossing)) }, now: t0)
        // The first mark: every account's thresholds are computed (nothing crosses).
        var start = nowNs()
        _ = worker.receive(mark(calm, 1, at: t0), from: .venue, now: t0)
        var longestTurn = nowNs() - start
        // The rest a chunk per turn, as the shell would call it.
        while worker.pendingIndexing > 0 {
            let turn = nowNs()
            _ = worker.onWake(now: t0)
            longestTurn = max(longestTurn, nowNs() - turn)
        }
        firstMarkNs.append(nowNs() - start)
        longestTurnNs.append(longestTurn)
        if round == 0 { bytesPerAccount = Double(residentBytes() - before) / Double(n) }
        // The tick that crosses `crossing` accounts.
        let t1 = t0 + .seconds(1)
        start = nowNs()
        let directives = worker.receive(mark(crash, 2, at: t1), from: .venue, now: t1)
        tickNs.append(nowNs() - start)
        // The tick did its work: every crossing account is in a liquidation now.
        guard worker.activeAccounts.count == crossing else {
            FileHandle.standardError.write(Data("tranche-workerbench: \(worker.activeAccounts.count) accounts in a liquidation after the tick, \(crossing) expected (\(directives.count) directives)\n".utf8))
            exit(1)
        }
        withExtendedLifetime(worker) {}
    }
    // Full re-evaluation: the core's calculator over every account, then a C loop over the
    // same data, alternately.
    let accounts = (1...n).map { account($0, crossing: crossing) }
    let context = MarginContext(markets: [spec], marks: [market: crash])
    let collateral = accounts.map(\.collateral.e6), sizes = accounts.map { $0.positions[0].size.e8 }, entries = accounts.map { $0.positions[0].entryPrice.e8 }
    let brackets = spec.brackets.map { cml_bracket(notional_floor_e6: $0.notionalFloor.e6, maintenance_rate_ppm: $0.maintenanceMarginRate.ppm, maintenance_amount_e6: $0.maintenanceAmount.e6) }
    for _ in 0..<repeats {
        var start = nowNs()
        var count = 0
        // The core's screening of an account a mark touches (ScopeLiquidation.evaluate runs it
        // before anything else for a scope in no liquidation): equity against maintenance.
        for a in accounts where (try? MarginCalculator.isLiquidatable(a, .cross, context)) == true { count += 1 }
        swiftNs.append(nowNs() - start)
        liquidatable.swift = count
        start = nowNs()
        liquidatable.c = collateral.withUnsafeBufferPointer { c in sizes.withUnsafeBufferPointer { s in entries.withUnsafeBufferPointer { e in
            brackets.withUnsafeBufferPointer { b in cml_count_liquidatable(c.baseAddress, s.baseAddress, e.baseAddress, n, crash.e8, b.baseAddress, b.count) }
        } } }
        cNs.append(nowNs() - start)
    }
    guard liquidatable.swift == crossing, liquidatable.c == crossing else {
        FileHandle.standardError.write(Data("tranche-workerbench: \(liquidatable.swift) (core) and \(liquidatable.c) (C) liquidatable, \(crossing) expected\n".utf8))
        exit(1)
    }
    func median(_ v: [UInt64]) -> Double { v.isEmpty ? 0 : Double(v.sorted()[v.count / 2]) }
    let line: [String: Any] = [
        "accounts": n, "crossing": crossing, "repeats": repeats,
        "residentBytesPerAccount": bytesPerAccount.rounded(),
        "tickMs": median(tickNs) / 1e6, "firstMarkMs": median(firstMarkNs) / 1e6, "firstMarkLongestTurnMs": median(longestTurnNs) / 1e6,
        "fullEvaluationCoreNsPerAccount": median(swiftNs) / Double(n), "fullEvaluationCNsPerAccount": median(cNs) / Double(n),
    ]
    let data = try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}
