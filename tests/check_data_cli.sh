#!/usr/bin/env bash
# nnact train / eval / predict on users' tables: values checked on small files
# made here (a separable 3-class set with string labels, a linear regression
# set), and every bad input's exit status, one-line message and that nothing
# is written on failure.
# usage: check_data_cli.sh PATH/TO/nnact
set -uo pipefail
nnact=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
# expect STATUS DESCRIPTION -- command...   (stdout in out, stderr in err)
expect() {
  local want=$1 what=$2; shift 3
  "$@" > out 2> err
  local got=$?
  if [ "$got" -ne "$want" ]; then echo "FAIL $what: exit $got, expected $want"; cat err; fail=1; fi
  if [ "$want" -ne 0 ] && [ "$(wc -l < err)" -ne 1 ]; then
    echo "FAIL $what: the error is not one line:"; cat err; fail=1
  fi
}
# has DESCRIPTION FILE PATTERN: grep -E
has() { grep -qE -- "$3" "$2" || { echo "FAIL $1: no '$3' in:"; cat "$2"; fail=1; }; }
same() { [ "$2" = "$3" ] || { echo "FAIL $1: '${2:0:200}' != '${3:0:200}'"; fail=1; }; }

# three well separated clusters, labels as words; rows of each class in turn
awk 'BEGIN { print "a,b,kind"; srand(3);
  split("north east west", name, " "); cx[1]=0; cy[1]=6; cx[2]=6; cy[2]=0; cx[3]=-6; cy[3]=0;
  for (i = 0; i < 90; i++) { c = i % 3 + 1;
    printf "%.3f,%.3f,%s\n", cx[c] + rand() - 0.5, cy[c] + rand() - 0.5, name[c] } }' > all.csv
{ head -1 all.csv; sed -n '2,61p' all.csv; } > train.csv
{ head -1 all.csv; sed -n '62,91p' all.csv; } > test.csv
train_opts=(--target kind --task classify --standardize --hidden 8 --epochs 300 --lr 0.05 --seed 4)

# train with a test file; its printed accuracy is eval --json's
expect 0 "train classify" -- "$nnact" train --data train.csv "${train_opts[@]}" --test test.csv --save m.nnm
has "train classify" out '^test rows 30: accuracy '
has "train classify: confusion matrix" out '^0 north +10 +0 +0$'
has "train classify: saved" out '^saved m.nnm$'
train_acc=$(sed -n 's/^test rows 30: accuracy \([0-9.]*\) .*/\1/p' out)
expect 0 "eval --json" -- "$nnact" eval m.nnm test.csv --json
[ "$(wc -l < out)" -eq 1 ] || { echo "FAIL eval --json: not one line"; fail=1; }
eval_acc=$(sed -n 's/.*"accuracy": \([0-9.e-]*\),.*/\1/p' out)
same "train's accuracy is eval's" "$train_acc" "$(printf '%.6f' "$eval_acc")"
has "eval --json" out '^\{"rows": 30, "accuracy": 1, "log_loss": [0-9.e-]+, "classes": \["north", "east", "west"\], "confusion": \[\[10, 0, 0\], \[0, 10, 0\], \[0, 0, 10\]\], "precision": \[1, 1, 1\], "recall": \[1, 1, 1\], "f1": \[1, 1, 1\]\}$'
expect 0 "eval text" -- "$nnact" eval m.nnm test.csv
has "eval text" out '^rows 30: accuracy 1.000000 \(30 of 30\)'

# predict reproduces the labels of a separable set, with the target column
# present, absent, the features reordered (matched by name) and from stdin
expect 0 "predict" -- "$nnact" predict m.nnm all.csv
same "predict = the labels" "$(cat out)" "$(tail -n +2 all.csv | cut -d, -f3)"
cut -d, -f1,2 all.csv > features.csv
awk -F, '{ print $2 "," $1 }' all.csv > swapped.csv
for f in features.csv swapped.csv; do
  expect 0 "predict $f" -- "$nnact" predict m.nnm "$f"
  same "predict $f = the labels" "$(cat out)" "$(tail -n +2 all.csv | cut -d, -f3)"
done
"$nnact" predict m.nnm - < all.csv > stdin.out 2> err || { echo "FAIL predict -"; cat err; fail=1; }
same "predict - = the labels" "$(cat stdin.out)" "$(tail -n +2 all.csv | cut -d, -f3)"
expect 0 "predict --proba" -- "$nnact" predict m.nnm test.csv --proba
awk -F, 'NF != 4 || $2 + $3 + $4 < 0.99999 || $2 + $3 + $4 > 1.00001 { bad = 1 }
  END { exit bad }' out || { echo "FAIL --proba: not label,p,p,p summing to 1"; head -3 out; fail=1; }
expect 0 "predict --output" -- "$nnact" predict m.nnm all.csv --output pred.txt
same "--output = stdout" "$(cat pred.txt)" "$(cat stdin.out)"
[ -s out ] && { echo "FAIL --output also printed"; fail=1; }

# a 12-class confusion matrix with long names fits 80 columns
awk 'BEGIN { print "x,y,label"; for (i = 0; i < 120; i++) { c = i % 12;
  printf "%d,%d,class_number_%02d_with_a_long_name\n", c, (c * 7) % 12, c } }' > many.csv
expect 0 "12 classes" -- "$nnact" train --data many.csv --target label --task classify --epochs 5
sed -n '/^confusion/,$p' out | awk 'length($0) > 80 { bad = 1 } END { exit bad }' ||
  { echo "FAIL confusion wider than 80"; fail=1; }
has "12 classes: cut names" out '^11 class_number_11_with_a_~ +[0-9]'
has "12 classes: columns by index" out '^ +0  1  2  3  4  5  6  7  8  9 10 11$'

# regression: y = 2a - b; held-out R2 near 1; eval --json has mse, mae, r2
awk 'BEGIN { print "a,b,y"; srand(5); for (i = 0; i < 200; i++) { a = rand(); b = rand();
  printf "%.4f,%.4f,%.4f\n", a, b, 2 * a - b } }' > reg.csv
expect 0 "train regress" -- "$nnact" train --data reg.csv --target y --task regress --standardize \
  --test-fraction 0.25 --hidden 0 --epochs 400 --lr 0.05 --batch 16 --save r.nnm
has "train regress" out '^test rows 50: R2 (0\.9[0-9]*|1\.000000), MSE'
expect 0 "eval regress --json" -- "$nnact" eval r.nnm reg.csv --json
has "eval regress --json" out '^\{"rows": 200, "mse": [0-9.e-]+, "mae": [0-9.e-]+, "r2": (0\.9[0-9.e-]*|1)\}$'
expect 0 "predict regress" -- "$nnact" predict r.nnm reg.csv
same "predict regress: one value a row" "$(wc -l < out)" 200
# the 1.0 rule: without --target the last --outputs columns are the targets
tail -n +2 reg.csv > reg_plain.csv
expect 0 "train, no --target" -- "$nnact" train --data reg_plain.csv --epochs 5
has "train, no --target" out '^first 8 rows: target -> prediction'

# notes and warnings
expect 0 "batch clamp" -- "$nnact" train --data train.csv "${train_opts[@]}" --epochs 2 --batch 1000
has "batch clamp" out '^note: --batch 1000 is larger than the 60 training rows: using 60$'
awk -F, 'NR > 1 { print $1 "," $2 "," ($3 == "north" ? 1 : 0) }' train.csv > binary.csv
expect 0 "sigmoid twice" -- "$nnact" train --data binary.csv --epochs 2 --out-act sigmoid \
  --loss bce_logits
has "sigmoid twice" err 'warning: --out-act sigmoid with --loss bce_logits'
expect 0 "patience" -- "$nnact" train --data train.csv "${train_opts[@]}" --val 0.25 --patience 3 \
  --epochs 5000 --lr 0.5
has "patience" out '^stopped early after epoch [0-9]+: no better validation loss for 3 epochs'

# the progress line fits the terminal: TIOCGWINSZ, else $COLUMNS (with and without --val)
if command -v script > /dev/null && script -qec true /dev/null > /dev/null 2>&1; then
  for setup in "stty cols 60:" "stty cols 0:COLUMNS=50" "stty cols 0:COLUMNS=200"; do
    size=${setup%%:*}; env_=${setup#*:}
    want=$( [ -n "$env_" ] && echo "${env_#COLUMNS=}" || echo 60 )
    for val in 0 0.25; do
      script -qec "$size 2>/dev/null; env $env_ '$nnact' train --data train.csv ${train_opts[*]} \
        --epochs 200 --val $val" /dev/null < /dev/null | tr '\r' '\n' | grep 'epoch [0-9]*/200' |
        awk -v w="$want" 'length($0) > w - 1 { bad = 1 } END { exit bad }' ||
        { echo "FAIL progress wider than $want - 1 ($size, $env_, --val $val)"; fail=1; }
    done
  done
fi

# bad input: exit 1 (data) or 2 (usage), one line, nothing written
echo old > keep.nnm; echo old > keep.txt
untouched() { same "$1: --save/--output untouched" "$(cat keep.nnm keep.txt)" "old
old"; }
bad_train() { # STATUS WHAT PATTERN -- train arguments...
  local st=$1 what=$2 pat=$3; shift 4
  expect "$st" "$what" -- "$nnact" train "$@" --save keep.nnm
  has "$what" err "$pat"; untouched "$what"
}
mkdir adir; : > empty.csv; head -1 train.csv > header.csv
sed 's/^a,b,kind$/a,c,kind/' test.csv > othercols.csv
{ cat test.csv; echo "0.1,0.2,south"; } > newlabel.csv
sed '5s/.*/1.0,x1,east/' train.csv > badcell.csv
bad_train 1 "missing file" "nope.csv" -- --data nope.csv --target kind --task classify
bad_train 1 "directory" "adir" -- --data adir --target kind --task classify
bad_train 1 "empty file" "empty.csv" -- --data empty.csv --target kind --task classify
bad_train 1 "header only" "header.csv" -- --data header.csv --target kind --task classify
bad_train 1 "no such target" "nosuch" -- --data train.csv --target nosuch --task classify
bad_train 1 "bad cell" "badcell.csv:5:2" -- --data badcell.csv --target kind --task classify
bad_train 1 "test columns" "othercols.csv" -- --data train.csv "${train_opts[@]}" --test othercols.csv
bad_train 1 "label only in test" "newlabel.csv:32: class 'south' was not seen in training" -- \
  --data train.csv "${train_opts[@]}" --test newlabel.csv
bad_train 2 "--task bogus" "--task" -- --data train.csv --target kind --task bogus
bad_train 2 "--test-fraction 1.5" "--test-fraction" -- --data train.csv --target kind --test-fraction 1.5
bad_train 2 "--test and --test-fraction" "choose one" -- --data train.csv --target kind \
  --test test.csv --test-fraction 0.2
bad_train 2 "--patience without --val" "--patience" -- --data train.csv --target kind --patience 3
bad_train 2 "classify without --target" "--target" -- --data train.csv --task classify
bad_train 2 "classify with mse" "softmax_ce_index" -- --data train.csv --target kind \
  --task classify --loss mse
bad_train 2 "--target on a built-in set" "built-in" -- --data xor --target 1

bad_predict() { # STATUS WHAT PATTERN -- predict arguments...
  local st=$1 what=$2 pat=$3; shift 4
  expect "$st" "$what" -- "$nnact" predict "$@" --output keep.txt
  has "$what" err "$pat"; untouched "$what"
}
awk -F, 'NR == 1 { print "a,z"; next } { print $1 "," $2 }' all.csv > renamed.csv
tail -n +2 all.csv | cut -d, -f1 > onecol.csv
bad_predict 1 "predict: feature not in file" "no column 'b'" -- m.nnm renamed.csv
bad_predict 1 "predict: column count" "1 feature columns, the model reads 2" -- m.nnm onecol.csv
bad_predict 1 "predict: missing model" "nope.nnm" -- nope.nnm all.csv
bad_predict 1 "predict: not a model" "all.csv" -- all.csv all.csv
bad_predict 1 "predict: empty file" "empty.csv" -- m.nnm empty.csv
bad_predict 2 "predict: no FILE" "MODEL and FILE" -- m.nnm
bad_predict 2 "predict: unknown option" "--bogus" -- m.nnm all.csv --bogus
bad_predict 2 "predict: --proba on regression" "--proba" -- r.nnm reg.csv --proba
expect 1 "eval: unseen label" -- "$nnact" eval m.nnm newlabel.csv
has "eval: unseen label" err "newlabel.csv:32: class 'south' was not seen in training"
expect 1 "eval: no target column" -- "$nnact" eval m.nnm features.csv
has "eval: no target column" err 'kind'
expect 2 "eval: unknown option" -- "$nnact" eval m.nnm test.csv --bogus


# --- fixa: --output's target type, pipes and --max-rows, escaped labels,
# --header/--target, confusion legend
# --output: a FIFO, a directory, a dangling link are refused and left alone;
# a symbolic link is followed, its target replaced and the link kept
mkfifo pipe.out; mkdir outdir; ln -s nowhere dangling.out
echo old > real.out; ln -s real.out link.out
expect 1 "--output FIFO" -- timeout 20 "$nnact" predict m.nnm all.csv --output pipe.out
has "--output FIFO" err "not a regular file: the target is a FIFO"
[ -p pipe.out ] || { echo "FAIL --output replaced the FIFO"; fail=1; }
expect 1 "--output directory" -- "$nnact" predict m.nnm all.csv --output outdir
has "--output directory" err "not a regular file: the target is a directory"
[ -d outdir ] && [ -z "$(ls outdir)" ] || { echo "FAIL --output directory changed"; fail=1; }
expect 1 "--output dangling link" -- "$nnact" predict m.nnm all.csv --output dangling.out
has "--output dangling link" err "dangling.out.*symbolic link"
[ -L dangling.out ] && [ ! -e nowhere ] || { echo "FAIL dangling link changed"; fail=1; }
# checked before the input is read: a pipe that never ends is not waited for
yes 1,2 | timeout 20 "$nnact" predict m.nnm - --output outdir > out 2> err; st=$?
same "--output checked first: exit" "$st" 1
has "--output checked first" err "the target is a directory"
expect 0 "--output symlink" -- "$nnact" predict m.nnm all.csv --output link.out
[ -L link.out ] || { echo "FAIL --output symlink: the link was replaced"; fail=1; }
same "--output symlink: target written" "$(cat real.out)" "$(cat stdin.out)"
[ "$(ls | grep -c 'tmp-')" -eq 0 ] || { echo "FAIL --output left a temporary"; ls; fail=1; }
if [ "$(id -u)" -eq 0 ]; then
  mkdir dev; mknod dev/null c 1 3
  expect 1 "--output device" -- "$nnact" predict m.nnm all.csv --output dev/null
  has "--output device" err "not a regular file: the target is a character device"
  [ -c dev/null ] || { echo "FAIL --output replaced the device node"; fail=1; }
fi

# a real pipe into predict, eval and train, bounded by --max-rows
cat all.csv | "$nnact" predict m.nnm - > out 2> err || { echo "FAIL predict pipe"; cat err; fail=1; }
same "predict pipe = the labels" "$(cat out)" "$(tail -n +2 all.csv | cut -d, -f3)"
cat test.csv | "$nnact" eval m.nnm - > out 2> err || { echo "FAIL eval pipe"; cat err; fail=1; }
has "eval pipe" out '^rows 30: accuracy 1.000000'
cat train.csv | "$nnact" train --data - --target kind --task classify --epochs 2 > out 2> err ||
  { echo "FAIL train pipe"; cat err; fail=1; }
has "train pipe" out 'accuracy|loss'
for c in "predict m.nnm -" "eval m.nnm -"; do
  { head -1 all.csv; yes 1,2,north; } | timeout 20 "$nnact" $c --max-rows 1000 > out 2> err; st=$?
  same "$c endless pipe: exit" "$st" 1
  same "$c endless pipe: one line" "$(wc -l < err)" 1
  has "$c endless pipe" err 'more than 1000 data rows.*--max-rows'
done
yes 1,2,3,4 | timeout 20 "$nnact" predict m.nnm - --max-rows 1000 > out 2> err; st=$?
same "yes | predict: exit" "$st" 1
has "yes | predict" err '^nnact predict: <stdin>: more than 1000 data rows.*--max-rows'
yes 1,2,3,4 | timeout 20 "$nnact" eval m.nnm - --header no --target 3 --max-rows 1000 > out 2> err; st=$?
same "yes | eval: exit" "$st" 1
has "yes | eval" err 'more than 1000 data rows.*--max-rows' 
expect 1 "--max-rows on a file" -- "$nnact" predict m.nnm all.csv --max-rows 89
has "--max-rows on a file" err "all.csv: more than 89 data rows.*--max-rows"
expect 0 "--max-rows exact" -- "$nnact" predict m.nnm all.csv --max-rows 90
expect 2 "--max-rows 0" -- "$nnact" predict m.nnm all.csv --max-rows 0
expect 2 "--max-rows junk" -- "$nnact" eval m.nnm test.csv --max-rows 5x

# labels with control bytes and invalid UTF-8: predict escapes control bytes,
# eval --json writes valid UTF-8 (U+FFFD) and keeps valid multi-byte labels
awk 'BEGIN { print "a,b,kind"; split("A\001x B\377\376y C\303\251z", name, " ");
  for (i = 0; i < 60; i++) { c = i % 3 + 1; printf "%d,%d,%s\n", c * 3, -c, name[c] } }' > odd.csv
expect 0 "odd labels: train" -- "$nnact" train --data odd.csv --target kind --task classify \
  --standardize --hidden 8 --epochs 300 --lr 0.05 --seed 4 --save odd.nnm
expect 0 "odd labels: predict" -- "$nnact" predict odd.nnm odd.csv
LC_ALL=C grep -q "$(printf '\001')" out && { echo "FAIL predict printed a raw \\x01"; fail=1; }
same "predict escapes \\x01" "$(head -1 out)" 'A\x01x'
expect 0 "odd labels: eval --json" -- "$nnact" eval odd.nnm odd.csv --json
has "eval --json: escaped" out '"classes": \["A\\u0001x", "B\\ufffd\\ufffdy", "C'"$(printf '\303\251')"'z"\]'
iconv -f UTF-8 -t UTF-8 out > /dev/null 2>&1 || { echo "FAIL eval --json is not UTF-8"; fail=1; }
if command -v python3 > /dev/null; then
  python3 -c 'import json,sys; json.load(open("out", encoding="utf-8"))' ||
    { echo "FAIL eval --json: not JSON"; fail=1; }
fi

# headerless files: --header no with --target by number (eval), the target
# column ignored by number (predict); --header yes on a headerless file
# takes its first row as names
tail -n +2 test.csv > nohdr.csv
expect 0 "eval --header no" -- "$nnact" eval m.nnm nohdr.csv --header no --target 3
has "eval --header no" out '^rows 30: accuracy 1.000000'
expect 0 "eval headerless, auto" -- "$nnact" eval m.nnm nohdr.csv --target 3
has "eval headerless, auto" out '^rows 30: accuracy 1.000000'
expect 1 "eval headerless, model's names" -- "$nnact" eval m.nnm nohdr.csv
has "eval headerless, model's names" err "nohdr.csv:1: no column 'kind'"
expect 1 "eval header detected as data" -- "$nnact" eval m.nnm reg_plain.csv
has "eval header detected as data" err "first line is data.*--header yes, or give --target"
grep -q NNACT_ err && { echo "FAIL a library key in a message"; fail=1; }
expect 0 "predict --header no --target 3" -- "$nnact" predict m.nnm nohdr.csv --header NO --target 3
same "predict headerless" "$(cat out)" "$(cut -d, -f3 nohdr.csv)"
expect 1 "predict headerless, target kept" -- "$nnact" predict m.nnm nohdr.csv --header no
has "predict headerless, target kept" err "nohdr.csv:1:3: not a number"
expect 1 "predict --target missing" -- "$nnact" predict m.nnm features.csv --target kind
has "predict --target missing" err "kind"
expect 2 "--header bogus" -- "$nnact" predict m.nnm all.csv --header maybe
has "--header bogus" err "auto, yes, no"
expect 2 "eval --header bogus" -- "$nnact" eval m.nnm test.csv --header 1

# confusion matrix: names that read the same once cut get a legend
awk 'BEGIN { print "x,kind"; p = "a_thirty_character_shared_pfx_";
  for (i = 0; i < 60; i++) { c = i % 3; printf "%d,%s%s\n", c, p, (c == 1 ? "\001one" : c) } }' > pfx.csv
expect 0 "legend" -- "$nnact" train --data pfx.csv --target kind --task classify --epochs 3 \
  --save pfx.nnm
expect 0 "legend: eval" -- "$nnact" eval pfx.nnm pfx.csv
has "legend: rows by index" out '^0 +[0-9]+ +[0-9]+ +[0-9]+$'
has "legend: names" out '^0 = a_thirty_character_shared_pfx_0, 1 = a_thirty_character_shared_pfx_\\x01one,$'
has "legend: wrapped" out '^2 = a_thirty_character_shared_pfx_2$'
awk 'length($0) > 80 { bad = 1 } END { exit bad }' out || { echo "FAIL legend wider than 80"; fail=1; }
LC_ALL=C grep -q "$(printf '\001')" out && { echo "FAIL legend printed a raw \\x01"; fail=1; }
# --- fixb: data errors name the file's line; --target checked as usage ---
# a target outside the loss's domain: FILE:LINE of the user's file (line 15
# here), not a position in the shuffled subset, before any training
awk 'BEGIN { print "a,b,y"; srand(1); for (i = 0; i < 20; i++)
  printf "%.3f,%.3f,%d\n", rand(), rand(), (i == 13) ? 7 : i % 2 }' > bce.csv
bad_train 1 "bce target out of [0, 1]" '^nnact train: bce.csv:15: target .y. is 7, outside \[0, 1\] for bce_logits$' -- \
  --data bce.csv --target y --loss bce_logits --test-fraction 0.25
[ -s out ] && { echo "FAIL bce target out of [0, 1]: trained first"; fail=1; }
tail -n +2 bce.csv > bce_nohead.csv
bad_train 1 "bce target, no header" '^nnact train: bce_nohead.csv:14: target 1 is 7, outside \[0, 1\] for bce_logits$' -- \
  --data bce_nohead.csv --loss bce_logits
bad_train 1 "softmax_ce soft target" 'bce.csv:15: target .y. is 7, outside \[0, 1\] for softmax_ce' -- \
  --data bce.csv --target a,y --loss softmax_ce
bad_train 2 "softmax_ce_index without classify" 'use --task classify' -- \
  --data bce.csv --target a,y --loss softmax_ce_index
# --target: a malformed list is a usage error (exit 2), not a data error
bad_train 2 "--target 1,,2" "--target '1,,2': item 2 is empty" -- --data train.csv --target 1,,2
bad_train 2 "--target 0" "--target '0': column numbers start at 1" -- --data train.csv --target 0
bad_train 2 "--target twice" "--target 'kind,kind': item 2 repeats" -- --data train.csv --target kind,kind
bad_train 2 "--target ''" "--target '' names no column" -- --data train.csv --target ""
bad_train 2 "classify two targets" "--task classify takes one --target column" -- \
  --data train.csv --target a,kind --task classify
bad_train 2 "softmax_ce on one target" "a softmax over one output is always 1" -- \
  --data bce.csv --target y --loss softmax_ce
# a label or header name longer than a model keeps: FILE:LINE:COLUMN of its
# first occurrence, before training (the network's setter names a parameter)
long=$(printf 'L%.0s' $(seq 300))
{ echo "a,kind,b"; for i in 1 2 3 4 5; do echo "$i,north,1"; echo "$i,east,2"; done
  echo "3,$long,4"; echo "4,$long,5"; } > longlabel.csv
bad_train 1 "long class label" '^nnact train: longlabel.csv:12:2: class label of 300 bytes is longer than the 255 a model keeps$' -- \
  --data longlabel.csv --target kind --task classify
bad_train 1 "long class label, column by number" 'longlabel.csv:12:2: class label of 300 bytes' -- \
  --data longlabel.csv --target 2 --task classify
bad_train 1 "long class label, stdin" '^nnact train: -:12: class label of 300 bytes' -- \
  --data - --target kind --task classify < longlabel.csv
{ echo "a;$long;y"; echo "1;2;3"; echo "2;3;4"; } > longname.csv
bad_train 1 "long header name" '^nnact train: longname.csv:1:2: column name of 300 bytes is longer than the 255 a model keeps$' -- \
  --data longname.csv --target y
expect 1 "--save into a missing directory" -- "$nnact" train --data train.csv "${train_opts[@]}" \
  --save nodir/m.nnm
has "--save into a missing directory" err "--save 'nodir/m.nnm' cannot be written: its directory 'nodir' does not exist"
[ -s out ] && { echo "FAIL --save into a missing directory: trained first"; fail=1; }


# --- train's --header and --max-rows (the same rules as eval and predict)
printf '1,2,a\n3,4,b\n5,6,a\n7,8,b\n' > nohdr_train.csv
expect 0 "train --header no" -- "$nnact" train --data nohdr_train.csv --target 3 --task classify --header no --epochs 2
has "train --header no" out 'network 2-8-2'
expect 2 "train --header maybe" -- "$nnact" train --data nohdr_train.csv --target 3 --header maybe
printf 'x,y\n1,2\n3,4\n5,6\n' > piped.csv
expect 1 "train --max-rows through a pipe" -- sh -c 'cat piped.csv | "$0" train --data - --target y --max-rows 2 --epochs 1' "$nnact"
has "train --max-rows through a pipe" err 'more than 2 data rows'

exit $fail
