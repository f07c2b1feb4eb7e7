#!/usr/bin/env bash
# Mean training accuracy and loss of two GHN runs over the same steps (same seed: the same architectures and image
# batches each step), in windows of W steps after step FROM: what a learning-rate branch changed.
# Usage: scripts/compare-branch.sh MAIN_PROGRESS.csv BRANCH_PROGRESS.csv FROM TO [W]
set -euo pipefail
main=$1 branch=$2 from=$3 to=$4 w=${5:-500}
window() {  # the last row logged for each step (a resumed run logs some steps twice), averaged per window
    awk -F, -v f="$from" -v t="$to" -v w="$w" 'NR > 1 && $1 > f && $1 <= t { acc[$1] = $4; loss[$1] = $3 }
        END { for (s in acc) { k = int((s - f - 1) / w); n[k]++; a[k] += acc[s]; l[k] += loss[s] }
              for (k in n) { e = f + w * (k + 1); printf "%d %.4f %.4f\n", (e < t ? e : t), a[k] / n[k], l[k] / n[k] } }' "$1" | sort -n
}
echo "# steps_to  main_acc  main_loss  branch_acc  branch_loss  acc_gain_points"
join <(window "$main") <(window "$branch") | awk '{ printf "%d  %.4f  %.4f  %.4f  %.4f  %+.1f\n", $1, $2, $3, $4, $5, 100 * ($4 - $2) }'
