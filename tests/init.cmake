nnact_add_test(test_init test_init.c)
# name / from_name / count of every enumerated family, and their tables
nnact_add_test(test_names test_names.c)
