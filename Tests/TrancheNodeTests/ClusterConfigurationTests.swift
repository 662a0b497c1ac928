import Foundation
import Testing
import TrancheCore
@testable import TrancheNode

@Suite struct ClusterConfigurationTests {
    static var root: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }

    @Test func shippedLocalConfigurationIsValid() throws {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("cluster/local.json"))
        let c = try JSONDecoder().decode(ClusterConfiguration.self, from: data)
        try c.validate()
        #expect(c.shards == 16)
        #expect(c.markets.map(\.market.id) == ["BTC-PERP"])
        #expect(c.coordinatorConfiguration.shardCount == 16)
        #expect(c.workerConfiguration(id: "w1").heartbeatInterval == .milliseconds(500))
    }

    @Test func defaultsFillWhatIsLeftOut() throws {
        let json = #"{"markets": [{"market": {"id": "X", "tickSize": "0.1", "stepSize": "0.001", "brackets": [{"notionalFloor": "0", "initialMarginRate": "0.02", "maintenanceMarginRate": "0.01"}]}, "initialPrice": "100"}]}"#
        let c = try JSONDecoder().decode(ClusterConfiguration.self, from: Data(json.utf8))
        try c.validate()
        #expect(c.endpoints.coordinatorClients == "tcp://127.0.0.1:7400")
        #expect(c.shards == 64)
    }

    @Test func errorsNameTheField() throws {
        let bad = #"{"shards": 64, "endpoints": {"coordinatorClient": "tcp://x:1"}, "markets": []}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ClusterConfiguration.self, from: Data(bad.utf8)) }
        var c = try JSONDecoder().decode(ClusterConfiguration.self, from: Data(contentsOf: Self.root.appendingPathComponent("cluster/local.json")))
        c.endpoints.venueOrders = "http://nope"
        do { try c.validate(); Issue.record("expected an error") } catch { #expect(error.field == "endpoints.venueOrders") }
        c.endpoints.venueOrders = c.endpoints.venueMarketData
        do { try c.validate(); Issue.record("expected an error") } catch { #expect(error.field == "endpoints") }
    }

    @Test func reliabilitySettingsReachTheWorkersAndAreChecked() throws {
        let json = #"{"worker": {"retransmitInterval": "0.25", "maxUnacknowledged": 32}, "coordinator": {"maxPendingRequests": 500}, "markets": [{"market": {"id": "X", "tickSize": "0.1", "stepSize": "0.001", "brackets": [{"notionalFloor": "0", "initialMarginRate": "0.02", "maintenanceMarginRate": "0.01"}]}, "initialPrice": "100"}]}"#
        var c = try JSONDecoder().decode(ClusterConfiguration.self, from: Data(json.utf8))
        try c.validate()
        #expect(c.workerConfiguration(id: "w1").retransmitInterval == .milliseconds(250))
        #expect(c.workerConfiguration(id: "w1").maxUnacknowledged == 32)
        #expect(c.coordinatorConfiguration.maxPendingRequests == 500)
        c.worker.maxUnacknowledged = 0
        do { try c.validate(); Issue.record("expected an error") } catch { #expect(error.field == "worker.maxUnacknowledged") }
    }
}

/// Issue 11: `tranche events` prints events from several workers in time order.
@Suite struct EventReorderBufferTests {
    @Test func eventsWithinTheWindowComeOutInTimeOrder() {
        var b = EventReorderBuffer(window: 0.25)
        let t0 = Date(timeIntervalSince1970: 1_000)
        func at(_ seconds: Double) -> Instant { Instant(nanoseconds: Int64(seconds * 1e9)) }
        func event(_ seconds: Double, _ detail: String) -> ClusterEvent { ClusterEvent(at: at(seconds), kind: .fill, detail: detail) }
        // w2's event arrives first although w1's happened before it.
        b.add(event(1_000.10, "w2 later"), receivedAt: t0.addingTimeInterval(0.11))
        b.add(event(1_000.05, "w1 earlier"), receivedAt: t0.addingTimeInterval(0.15))
        b.add(event(1_000.05, "w1 earlier, second"), receivedAt: t0.addingTimeInterval(0.16))
        // Before the watermark passes them: nothing.
        #expect(b.take(at: t0.addingTimeInterval(0.2)).isEmpty)
        #expect(b.take(at: t0.addingTimeInterval(0.36)).map(\.detail) == ["w1 earlier", "w1 earlier, second", "w2 later"])
        // An event stamped ahead of this clock is not held for ever.
        b.add(event(1_010, "from the future"), receivedAt: t0.addingTimeInterval(1))
        #expect(b.take(at: t0.addingTimeInterval(1.1)).isEmpty)
        #expect(b.take(at: t0.addingTimeInterval(1.6)).map(\.detail) == ["from the future"])
        b.add(event(1_000.9, "last"), receivedAt: t0.addingTimeInterval(2))
        #expect(b.take(at: nil).map(\.detail) == ["last"])
    }
}
