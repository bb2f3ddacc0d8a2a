# From https://github.com/tbiehn/thoughtloom, file examples/CAPEC2PyTMv2/_work/ex_clickjacking/positive.py at commit 09c3ebd0efe8bfab043e723c2f5f0e427a5058f8
# (Apache License 2.0; see ../LICENSE-thoughtloom.txt). Moat added this header and changed nothing else.
#!/usr/bin/env python3

from pytm import (
    TM,
    Server,
)

tm = TM("Positive Example")

server = Server("Vulnerable Server")
server.allowsClientSideScripting = True
server.controls.disablesiFrames = False
server.controls.implementsCSRFToken = False
server.controls.implementsStrictHTTPValidation = False
server.controls.sanitizesInput = False
server.controls.validatesHeaders = False
server.controls.validatesInput = False

if __name__ == "__main__":
    tm.threatsFile = "./threats.json"
    tm.process()
