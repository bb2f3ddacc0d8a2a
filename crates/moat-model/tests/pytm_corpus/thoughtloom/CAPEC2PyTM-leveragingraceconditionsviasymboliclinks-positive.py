# From https://github.com/tbiehn/thoughtloom, file examples/CAPEC2PyTM/_work/ex_leveragingraceconditionsviasymboliclinks/positive.py at commit 09c3ebd0efe8bfab043e723c2f5f0e427a5058f8
# (Apache License 2.0; see ../LICENSE-thoughtloom.txt). Moat added this header and changed nothing else.
#!/usr/bin/env python3

from pytm import TM, Server, Dataflow, Boundary, Actor, Process

tm = TM("Symlink Attack")

target = Boundary("Target System")

attacker = Actor("Attacker")

vulnerable_process = Process("Vulnerable Process")
vulnerable_process.inBoundary = target
vulnerable_process.usesSymlinks = True
vulnerable_process.controls.validatesInput = False

attack = Dataflow(attacker, vulnerable_process, "Symlink Attack")

if __name__ == "__main__":
    tm.threatsFile = "./threats.json"
    tm.process()
