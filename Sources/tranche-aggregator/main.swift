import TrancheNode

NodeMain.run(role: "aggregator") { config, options, context, log in
    let runner = try Nodes.aggregator(config, context, log, security: options.security, metrics: options.metrics)
    return (run: { runner.run(until: $0) }, close: {})
}
