# From https://github.com/OWASP/pytm, file test_tms/fn_import.py at commit 0e929e1145fd73c2cb4919c9cb265523a2dc5e8b
# (MIT License; see ../../LICENSE-pytm.txt). Moat added this header and changed nothing else.
from pytm import (
    Process,
)


def process(name):
    return Process(
        name,
        port=1,
    )
