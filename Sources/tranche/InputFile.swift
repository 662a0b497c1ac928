import Foundation
import TrancheCore

/// Reads and decodes a JSON input file; every failure names the file and the field.
enum InputFile {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func decode<T: Decodable>(_ type: T.Type, from path: String) throws -> T {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "\(path): cannot read the file (does it exist?)")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw Failure(description: "\(path): \(describe(error))")
        } catch {
            throw Failure(description: "\(path): \(error)")
        }
    }

    /// "account.positions[0].entryPrice: '12x' is not a decimal number"
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            var out = ""
            for k in keys {
                if let i = k.intValue { out += "[\(i)]" } else { out += out.isEmpty ? k.stringValue : ".\(k.stringValue)" }
            }
            return out.isEmpty ? "(top level)" : out
        }
        switch error {
        case .keyNotFound(let key, let ctx):
            return "\(path(ctx.codingPath + [key])): missing required field"
        case .typeMismatch(let type, let ctx):
            return "\(path(ctx.codingPath)): expected \(type) (\(ctx.debugDescription))"
        case .valueNotFound(let type, let ctx):
            return "\(path(ctx.codingPath)): expected \(type), found null"
        case .dataCorrupted(let ctx):
            if ctx.codingPath.isEmpty, let underlying = ctx.underlyingError { return "not valid JSON: \(underlying.localizedDescription)" }
            return "\(path(ctx.codingPath)): \(ctx.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

/// Machine output: one JSON object, keys sorted, on stdout.
enum JSONOutput {
    static func print<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}
