internal import CZMQ

/// The libzmq socket patterns Tranche uses (no DRAFT types: libzmq 4.3 on Debian
/// has none).
public enum ZMQSocketType: Sendable, Hashable, CaseIterable {
    case pub, sub, push, pull, dealer, router, req, rep, pair

    var raw: Int32 {
        switch self {
        case .pub: return ZMQ_PUB
        case .sub: return ZMQ_SUB
        case .push: return ZMQ_PUSH
        case .pull: return ZMQ_PULL
        case .dealer: return ZMQ_DEALER
        case .router: return ZMQ_ROUTER
        case .req: return ZMQ_REQ
        case .rep: return ZMQ_REP
        case .pair: return ZMQ_PAIR
        }
    }
}
