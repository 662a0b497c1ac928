// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Tranche",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tranche", targets: ["tranche"]),
        .library(name: "TrancheCore", targets: ["TrancheCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        // Pure, I/O-free domain core: standard library only.
        .target(name: "TrancheCore"),
        // protoc-c output; regenerate with scripts/generate-proto.sh, never edit by hand.
        .target(
            name: "CTrancheProto",
            linkerSettings: [.linkedLibrary("protobuf-c")]
        ),
        // libzmq from Debian's libzmq3-dev.
        .systemLibrary(name: "CZMQ"),
        // protobuf-c structs <-> core types; no C type leaks past this module.
        .target(name: "TrancheWire", dependencies: ["TrancheCore", "CTrancheProto"]),
        // ZeroMQ sockets on dedicated threads: bytes in, bytes out.
        .target(name: "TrancheTransport", dependencies: ["CZMQ"]),
        // libsqlite3 from Debian's libsqlite3-dev.
        .systemLibrary(name: "CSQLite"),
        // Durable state: per-shard account records, the aggregator's ledger, the shard map.
        // No C type leaks past this module.
        .target(name: "TrancheStore", dependencies: ["TrancheCore", "CSQLite"]),
        // The stress report (one self-contained HTML page), for `tranche simulate` and
        // `tranche-loadgen crash`.
        .target(name: "TrancheReport", dependencies: ["TrancheCore"]),
        // The shells: run a role's state machine over ZeroMQ sockets, a clock and the store.
        // Logging on swift-log, process lifecycle on swift-service-lifecycle, options on
        // swift-argument-parser.
        .target(name: "TrancheNode", dependencies: [
            "TrancheCore", "TrancheWire", "TrancheTransport", "TrancheStore",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "FlyingFox", package: "FlyingFox"),
        ]),
        .executableTarget(name: "tranche-coordinator", dependencies: ["TrancheNode"]),
        .executableTarget(name: "tranche-worker", dependencies: ["TrancheNode"]),
        .executableTarget(name: "tranche-aggregator", dependencies: ["TrancheNode"]),
        .executableTarget(name: "tranche-venue", dependencies: ["TrancheNode"]),
        .executableTarget(
            name: "tranche",
            dependencies: [
                "TrancheCore",
                "TrancheReport",
                "TrancheNode",
                "TrancheTransport",
                "TrancheWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Micro-benchmark of the codec and the transport, run by hand in release:
        // `swift run -c release tranche-wirebench`.
        .executableTarget(
            name: "tranche-wirebench",
            dependencies: ["TrancheCore", "TrancheWire", "TrancheTransport"]
        ),
        // Seeded fuzzing of the decoder and command validation (CI: 1,000,000 inputs), and
        // a libFuzzer target built with -DLIBFUZZER (docs/security.md).
        .executableTarget(name: "tranche-fuzz", dependencies: ["TrancheCore", "TrancheWire"]),
        // The load generator (docs/loadgen.md).
        .executableTarget(name: "tranche-loadgen", dependencies: [
            "TrancheCore", "TrancheWire", "TrancheTransport", "TrancheNode", "TrancheReport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Histogram", package: "hdrhistogram-swift"),
        ]),
        // The transport baseline in C on raw libzmq: one- and two-hop round trips
        // (scripts/bench.sh, docs/performance.md).
        .executableTarget(name: "tranche-zmqbench", linkerSettings: [.linkedLibrary("zmq"), .linkedLibrary("pthread")]),
        // A worker's core holding N accounts: memory per account, tick cost, and the margin
        // re-evaluation against a C loop over the same data (scripts/bench.sh).
        .target(name: "CMarginLoop"),
        .executableTarget(name: "tranche-workerbench", dependencies: ["TrancheCore", "TrancheNode", "CMarginLoop"]),
        // The transport's cost of CURVE (scripts/bench-security.sh).
        .executableTarget(name: "tranche-securebench", dependencies: ["TrancheTransport"]),
        // Group-commit throughput against the disk's fsync rate, run by hand in release:
        // `swift run -c release tranche-storebench`.
        .executableTarget(name: "tranche-storebench", dependencies: ["TrancheCore", "TrancheStore"]),
        .testTarget(
            name: "TrancheCoreTests",
            dependencies: [
                "TrancheCore",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        // CTrancheProto only to check the Swift enums' stable numbers against the generated ones.
        .testTarget(name: "TrancheWireTests", dependencies: ["TrancheWire", "TrancheCore", "CTrancheProto"]),
        .testTarget(name: "TrancheTransportTests", dependencies: ["TrancheTransport"]),
        .testTarget(name: "TrancheNodeTests", dependencies: ["TrancheNode", "TrancheCore"]),
        // CSQLite only to tamper with a file behind the store's back.
        .testTarget(name: "TrancheStoreTests", dependencies: ["TrancheStore", "TrancheCore", "CSQLite"]),
        // Runs the built `tranche` executable end to end; Fixtures/ holds its input files,
        // read from the repository at run time.
        .testTarget(name: "TrancheCLITests", dependencies: ["tranche", "TrancheNode", "TrancheStore", "TrancheCore", "TrancheTransport", "TrancheWire"], exclude: ["Fixtures"]),
    ]
)
