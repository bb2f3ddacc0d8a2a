# From https://github.com/tbiehn/thoughtloom, file examples/CAPEC2PyTM/_work/ex_malicioushardwareupdate/positive.py at commit 09c3ebd0efe8bfab043e723c2f5f0e427a5058f8
# (Apache License 2.0; see ../LICENSE-thoughtloom.txt). Moat added this header and changed nothing else.
#!/usr/bin/env python3

from pytm import (
    TM,
    ExternalEntity,
)

tm = TM("Positive Example")

maliciousActor = ExternalEntity("Malicious Actor")
maliciousActor.hasPhysicalAccess = True

if __name__ == "__main__":
    tm.threatsFile = "./threats.json"
    tm.process()
