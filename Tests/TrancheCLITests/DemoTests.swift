import Foundation
import Testing

/// Issue 11: the README's first command shows what its text says. scripts/demo.sh runs here
/// as a user runs it (on free ports, with this build's executables, stopping its cluster at
/// the end), and its live events are checked against each of its promises.
@Suite struct DemoTests {
    /// One line of `tranche events` as the demo records it: time, kind, account, the rest.
    struct Event {
        var at: Date
        var kind: String
        var account: String
        var text: String
        /// The size of a tranche order.
        var size: Double? {
            guard let r = text.range(of: " size ") else { return nil }
            return Double(text[r.upperBound...].prefix { $0 != " " })
        }
    }

    /// Lines like `2026-12-01T21:17:26.157 trancheOrder account 1 BTC-PERP size 0.25 …`
    /// (UTC, no offset) or `… trancheOrder backstop BTC-PERP …`.
    static func parse(_ log: String) -> [Event] {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSS"
        var out: [Event] = []
        for line in log.split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init)
            guard words.count >= 3, let at = formatter.date(from: words[0]) else { continue }
            let account = words[2] == "account" && words.count >= 4 ? words[3] : words[2]
            out.append(Event(at: at, kind: words[1], account: account, text: String(line)))
        }
        return out
    }

    @Test(.timeLimit(.minutes(6)))
    func theDemoShowsWhatItSays() throws {
        let run = FileManager.default.temporaryDirectory.appendingPathComponent("tranche-it-demo-\(UUID().uuidString)")
        defer {
            // Whatever the demo left running (it was cut short): killed by PID.
            for file in (try? FileManager.default.contentsOfDirectory(atPath: run.path)) ?? [] where file.hasSuffix(".pid") {
                if let text = try? String(contentsOfFile: run.appendingPathComponent(file).path, encoding: .utf8),
                   let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) { kill(pid, SIGKILL) }
            }
            try? FileManager.default.removeItem(at: run)
        }
        let script = CLIRunner.repositoryRoot.appendingPathComponent("scripts/demo.sh").path
        // Run as from a user's shell: the test runner's threads block signals, and a child
        // inherits that mask (the demo's `kill` of its event follower would do nothing).
        let unblocked = "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])"
        let r = try CLIRunner.run("/usr/bin/python3", ["-c", unblocked, script, "--run-directory", run.path, "--free-ports", "--stop"], timeout: 330,
                                  environment: ["TRANCHE_BIN": CLIRunner.productsDirectory.path])
        #expect(r.status == 0 && !r.timedOut, "demo exited \(r.status):\n\(r.stdout)\n\(r.stderr)")
        let log = try String(contentsOf: run.appendingPathComponent("events.log"), encoding: .utf8)
        let events = Self.parse(log)
        let context = "events:\n\(log)\ndemo:\n\(r.stdout)\(r.stderr)"
        func of(_ account: String) -> [Event] { events.filter { $0.account == account } }

        // Account 4: past its hard floor at once: no grace window, closed at once.
        #expect(of("4").contains { $0.kind == "trancheOrder" }, "\(context)")
        #expect(!of("4").contains { $0.kind == "marginCall" }, "\(context)")

        // Account 2: a margin call, a top-up during its grace window, restored, nothing sold.
        let two = of("2")
        #expect(two.first { $0.kind == "marginCall" } != nil, "\(context)")
        #expect(two.contains { $0.kind == "restored" }, "\(context)")
        #expect(!two.contains { $0.kind == "trancheOrder" || $0.kind == "takeover" }, "\(context)")

        // Account 1: a margin call, no tranche before its 10 s grace window ends, then
        // tranches of at most 25 % of the position, 2 s apart, until it is restored.
        let one = of("1")
        let call = try #require(one.first { $0.kind == "marginCall" }, "\(context)")
        let tranches = one.filter { $0.kind == "trancheOrder" }
        #expect(tranches.count >= 2, "\(context)")
        if let first = tranches.first { #expect(first.at.timeIntervalSince(call.at) >= 9.9, "\(context)") }
        var position = 1.0
        for t in tranches {
            let size = try #require(t.size, "\(t.text)")
            #expect(size <= position * 0.25 + 0.001, "tranche \(size) of \(position): \(context)")
            #expect(!t.text.contains("step cap lifted"), "\(context)")
            position -= size
        }
        for (a, b) in zip(tranches, tranches.dropFirst()) { #expect(b.at.timeIntervalSince(a.at) >= 1.9, "\(context)") }
        #expect(one.contains { $0.kind == "restored" }, "\(context)")
        #expect(!one.contains { $0.kind == "takeover" || $0.kind == "closed" }, "\(context)")
        // What the demo prints at the end says the same.
        #expect(r.stdout.contains("Account 1: healthy"), "\(context)")
        #expect(r.stdout.contains("Account 2: healthy"), "\(context)")
    }
}
