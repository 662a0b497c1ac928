import TrancheNode

NodeMain.run(role: "venue") { config, _, context, log in
    let runner = try Nodes.venue(config, context, log)
    return (run: { runner.run(until: $0) }, close: {})
}
