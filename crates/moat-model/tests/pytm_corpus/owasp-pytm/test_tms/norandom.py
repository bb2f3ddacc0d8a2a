# From https://github.com/OWASP/pytm, file test_tms/norandom.py at commit 0e929e1145fd73c2cb4919c9cb265523a2dc5e8b
# (MIT License; see ../../LICENSE-pytm.txt). Moat added this header and changed nothing else.
import random
random.seed(0)
