// Micro-benchmark of the wire codec and the transport. Run by hand, in release:
//
//     swift run -c release tranche-wirebench
//
// Each of the five measurements runs for about one second. Debug builds run at
// about half speed or less.

import Foundation
import Synchronization
import TrancheCore
import TrancheTransport
import TrancheWire

let budget = Swift.Duration.seconds(1)
let clock = ContinuousClock()

/// Runs `body` in batches until the budget is spent; returns operations per second.
func rate(_ body: () throws -> Void) rethrows -> Double {
    let start = clock.now
    var count = 0
    var elapsed = Swift.Duration.zero
    while elapsed < budget {
        for _ in 0..<1_024 { try body() }
        count += 1_024
        elapsed = clock.now - start
    }
    return Double(count) / seconds(elapsed)
}

func seconds(_ d: Swift.Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

func report(_ name: String, _ perSecond: Double, bytes: Int) {
    let padded = name.padding(toLength: 36, withPad: " ", startingAt: 0)
    print(padded + String(format: "%12.0f msg/s  (%d-byte envelope)", perSecond, bytes))
}

let trancheID = TrancheID(account: AccountID(1_234_567), market: "BTC-PERP", sequence: 42)
let fill = Envelope(
    correlationID: 77, sender: "venue", sentAt: Instant(nanoseconds: 1_700_000_000_000_000_000),
    body: .trancheFill(.init(
        tranche: trancheID, filledSize: Size(e8: 25_000_000), vwap: Price(e8: 6_012_345_000_000),
        unfilledSize: Size(e8: 5_000_000), duplicate: false, at: Instant(nanoseconds: 1_700_000_000_000_000_001))))
let mark = Envelope(
    sender: "venue", sentAt: Instant(nanoseconds: 1_700_000_000_000_000_000),
    body: .markPrice(.init(market: "BTC-PERP", price: Price(e8: 6_012_345_000_000), sequence: 9_001, at: Instant(nanoseconds: 1_700_000_000_000_000_000))))

for (name, envelope) in [("TrancheFill encode+decode", fill), ("MarkPrice encode+decode", mark)] {
    let size = WireCodec.encode(envelope).count
    let perSecond = try rate {
        let decoded = try WireCodec.decode(WireCodec.encode(envelope))
        precondition(decoded.correlationID == envelope.correlationID)
    }
    report(name, perSecond, bytes: size)
}

// The two halves, to see which one moved when the sum does.
let fillBytes = WireCodec.encode(fill)
report("TrancheFill encode only", rate { _ = WireCodec.encode(fill) }, bytes: fillBytes.count)
report("TrancheFill decode only", try rate { _ = try WireCodec.decode(fillBytes) }, bytes: fillBytes.count)

// PUSH/PULL over TCP loopback: the receiver owns its socket on its own thread,
// counts until an empty frame says stop, and publishes the count.
let context = try ZMQContext()
let endpoint = Mutex<String?>(nil)
let received = Mutex(0)
let receiver = SocketThread.start(name: "bench-pull") { _ in
    do {
        let pull = try ZMQSocket(context, .pull)
        try pull.setReceiveHighWaterMark(100_000)
        endpoint.withLock { $0 = try? pull.bind("tcp://127.0.0.1:*") }
        var count = 0
        while try pull.receive() != [[]] { count += 1 }
        received.withLock { $0 = count }
    } catch {
        print("receiver: \(error)")
    }
}
var bound: String?
while bound == nil {
    Thread.sleep(forTimeInterval: 0.001)
    bound = endpoint.withLock { $0 }
}
let push = try ZMQSocket(context, .push)
try push.setSendHighWaterMark(100_000)
try push.connect(bound!)
let payload = WireCodec.encode(mark)
let start = clock.now
var sent = 0
while clock.now - start < budget {
    for _ in 0..<1_024 { try push.send(payload) }
    sent += 1_024
}
try push.send([[]])
receiver.join()
let elapsed = clock.now - start
let count = received.withLock { $0 }
precondition(count == sent, "sent \(sent), received \(count)")
report("PUSH/PULL tcp loopback (MarkPrice)", Double(sent) / seconds(elapsed), bytes: payload.count)
