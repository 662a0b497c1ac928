import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Issue 10: every process serves Prometheus metrics; a test scrapes each one.
@Suite struct MetricsTests {
    static func get(_ url: String) throws -> String {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var body: String?
        URLSession.shared.dataTask(with: URL(string: url)!) { data, _, _ in
            body = data.map { String(decoding: $0, as: UTF8.self) }
            done.signal()
        }.resume()
        _ = done.wait(timeout: .now() + 10)
        guard let body else { throw LocalCluster.Failure("no answer from \(url)") }
        return body
    }

    @Test(.timeLimit(.minutes(2)))
    func everyProcessServesItsMetrics() throws {
        let cluster = try LocalCluster()
        defer { cluster.stopAll() }
        try cluster.startAll()
        try cluster.waitForShards(workers: ["w1", "w2"], within: 15)
        _ = try cluster.retrying { try cluster.cli(["account", "open", "3", "--collateral", "100"]) }
        Thread.sleep(forTimeInterval: 1.2)   // a sample of the roles' gauges
        let expected: [(String, [String])] = [
            ("venue", ["tranche_venue_index_price{market=\"BTC-PERP\"} 20000"]),
            ("aggregator", ["tranche_fund_balance 100000", "tranche_breaker_level{market=\"BTC-PERP\"} 0"]),
            ("coordinator", ["tranche_coordinator_workers_alive 2"]),
            ("worker-w1", ["tranche_worker_accounts"]),
            ("worker-w2", ["tranche_worker_accounts"]),
        ]
        // Where each process serves them: `tranche status --json` says.
        let urls = try cluster.cli(["status"]).json["metrics"] as? [String: String] ?? [:]
        #expect(Set(urls.keys) == Set(expected.map(\.0)), "\(urls)")
        var accounts = 0.0
        var scraped = ""
        for (node, lines) in expected {
            let url = try #require(urls[node], "status lists no metrics URL for \(node): \(urls)")
            #expect(url.hasPrefix("http://") && url.hasSuffix("/metrics"))
            let text = try Self.get(url)
            scraped += text
            #expect(text.contains("tranche_messages_received_total") && text.contains("tranche_handler_seconds_bucket"), "\(node): \(text)")
            for l in lines { #expect(text.contains(l), "\(node) lacks \(l):\n\(text)") }
            if node.hasPrefix("worker"), let line = text.split(separator: "\n").first(where: { $0.hasPrefix("tranche_worker_accounts ") }) {
                accounts += Double(line.split(separator: " ").last ?? "") ?? 0
            }
        }
        #expect(accounts == 1)

        // docs/grafana-dashboard.json queries only metrics the processes serve.
        let dashboard = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: CLIRunner.repositoryRoot.appendingPathComponent("docs/grafana-dashboard.json"))) as? [String: Any])
        let exprs = (dashboard["panels"] as? [[String: Any]] ?? []).flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
        #expect(exprs.count >= 10)
        let served = Set(scraped.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { $0.split(whereSeparator: { $0 == "{" || $0 == " " }).first.map(String.init) })
        for expr in exprs {
            let names = expr.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init).filter { $0.hasPrefix("tranche_") }
            #expect(!names.isEmpty, "\(expr)")
            for n in names { #expect(served.contains(n), "the dashboard queries \(n), which no process serves") }
        }
    }
}
