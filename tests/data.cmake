# data: the table reader (formats, strictness, labels, files and streams,
# memory bound, allocation failures, locale-independent correctly rounded numbers).
nnact_add_test(test_data test_data.c)
