# Splits, metrics and scaling (nnact/eval.h), against scikit-learn's values
# (tests/gen_eval_fixtures.py writes tests/data/eval_*.txt).
nnact_add_test(test_eval test_eval.c)
