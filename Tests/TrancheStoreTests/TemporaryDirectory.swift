import Foundation
import TrancheCore

/// Runs `body` with a fresh directory under the system temporary directory, removed after.
func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tranche-store-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}

/// A record whose fields all differ from the defaults, so a lossy round trip shows.
func sampleRecord(_ id: UInt64, collateral: Int64 = 1_000, sequence: UInt64 = 7) -> AccountRecord {
    var r = AccountRecord(account: Account(id: AccountID(id), collateral: Quote(e6: collateral * 1_000_000)))
    r.nextSequence = sequence
    return r
}
