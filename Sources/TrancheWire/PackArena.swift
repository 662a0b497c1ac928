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
///
/// Allocation bumps a pointer through one slab (a typical envelope fits in the
/// first), so building a tree costs one malloc instead of one per node.
final class PackArena {
    private static let slabSize = 1_024
    private var slab: UnsafeMutableRawPointer
    private var used = 0
    private var capacity: Int
    /// Earlier slabs, and blocks too large for a slab.
    private var retired: [UnsafeMutableRawPointer] = []

    init() {
        slab = malloc(Self.slabSize)!
        capacity = Self.slabSize
    }

    deinit {
        free(slab)
        for block in retired { free(block) }
    }

    /// A NUL-terminated copy of `s`. A string with an embedded NUL is cut there: C
    /// strings cannot carry it.
    func string(_ s: String) -> UnsafeMutablePointer<CChar> {
        var s = s
        return s.withUTF8 { utf8 in
            let p = allocate(byteCount: utf8.count + 1, alignment: 1).bindMemory(to: CChar.self, capacity: utf8.count + 1)
            if let base = utf8.baseAddress {
                UnsafeMutableRawPointer(p).copyMemory(from: base, byteCount: utf8.count)
            }
            p[utf8.count] = 0
            return p
        }
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
        allocate(byteCount: MemoryLayout<T>.stride * count, alignment: MemoryLayout<T>.alignment)
            .bindMemory(to: T.self, capacity: count)
    }

    private func allocate(byteCount: Int, alignment: Int) -> UnsafeMutableRawPointer {
        let start = (used + alignment - 1) & ~(alignment - 1)
        if start + byteCount <= capacity {
            used = start + byteCount
            return slab + start
        }
        if byteCount > Self.slabSize / 2 {
            // malloc's alignment suits every C type.
            let block = malloc(byteCount)!
            retired.append(block)
            return block
        }
        retired.append(slab)
        slab = malloc(Self.slabSize)!
        capacity = Self.slabSize
        used = byteCount
        return slab
    }
}
