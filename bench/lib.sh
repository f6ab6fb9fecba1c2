# Shared helpers of the benchmark scripts: start a server on free ports and
# read back the ports and the bootstrap key it wrote. Sourced, not run.
BIN=${BIN:-build/bin}
BENCH_TMP=$(mktemp -d)
trap 'for p in $(jobs -p); do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$BENCH_TMP"' EXIT

# start_server NAME STORE_URI [extra flags...]: sets NAME_PID, NAME_GRPC,
# NAME_HTTP and NAME_KEY.
start_server() {
  local name=$1 store=$2; shift 2
  local dir="$BENCH_TMP/$name"
  mkdir -p "$dir"
  "$BIN/integrator-server" --grpc_address=127.0.0.1:0 --http_address=127.0.0.1:0 --admin_address= \
    --store="${store//@DIR@/$dir}" --master_key_file="$dir/master.key" \
    --bootstrap_key_file="$dir/key" "$@" 2>"$dir/log" &
  local pid=$!
  for _ in $(seq 1 200); do
    grep -q 'listening grpc_port=.* store=' "$dir/log" 2>/dev/null && break
    sleep 0.05
  done
  local line
  line=$(grep -o 'listening grpc_port=[0-9]* http_port=[0-9]*' "$dir/log") ||
    { cat "$dir/log" >&2; return 1; }
  printf -v "${name}_PID" '%s' "$pid"
  printf -v "${name}_GRPC" '%s' "$(sed 's/.*grpc_port=\([0-9]*\).*/\1/' <<<"$line")"
  printf -v "${name}_HTTP" '%s' "$(sed 's/.*http_port=\([0-9]*\).*/\1/' <<<"$line")"
  printf -v "${name}_KEY" '%s' "$(cat "$dir/key")"
}

stop_server() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

machine() { echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB"; }
