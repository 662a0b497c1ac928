/// Exact conversion between decimal strings and scaled integers, for files, CLI and
/// reports. No floating point is involved.
public enum FixedDecimal {
    public enum ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        case notADecimal(String)
        case tooManyDecimals(String, allowed: Int)
        case outOfRange(String)

        public var description: String {
            switch self {
            case .notADecimal(let s): return "'\(s)' is not a decimal number"
            case .tooManyDecimals(let s, let n): return "'\(s)' has more than \(n) decimal places"
            case .outOfRange(let s): return "'\(s)' is out of range"
            }
        }
    }

    /// Parses "-123.4500" into 123.45 × 10^decimals. Rejects (does not round) digits
    /// beyond the scale, so no input is silently altered.
    public static func parse(_ text: String, decimals: Int) throws(ParseError) -> Int64 {
        var s = Substring(text.trimmingSpaces())
        var negative = false
        if s.first == "-" { negative = true; s = s.dropFirst() } else if s.first == "+" { s = s.dropFirst() }
        let parts = s.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let intPart = parts.first, !(intPart.isEmpty && (parts.count < 2 || parts[1].isEmpty)) else {
            throw .notADecimal(text)
        }
        var frac = parts.count == 2 ? parts[1] : ""
        guard intPart.allSatisfy({ $0.isASCII && $0.isNumber }), frac.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw .notADecimal(text)
        }
        while frac.count > decimals, frac.last == "0" { frac = frac.dropLast() }
        guard frac.count <= decimals else { throw .tooManyDecimals(text, allowed: decimals) }
        let padded = String(frac) + String(repeating: "0", count: decimals - frac.count)
        var value: Int64 = 0
        for ch in (intPart.isEmpty ? "0" : String(intPart)) + padded {
            let digit = Int64(ch.asciiValue! - 48)
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(digit)
            if o1 || o2 { throw .outOfRange(text) }
            value = a
        }
        return negative ? -value : value
    }

    /// Formats a scaled integer as an exact decimal with trailing zeros trimmed.
    public static func format(_ value: Int64, decimals: Int) -> String {
        let negative = value < 0
        let mag = value.magnitude
        var scale: UInt64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let intPart = mag / scale
        var frac = String(mag % scale)
        frac = String(repeating: "0", count: decimals - frac.count) + frac
        while frac.last == "0" { frac.removeLast() }
        return (negative ? "-" : "") + String(intPart) + (frac.isEmpty ? "" : "." + frac)
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
