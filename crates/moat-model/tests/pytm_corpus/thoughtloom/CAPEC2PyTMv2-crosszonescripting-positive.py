# From https://github.com/tbiehn/thoughtloom, file examples/CAPEC2PyTMv2/_work/ex_crosszonescripting/positive.py at commit 09c3ebd0efe8bfab043e723c2f5f0e427a5058f8
# (Apache License 2.0; see ../LICENSE-thoughtloom.txt). Moat added this header and changed nothing else.
#!/usr/bin/env python3

from pytm import TM, Server, Dataflow, Actor, Boundary

tm = TM("TM")

internet = Boundary("Internet")

user = Actor("User")
user.inBoundary = internet

web = Server("Web Server")
web.allowsClientSideScripting = True
web.controls.sanitizesInput = False
web.controls.validatesInput = False
web.controls.encodesOutput = False

data_in_text = Dataflow(user, web, "User enters data (*)")
data_in_text.protocol = "HTTP"
data_in_text.dstPort = 80

tm.threatsFile = "./threats.json"
tm.process()
