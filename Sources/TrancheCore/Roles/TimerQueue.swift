/// A min-heap of (time, key) timers. The core's own, so that it needs no dependency.
public struct TimerQueue<Key: Comparable & Sendable>: Sendable {
    private var heap: [(at: Instant, key: Key)] = []

    public init() {}

    public var isEmpty: Bool { heap.isEmpty }
    public var count: Int { heap.count }
    public var next: Instant? { heap.first?.at }

    public mutating func schedule(_ key: Key, at: Instant) {
        heap.append((at, key))
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if less(heap[i], heap[parent]) { heap.swapAt(i, parent); i = parent } else { break }
        }
    }

    /// Removes and returns every key due at or before `now`, earliest first (ties by key).
    public mutating func popDue(_ now: Instant) -> [Key] {
        var out: [Key] = []
        while let top = heap.first, top.at <= now {
            out.append(top.key)
            removeFirst()
        }
        return out
    }

    /// Removes and returns the earliest timer.
    public mutating func popFirst() -> (at: Instant, key: Key)? {
        guard let top = heap.first else { return nil }
        removeFirst()
        return top
    }

    private mutating func removeFirst() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < heap.count && less(heap[l], heap[m]) { m = l }
            if r < heap.count && less(heap[r], heap[m]) { m = r }
            if m == i { break }
            heap.swapAt(i, m)
            i = m
        }
    }

    private func less(_ a: (at: Instant, key: Key), _ b: (at: Instant, key: Key)) -> Bool {
        a.at != b.at ? a.at < b.at : a.key < b.key
    }
}
