/// Hand-built protobuf bytes, for inputs the encoder would never produce.
struct ProtoBytes {
    private(set) var bytes: [UInt8] = []

    mutating func varint(_ field: Int, _ value: UInt64) {
        tag(field, wireType: 0)
        raw(value)
    }

    mutating func message(_ field: Int, _ inner: ProtoBytes) {
        data(field, inner.bytes)
    }

    mutating func data(_ field: Int, _ payload: [UInt8]) {
        tag(field, wireType: 2)
        raw(UInt64(payload.count))
        bytes += payload
    }

    private mutating func tag(_ field: Int, wireType: UInt64) {
        raw(UInt64(field) << 3 | wireType)
    }

    private mutating func raw(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// An envelope header: version 1 (unless given) and a declared kind.
    static func header(version: UInt64 = 1, kind: Int) -> ProtoBytes {
        var p = ProtoBytes()
        p.varint(1, version)
        p.varint(2, UInt64(bitPattern: Int64(kind)))
        return p
    }
}
