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
