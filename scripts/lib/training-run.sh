# Helpers shared by the scripts that copy a GHN training run's files (ship-ghn.sh, save-main-run.sh, branch-release.sh);
# source it.

# The step a checkpoint was written at, from the JSON header of CHECKPOINT.
checkpoint_step() {
    python3 "$(dirname "${BASH_SOURCE[0]}")/ghn_header.py" "$1" step
}

# The rows of a progress CSV up to STEP (with its header): progress_until CSV STEP > OUT
progress_until() {
    awk -F, -v s="$2" 'NR == 1 || $1 <= s' "$1"
}

# The lines of a train.log up to the progress line of STEP: log_until LOG STEP > OUT
log_until() {
    awk -v s="$2" '/^step [0-9]+\// { split($2, a, "/"); if (a[1] + 0 > s + 0) exit } { print }' "$1"
}
