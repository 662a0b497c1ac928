// Fuzzing the decoder and command validation (docs/security.md).
//
// Seeded, as CI runs it (release):   tranche-fuzz --inputs 1000000 --seed 1
// libFuzzer, coverage-guided (by hand, see docs/security.md):
//   swift build -c release --product tranche-fuzz -Xswiftc -DLIBFUZZER -Xswiftc -sanitize=fuzzer,address --build-path .build-fuzz \
//     && .build-fuzz/release/tranche-fuzz -max_total_time=60

import Foundation
import TrancheCore

#if LIBFUZZER
nonisolated(unsafe) var libFuzzerHarness: FuzzHarness? = nil

@_cdecl("LLVMFuzzerTestOneInput")
public func libFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    if libFuzzerHarness == nil { libFuzzerHarness = try! FuzzHarness() }
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    // The first byte picks the client: the operator, a granted-nothing client.
    let client: NodeID = bytes.first.map { $0 & 1 == 0 } ?? true ? .client("operator/fuzz") : .client("mallory/fuzz")
    do { try libFuzzerHarness!.run(bytes, client: client) } catch {
        print("FINDING: \(error)")
        abort()
    }
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// SwiftPM links an executable's `main` to this symbol; libFuzzer's driver takes over.
@_cdecl("tranche_fuzz_main")
public func trancheFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var c = argc
    var v = argv
    return LLVMFuzzerRunDriver(&c, &v, libFuzzerTestOneInput)
}
#else
/// The seeded driver (CI): N inputs from a seed, the tally printed at the end.
@main enum SeededFuzz {
    static func main() throws {
        var inputs = 1_000_000
        var seed: UInt64 = 1
        var arguments = CommandLine.arguments.dropFirst()
        while let a = arguments.popFirst() {
            switch a {
            case "--inputs": inputs = Int(arguments.popFirst() ?? "") ?? inputs
            case "--seed": seed = UInt64(arguments.popFirst() ?? "") ?? seed
            case "-h", "--help":
                print("usage: tranche-fuzz [--inputs N] [--seed S]: N seeded inputs through the decoder, the coordinator's authorization, the worker's validation and the ledger")
                exit(0)
            default:
                FileHandle.standardError.write(Data("tranche-fuzz: unknown argument \(a)\n".utf8))
                exit(64)
            }
        }

        var harness = try FuzzHarness()
        var generator = InputGenerator(rng: SeededGenerator(seed: seed))
        let start = Date()
        for i in 0..<inputs {
            let bytes = generator.next()
            // Most inputs come from the operator (every account); one in four from a client
            // granted nothing, whose commands must all be refused before any worker sees them.
            let client: NodeID = i % 4 == 3 ? .client("mallory/fuzz") : .client("operator/fuzz")
            if i % 50_000 == 0 { harness.mark(Price(e8: (15_000 + Int64(generator.int(10_000))) * 100_000_000)) }
            do { try harness.run(bytes, client: client) } catch {
                print("tranche-fuzz: FINDING at input \(i) (seed \(seed)): \(error)")
                print("input: \(bytes.map { String($0, radix: 16) }.joined(separator: " "))")
                exit(1)
            }
        }
        let elapsed = Date().timeIntervalSince(start)
        let t = harness.tally
        func codes(_ d: [ErrorCode: Int]) -> String { d.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") }
        print("""
            fuzz (seed \(seed)): \(t.inputs) inputs in \(String(format: "%.1f", elapsed)) s (\(Int(Double(t.inputs) / elapsed)) /s), no finding
              decoder: \(t.decoded) decoded and round-tripped; refused: \(codes(t.decodeErrors))
              commands: \(t.commands) routed, \(t.accepted) accepted, \(t.orders) venue orders, \(t.postings) ledger postings all booked; refused: \(codes(t.refused))
            """)
    }
}
#endif
