import Foundation
import Testing
@testable import TrancheCore

@Suite struct VenueConfigurationTests {
    func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    @Test func defaultsDecodeFromAnEmptyObjectAndValidate() throws {
        let c = try decode(VenueBookConfiguration.self, "{}")
        #expect(c == VenueBookConfiguration())
        try c.validate()
        let levels = try c.resolvedLevels()
        #expect(levels.bids.count == 20)
        #expect(levels.bids.first?.offset == c.halfSpread)
    }

    /// Generated form: halfSpread 0.05 %, spacing 0.1 %, 1000 per level, growth 10 %:
    /// offsets 0.0005, 0.0015, 0.0025; notionals 1000, 1100, 1210.
    @Test func generatedProfileExpands() throws {
        let c = try decode(VenueBookConfiguration.self, """
            {"halfSpread": "0.0005", "depth": {"levelCount": 3, "spacing": "0.001", "notionalPerLevel": "1000", "growth": "0.1"}}
            """)
        let levels = try c.resolvedLevels()
        #expect(levels.bids.map(\.offset) == [Rate(ppm: 500), Rate(ppm: 1_500), Rate(ppm: 2_500)])
        #expect(levels.asks.map(\.notional) == [try Quote(units: 1_000), try Quote(units: 1_100), try Quote(units: 1_210)])
    }

    @Test func explicitProfileDecodes() throws {
        let c = try decode(VenueBookConfiguration.self, """
            {"halfSpread": "0.001", "resilienceHalfLife": "2.5", "tickSize": "0.5",
             "depth": {"bids": [{"offset": "0.001", "notional": "10"}], "asks": [{"offset": "0.002", "notional": "20"}]}}
            """)
        #expect(c.resilienceHalfLife == .milliseconds(2_500))
        #expect(c.tickSize == Price(e8: 50_000_000))
        let levels = try c.resolvedLevels()
        #expect(levels.asks == [DepthLevel(offset: Rate(ppm: 2_000), notional: try Quote(units: 20))])
    }

    @Test func unknownAndMixedKeysAreRejected() {
        #expect(throws: DecodingError.self) { try decode(VenueBookConfiguration.self, #"{"halfspread": "0.001"}"#) }
        #expect(throws: DecodingError.self) {
            try decode(VenueBookConfiguration.self, #"{"depth": {"bids": [], "asks": [], "levelCount": 3}}"#)
        }
        #expect(throws: DecodingError.self) {
            try decode(VenueBookConfiguration.self, #"{"depth": {"bids": [{"offset": "0.001", "notional": "1", "size": 1}], "asks": []}}"#)
        }
    }

    @Test(arguments: [
        (#"{"halfSpread": "1"}"#, "venue.halfSpread"),
        (#"{"resilienceHalfLife": "0"}"#, "venue.resilienceHalfLife"),
        (#"{"tickSize": "0"}"#, "venue.tickSize"),
        (#"{"depth": {"levelCount": 0}}"#, "venue.depth.levelCount"),
        (#"{"depth": {"spacing": "0.1", "levelCount": 11}}"#, "venue.depth.spacing"),
        (#"{"depth": {"bids": [], "asks": [{"offset": "0.001", "notional": "1"}]}}"#, "venue.depth.bids"),
        (#"{"halfSpread": "0.002", "depth": {"bids": [{"offset": "0.001", "notional": "1"}], "asks": [{"offset": "0.003", "notional": "1"}]}}"#, "venue.depth.bids[0].offset"),
        (#"{"depth": {"bids": [{"offset": "0.002", "notional": "1"}, {"offset": "0.002", "notional": "1"}], "asks": [{"offset": "0.003", "notional": "1"}]}}"#, "venue.depth.bids[1].offset"),
        (#"{"depth": {"bids": [{"offset": "0.002", "notional": "0"}], "asks": [{"offset": "0.003", "notional": "1"}]}}"#, "venue.depth.bids[0].notional"),
    ])
    func invalidConfigurationsNameTheField(json: String, field: String) throws {
        let c = try decode(VenueBookConfiguration.self, json)
        do {
            try c.validate()
            Issue.record("expected \(field) to be rejected")
        } catch {
            #expect(error.field == field)
        }
    }

    @Test func bookRefusesAnInvalidConfiguration() throws {
        var c = VenueBookConfiguration()
        c.tickSize = .zero
        #expect(throws: VenueError.self) { try VenueBook(market: "X", configuration: c, fairPrice: Price(units: 1), now: .zero) }
    }

    @Test func configurationRoundTrips() throws {
        for c in [VenueBookConfiguration(), try VenueHandBook.configuration()] {
            let data = try JSONEncoder().encode(c)
            #expect(try JSONDecoder().decode(VenueBookConfiguration.self, from: data) == c)
        }
    }
}
