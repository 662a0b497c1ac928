import TrancheNode

NodeMain.run(role: "aggregator") { config, _, context, log in
    let runner = try Nodes.aggregator(config, context, log)
    return (run: { runner.run(until: $0) }, close: {})
}
