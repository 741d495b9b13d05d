# io: model files (format, strict loader, atomic save, adversarial inputs).
nnact_add_test(test_io test_io.c)
nnact_add_test(test_io_file test_io_file.c)
nnact_add_test(test_io_adversarial test_io_adversarial.c)
