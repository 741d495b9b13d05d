#!/usr/bin/env bash
# `nnact collapse` prints the demonstrations of issue 6; each figure checked
# here comes from theory or hand arithmetic, not from an earlier run:
#  - XOR's best affine fit is 1/2 everywhere with MSE 1/4 (normal equations);
#  - the given ReLU network computes XOR exactly;
#  - the toy set's targets equal its first input, so the fit is K = (1, 0, 0);
#  - a 1000-2-1000 chain has rank 2 (rank <= narrowest layer, random weights);
#  - for 1000-2-1000-2-1000 the best order costs 2(2*1000*2*2) + 2*1000*2*1000
#    = 4.016e6 flops and left to right 3 * 2*1000*2*1000 = 1.2e7.
# usage: check_collapse_cli.sh PATH/TO/nnact
set -uo pipefail
out=$("$1" collapse) || { echo "nnact collapse failed"; exit 1; }
fail=0
need() {
  grep -qE -- "$1" <<< "$out" || { echo "missing: $2  (regex: $1)"; fail=1; }
}
need 'predicts 0\.5 0\.5 0\.5 0\.5 for targets 0 1 1 0: MSE 0\.25,' "XOR least-squares fit 1/2, MSE 1/4"
need '\[\[1,1\],\[1,1\]\].*: 0 1 1 0, MSE 0$' "ReLU network computes XOR exactly"
need 'nnact_net_collapse: network is not linear .*layer 0 .*relu' "collapse refuses the ReLU network"
need 'outputs 0\.000000 0\.000000 1\.000000 1\.000000' "toy network fits t = x1"
need 'K \(3 x 1\) = \[1\.00000000[0-9], -?0\.00000000[0-9], -?0\.00000000[0-9]\]' "toy K = (1, 0, 0)"
need 'ratio 0\.[0-9]+\)$' "toy difference within the bound"
need 'K is 1000 x 1000 of rank 2 ' "1000-2-1000 rank 2"
need 'order W0 \(\(W1 W2\) W3\): 4\.016e\+06 flops, left to right 1\.2e\+07' "chain order and flops"
# every "bound ... (ratio r)" has r <= 1
while read -r r; do
  awk -v r="$r" 'BEGIN { exit !(r <= 1) }' || { echo "a difference exceeds its bound: ratio $r"; fail=1; }
done < <(grep -oE '\(ratio [0-9.e+-]+\)' <<< "$out" | grep -oE '[0-9.e+-]+')
[ $fail -eq 0 ] && echo "nnact collapse: all demonstrations as theory says"
exit $fail
