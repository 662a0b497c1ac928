import TrancheNode

NodeMain.run(role: "coordinator") { config, _, context, log in
    let runner = try Nodes.coordinator(config, context, log)
    return (run: { runner.run(until: $0) }, close: {})
}
