"""onnx.checker.check_model(model, full_check=True) on every .onnx file of a
directory (full_check runs shape inference too). Exit 1 on the first refusal.
    check_models.py DIR"""
import glob
import os
import sys

import onnx

files = sorted(glob.glob(os.path.join(sys.argv[1], "*.onnx")))
if not files:
    sys.exit("check_models.py: no .onnx files in %s" % sys.argv[1])
for f in files:
    try:
        onnx.checker.check_model(onnx.load(f), full_check=True)
    except Exception as e:  # the checker's own exception types vary by version
        sys.exit("check_models.py: %s: %s" % (f, e))
print("check_models.py: onnx %s accepts all %d models" % (onnx.__version__, len(files)))
