import Foundation
import PropertyBased
import Testing
@testable import TrancheCore

/// The hand-written JSON line of an event is byte for byte what `JSONEncoder` gives.
@Suite struct ClusterEventJSONLineTests {
    static func encoded(_ e: ClusterEvent) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(e)) + [UInt8(ascii: "\n")]
    }

    static func line(_ e: ClusterEvent) -> [UInt8] {
        var out: [UInt8] = []
        e.appendJSONLine(to: &out)
        return out
    }

    /// Every field set, so a field added to ClusterEvent but not to the line fails here.
    @Test func everyFieldAsTheEncoderWritesIt() throws {
        let e = ClusterEvent(at: Instant(nanoseconds: 1_234_567_890), kind: .fill, account: AccountID(42), market: "BTC-PERP",
                             scope: "isolated:BTC-PERP", size: sz("-0.125"), price: px("60000.5"), amount: q("-7500.0625"),
                             tranche: 3, detail: "tranche 3/4 \"filled\" at 1/2 band \\ ok", tickToOrder: Duration(nanoseconds: 412_345))
        #expect(String(decoding: Self.line(e), as: UTF8.self) == String(decoding: try Self.encoded(e), as: UTF8.self))
        let bare = ClusterEvent(at: .zero, kind: .mark)
        #expect(Self.line(bare) == (try Self.encoded(bare)))
        let extremes = ClusterEvent(at: Instant(nanoseconds: .min), kind: .deficit, account: AccountID(.max), size: Size(e8: .min),
                                    price: Price(e8: .max), amount: Quote(e6: -1), tranche: .max)
        #expect(String(decoding: Self.line(extremes), as: UTF8.self) == String(decoding: try Self.encoded(extremes), as: UTF8.self))
    }

    @Test func controlAndNonASCIICharacters() throws {
        let scalars = (0..<0x80).compactMap(Unicode.Scalar.init).map(String.init).joined() + "é€😀\u{2028}\u{7F}"
        let e = ClusterEvent(at: .seconds(-3), kind: .rejected, detail: scalars)
        #expect(String(decoding: Self.line(e), as: UTF8.self) == String(decoding: try Self.encoded(e), as: UTF8.self))
    }

    @Test func randomEvents() async {
        let gen = zip(Gen.int64(), Gen.int(in: 0..<ClusterEvent.Kind.allCases.count),
                      Gen.uint64().array(of: 0...1), Gen.int64().array(of: 0...3), Gen.bool, Gen.character(in: "\u{0}"..."\u{2FF}").string(of: 0...12))
            .map { t in
                let (at, kind, account, numbers, hasMarket, text) = t
                return ClusterEvent(at: Instant(nanoseconds: at), kind: ClusterEvent.Kind.allCases[kind], account: account.first.map(AccountID.init),
                                    market: hasMarket ? MarketID(text) : nil, scope: numbers.count > 1 ? "cross" : nil,
                                    size: numbers.first.map { Size(e8: $0) }, price: numbers.dropFirst().first.map { Price(e8: $0) },
                                    amount: numbers.dropFirst(2).first.map { Quote(e6: $0) }, tranche: account.first, detail: text.isEmpty ? nil : text)
            }
        await propertyCheck(count: 300, input: gen) { e in
            #expect(Self.line(e) == (try? Self.encoded(e)))
        }
    }
}
