/// Why a trader's command was refused. Carries the numbers the trader needs.
public enum TradingRejection: Error, Equatable, Sendable, CustomStringConvertible {
    /// Initial margin after the change would exceed what is available.
    case insufficientMargin(required: Quote, available: Quote)
    /// A withdrawal (or an isolated margin) larger than what can be taken.
    case insufficientCollateral(required: Quote, available: Quote)
    case invalidAmount(String)
    case invalidSize(String)
    case invalidPrice(String)
    /// The market already has a position in the other margin mode.
    case marginModeMismatch(market: MarketID, existing: MarginMode)
    /// A submission opposite to the open position: reduce or close it instead.
    case oppositeSide(market: MarketID)
    case positionNotFound(MarketID)
    case sizeExceedsPosition(requested: Size, held: Size)
    case margin(MarginError)

    public var description: String {
        switch self {
        case .insufficientMargin(let r, let a): return "insufficient margin: \(r) required, \(a) available"
        case .insufficientCollateral(let r, let a): return "insufficient collateral: \(r) requested, \(a) available"
        case .invalidAmount(let s): return "invalid amount: \(s)"
        case .invalidSize(let s): return "invalid size: \(s)"
        case .invalidPrice(let s): return "invalid price: \(s)"
        case .marginModeMismatch(let m, let e): return "market \(m) already has a \(e.rawValue) position"
        case .oppositeSide(let m): return "the submission is opposite to the open position in \(m): reduce or close it instead"
        case .positionNotFound(let m): return "no open position in \(m)"
        case .sizeExceedsPosition(let r, let h): return "size \(r) exceeds the position's \(h)"
        case .margin(let e): return e.description
        }
    }
}

@inline(__always)
func trading<T>(_ body: () throws(MarginError) -> T) throws(TradingRejection) -> T {
    do { return try body() } catch { throw .margin(error) }
}

@inline(__always)
func tradingArith<T>(_ body: () throws(ArithmeticError) -> T) throws(TradingRejection) -> T {
    do { return try body() } catch { throw .margin(.arithmetic(error)) }
}
