# From https://github.com/OWASP/pytm, file test_tms/test0.py at commit 0e929e1145fd73c2cb4919c9cb265523a2dc5e8b
# (MIT License; see ../../LICENSE-pytm.txt). Moat added this header and changed nothing else.
#!/usr/bin/env python3
"""
Just a test to amke sure a normal TM gives the desired result
"""
import norandom

from pytm import (
    TM,
    Dataflow,
    Process,
    ExternalEntity,
)



t = TM(
    "Test",
)

test = Process(
        'Test',
        port=1
        )
entity = ExternalEntity('ImportedEntity')

Dataflow(
    test,
    entity,
    'flow',
)

if __name__ == "__main__":
    t.process()
