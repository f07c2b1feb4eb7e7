# Helpers shared by the scripts that copy a GHN training run's files (ship-ghn.sh, save-main-run.sh); source it.

# The step a checkpoint was written at, from the JSON header of CHECKPOINT.
checkpoint_step() {
    python3 - "$1" <<'PY'
import json, sys
head = open(sys.argv[1], 'rb').read(1 << 16)
start = head.index(b'{')
print(json.JSONDecoder().raw_decode(head[start:].decode('latin-1'))[0]['meta']['step'])
PY
}

# The rows of a progress CSV up to STEP (with its header): progress_until CSV STEP > OUT
progress_until() {
    awk -F, -v s="$2" 'NR == 1 || $1 <= s' "$1"
}

# The lines of a train.log up to the progress line of STEP: log_until LOG STEP > OUT
log_until() {
    awk -v s="$2" '/^step [0-9]+\// { split($2, a, "/"); if (a[1] + 0 > s + 0) exit } { print }' "$1"
}
