import TrancheNode

NodeMain.run(role: "worker") { config, options, context, log in
    guard let id = options.id, !id.isEmpty, !id.contains(":") else {
        throw ConfigurationFile.Failure(description: "--id ID is required for a worker (no ':')")
    }
    let (runner, committer) = try Nodes.worker(id: id, config, context, log, security: options.security, metrics: options.metrics)
    return (run: { runner.run(until: $0) }, close: { committer.close() })
}
