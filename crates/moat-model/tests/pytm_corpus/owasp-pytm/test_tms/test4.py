# From https://github.com/OWASP/pytm, file test_tms/test4.py at commit 0e929e1145fd73c2cb4919c9cb265523a2dc5e8b
# (MIT License; see ../../LICENSE-pytm.txt). Moat added this header and changed nothing else.
#!/usr/bin/env python3
"""
Test if the creation of an elment via an import function changes the result
"""
import norandom

from pytm import (
    TM,
    Dataflow,
    Process,
    ExternalEntity,
)

import fn_import


t = TM(
    "Test",
)

test = fn_import.process('Test')
entity = ExternalEntity('ImportedEntity')

Dataflow(
    test,
    entity,
    'flow',
)

if __name__ == "__main__":
    t.process()
