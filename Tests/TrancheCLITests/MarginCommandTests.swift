import Foundation
import Testing

/// `tranche margin` on the shipped examples, checked against the numbers worked by hand in
/// TrancheCoreTests (MarginTests, TranchePlannerTests).
@Suite struct MarginCommandTests {
    @Test func marginCallExample() throws {
        let r = try CLIRunner.tranche("margin", "cluster/examples/margin-call.json", "--json")
        #expect(r.status == 0, "\(r.stderr)")
        let j = r.json
        let scope = (j["scopes"] as? [[String: Any]])?.first
        #expect(scope?["equity"] as? String == "100")
        #expect(scope?["maintenance"] as? String == "191")
        #expect(scope?["liquidatable"] as? Bool == true)
        let position = (j["positions"] as? [[String: Any]])?.first
        #expect(position?["liquidationPrice"] as? String == "19191.91919192")
        #expect(position?["bankruptcyPrice"] as? String == "19000")
        let tranche = (j["nextTranches"] as? [[String: Any]])?.first
        #expect(tranche?["size"] as? String == "0.25")
        #expect(tranche?["order"] as? String == "sell")
        #expect(tranche?["limitPrice"] as? String == "19000")  // band 18 909, clamped at the bankruptcy price
        #expect(tranche?["estimatedRemainingTranches"] as? Int == 4)
    }

    @Test func healthyExampleHasNoTranche() throws {
        let r = try CLIRunner.tranche("margin", "cluster/examples/margin-healthy.json", "--json")
        #expect(r.status == 0)
        #expect((r.json["nextTranches"] as? [Any])?.isEmpty == true)
        #expect(r.json["withdrawable"] as? String == "110")
    }

    @Test func tableOutputIsReadable() throws {
        let r = try CLIRunner.tranche("margin", "cluster/examples/margin-cross-isolated.json")
        #expect(r.status == 0)
        #expect(r.stdout.contains("LIQUIDATABLE"))
        #expect(r.stdout.contains("sell 10 ETH-PERP"))  // ratio 0.23 < hard floor 0.5: the step cap is lifted
    }

    @Test func everyExampleEvaluates() throws {
        let dir = CLIRunner.repositoryRoot.appendingPathComponent("cluster/examples")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("margin-") && $0.hasSuffix(".json") }
        #expect(files.count >= 5)
        for f in files {
            let r = try CLIRunner.tranche("margin", "cluster/examples/\(f)", "--json")
            #expect(r.status == 0, "\(f): \(r.stderr)")
            #expect(r.json["account"] != nil, "\(f)")
        }
    }

    @Test(arguments: [
        ("entryPrice", "12x", "account.positions[0].entryPrice: '12x' is not a decimal number"),
        ("market", "SOL-PERP", "account.positions[0].market: unknown market SOL-PERP"),
        ("size", "0.0005", "account.positions[0].size: 0.0005 is not a multiple of the step 0.001"),
    ])
    func badFilesNameTheField(field: String, value: String, message: String) throws {
        let url = CLIRunner.repositoryRoot.appendingPathComponent("cluster/examples/margin-call.json")
        var doc = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var account = doc["account"] as! [String: Any]
        var positions = account["positions"] as! [[String: Any]]
        positions[0][field] = value
        account["positions"] = positions
        doc["account"] = account
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("tranche-bad-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: doc).write(to: tmp)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let r = try CLIRunner.tranche("margin", tmp.path)
        #expect(r.status != 0)
        #expect(r.stderr.contains(message), "stderr was: \(r.stderr)")
        #expect(!r.stderr.contains("Usage"))
    }

    @Test func missingFileIsAClearError() throws {
        let r = try CLIRunner.tranche("margin", "/nonexistent/tranche.json")
        #expect(r.status != 0)
        #expect(r.stderr.contains("cannot read the file"))
    }
}
