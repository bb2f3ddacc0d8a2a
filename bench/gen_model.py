#!/usr/bin/env python3
"""Writes a pytm script of N elements with about 5 flows per element.

The same script is read by `moat threats` and run by pytm, so both tools see
one model. Deterministic: the element mix and flow endpoints come from a
seeded generator.
"""
import random
import sys

KINDS = ["Actor", "Server", "Process", "Datastore", "Lambda", "ExternalEntity"]
PROTOCOLS = ["HTTPS", "HTTP", "TLS", "SQL", "gRPC"]


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("usage: gen_model.py N OUT.py")
    n = int(sys.argv[1])
    out = sys.argv[2]
    rng = random.Random(n)
    lines = [
        "from pytm import TM, Boundary, Actor, Server, Process, Datastore, Lambda, ExternalEntity, Dataflow, Data, Classification",
        "",
        f'tm = TM("Generated model of {n} elements")',
        'tm.description = "generated for benchmarks"',
    ]
    boundaries = max(1, n // 50)
    for b in range(boundaries):
        lines.append(f'b{b} = Boundary("Boundary {b}")')
        if b > 0 and b % 5 != 0:
            lines.append(f"b{b}.inBoundary = b{(b // 5) * 5}")
    lines.append('secret = Data("Secret data", classification=Classification.SECRET, isPII=True)')
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        lines.append(f'e{i} = {kind}("Element {i}", inBoundary=b{rng.randrange(boundaries)})')
        if kind in ("Server", "Process", "Lambda", "Datastore") and i % 3 == 0:
            lines.append(f"e{i}.controls.isHardened = True")
            lines.append(f"e{i}.controls.sanitizesInput = True")
        if kind == "Datastore" and i % 2 == 0:
            lines.append(f"e{i}.controls.isEncryptedAtRest = True")
    for i in range(n):
        for k in range(5):
            j = rng.randrange(n)
            name = f"f{i}_{k}"
            lines.append(f'{name} = Dataflow(e{i}, e{j}, "Flow {i}.{k}")')
            lines.append(f'{name}.protocol = "{PROTOCOLS[(i + k) % len(PROTOCOLS)]}"')
            if (i + k) % 2 == 0:
                lines.append(f"{name}.controls.isEncrypted = True")
            if (i + k) % 7 == 0:
                lines.append(f"{name}.data = secret")
    lines += ["", "tm.process()", ""]
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
