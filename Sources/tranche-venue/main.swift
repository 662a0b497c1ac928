import TrancheNode

NodeMain.run(role: "venue") { config, options, context, log in
    let runner = try Nodes.venue(config, context, log, security: options.security, metrics: options.metrics)
    return (run: { runner.run(until: $0) }, close: {})
}
