import ArgumentParser
// Placeholder until the Almgren–Chriss schedule lands (replaced by the venue branch).
struct ScheduleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "schedule", abstract: "Almgren–Chriss optimal execution schedule.")
}
