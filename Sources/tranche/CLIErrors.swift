import ArgumentParser
import Foundation
import TrancheCore
import TrancheNode

/// How the CLI ends on an error: a stable exit code per class of error, and under `--json`
/// one JSON object on standard error instead of text, so scripts can tell a refusal from
/// an unreachable cluster without parsing sentences.
///
/// | exit | class | when |
/// |---:|---|---|
/// | 64 | `usage` | bad arguments or input (refused before anything is sent) |
/// | 65 | `refused` | the cluster answered with an error code (`code` in the JSON) |
/// | 69 | `unavailable` | no answer in time, or the transport failed |
/// | 70 | `internal` | anything else |
/// | 77 | `denied` | the cluster refused who we are (UNAUTHENTICATED, PERMISSION_DENIED) |
enum CLIError {
    static func exitCode(_ error: Error) -> (Int32, String) {
        switch error {
        case let f as CommandFailure:
            return [.permissionDenied, .unauthenticated].contains(f.reply.errorCode) ? (77, "denied") : (65, "refused")
        case let f as ClusterClient.Failure:
            switch f {
            case .timeout, .transport: return (69, "unavailable")
            case .handshake(_, .authentication, _): return (77, "denied")
            case .handshake: return (69, "unavailable")
            case .unexpectedReply: return (70, "internal")
            }
        case is ValidationError, is InputFile.Failure, is ConfigurationFile.Failure, is ConfigurationError: return (64, "usage")
        default: return (70, "internal")
        }
    }

    /// Runs the CLI; on an error, prints it (JSON under `--json`) and exits with its code.
    static func main() -> Never {
        do {
            var command = try Tranche.parseAsRoot()
            try command.run()
            exit(0)
        } catch {
            // A command that chose its exit status (e.g. `faults` with a failing seed) keeps it.
            if let e = error as? ExitCode { exit(e.rawValue) }
            let json = CommandLine.arguments.contains("--json")
            // Help and --version, and (without --json) usage errors, ArgumentParser reports
            // itself, with the usage text (exit 0, or 64).
            if error is CleanExit || Tranche.exitCode(for: error) == .success || (!json && Tranche.exitCode(for: error) == .validationFailure) {
                Tranche.exit(withError: error)
            }
            let (code, kind) = Tranche.exitCode(for: error) == .validationFailure ? (64, "usage") : exitCode(error)
            if json {
                var o: [String: Any] = ["class": kind, "message": Tranche.message(for: error)]
                if let f = error as? CommandFailure {
                    o["code"] = f.reply.errorCode.description
                    o["message"] = f.reply.errorMessage
                    if f.reply.required.isPositive || f.reply.available.isPositive {
                        o["required"] = f.reply.required.description
                        o["available"] = f.reply.available.description
                    }
                }
                let data = (try? JSONSerialization.data(withJSONObject: ["error": o], options: [.sortedKeys])) ?? Data()
                FileHandle.standardError.write(data + Data("\n".utf8))
            } else {
                FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            }
            exit(code)
        }
    }
}
