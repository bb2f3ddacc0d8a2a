# From https://github.com/tbiehn/thoughtloom, file examples/CAPEC2PyTMv2/_work/ex_interfacemanipulation/negative.py at commit 09c3ebd0efe8bfab043e723c2f5f0e427a5058f8
# (Apache License 2.0; see ../LICENSE-thoughtloom.txt). Moat added this header and changed nothing else.
#!/usr/bin/env python3

from pytm import (
    TM,
    Process,
    Lambda,
)

tm = TM("Negative Example")

proc = Process("A process")
proc.codeType="C"
proc.implementsAPI = True
proc.controls.validatesInput = True
proc.controls.sanitizesInput = True

my_lambda = Lambda("AWS Lambda")
my_lambda.implementsAPI = True
my_lambda.controls.validatesInput = True
my_lambda.controls.sanitizesInput = True

if __name__ == "__main__":
    tm.threatsFile = "./threats.json"
    tm.process()
