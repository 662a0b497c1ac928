// What CURVE costs the transport alone (docs/security.md): a ROUTER echo on its own thread
// and DEALERs pipelining 100-byte messages over TCP loopback, plain then CURVE (with a ZAP
// handler, as the processes run it), twice, in one run. The end-to-end comparison drives
// a secure and an insecure cluster with tranche-loadgen (scripts/bench-security.sh).
//
//     tranche-securebench [--seconds 5] [--sockets 8] [--depth 64]

import Foundation
import TrancheTransport

var seconds = 5.0
var socketCount = 8
var depth = 64
var args = CommandLine.arguments.dropFirst()
while let a = args.popFirst() {
    switch a {
    case "--seconds": seconds = Double(args.popFirst() ?? "") ?? seconds
    case "--sockets": socketCount = Int(args.popFirst() ?? "") ?? socketCount
    case "--depth": depth = Int(args.popFirst() ?? "") ?? depth
    default:
        FileHandle.standardError.write(Data("tranche-securebench: unknown argument \(a)\n".utf8))
        exit(64)
    }
}

for curve in [false, true, false, true] {
    let (rate, p50, p99) = try rawEcho(curve: curve, seconds: seconds, sockets: socketCount, depth: depth)
    print(String(format: "raw-%@ %.0f %.3f %.3f", curve ? "curve" : "plain", rate, p50, p99))
}

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
