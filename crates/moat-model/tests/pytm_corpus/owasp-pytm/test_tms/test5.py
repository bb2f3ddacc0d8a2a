# From https://github.com/OWASP/pytm, file test_tms/test5.py at commit 0e929e1145fd73c2cb4919c9cb265523a2dc5e8b
# (MIT License; see ../../LICENSE-pytm.txt). Moat added this header and changed nothing else.
#!/usr/bin/env python3
"""
Test if an import has more than one element and the test onyl uses one of them that the result is the same as test1.py
"""
import norandom

from pytm import (
    TM,
    Dataflow,
    Process,
)
import many_import as tm


t = TM(
    "Test",
)

test = Process(
        'Test',
        port=1
        )

Dataflow(
    test,
    tm.entity,
    'flow',
    port=1,
)

if __name__ == "__main__":
    t.process()
