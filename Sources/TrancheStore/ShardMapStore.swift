import TrancheCore

/// Durable shard map of the coordinator.
public protocol ShardMapStore: AnyObject, Sendable {
    /// Replaces the stored map (durable when it returns).
    func save(_ map: ShardMap) throws(StoreError)
    /// The stored map, nil when none was ever saved.
    func load() throws(StoreError) -> ShardMap?
    func close()
}
