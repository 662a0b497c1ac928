import TrancheCore

/// Durable account records of the virtual shards, fenced by owner epochs (see `ShardMap`).
/// The small interface a worker shell needs; SQLite implements it today, a shared
/// PostgreSQL store could tomorrow (so that shards fail over across hosts).
///
/// Rules every implementation keeps:
/// - `claim` records the new owner's epoch when it is ≥ the stored one and returns the
///   shard's records; an older epoch is refused with `staleEpoch`.
/// - `write` is refused with `staleEpoch` when its epoch is below the shard's owner epoch,
///   so a former owner can never overwrite what the new owner loaded. All records of one
///   call commit in one transaction, durably, before `write` returns.
public protocol ShardStore: AnyObject, Sendable {
    /// Takes ownership of `shard` at `epoch`; returns its records sorted by account id.
    func claim(shard: Int, epoch: UInt64) throws(StoreError) -> [AccountRecord]
    /// Upserts `records` (by account id) into `shard` in one transaction, fenced by `epoch`.
    func write(shard: Int, epoch: UInt64, records: [AccountRecord]) throws(StoreError)
    /// Closes every open file; later calls throw `StoreError.closed`.
    func close()
}
