extension ClusterEvent {
    /// Appends the event as one line of JSON Lines: exactly the bytes a Foundation
    /// `JSONEncoder` with `.sortedKeys` and `.withoutEscapingSlashes` gives for the
    /// `Codable` form (absent fields left out, money as decimal strings), then "\n".
    /// Written by hand because an event stream runs to millions of lines and a generic
    /// encoder spends most of a simulation's time on them. A test checks the bytes against
    /// the encoder, so a field added to the type without being added here is caught.
    public func appendJSONLine(to out: inout [UInt8]) {
        // Keys in sorted (byte) order.
        out.append(UInt8(ascii: "{"))
        var first = true
        func key(_ name: StaticString) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        if let account { key("account"); Self.appendInteger(account.rawValue, to: &out) }
        if let amount { key("amount"); Self.appendDecimal(amount.e6, decimals: Precision.quoteDecimals, to: &out) }
        key("at"); Self.appendDecimal(at.nanoseconds, decimals: 9, to: &out)
        if let detail { key("detail"); Self.appendString(detail, to: &out) }
        key("kind"); Self.appendString(kind.rawValue, to: &out)
        if let market { key("market"); Self.appendString(market.symbol, to: &out) }
        if let price { key("price"); Self.appendDecimal(price.e8, decimals: Precision.priceDecimals, to: &out) }
        if let scope { key("scope"); Self.appendString(scope, to: &out) }
        if let size { key("size"); Self.appendDecimal(size.e8, decimals: Precision.sizeDecimals, to: &out) }
        if let tickToOrder { key("tickToOrder"); Self.appendDecimal(tickToOrder.nanoseconds, decimals: 9, to: &out) }
        if let tranche { key("tranche"); Self.appendInteger(tranche, to: &out) }
        out.append(UInt8(ascii: "}"))
        out.append(UInt8(ascii: "\n"))
    }

    /// Decimal digits of `value`, at least `width` of them (zero-padded on the left).
    static func appendInteger(_ value: UInt64, width: Int = 1, to out: inout [UInt8]) {
        // 20 digits hold UInt64.max; filled from the right.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var count = 0
        var v = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                count += 1
                buffer[24 - count] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            } while v > 0 || count < width
            out.append(contentsOf: buffer[(24 - count)...])
        }
    }

    /// A fixed-point value as the core's types encode it: a JSON string holding the exact
    /// decimal, trailing zeros trimmed (`FixedDecimal.format`).
    static func appendDecimal(_ value: Int64, decimals: Int, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var scale: UInt64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let magnitude = value.magnitude
        appendInteger(magnitude / scale, to: &out)
        var fraction = magnitude % scale
        if fraction != 0 {
            var width = decimals
            while fraction % 10 == 0 { fraction /= 10; width -= 1 }
            out.append(UInt8(ascii: "."))
            appendInteger(fraction, width: width, to: &out)
        }
        out.append(UInt8(ascii: "\""))
    }

    /// A JSON string as `JSONEncoder` writes it: `"` and `\` escaped, control characters
    /// as \b \f \n \r \t or \u00XX (lowercase hex), everything else (also "/" and
    /// non-ASCII) as its UTF-8 bytes.
    static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                out.append(contentsOf: "\\u00".utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
