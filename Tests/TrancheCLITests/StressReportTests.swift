import Foundation
import Testing

/// Issue 10: `tranche simulate --report` writes one self-contained page a risk engineer
/// would look at; it is rendered in a real headless browser (Debian's chromium, installed by
/// `scripts/setup.sh --tests`) and the screenshot checked for ink in every chart's place.
@Suite struct StressReportTests {
    /// The charts the page promises, by their SVG ids, and the summary table.
    static let charts = ["price", "liquidated", "fund", "breaker", "states", "slippage"]

    @Test(.timeLimit(.minutes(3)))
    func theStressReportRendersInABrowserWithEveryChart() throws {
        let dir = try SimulateCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = dir.appendingPathComponent("report.html")
        let r = try SimulateCommandTests.simulate(SimulateCommandTests.tiny, "--compare", "--report", page.path)
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOf: page, encoding: .utf8)
        for id in Self.charts { #expect(html.contains("<svg id=\"\(id)\""), "no \(id) chart") }
        #expect(html.contains("<table id=\"summary\""))
        // Both policies on the same axes, self-contained (no network).
        #expect(html.contains("mark, stepwise") && html.contains("mark, all-or-nothing"))
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("<script"))
        // Every chart has lines (or bars) drawn.
        for id in Self.charts where id != "slippage" {
            let start = try #require(html.range(of: "<svg id=\"\(id)\""))
            let svg = html[start.lowerBound...]
            let end = try #require(svg.range(of: "</svg>"))
            #expect(svg[..<end.lowerBound].contains("<polyline points=\""), "\(id) has no line")
        }

        // Rendered by a real browser: the screenshot has ink, and in several places down
        // the page (every chart, not a blank page with a title).
        let bands = try Self.inkedBands(page, dir: dir)
        // The first seven eighths hold the six charts: each band has inked rows.
        #expect(bands.prefix(7).allSatisfy { $0 > 20 }, "blank regions in the screenshot: \(bands)")
    }

    /// Renders `page` in headless chromium and returns, for eight bands of the screenshot
    /// from top to bottom, how many rows have ink (python3 decodes the PNG: zlib, filters).
    static func inkedBands(_ page: URL, dir: URL) throws -> [Int] {
        let png = dir.appendingPathComponent("report.png")
        let shot = try CLIRunner.run("/usr/bin/chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1000,2600",
                                                            "--screenshot=\(png.path)", page.absoluteString], timeout: 90, in: dir)
        #expect(shot.status == 0 && FileManager.default.fileExists(atPath: png.path), "chromium: \(shot.stderr)")
        // Rows of the image that are not all white, in eight bands from top to bottom
        // (python3 decodes the PNG: zlib, filters).
        let check = """
            import sys, zlib, struct
            data = open(sys.argv[1], 'rb').read()
            assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
            pos, idat, w = 8, b'', 0
            while pos < len(data):
                n, kind = struct.unpack('>I4s', data[pos:pos + 8]); chunk = data[pos + 8:pos + 8 + n]; pos += 12 + n
                if kind == b'IHDR': w, h, depth, color = struct.unpack('>IIBB', chunk[:10])
                if kind == b'IDAT': idat += chunk
            bpp = {2: 3, 6: 4}[color]
            raw, stride, prev, inked = zlib.decompress(idat), w * bpp, bytearray(w * bpp), []
            for y in range(h):
                f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
                for i in range(stride):
                    a = line[i - bpp] if i >= bpp else 0; b = prev[i]; c = prev[i - bpp] if i >= bpp else 0
                    if f == 1: line[i] = (line[i] + a) & 255
                    elif f == 2: line[i] = (line[i] + b) & 255
                    elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
                    elif f == 4:
                        p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                        line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
                inked.append(any(line[i] < 200 for i in range(0, stride, bpp)))
                prev = line
            bands = [sum(inked[k * h // 8:(k + 1) * h // 8]) for k in range(8)]
            print(' '.join(map(str, bands)))
            """
        let pixels = try CLIRunner.run("/usr/bin/python3", ["-c", check, png.path], timeout: 120)
        #expect(pixels.status == 0, "\(pixels.stderr)")
        let bands = pixels.stdout.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(bands.count == 8, "\(pixels.stdout)")
        return bands
    }
}
