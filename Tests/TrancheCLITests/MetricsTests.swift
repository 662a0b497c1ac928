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

    @Test(.timeLimit(.minutes(4)))
    func everyProcessServesItsMetrics() throws {
        let cluster = try LocalCluster()
        defer { cluster.stopAll() }
        try cluster.startAll()
        try cluster.waitForShards(workers: ["w1", "w2"], within: 15)
        _ = try cluster.retrying { try cluster.cli(["account", "open", "3", "--collateral", "100"]) }
        // A refused command, and a liquidation: tranches, fills, a takeover, budgets, slippage.
        let refused = try CLIRunner.run("tranche", ["withdraw", "3", "1000000", "--config", cluster.configPath], timeout: 10)
        #expect(refused.status != 0)
        try cluster.retrying { try cluster.cli(["account", "open", "9", "--collateral", "100000"]) }
        try cluster.retrying { try cluster.cli(["position", "submit", "9", "BTC-PERP", "long", "40", "20000", "--import"]) }
        try cluster.retrying { try cluster.cli(["price", "set", "BTC-PERP", "17000"]) }
        // Where each process serves them: `tranche status --json` says.
        let urls = try cluster.cli(["status"]).json["metrics"] as? [String: String] ?? [:]
        // Until the aggregator has counted a fill (its gauges are sampled twice a second).
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, let url = urls["aggregator"], !((try? Self.get(url))?.contains("tranche_fill_slippage_bps_count") ?? false) {
            Thread.sleep(forTimeInterval: 0.3)
        }
        Thread.sleep(forTimeInterval: 1.2)   // a sample of the roles' gauges
        let expected: [(String, [String])] = [
            ("venue", ["tranche_venue_index_price{market=\"BTC-PERP\"} ", "tranche_venue_marks_published_total ",
                       "tranche_messages_received_total{kind=\"trancheOrder\"}", "tranche_store_commit_seconds_count "]),
            ("aggregator", ["tranche_fund_balance ", "tranche_breaker_level{market=\"BTC-PERP\"}", "tranche_events_total{kind=\"trancheOrder\"}",
                            "tranche_events_total{kind=\"fill\"}", "tranche_events_total{kind=\"takeover\"}", "tranche_budget_per_second{market=\"BTC-PERP\"}",
                            "tranche_fill_slippage_bps_bucket{le=", "tranche_fill_slippage_bps_count ", "tranche_store_commit_seconds_count "]),
            ("coordinator", ["tranche_coordinator_workers_alive 2", "tranche_commands_total{kind=\"openAccount\",result=\"OK\"}",
                             "tranche_commands_total{kind=\"withdraw\",result=\"", "tranche_coordinator_heartbeats_missed_total ",
                             "tranche_coordinator_workers_declared_dead_total 0"]),
            ("worker-w1", ["tranche_worker_accounts", "tranche_worker_shards_owned ", "tranche_worker_accounts_awaiting_acks ", "tranche_worker_orders_in_flight ",
                           "tranche_worker_accounts_evaluated_total ", "tranche_worker_accounts_evaluated_per_mark_bucket", "tranche_store_commit_seconds_bucket",
                           "tranche_store_queued_records ", "tranche_messages_received_total{kind=\"markPrice\"}"]),
            ("worker-w2", ["tranche_worker_accounts", "tranche_worker_shards_owned ", "tranche_worker_accounts_evaluated_per_mark_count "]),
        ]
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
        #expect(accounts == 2)
        // Counters count: the liquidation sent tranche orders, and the refused withdrawal is
        // a result other than OK.
        func value(_ prefix: String) -> Double {
            scraped.split(separator: "\n").filter { $0.hasPrefix(prefix) }.compactMap { Double($0.split(separator: " ").last ?? "") }.reduce(0, +)
        }
        #expect(value("tranche_events_total{kind=\"trancheOrder\"}") > 0)
        #expect(value("tranche_fill_slippage_bps_count") > 0)
        #expect(value("tranche_commands_total{kind=\"withdraw\",result=\"OK\"}") == 0 && value("tranche_commands_total{kind=\"withdraw\"") >= 1)
        #expect(value("tranche_worker_accounts_evaluated_total") > 0)

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
