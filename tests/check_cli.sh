#!/usr/bin/env bash
# The nnact tool's contract: usage on --help, one-line errors with exit 2 on bad
# usage, --help on every subcommand, and the subcommands that need no files.
# usage: check_cli.sh PATH/TO/nnact
set -uo pipefail
nnact=$1
fail=0
expect() { # expect STATUS DESCRIPTION -- command...
  local want=$1 what=$2; shift 3
  "$@" > "$tmp/out" 2> "$tmp/err"
  local got=$?
  if [ "$got" -ne "$want" ]; then echo "FAIL $what: exit $got, expected $want"; cat "$tmp/err"; fail=1; fi
}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

expect 0 "--version" -- "$nnact" --version
grep -qE '^nnact [0-9]+\.[0-9]+\.[0-9]+$' "$tmp/out" || { echo "FAIL --version prints '$(cat "$tmp/out")'"; fail=1; }
expect 0 "--help" -- "$nnact" --help
grep -q 'usage: nnact' "$tmp/out" || { echo "FAIL --help has no usage line"; fail=1; }
expect 2 "no arguments" -- "$nnact"
expect 2 "unknown command" -- "$nnact" frobnicate
[ "$(wc -l < "$tmp/err")" -eq 1 ] || { echo "FAIL unknown command: error is not one line"; fail=1; }
grep -q "frobnicate" "$tmp/err" || { echo "FAIL unknown command: error does not name it"; fail=1; }

# every subcommand listed by --help answers --help with its own usage
"$nnact" --help | awk '/^commands:/{on=1; next} on && !NF {exit} on {print $1}' > "$tmp/cmds"
[ -s "$tmp/cmds" ] || { echo "FAIL --help lists no commands"; fail=1; }
while read -r cmd; do
  expect 0 "$cmd --help" -- "$nnact" "$cmd" --help
  grep -q "usage: nnact $cmd" "$tmp/out" || { echo "FAIL $cmd --help: no usage line"; fail=1; }
done < "$tmp/cmds"

expect 0 "info" -- "$nnact" info
grep -q 'OpenBLAS' "$tmp/out" || { echo "FAIL info does not name the BLAS"; fail=1; }
grep -q 'CPU features' "$tmp/out" || { echo "FAIL info does not list CPU features"; fail=1; }
expect 2 "demo with a stray option" -- "$nnact" demo --bogus-option
[ "$(wc -l < "$tmp/err")" -eq 1 ] || { echo "FAIL demo --bogus-option: error is not one line"; fail=1; }
expect 0 "demo" -- "$nnact" demo
grep -q 'libnnact' "$tmp/out" || { echo "FAIL demo does not say what it is"; fail=1; }

# Option values: one rule set (src/cli/args.c). Names match case-insensitively
# through the families' from_name; a refusal is one line listing the valid
# names, with no library function name in it.
one_line_usage() { # one_line_usage DESCRIPTION
  [ "$(wc -l < "$tmp/err")" -eq 1 ] || { echo "FAIL $1: error is not one line"; cat "$tmp/err"; fail=1; }
  grep -q 'nnact_' "$tmp/err" && { echo "FAIL $1: error names a library function: $(cat "$tmp/err")"; fail=1; }
  true
}
expect 0 "train --opt ADAM" -- "$nnact" train --opt ADAM --epochs 1
expect 0 "train --init zeros" -- "$nnact" train --init zeros --epochs 1
expect 0 "train --sched Multi_Step" -- "$nnact" train --sched Multi_Step --epochs 2
expect 2 "train --opt foo" -- "$nnact" train --opt foo
one_line_usage "train --opt foo"
grep -q 'valid: sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw' "$tmp/err" \
  || { echo "FAIL train --opt foo: does not list the optimizers: $(cat "$tmp/err")"; fail=1; }
expect 2 "train --sched foo" -- "$nnact" train --sched foo
one_line_usage "train --sched foo"
grep -q 'linear_warmup' "$tmp/err" || { echo "FAIL train --sched foo: does not list every schedule"; fail=1; }
for bad in " 1" "-1" "+1" "1x" "99999999999999999999999" ""; do
  expect 2 "train --epochs '$bad'" -- "$nnact" train --epochs "$bad"
  one_line_usage "train --epochs '$bad'"
done
for bad in nan inf -inf 1e999 " 0.1" 0.1x -0.5; do
  expect 2 "train --lr '$bad'" -- "$nnact" train --lr "$bad"
  one_line_usage "train --lr '$bad'"
done
expect 2 "train --val 1" -- "$nnact" train --val 1
one_line_usage "train --val 1"
expect 2 "train --hidden 4,x" -- "$nnact" train --hidden 4,x
one_line_usage "train --hidden 4,x"
grep -q "layer 2 at offset 2 of '4,x'" "$tmp/err" || { echo "FAIL train --hidden 4,x: $(cat "$tmp/err")"; fail=1; }
expect 0 "train --hidden 4-3" -- "$nnact" train --hidden 4-3 --epochs 1
grep -q '^network 2-4-3-1 (tanh hidden, identity out)' "$tmp/out" || { echo "FAIL train --hidden 4-3: $(head -1 "$tmp/out")"; fail=1; }
expect 0 "train --hidden 0" -- "$nnact" train --hidden 0 --epochs 1
grep -q '^network 2-1 (' "$tmp/out" || { echo "FAIL train --hidden 0: $(head -1 "$tmp/out")"; fail=1; }
expect 2 "gradcheck --batch -1" -- "$nnact" gradcheck --layers 3,1 --batch -1
one_line_usage "gradcheck --batch -1"
expect 2 "gradcheck --loss foo" -- "$nnact" gradcheck --layers 3,1 --loss foo
one_line_usage "gradcheck --loss foo"
grep -q 'valid: half_sse' "$tmp/err" || { echo "FAIL gradcheck --loss foo: no valid names"; fail=1; }
# One network grammar: both spellings give the same network.
expect 0 "gradcheck --layers 3-4:tanh-1" -- "$nnact" gradcheck --layers 3-4:tanh-1
grep -q '^network 3 -> 4 tanh -> 1 identity;' "$tmp/out" || { echo "FAIL gradcheck 3-4:tanh-1"; fail=1; }
expect 0 "gradcheck --layers 3,4:tanh,1" -- "$nnact" gradcheck --layers 3,4:tanh,1
grep -q '^network 3 -> 4 tanh -> 1 identity;' "$tmp/out" || { echo "FAIL gradcheck 3,4:tanh,1"; fail=1; }
# --help lists every name of a family (looped from the library, no "...")
"$nnact" train --help > "$tmp/help"
for n in zeros multi_step linear_warmup adamw softmax_ce_index swish_beta; do
  grep -q "$n" "$tmp/help" || { echo "FAIL train --help does not list $n"; fail=1; }
done

# saving never replaces a device, FIFO or directory (issue 13 item 2)
mkfifo "$tmp/fifo"
expect 1 "train --save FIFO" -- timeout 20 "$nnact" train --epochs 2 --save "$tmp/fifo"
grep -q 'not a regular file' "$tmp/err" || { echo "FAIL train --save FIFO: '$(cat "$tmp/err")'"; fail=1; }
[ -p "$tmp/fifo" ] || { echo "FAIL train --save FIFO: the FIFO was replaced"; fail=1; }
expect 1 "train --checkpoint DIR" -- timeout 20 "$nnact" train --epochs 2 --checkpoint "$tmp"
grep -q 'not a regular file: the target is a directory' "$tmp/err" || { echo "FAIL train --checkpoint DIR: '$(cat "$tmp/err")'"; fail=1; }
# --hidden: a parameter's '-' is not the dash spelling's separator
for h in '4:leaky_relu:-0.1,3' '4,3:elu:1e-3' '4:leaky_relu@-0.1-3'; do
  expect 0 "train --hidden $h" -- "$nnact" train --epochs 2 --hidden "$h"
  grep -q '^network 2-4-3-1 ' "$tmp/out" || { echo "FAIL train --hidden $h: $(head -1 "$tmp/out")"; fail=1; }
done
grep -q '(hidden leaky_relu, tanh, identity out)' "$tmp/out" || { echo "FAIL mixed hidden kinds: $(head -1 "$tmp/out")"; fail=1; }
expect 2 "train --epochs 0" -- "$nnact" train --epochs 0
[ "$(wc -l < "$tmp/err")" -eq 1 ] || { echo "FAIL --epochs 0: error is not one line"; fail=1; }
# a NaN target in a validation row: refused before training, naming its row
printf '0,0,0\n0,1,1\n1,0,1\n1,1,0\n0.5,0.5,nan\n' > "$tmp/v.csv"
expect 1 "train with a NaN validation target" -- "$nnact" train --data "$tmp/v.csv" --val 0.2 --epochs 3
grep -q 'v.csv:5:3: not a finite number' "$tmp/err" || { echo "FAIL NaN validation target: '$(cat "$tmp/err")'"; fail=1; }
if grep -q 'nothing to train' "$tmp/out"; then echo "FAIL NaN validation target: 'nothing to train'"; fail=1; fi
# an overflowing update (issue 13 item 5): lr 1e308 keeps epoch 1's parameters finite (a
# legitimate step), the next forward overflows: exit 1 naming the epoch, nothing left non-finite;
# a rate whose update itself overflows is refused in epoch 1, naming the overflow
expect 1 "train --lr 1e308 --opt sgd" -- "$nnact" train --lr 1e308 --opt sgd --epochs 3
grep -q '^nnact train: epoch 2 of 3: .*loss is inf' "$tmp/err" || { echo "FAIL train --lr 1e308: '$(cat "$tmp/err")'"; fail=1; }
# ... in the user's terms: what overflowed and the cure, no internal name
grep -q '^nnact train: epoch 2 of 3: the training diverged: the loss overflowed (loss is inf); try a smaller --lr than 1e+308$' "$tmp/err" \
  || { echo "FAIL train --lr 1e308 wording: '$(cat "$tmp/err")'"; fail=1; }
one_line_usage "train --lr 1e308 --opt sgd"
expect 1 "train --lr 1.79e308 --opt sgd" -- "$nnact" train --lr 1.79e308 --opt sgd --epochs 3 --hidden 200 --init normal
grep -q '^nnact train: epoch 1 of 3: .*the update of parameter [0-9]* overflows' "$tmp/err" || { echo "FAIL train --lr 1.79e308: '$(cat "$tmp/err")'"; fail=1; }
# quadratic work is capped (issue 13 item 7): a huge network is refused before it is built,
# a mid-size one compares an evenly spaced sample and says so
SECONDS=0
expect 2 "gradcheck --layers 3,20000000:tanh,1" -- timeout 20 "$nnact" gradcheck --layers 3,20000000:tanh,1
one_line_usage "gradcheck --layers 3,20000000:tanh,1"
grep -q 'would have 100000001 parameters; this tool builds at most 10000000' "$tmp/err" || { echo "FAIL gradcheck huge: '$(cat "$tmp/err")'"; fail=1; }
[ $SECONDS -le 5 ] || { echo "FAIL gradcheck huge: took ${SECONDS}s"; fail=1; }
expect 2 "gradcheck --layers 3,4294967296,4294967296" -- "$nnact" gradcheck --layers 3,4294967296,4294967296
one_line_usage "gradcheck --layers 3,4294967296,4294967296"
expect 0 "gradcheck --max-params 500" -- "$nnact" gradcheck --layers 10,300:tanh,1 --max-params 500
grep -q '^checked 500 of 3601 parameters' "$tmp/out" || { echo "FAIL gradcheck --max-params 500: no 'checked 500 of 3601'"; fail=1; }
expect 0 "gradcheck default sample" -- "$nnact" gradcheck --layers 3,4:tanh,1
grep -q '^checked 21 of 21 parameters$' "$tmp/out" || { echo "FAIL gradcheck small: not every parameter checked"; fail=1; }
expect 2 "gradcheck --max-params 0 on a big net" -- "$nnact" gradcheck --layers 10,300:tanh,700:tanh,1 --max-params 0
one_line_usage "gradcheck --max-params 0 on a big net"
expect 2 "gradcheck --max-params 200001" -- "$nnact" gradcheck --layers 3,1 --max-params 200001
one_line_usage "gradcheck --max-params 200001"
# user bytes in messages are escaped and cut (issue 13 item 6): one line, no control byte
clean_line() { # clean_line DESCRIPTION
  [ "$(wc -l < "$tmp/err")" -eq 1 ] || { echo "FAIL $1: error is not one line"; cat -v "$tmp/err"; fail=1; }
  if LC_ALL=C grep -q '[[:cntrl:]]' <(tr -d '\n' < "$tmp/err"); then echo "FAIL $1: a control byte in '$(cat -v "$tmp/err")'"; fail=1; fi
  [ "$(wc -c < "$tmp/err")" -le 400 ] || { echo "FAIL $1: message not cut ($(wc -c < "$tmp/err") bytes)"; fail=1; }
}
long=$(printf 'z%.0s' $(seq 300))
expect 2 "train --opt ESC" -- "$nnact" train --opt $'\x1b[31mx'
clean_line "train --opt ESC"; grep -qF '\x1b[31mx' "$tmp/err" || { echo "FAIL train --opt ESC: not escaped: $(cat -v "$tmp/err")"; fail=1; }
expect 2 "train --opt long" -- "$nnact" train --opt "$long"
clean_line "train --opt long"
expect 2 "plot a\\x01b" -- "$nnact" plot $'a\x01b'
clean_line "plot a\\x01b"; grep -qF 'a\x01b' "$tmp/err" || { echo "FAIL plot a\\x01b: $(cat -v "$tmp/err")"; fail=1; }
expect 1 "info /nonexistent/BEL" -- "$nnact" info $'/nonexistent/\x07'
clean_line "info /nonexistent/BEL"; grep -qF '/nonexistent/\x07' "$tmp/err" || { echo "FAIL info BEL: $(cat -v "$tmp/err")"; fail=1; }
expect 1 "info long path" -- "$nnact" info "/nonexistent/$long"$'\x1b'
clean_line "info long path"
expect 2 "unknown command ESC" -- "$nnact" $'\x1b[2J'"$long"
clean_line "unknown command ESC"
expect 2 "train --epochs junk" -- "$nnact" train --epochs $'1\x01'"$long"
clean_line "train --epochs junk"
expect 2 "train unknown option" -- "$nnact" train $'--\x1b'"$long" 1
clean_line "train unknown option"
expect 1 "plot -o control path" -- "$nnact" plot gelu -o $'/nonexistent/\x07'"$long"
clean_line "plot -o control path"
expect 1 "train --data control path" -- "$nnact" train --data $'/nonexistent/\x07'"$long"
clean_line "train --data control path"
expect 2 "gradcheck --layers control" -- "$nnact" gradcheck --layers $'3,\x1b[31m4'"$long"
clean_line "gradcheck --layers control"
# no internal function names in any message (fixb): the library's
# "nnact_function: " prefix is stripped wherever a detail is printed
expect 2 "plot elu --alpha 1e308" -- "$nnact" plot elu --alpha 1e308
one_line_usage "plot elu --alpha 1e308"
grep -q '^nnact plot: elu parameter alpha = 1e+308 is outside' "$tmp/err" || { echo "FAIL plot --alpha 1e308: '$(cat "$tmp/err")'"; fail=1; }
expect 1 "info /dev/null" -- "$nnact" info /dev/null
one_line_usage "info /dev/null"
grep -q "^nnact info: .*not a regular file (path '/dev/null')" "$tmp/err" || { echo "FAIL info /dev/null: '$(cat "$tmp/err")'"; fail=1; }
# --save into a directory that does not exist: refused before training
expect 1 "train --save nodir/x" -- "$nnact" train --epochs 3 --save "$tmp/nodir/x"
one_line_usage "train --save nodir/x"
grep -q "^nnact train: --save '.*/nodir/x' cannot be written: its directory '.*/nodir' does not exist$" "$tmp/err" || { echo "FAIL train --save nodir/x: '$(cat "$tmp/err")'"; fail=1; }
[ -s "$tmp/out" ] && { echo "FAIL train --save nodir/x: trained first: $(head -1 "$tmp/out")"; fail=1; }
expect 1 "train --save DIR" -- "$nnact" train --epochs 3 --save "$tmp"
grep -q "is not a regular file: the target is a directory" "$tmp/err" || { echo "FAIL train --save DIR: '$(cat "$tmp/err")'"; fail=1; }
expect 1 "train --checkpoint nodir/x" -- "$nnact" train --epochs 3 --checkpoint "$tmp/nodir/x"
grep -q "^nnact train: --checkpoint .* does not exist$" "$tmp/err" || { echo "FAIL train --checkpoint nodir/x: '$(cat "$tmp/err")'"; fail=1; }
# a softmax over one output: loss 0 whatever the network, refused
for l in softmax_ce softmax_ce_index; do
  expect 2 "train --loss $l on one output" -- "$nnact" train --loss $l --epochs 3
  one_line_usage "train --loss $l on one output"
  grep -q "a softmax over one output is always 1: the loss is 0 whatever the network; use bce_logits" "$tmp/err" || { echo "FAIL train --loss $l: '$(cat "$tmp/err")'"; fail=1; }
done
# --hidden's errors in the user's text: offset within --hidden, the text quoted
expect 2 "train --hidden ESC" -- "$nnact" train --hidden $'8:ta\x1bnh'
clean_line "train --hidden ESC"
grep -qF "layer 1 at offset 2 of '8:ta\x1bnh': unknown activation" "$tmp/err" || { echo "FAIL train --hidden ESC: '$(cat -v "$tmp/err")'"; fail=1; }
# an unknown option points at the command's help
for c in train gradcheck plot; do
  expect 2 "$c --bogus" -- "$nnact" $c --bogus 1
  grep -qF "unknown option '--bogus' (see 'nnact $c --help')" "$tmp/err" || { echo "FAIL $c --bogus: '$(cat "$tmp/err")'"; fail=1; }
done
[ $fail -eq 0 ] && echo "nnact CLI: all checks passed"
exit $fail
