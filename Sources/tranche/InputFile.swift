import Foundation
import TrancheCore
import TrancheNode

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
    static func describe(_ error: DecodingError) -> String { ConfigurationFile.describe(error) }
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
