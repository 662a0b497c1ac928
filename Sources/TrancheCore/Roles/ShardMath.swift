/// Stable mapping of accounts to virtual shards. Stable across processes, runs and
/// platforms (Swift's `Hasher` is randomly seeded per process, so it is not used).
public enum ShardMath {
    /// SplitMix64 finaliser of the account id, modulo the shard count.
    public static func shard(of account: AccountID, shardCount: Int) -> Int {
        precondition(shardCount > 0)
        var z = account.rawValue &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Int(z % UInt64(shardCount))
    }
}
