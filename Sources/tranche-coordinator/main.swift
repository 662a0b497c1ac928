import TrancheNode

NodeMain.run(role: "coordinator") { config, options, context, log in
    let runner = try Nodes.coordinator(config, context, log, security: options.security, metrics: options.metrics)
    return (run: { runner.run(until: $0) }, close: {})
}
