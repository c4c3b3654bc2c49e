# Shared by the benchmark scripts (sourced): Debian packages installed when missing, and a free port.

# need_packages CHECK:PACKAGE ...: installs each PACKAGE whose CHECK (a command, or an absolute path) is missing
need_packages() {
  local need=() pair check
  for pair in "$@"; do
    check=${pair%%:*}
    case "$check" in /*) [ -x "$check" ] ;; *) command -v "$check" >/dev/null ;; esac || need+=("${pair#*:}")
  done
  [ ${#need[@]} -eq 0 ] && return 0
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}

# free_port FROM: the first port from FROM on (up to 100 further) that nothing listens on
free_port() { for p in $(seq "$1" $(($1 + 100))); do ss -Hltn "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return; }; done; }

# cpu_ticks: the machine's CPU ticks so far, all and stolen by the hypervisor ("ALL STEAL")
cpu_ticks() { awk '/^cpu / {print $2+$3+$4+$5+$6+$7+$8+$9, $9}' /proc/stat; }
# process_ticks PID: the CPU ticks (user and system) of all the process's threads so far
process_ticks() { awk '{s += $14 + $15} END {print s}' /proc/"$1"/task/*/stat; }

# flash_loops: the flash benches' HTTP loops (FLASH_LOOPS, else one a core beyond the first, at least one). The
# first core goes to what the loops wait for: the flash committer, the log's sync and the load generator. On two
# cores one loop (about 70% of a core at 50k orders/s) beat two by 0.5-1.5 ms of p99 (bench/RESULTS.md): a
# second loop only takes turns with the committer and the sync thread on the cores they share.
flash_loops() { local n; n=$(nproc); echo "${FLASH_LOOPS:-$((n > 1 ? n - 1 : 1))}"; }

# log_checkpointed DB: waits (30 s at most) until the SQLite store's log is all in the database: the server's own
# thread checkpoints it; a checkpoint of ours waits for that one, "busy|log|copied" coming back as 0 and two
# equal counts
log_checkpointed() {
  local busy log copied
  for _ in $(seq 1 600); do
    IFS='|' read -r busy log copied < <(sqlite3 "$1" "PRAGMA wal_checkpoint(PASSIVE)" 2>/dev/null || echo 1)
    [ "$busy" = 0 ] && [ "$log" = "$copied" ] && return
    sleep 0.05
  done
}
