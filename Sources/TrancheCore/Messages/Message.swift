/// Namespace of the typed message bodies that cross the wire, one struct per
/// `MessageKind`. They are plain values in core units (`Quote`, `Price`, `Size`,
/// `Rate`, `Instant`): the role state machines pass them around in memory, and only
/// `TrancheWire` turns them into bytes.
///
/// Where the wire uses a zero as "none" (a price of 0, account 0, an empty market),
/// the Swift field is an `Optional` and `nil` is written as that zero; so a
/// `Price(e8: 0)` stored in such an optional field reads back as `nil`.
public enum Message {}
