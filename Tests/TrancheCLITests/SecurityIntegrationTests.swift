import Foundation
import Testing
import TrancheCore
import TrancheNode
import TrancheTransport
import TrancheWire
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Issue 9's eleven attacks, each against the real processes of a secure cluster (as
/// scripts/cluster-up.sh starts it), each by a raw ZeroMQ peer written here, not by the
/// cluster's own client: every one worked on 930904f; every one must fail now.
@Suite(.serialized) struct SecurityIntegrationTests {
    /// A raw peer: any socket type, any routing id, CURVE with any key (or none).
    final class RawPeer {
        let context: ZMQContext
        let socket: ZMQSocket
        let monitor: HandshakeMonitor

        init(_ type: ZMQSocketType, _ endpoint: String, keys: CurveKeyPair?, server: NodeID, keyDirectory: URL, routingID: String? = nil) throws {
            context = try ZMQContext()
            socket = try ZMQSocket(context, type)
            monitor = try HandshakeMonitor(socket, context: context)
            if let routingID { try socket.setRoutingID(Array(routingID.utf8)) }
            if type == .sub { try socket.subscribe() }
            if let keys {
                let (_, serverKey) = try KeyFiles.loadPublic(KeyFiles.publicFile(server, in: keyDirectory))
                try socket.makeCurveClient(serverKey: serverKey, keys: keys)
            }
            try socket.setSendTimeout(milliseconds: 500)
            // Sends leave only over a completed (authenticated) connection.
            try socket.setImmediate(true)
            try socket.connect(endpoint)
        }

        deinit {
            socket.close()
            monitor.close()
            context.shutdown()
        }

        func send(_ frames: [[UInt8]]) { _ = try? socket.trySend(frames) }
        func send(_ body: MessageBody, correlation: UInt64 = 1, sender: String = "worker:w1") {
            send([WireCodec.encode(Envelope(correlationID: correlation, sender: sender, sentAt: WallClock.now(), body: body))])
        }

        /// The next reply decoded, within `seconds` (nil: none).
        func reply(within seconds: Double = 2) -> Envelope? {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                guard let frames = try? socket.receive(timeoutMilliseconds: 100), let last = frames.last else { continue }
                if let e = try? WireCodec.decode(last) { return e }
            }
            return nil
        }

        /// Sends until the message leaves (a CURVE handshake takes a moment), for `seconds`.
        func sendUntilConnected(_ body: MessageBody, seconds: Double = 2) -> Bool {
            let bytes = WireCodec.encode(Envelope(correlationID: 1, sender: "worker:w1", sentAt: WallClock.now(), body: body))
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if (try? socket.trySend([bytes])) == true { return true }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return false
        }
    }

    static func code(_ e: Envelope?) -> ErrorCode? {
        guard case .commandReply(let r)? = e?.body else { return nil }
        return r.errorCode
    }

    static func fundBalance(_ cluster: LocalCluster) throws -> String {
        try cluster.cli(["fund", "--entries", "0"]).json["balance"] as? String ?? "?"
    }

    @Test(.timeLimit(.minutes(3)))
    func theElevenAttacksFail() throws {
        let cluster = try LocalCluster()
        defer { cluster.stopAll() }
        try cluster.startAll()
        try cluster.waitForShards(workers: ["w1", "w2"], within: 15)
        let endpoints = try cluster.endpoints()
        let keys = cluster.keyDirectory
        // Clients: alice (accounts 1–99), mallory (300), and eve, whose key nobody granted.
        let clientsDir = cluster.directory.appendingPathComponent("clients")
        try KeyFiles.generate([.client("alice"), .client("mallory"), .client("eve")], in: clientsDir)
        func pair(_ n: String) throws -> CurveKeyPair { try KeyFiles.loadSecret(KeyFiles.secretFile(.client(n), in: clientsDir)).keys }
        _ = try cluster.cli(["keys", "grant", "alice", "--public-key", KeyFiles.publicFile(.client("alice"), in: clientsDir).path, "--accounts", "1-99"])
        _ = try cluster.cli(["keys", "grant", "mallory", "--public-key", KeyFiles.publicFile(.client("mallory"), in: clientsDir).path, "--accounts", "300"])
        func asClient(_ n: String) -> [String] { ["--key", KeyFiles.secretFile(.client(n), in: clientsDir).path] }
        _ = try cluster.retrying { try cluster.cli(["account", "open", "1", "--collateral", "100"] + asClient("alice")) }
        _ = try cluster.retrying { try cluster.cli(["account", "open", "300", "--collateral", "1000"] + asClient("mallory")) }
        let fund = try Self.fundBalance(cluster)
        let w3 = try KeyFiles.loadSecret(KeyFiles.secretFile(.worker("w3"), in: keys)).keys

        // 1. A ledger posting (fund → external) and a fake fill report PUSHed to the
        //    aggregator's reports endpoint, and sent to its queries ROUTER: a client key
        //    cannot even connect there; nothing moves.
        let posting = MessageBody.ledgerPosting(Message.LedgerPosting(transfers: [LedgerTransfer(from: .insuranceFund, to: .external, amount: Quote(e6: 50_000_000_000), reason: .withdrawal)], at: .zero))
        for (type, endpoint) in [(ZMQSocketType.push, endpoints.aggregatorReports), (.dealer, endpoints.aggregatorQueries)] {
            let p = try RawPeer(type, endpoint, keys: try pair("mallory"), server: .aggregator, keyDirectory: keys, routingID: "worker:w1")
            #expect(!p.sendUntilConnected(posting, seconds: 1.5), "a client's key connected to the aggregator's \(endpoint)")
            #expect(p.monitor.failure() == .authentication)
        }
        // Without any key (plain TCP): the handshake fails as well.
        let plain = try RawPeer(.push, endpoints.aggregatorReports, keys: nil, server: .aggregator, keyDirectory: keys)
        #expect(!plain.sendUntilConnected(posting, seconds: 1))
        #expect(try Self.fundBalance(cluster) == fund)

        // 2. A fake bankruptcy notice (ADL trigger) to the aggregator: refused the same way.
        let notice = try RawPeer(.dealer, endpoints.aggregatorQueries, keys: try pair("alice"), server: .aggregator, keyDirectory: keys, routingID: "worker:w1")
        #expect(!notice.sendUntilConnected(.adlApplied(Message.AdlApplied(requestID: 1, account: AccountID(1))), seconds: 1))
        #expect(try Self.fundBalance(cluster) == fund)

        // 3. Minting by trading at a free price: a trade executes at the venue; a limit far
        //    from the mark is refused; booking at a given price is the operator's import alone.
        let mint = try CLIRunner.run("tranche", ["position", "submit", "300", "BTC-PERP", "long", "1", "1", "--config", cluster.configPath, "--json"] + asClient("mallory"), timeout: 10)
        #expect(mint.status == 65 && mint.stderr.contains("INVALID_ARGUMENT") && mint.stderr.contains("mark"), "\(mint.stderr)")
        let imported = try CLIRunner.run("tranche", ["position", "submit", "300", "BTC-PERP", "long", "1", "1", "--import", "--config", cluster.configPath, "--json"] + asClient("mallory"), timeout: 10)
        #expect(imported.status == 77 && imported.stderr.contains("PERMISSION_DENIED"), "\(imported.stderr)")
        _ = try cluster.retrying { try cluster.cli(["position", "submit", "300", "BTC-PERP", "long", "0.01", "0"] + asClient("mallory")) }
        let far = try CLIRunner.run("tranche", ["position", "close", "300", "BTC-PERP", "--price", "1000000", "--config", cluster.configPath, "--json"] + asClient("mallory"), timeout: 10)
        #expect(far.status == 65 && far.stderr.contains("INVALID_ARGUMENT"), "\(far.stderr)")
        let m = try cluster.cli(["account", "show", "300"] + asClient("mallory")).json
        let entry = Double((m["positions"] as? [[String: Any]])?.first?["entryPrice"] as? String ?? "") ?? 0
        #expect(entry > 19_000 && entry < 21_000, "\(m)")

        // 4. Mallory reads and withdraws from alice's account; sets an index price.
        for args in [["account", "show", "1"], ["withdraw", "1", "10"], ["deposit", "1", "10"], ["price", "set", "BTC-PERP", "1000"]] {
            let r = try CLIRunner.run("tranche", args + ["--config", cluster.configPath, "--json"] + asClient("mallory"), timeout: 10)
            #expect(r.status == 77 && r.stderr.contains("PERMISSION_DENIED"), "\(args): \(r.stderr)")
        }
        #expect(try cluster.account(1).collateral == "100")

        // 5. A peer registering as worker "evil2": a client key cannot connect to the
        //    workers' endpoint; a worker's key with another routing id is UNAUTHENTICATED;
        //    w3's key naming another worker is refused. No shard goes to it.
        let evilClient = try RawPeer(.dealer, endpoints.coordinatorWorkers, keys: try pair("mallory"), server: .coordinator, keyDirectory: keys, routingID: "worker:evil2")
        #expect(!evilClient.sendUntilConnected(.workerRegister(Message.WorkerRegister(workerID: "evil2", clusterID: "")), seconds: 1))
        let evilWorker = try RawPeer(.dealer, endpoints.coordinatorWorkers, keys: w3, server: .coordinator, keyDirectory: keys, routingID: "worker:evil2")
        #expect(evilWorker.sendUntilConnected(.workerRegister(Message.WorkerRegister(workerID: "evil2", clusterID: ""))))
        #expect(Self.code(evilWorker.reply()) == .unauthenticated)
        let w3peer = try RawPeer(.dealer, endpoints.coordinatorWorkers, keys: w3, server: .coordinator, keyDirectory: keys, routingID: "worker:w3")
        #expect(w3peer.sendUntilConnected(.workerRegister(Message.WorkerRegister(workerID: "evil2", clusterID: ""))))
        #expect(Self.code(w3peer.reply()) == .permissionDenied)
        let workers = try cluster.cli(["status"]).json["workers"] as? [[String: Any]] ?? []
        #expect(Set(workers.compactMap { $0["id"] as? String }) == ["w1", "w2"], "\(workers)")

        // 6. Forged OK replies sprayed at the coordinator's worker endpoint (by a worker key
        //    it asked nothing) while a 5,000,000 withdrawal on a 100 balance is pending.
        let spraying = Atomic(true)
        let sprayed = Atomic(0)
        let workersEndpoint = endpoints.coordinatorWorkers
        let sprayer = Thread {
            // Its own socket (one thread per socket), under w3's key.
            guard let p = try? RawPeer(.dealer, workersEndpoint, keys: w3, server: .coordinator, keyDirectory: keys, routingID: "worker:w3") else { return }
            var c: UInt64 = 0
            while spraying.load(ordering: .relaxed) {
                c = c % 5_000 + 1
                p.send(.commandReply(Message.CommandReply(errorCode: .ok)), correlation: c, sender: "worker:w1")
                sprayed.add(1, ordering: .relaxed)
            }
        }
        sprayer.start()
        Thread.sleep(forTimeInterval: 0.5)
        let withdraw = try CLIRunner.run("tranche", ["withdraw", "1", "5000000", "--config", cluster.configPath, "--json"] + asClient("alice"), timeout: 10)
        spraying.store(false, ordering: .relaxed)
        #expect(sprayed.load(ordering: .relaxed) > 1_000)
        #expect(withdraw.status == 65 && withdraw.stderr.contains("INSUFFICIENT_COLLATERAL"), "\(withdraw.status) \(withdraw.stderr)")
        #expect(try cluster.account(1).collateral == "100")

        // 8. A client's tranche order at the venue (a future tranche id): it cannot connect.
        let order = try RawPeer(.dealer, endpoints.venueOrders, keys: try pair("alice"), server: .venue, keyDirectory: keys, routingID: "worker:w1")
        #expect(!order.sendUntilConnected(.trancheOrder(Message.TrancheOrder(tranche: TrancheID(account: AccountID(1), market: MarketID("BTC-PERP"), sequence: 99),
                                                                           side: .short, size: Size(e8: 100_000_000), limitPrice: Price(e8: 1), markPrice: Price(e8: 1), epoch: 1, shard: 0)), seconds: 1))
        #expect(order.monitor.failure() == .authentication)

        // 9. A client command at the workers' endpoint (from a worker's key): refused, typed.
        Thread.sleep(forTimeInterval: 0.2)
        let w3again = try RawPeer(.dealer, endpoints.coordinatorWorkers, keys: w3, server: .coordinator, keyDirectory: keys, routingID: "worker:w3")
        #expect(w3again.sendUntilConnected(.showAccount(Message.ShowAccount(account: AccountID(1)))))
        _ = w3again.reply()
        w3again.send(.openAccount(Message.OpenAccount(account: AccountID(42), initialCollateral: Quote(e6: 1_000_000))), correlation: 4242)
        let nine = w3again.reply()
        #expect(Self.code(nine) == .permissionDenied && nine?.correlationID == 4242, "\(String(describing: nine))")
        // … and a 3-frame message at the clients' endpoint: DECODE_ERROR, not its last frame.
        let operatorKeys = try cluster.operatorKeys().keys
        let op = try RawPeer(.dealer, endpoints.coordinatorClients, keys: operatorKeys, server: .coordinator, keyDirectory: keys)
        let open42 = WireCodec.encode(Envelope(correlationID: 7, sender: "x", sentAt: .zero, body: .openAccount(Message.OpenAccount(account: AccountID(42), initialCollateral: .zero))))
        Thread.sleep(forTimeInterval: 0.3)
        op.send([[1, 2, 3], [], open42])
        #expect(Self.code(op.reply()) == .decodeError)
        let no42 = try CLIRunner.run("tranche", ["account", "show", "42", "--config", cluster.configPath, "--json"], timeout: 10)
        #expect(no42.stderr.contains("UNKNOWN_ACCOUNT"), "\(no42.stderr)")

        // 10. Values downstream would refuse are refused before the acknowledgement.
        let zero = try RawPeer(.dealer, endpoints.coordinatorClients, keys: operatorKeys, server: .coordinator, keyDirectory: keys)
        Thread.sleep(forTimeInterval: 0.3)
        zero.send(.openAccount(Message.OpenAccount(account: AccountID(0), initialCollateral: Quote(e6: 1))), correlation: 10)
        #expect(Self.code(zero.reply()) == .invalidArgument)
        zero.send(.openAccount(Message.OpenAccount(account: AccountID(50), initialCollateral: Quote(e6: .max))), correlation: 11)
        #expect(Self.code(zero.reply()) == .invalidArgument)
        let cheap = try CLIRunner.run("tranche", ["position", "close", "300", "BTC-PERP", "--price", "0.1", "--config", cluster.configPath, "--json"] + asClient("mallory"), timeout: 10)
        #expect(cheap.status == 65 && cheap.stderr.contains("INVALID_ARGUMENT"), "\(cheap.stderr)")

        // 11. Malformed requests get typed replies: another version, an unknown kind, a kind
        //     that disagrees with its body, garbage.
        let cases: [([UInt8], ErrorCode)] = [
            ([0x08, 0x02, 0x10, 0x11, 0x8a, 0x01, 0x00], .versionMismatch),
            ([0x08, 0x01, 0x10, 0x63], .unknownKind),
            ([0x08, 0x01, 0x10, 0x11, 0x92, 0x01, 0x00], .decodeError),
            ([0xff, 0xff, 0xff, 0x01], .decodeError),
        ]
        for (bytes, expected) in cases {
            zero.send([bytes])
            #expect(Self.code(zero.reply()) == expected, "\(bytes)")
        }

        // A key nobody granted gets nothing at all; alice cannot touch mallory's account.
        let eve = try CLIRunner.run("tranche", ["account", "show", "1", "--config", cluster.configPath, "--json", "--timeout", "2"] + asClient("eve"), timeout: 10)
        #expect(eve.status == 77 && eve.stderr.contains("UNAUTHENTICATED"), "\(eve.stderr)")
        let alice = try CLIRunner.run("tranche", ["deposit", "300", "1", "--config", cluster.configPath, "--json"] + asClient("alice"), timeout: 10)
        #expect(alice.status == 77, "\(alice.stderr)")
        // Revoked: mallory's commands are refused at once.
        _ = try cluster.cli(["keys", "revoke", "mallory"])
        let revoked = try CLIRunner.run("tranche", ["account", "show", "300", "--config", cluster.configPath, "--json", "--timeout", "2"] + asClient("mallory"), timeout: 10)
        #expect(revoked.status == 77, "\(revoked.stderr)")

        // 7. Heartbeats for a stopped w1 from another worker's key: refused; w1 is declared
        //    dead and its shards move to w2.
        try cluster.signal("worker-w1", SIGSTOP)
        defer { try? cluster.signal("worker-w1", SIGCONT) }
        let deadline = Date().addingTimeInterval(4)
        while Date() < deadline {
            w3again.send(.heartbeat(Message.Heartbeat(workerID: "w1", epoch: 0, accounts: 0, at: WallClock.now(), clusterID: "")))
            Thread.sleep(forTimeInterval: 0.05)
        }
        let after = try cluster.cli(["status"]).json["workers"] as? [[String: Any]] ?? []
        let w1 = after.first { $0["id"] as? String == "w1" }
        #expect(w1?["alive"] as? Bool == false && w1?["shards"] as? Int == 0, "\(after)")
        try cluster.signal("worker-w1", SIGCONT)

        #expect(try Self.fundBalance(cluster) == fund)
    }

    /// `--insecure` is explicit and said: the processes log it, `status` says it, a secure
    /// client cannot talk to it (nor an insecure one to a secure cluster, tested above).
    @Test(.timeLimit(.minutes(2)))
    func anInsecureClusterSaysSo() throws {
        let cluster = try LocalCluster(insecure: true)
        defer { cluster.stopAll() }
        try cluster.startAll()
        try cluster.waitForShards(workers: ["w1", "w2"], within: 15)
        #expect(try cluster.cli(["status"]).json["insecure"] as? Bool == true)
        let text = try CLIRunner.run("tranche", ["status", "--config", cluster.configPath, "--insecure"], timeout: 10)
        #expect(text.stdout.contains("INSECURE"), "\(text.stdout)")
        let log = try String(contentsOf: cluster.directory.appendingPathComponent("coordinator-1.log"), encoding: .utf8)
        #expect(log.contains("INSECURE"), "\(log)")
        let secure = try CLIRunner.run("tranche", ["status", "--config", cluster.configPath, "--json", "--timeout", "2", "--key",
                                                   KeyFiles.secretFile(KeyFiles.operatorNode, in: cluster.keyDirectory).path], timeout: 10)
        #expect(secure.status == 69 && secure.stderr.contains("handshake"), "\(secure.stderr)")
    }
}
