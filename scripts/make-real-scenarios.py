#!/usr/bin/env python3
"""Builds cluster/scenarios/real-*.json from the real 1-minute closes in
cluster/scenarios/real-data/*.json: the crash.json market, book, breaker, fund and
account population, with the exogenous path replaced by the real closes (linearly
interpolated between minutes), cut from 15 minutes before the highest close preceding
the low to 30 minutes after the low. Prices are the real ones; positions open at the
first close of the cut. Run it again after changing crash.json or the data."""
import json, os, sys
from datetime import datetime

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
template = json.load(open(os.path.join(root, "cluster/scenarios/crash.json")))
data_dir = os.path.join(root, "cluster/scenarios/real-data")

for name in sorted(os.listdir(data_dir)):
    if not name.endswith(".json"):
        continue
    d = json.load(open(os.path.join(data_dir, name)))
    closes = [(datetime.fromisoformat(t.replace("Z", "+00:00")), p) for t, p in d["closes"]]
    values = [float(p) for _, p in closes]
    low = min(range(len(values)), key=lambda i: values[i])
    high = max(range(low + 1), key=lambda i: values[i])
    start, end = max(high - 15, 0), min(low + 30, len(values) - 1)
    cut = closes[start:end + 1]
    t0 = cut[0][0]
    points = [{"t": str(int((t - t0).total_seconds())), "price": p} for t, p in cut]
    s = json.loads(json.dumps(template))
    stem = name[:-5]
    s["name"] = "real-" + stem
    s["description"] = (f"Real 1-minute closes of {d['exchange']} {d['pair']} from {cut[0][0].isoformat()} to {cut[-1][0].isoformat()} "
                        f"(source: {d['source']}; see cluster/scenarios/real-data/README.md), high {values[high]} to low {values[low]} "
                        f"({(1 - values[low] / values[high]) * 100:.1f} %), with crash.json's book, breaker, fund and account population. "
                        f"{d['description']}")
    s["duration"] = points[-1]["t"]
    s["markInterval"] = "2"
    s["tail"] = "120"
    m = s["markets"][0]
    m["initialPrice"] = cut[0][1]
    m["path"] = {"kind": "points", "points": points}
    # tick size: the data's own price grid
    p0 = float(cut[0][1])
    # the finest decimal tick of the data (every close must lie on it)
    decimals = min(max(len(p.split(".")[1]) if "." in p else 0 for _, p in cut), 8)
    tick = 10 ** -decimals
    tick_s = "1" if decimals == 0 else "0." + "0" * (decimals - 1) + "1"
    m["market"]["tickSize"] = tick_s
    m["venue"]["tickSize"] = tick_s
    m["market"]["id"] = d["pair"].replace("/", "").replace("USDT", "") + "-PERP"
    # step size: about 1 quote unit of notional, as crash.json's 0.001 BTC at 60 000 is 60
    step = 10 ** round(__import__("math").log10(60 / p0))
    m["market"]["stepSize"] = format(step, "f").rstrip("0").rstrip(".") if step < 1 else str(int(step))
    out = os.path.join(root, "cluster/scenarios", "real-" + stem + ".json")
    json.dump(s, open(out, "w"), indent=2, ensure_ascii=False)
    open(out, "a").write("\n")
    print(f"{out}: {len(points)} points, {points[-1]['t']} s, {values[high]} -> {values[low]}")
