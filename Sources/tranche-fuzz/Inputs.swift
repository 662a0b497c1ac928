import TrancheCore
import TrancheWire

/// Seeded fuzz inputs: valid client commands with extreme field values, those same bytes
/// mutated (bit flips, byte changes, truncation, insertion, duplication), and raw bytes.
struct InputGenerator {
    var rng: SeededGenerator

    mutating func int(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }

    /// A value a hostile client might send for an Int64 field.
    mutating func extreme() -> Int64 {
        switch int(8) {
        case 0: return 0
        case 1: return .max
        case 2: return .min
        case 3: return -Int64(int(1_000_000))
        case 4: return Int64(int(100)) * 100_000_000
        case 5: return Int64(int(1 << 30)) * Int64(int(1 << 30))
        default: return Int64(int(1_000_000_000)) * 1_000
        }
    }

    mutating func price() -> Price {
        // Mostly near the mark (20,000), sometimes anything.
        int(3) == 0 ? Price(e8: extreme()) : Price(e8: (19_000 + Int64(int(2_000))) * 100_000_000 + Int64(int(100_000_000)))
    }

    mutating func command() -> MessageBody {
        let account = AccountID(int(4) == 0 ? (int(2) == 0 ? 0 : .max - UInt64(int(2))) : UInt64(1 + int(64)))
        let market: MarketID = int(10) == 0 ? "ETH-PERP" : "BTC-PERP"
        switch int(8) {
        case 0: return .openAccount(.init(account: account, initialCollateral: Quote(e6: int(2) == 0 ? extreme() : Int64(int(1_000_000)) * 1_000_000)))
        case 1: return .deposit(.init(account: account, amount: Quote(e6: extreme())))
        case 2: return .withdraw(.init(account: account, amount: Quote(e6: int(2) == 0 ? extreme() : Int64(int(10_000)) * 1_000_000)))
        case 3, 4:
            return .submitPosition(.init(account: account, market: market, side: int(2) == 0 ? .long : .short,
                                         size: Size(e8: int(2) == 0 ? extreme() : Int64(int(1_000)) * 1_000_000), entryPrice: price(),
                                         marginMode: int(3) == 0 ? .isolated : .cross, isolatedMargin: Quote(e6: int(2) == 0 ? 0 : extreme()),
                                         importAt: int(8) == 0))
        case 5: return .reducePosition(.init(account: account, market: market, size: Size(e8: int(2) == 0 ? extreme() : Int64(int(1_000)) * 1_000_000), price: price()))
        case 6: return .closePosition(.init(account: account, market: market, price: int(2) == 0 ? nil : price()))
        default: return .showAccount(.init(account: account))
        }
    }

    mutating func envelope() -> [UInt8] {
        WireCodec.encode(Envelope(correlationID: rng.next(), sender: "client:fuzz", sentAt: .zero, body: command(), requestID: int(4) == 0 ? 0 : rng.next()))
    }

    mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var b = input
        for _ in 0..<(1 + int(4)) {
            switch int(6) {
            case 0 where !b.isEmpty: b[int(b.count)] ^= UInt8(1 << int(8))
            case 1 where !b.isEmpty: b[int(b.count)] = UInt8(truncatingIfNeeded: rng.next())
            case 2 where !b.isEmpty: b.removeLast(1 + int(b.count))
            case 3: b.insert(UInt8(truncatingIfNeeded: rng.next()), at: int(b.count + 1))
            case 4 where b.count > 2:
                let i = int(b.count - 1)
                let n = min(1 + int(8), b.count - i)
                b.insert(contentsOf: b[i..<(i + n)], at: int(b.count + 1))
            default: if !b.isEmpty { b[int(b.count)] = [0x00, 0x01, 0x7f, 0x80, 0xff][int(5)] }
            }
        }
        return b
    }

    mutating func next() -> [UInt8] {
        switch int(4) {
        case 0: return (0..<int(48)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        case 1: return envelope()
        default: return mutate(envelope())
        }
    }
}
