# Shared helpers of the cluster scripts (sourced, not run).
config_value() {  # config_value FILE KEY DEFAULT
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
path, key, default = sys.argv[1:]
try:
    value = json.load(open(path)).get(key, default)
except Exception as e:
    sys.exit(f"cannot read {path}: {e}")
print(value)
PY
}

# A configuration for a throwaway cluster: cluster/local.json on free loopback ports, run and
# data directories in DIR, and any extra "key=json" settings. Writes DIR/cluster.json.
scratch_config() {  # scratch_config DIR [KEY=JSON ...]
  python3 - "$@" <<'PY'
import json, socket, sys
d = sys.argv[1]
c = json.load(open("cluster/local.json"))
import random
# Free ports drawn below the kernel's ephemeral range, so that a port the kernel hands out on
# its own (a metrics server on port 0, an outgoing connection) is never one of these.
low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
socks, ports = [], []
while len(ports) < 8:
    p = random.randrange(10000, max(10001, low))
    if p in ports: continue
    s = socket.socket()
    try: s.bind(("127.0.0.1", p))
    except OSError: s.close(); continue
    socks.append(s); ports.append(p)
names = ["coordinatorClients", "coordinatorWorkers", "venueMarketData", "venueOrders",
         "aggregatorReports", "aggregatorControl", "aggregatorQueries", "events"]
c["endpoints"] = {n: f"tcp://127.0.0.1:{p}" for n, p in zip(names, ports)}
for s in socks: s.close()
c["runDirectory"] = d; c["dataDirectory"] = d + "/data"
c["metrics"] = {"basePort": 0}  # ephemeral: each process writes its URL to DIR/NODE.metrics
for kv in sys.argv[2:]:
    k, v = kv.split("=", 1)
    c[k] = json.loads(v)
json.dump(c, open(d + "/cluster.json", "w"), indent=1)
PY
}

# Waits (up to 30 s) until every shard of a cluster is owned and its coordinator has heard
# the aggregator. wait_for_shards TRANCHE_BINARY CONFIG [CLI FLAGS...]
wait_for_shards() {
  local bin=$1 config=$2; shift 2
  for _ in $(seq 1 60); do
    if s=$("$bin" status --config "$config" --json --timeout 1 "$@" 2>/dev/null) &&
       python3 -c 'import json,sys; s=json.load(sys.stdin); sys.exit(0 if s["shardsOwned"]==s["shardCount"] and s["breakers"] else 1)' <<<"$s"; then
      return 0
    fi
    sleep 0.5
  done
  return 1
}
