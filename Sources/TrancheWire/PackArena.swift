internal import CTrancheProto

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Owns every C allocation made while building a protobuf-c message tree for
/// packing: strings (which must stay valid until packing is done), nested messages
/// and arrays. All of it is freed when the arena is released, after packing.
final class PackArena {
    private var blocks: [UnsafeMutableRawPointer] = []

    init() { blocks.reserveCapacity(8) }

    deinit {
        for block in blocks { free(block) }
    }

    /// A NUL-terminated copy of `s`. A string with an embedded NUL is cut there: C
    /// strings cannot carry it.
    func string(_ s: String) -> UnsafeMutablePointer<CChar> {
        let copy = strdup(s)!
        blocks.append(UnsafeMutableRawPointer(copy))
        return copy
    }

    /// A message initialised with its generated `__init` function, then filled in.
    func message<T>(
        _ initialize: (UnsafeMutablePointer<T>?) -> Void,
        _ fill: (inout T) -> Void
    ) -> UnsafeMutablePointer<T> {
        let p = allocate(T.self, count: 1)
        initialize(p)
        fill(&p.pointee)
        return p
    }

    /// A C array of `values` (nil when empty), for repeated fields.
    func array<T>(_ values: [T]) -> UnsafeMutablePointer<T>? {
        guard !values.isEmpty else { return nil }
        let p = allocate(T.self, count: values.count)
        p.initialize(from: values, count: values.count)
        return p
    }

    private func allocate<T>(_: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let raw = malloc(MemoryLayout<T>.stride * count)!
        blocks.append(raw)
        return raw.bindMemory(to: T.self, capacity: count)
    }
}
