/// A FIFO queue with O(1) amortised push, pop at either end: an array and a head index,
/// compacted when the dead prefix outgrows the live part. The rolling windows of the
/// breaker are built on it (the standard library has no deque).
struct WindowQueue<Element: Sendable & Hashable>: Sendable, Hashable {
    private var storage: [Element] = []
    private var head = 0

    var isEmpty: Bool { head == storage.count }
    var count: Int { storage.count - head }
    var first: Element? { isEmpty ? nil : storage[head] }
    var last: Element? { isEmpty ? nil : storage[storage.count - 1] }

    mutating func append(_ e: Element) { storage.append(e) }

    @discardableResult
    mutating func popFirst() -> Element? {
        guard !isEmpty else { return nil }
        let e = storage[head]
        head += 1
        if head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 32 && head * 2 >= storage.count {
            storage.removeFirst(head)  // O(live) once per O(live) pops
            head = 0
        }
        return e
    }

    @discardableResult
    mutating func popLast() -> Element? {
        guard !isEmpty else { return nil }
        let e = storage.removeLast()
        if head == storage.count { storage.removeAll(keepingCapacity: true); head = 0 }
        return e
    }

    /// Replaces the last element (the queue must not be empty).
    mutating func replaceLast(_ e: Element) { storage[storage.count - 1] = e }

    /// Equality and hashing of the live elements only.
    static func == (a: WindowQueue, b: WindowQueue) -> Bool { a.storage[a.head...] == b.storage[b.head...] }
    func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for e in storage[head...] { hasher.combine(e) }
    }
}
