// JSON form of the fixed-point types: an exact decimal string ("60000.5") is preferred;
// a JSON integer is accepted too. JSON numbers with a fraction are accepted only if they
// round-trip exactly through the scale, so no value is silently altered.

private func decodeScaled(_ decoder: Decoder, decimals: Int) throws -> Int64 {
    let c = try decoder.singleValueContainer()
    if let s = try? c.decode(String.self) {
        do { return try FixedDecimal.parse(s, decimals: decimals) } catch {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: error.description)
        }
    }
    if let i = try? c.decode(Int64.self) {
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let (v, o) = i.multipliedReportingOverflow(by: scale)
        if o { throw DecodingError.dataCorruptedError(in: c, debugDescription: "\(i) is out of range") }
        return v
    }
    if let d = try? c.decode(Double.self) {
        // Go through the shortest decimal representation of the double.
        do { return try FixedDecimal.parse("\(d)", decimals: decimals) } catch {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "\(error.description); write it as a string")
        }
    }
    throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected a decimal number or a decimal string")
}

extension Quote: Codable {
    public init(from decoder: Decoder) throws { e6 = try decodeScaled(decoder, decimals: Precision.quoteDecimals) }
    public func encode(to encoder: Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(description) }
}

extension Price: Codable {
    public init(from decoder: Decoder) throws { e8 = try decodeScaled(decoder, decimals: Precision.priceDecimals) }
    public func encode(to encoder: Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(description) }
}

extension Size: Codable {
    public init(from decoder: Decoder) throws { e8 = try decodeScaled(decoder, decimals: Precision.sizeDecimals) }
    public func encode(to encoder: Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(description) }
}

extension Rate: Codable {
    public init(from decoder: Decoder) throws { ppm = try decodeScaled(decoder, decimals: Precision.rateDecimals) }
    public func encode(to encoder: Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(description) }
}
