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
