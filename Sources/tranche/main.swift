import ArgumentParser

/// `tranche`: the command-line client of the Tranche liquidation cluster.
struct Tranche: ParsableCommand {
    /// The release of this build (`tranche --version`).
    static let version = "0.3.0"
    static let configuration = CommandConfiguration(
        commandName: "tranche",
        abstract: "Stepwise liquidation: margin maths, execution schedules, simulation and the cluster client.",
        version: Tranche.version,
        subcommands: [MarginCommand.self, ScheduleCommand.self, SimulateCommand.self, StatusCommand.self, AccountCommand.self, DepositCommand.self,
                      WithdrawCommand.self, PositionCommand.self, PriceCommand.self, FundCommand.self, BackstopCommand.self, BreakerCommand.self, EventsCommand.self,
                      FaultsCommand.self, KeysCommand.self]
    )
}

CLIError.main()
