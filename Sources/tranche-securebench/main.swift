// Client commands per second against a running cluster, pipelined, secure (CurveZMQ, the
// operator's key) or --insecure: what CURVE costs end to end (docs/security.md). Run by
// scripts/bench-security.sh, which starts the same cluster both ways in one run.
//
//     tranche-securebench --config FILE [--insecure] [--seconds 5] [--sockets 8] [--depth 64] [--accounts 512]

import Foundation
import TrancheCore
import TrancheNode
import TrancheTransport
import TrancheWire

var config = "cluster/local.json"
var insecure = false
var seconds = 5.0
var socketCount = 8
var depth = 64
var accountCount = 512
var raw = false
var args = CommandLine.arguments.dropFirst()
while let a = args.popFirst() {
    switch a {
    case "--config": config = args.popFirst() ?? config
    case "--insecure": insecure = true
    case "--seconds": seconds = Double(args.popFirst() ?? "") ?? seconds
    case "--sockets": socketCount = Int(args.popFirst() ?? "") ?? socketCount
    case "--depth": depth = Int(args.popFirst() ?? "") ?? depth
    case "--accounts": accountCount = Int(args.popFirst() ?? "") ?? accountCount
    case "--raw": raw = true
    default:
        FileHandle.standardError.write(Data("tranche-securebench: unknown argument \(a)\n".utf8))
        exit(64)
    }
}

if raw {
    // The transport alone: a ROUTER echo on its own thread and DEALERs pipelining 100-byte
    // messages over TCP loopback, with and without CURVE, in one run.
    for curve in [false, true, false, true] {
        let (rate, p50, p99) = try rawEcho(curve: curve, seconds: seconds, sockets: socketCount, depth: depth)
        print(String(format: "raw-%@ %.0f %.3f %.3f", curve ? "curve" : "plain", rate, p50, p99))
    }
    exit(0)
}

let c = try ConfigurationFile.load(config)
let keys: ClientKeys? = insecure ? nil : try ClientKeys(file: c.clientKeyFile, directory: c.keyDirectory)
// The accounts, opened once (idempotent by request id: a second run finds them).
let setup = try ClusterClient(endpoint: c.endpoints.coordinatorClients, name: "bench-setup", security: keys)
for i in 1...accountCount {
    do { _ = try setup.command(.openAccount(.init(account: AccountID(UInt64(1_000_000 + i)), initialCollateral: Quote(e6: 1_000_000_000))), timeout: .seconds(10)) } catch let f as CommandFailure where f.reply.errorCode == .accountExists {}
}

let context = try ZMQContext()
var sockets: [ZMQSocket] = []
for i in 0..<socketCount {
    let s = try ZMQSocket(context, .dealer)
    try s.setRoutingID(Array((keys.map { "client:\($0.name)/bench-\(i)" } ?? "client:bench-\(i)").utf8))
    try s.setSendHighWaterMark(0)
    try s.setReceiveHighWaterMark(0)
    try keys?.configure(s, server: .coordinator)
    try s.connect(c.endpoints.coordinatorClients)
    sockets.append(s)
}

var sentAt: [UInt64: UInt64] = [:]
var latencies: [UInt64] = []
latencies.reserveCapacity(1 << 20)
var next: UInt64 = 0
var acknowledged = 0
var refused = 0
func nowNs() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
@MainActor func send(_ i: Int) throws {
    next += 1
    let account = AccountID(UInt64(1_000_000 + 1 + Int(next % UInt64(accountCount))))
    let e = Envelope(correlationID: next, sender: "bench", sentAt: .zero, body: .deposit(.init(account: account, amount: Quote(e6: 1_000_000))), requestID: next &* 0x9E37_79B9 | 1)
    sentAt[next] = nowNs()
    try sockets[i].send([WireCodec.encode(e)])
}
for i in 0..<socketCount { for _ in 0..<depth { try send(i) } }
let start = nowNs()
let end = start + UInt64(seconds * 1e9)
while nowNs() < end {
    for i in try ZMQPoller.poll(sockets, timeoutMilliseconds: 100) {
        while let frames = try sockets[i].tryReceive(), let payload = frames.last {
            guard let reply = try? WireCodec.decode(payload), let t = sentAt.removeValue(forKey: reply.correlationID) else { continue }
            if case .commandReply(let r) = reply.body, r.errorCode == .ok { acknowledged += 1 } else { refused += 1 }
            latencies.append(nowNs() - t)
            if nowNs() < end { try send(i) }
        }
    }
}
let elapsed = Double(nowNs() - start) / 1e9
latencies.sort()
@MainActor func pct(_ p: Double) -> Double { latencies.isEmpty ? 0 : Double(latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]) / 1e6 }
let mode = insecure ? "insecure" : "curve"
print(String(format: "%@ %.0f %.2f %.2f %d %d", mode, Double(acknowledged) / elapsed, pct(0.5), pct(0.99), acknowledged, refused))
for s in sockets { s.close() }
context.shutdown()

func rawEcho(curve: Bool, seconds: Double, sockets count: Int, depth: Int) throws -> (Double, Double, Double) {
    let context = try ZMQContext()
    let server = try CurveKeyPair.generate()
    let client = try CurveKeyPair.generate()
    let router = try ZMQSocket(context, .router)
    if curve {
        // A ZAP handler that lets the one client key in, as the processes' do.
        _ = try ZAPHandler.start(context: context) { r in r.clientKey == client.publicKey ? .allow(userID: "client:bench") : .deny(reason: "unknown") }
        try router.makeCurveServer(secretKey: server.secretKey, zapDomain: "bench")
    }
    try router.setSendHighWaterMark(0)
    try router.setReceiveHighWaterMark(0)
    let endpoint = try router.bind("tcp://127.0.0.1:*")
    nonisolated(unsafe) let echoRouter = router
    let echo = SocketThread.start(name: "echo") { t in
        while !t.isStopRequested {
            guard let frames = try? echoRouter.receive(timeoutMilliseconds: 50) else { continue }
            _ = try? echoRouter.send(frames)
        }
    }
    var dealers: [ZMQSocket] = []
    for i in 0..<count {
        let d = try ZMQSocket(context, .dealer)
        try d.setRoutingID(Array("d\(i)".utf8))
        try d.setSendHighWaterMark(0)
        try d.setReceiveHighWaterMark(0)
        if curve { try d.makeCurveClient(serverKey: server.publicKey, keys: client) }
        try d.connect(endpoint)
        dealers.append(d)
    }
    var payload = [UInt8](repeating: 7, count: 100)
    var lat: [UInt64] = []
    var n = 0
    func stamp() -> [UInt8] {
        var t = DispatchTime.now().uptimeNanoseconds
        withUnsafeBytes(of: &t) { for k in 0..<8 { payload[k] = $0[k] } }
        return payload
    }
    for d in dealers { for _ in 0..<depth { try d.send([stamp()]) } }
    let start = DispatchTime.now().uptimeNanoseconds
    let end = start + UInt64(seconds * 1e9)
    while DispatchTime.now().uptimeNanoseconds < end {
        for i in try ZMQPoller.poll(dealers, timeoutMilliseconds: 100) {
            while let f = try dealers[i].tryReceive(), let m = f.last, m.count >= 8 {
                var t: UInt64 = 0
                withUnsafeMutableBytes(of: &t) { for k in 0..<8 { $0[k] = m[k] } }
                lat.append(DispatchTime.now().uptimeNanoseconds - t)
                n += 1
                try dealers[i].send([stamp()])
            }
        }
    }
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    echo.stop()
    for d in dealers { d.close() }
    router.close()
    context.shutdown()
    lat.sort()
    func q(_ p: Double) -> Double { lat.isEmpty ? 0 : Double(lat[min(lat.count - 1, Int(Double(lat.count) * p))]) / 1e6 }
    return (Double(n) / elapsed, q(0.5), q(0.99))
}
