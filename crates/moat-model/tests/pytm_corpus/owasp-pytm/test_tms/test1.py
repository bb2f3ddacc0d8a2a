# From https://github.com/OWASP/pytm, file test_tms/test1.py at commit 0e929e1145fd73c2cb4919c9cb265523a2dc5e8b
# (MIT License; see ../../LICENSE-pytm.txt). Moat added this header and changed nothing else.
#!/usr/bin/env python3
"""
Simple import of one element
"""
import norandom

from pytm import (
    TM,
    Dataflow,
    Process,
)
import tm_import1 as tm


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
