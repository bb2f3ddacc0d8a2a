# From https://github.com/OWASP/pytm, file test_tms/many_import.py at commit 0e929e1145fd73c2cb4919c9cb265523a2dc5e8b
# (MIT License; see ../../LICENSE-pytm.txt). Moat added this header and changed nothing else.
from pytm import (
    ExternalEntity,
)

entity = ExternalEntity('ImportedEntity')
entity2 = ExternalEntity('ImportedEntity2')
