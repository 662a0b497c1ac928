import Foundation

/// JSON coding of stored values (records, accounts, the shard map). One place, so every
/// store writes the same bytes for the same value.
enum StoreCoding {
    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }

    static func encode<T: Encodable>(_ value: T, with encoder: JSONEncoder) throws(StoreError) -> Data {
        do { return try encoder.encode(value) } catch { throw .encoding(message: "\(error)") }
    }

    static func decode<T: Decodable>(_ type: T.Type, from data: Data, with decoder: JSONDecoder, path: String) throws(StoreError) -> T {
        do { return try decoder.decode(type, from: data) } catch { throw .decoding(message: "\(T.self): \(error)", path: path) }
    }

    /// SQLite integers are signed 64-bit; ids and epochs are `UInt64`, stored bit for bit.
    static func int(_ u: UInt64) -> Int64 { Int64(bitPattern: u) }
    static func uint(_ i: Int64) -> UInt64 { UInt64(bitPattern: i) }
}
