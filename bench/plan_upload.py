"""Measure what a plan upload costs the server: the worst uploads before and after the bounds, and
a normal upload through the child-process parser.

Usage: .venv/bin/python bench/plan_upload.py [--runs N]

Each case runs in a fresh process, so that peak memory (ru_maxrss) is the case's own:
- before: plain tomllib in the server process, as `POST /new` did (capped at 8 GB of address
  space and 120 s so that the machine survives it);
- after: `plans.parse_plan_text(..., isolated=True)`, the path `POST /new` takes now, with the
  peak of the server process and of its child;
- normal: the shipped plans through the child (median wall time and the server's own CPU time per
  upload), and in-process for comparison;
- event loop: under eventlet, the longest pause of a green thread ticking every 5 ms while
  uploads parse, for the child parser and for the largest plan the bounds let through parsed
  in-process.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CASES = {
    "48 KB deep dotted key": '".".join(["a"] * (48 * 1024 // 2)) + " = 1\\n"',
    "deeply nested array (5,000)": '"x = " + "[" * 5000 + "]" * 5000 + "\\n"',
    "nested array over lines": '"x = " + "[\\n" * 5000 + "]\\n" * 5000',
    "inline tables (2,000)": '"x = " + "{a = " * 2000 + "1" + "}" * 2000 + "\\n"',
}

_CASE = textwrap.dedent("""
    import json, resource, sys, time
    resource.setrlimit(resource.RLIMIT_AS, (8 << 30, 8 << 30))
    text = {expr}
    mode = sys.argv[1]
    import tomllib
    from cafe import plans  # imported before the clock starts: a server has it loaded
    started, cpu = time.perf_counter(), time.process_time()
    try:
        if mode == "before":
            tomllib.loads(text)
        else:
            plans.parse_plan_text(text, "upload.toml", isolated=True)
        outcome = "parsed"
    except BaseException as error:  # the point is to see what happens, whatever it is
        outcome = type(error).__name__ + ": " + str(error)[:70]
    print(json.dumps({{"wall": time.perf_counter() - started, "cpu": time.process_time() - cpu, "outcome": outcome,
                      "self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "child_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}}))
""")

_NORMAL = textwrap.dedent("""
    import json, statistics, sys, time
    from pathlib import Path
    from cafe import plans
    runs = int(sys.argv[1])
    out = {}
    for path in sorted(Path("sessions").glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        for isolated in (True, False):
            walls, cpus = [], []
            for _ in range(runs):
                started, cpu = time.perf_counter(), time.process_time()
                plans.parse_plan_text(text, path.name, isolated=isolated)
                walls.append(time.perf_counter() - started)
                cpus.append(time.process_time() - cpu)
            out[f"{path.name} ({len(text.encode()):,} bytes), {'child' if isolated else 'in-process'}"] = (
                statistics.median(walls), statistics.median(cpus))
    print(json.dumps(out))
""")

_LOOP = textwrap.dedent("""
    import json, sys, time, warnings
    warnings.filterwarnings("ignore")
    import eventlet
    eventlet.monkey_patch()
    from cafe import plans, tomlguard
    runs = int(sys.argv[1])
    # The largest plan-shaped text the bounds let through: 2,000 values on short lines.
    big = "x = [\\n" + "".join("  " + ",".join(["12345"] * 100) + ",\\n" for _ in range(19)) + "]\\n"
    shipped = open("sessions/icic-2023-lived-experience-roles.toml", encoding="utf-8").read()
    gaps, stop = [], []
    def tick():
        last = time.perf_counter()
        while not stop:
            eventlet.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now
    out = {}
    for name, text in (("shipped plan", shipped), ("largest bounded text", big)):
        for isolated in (True, False):
            gaps.clear(); stop.clear()
            ticker = eventlet.spawn(tick)
            eventlet.sleep(0.02)
            for _ in range(runs):
                try:
                    if isolated:
                        tomlguard.parse_isolated(text)
                    else:
                        tomlguard.parse(text)
                except tomlguard.TomlRefused:
                    pass
                eventlet.sleep(0)  # a server yields between requests; the gap is one upload's
            stop.append(True)
            ticker.wait()
            out[f"{name}, {'child' if isolated else 'in-process'}"] = max(gaps)
    print(json.dumps(out))
""")


def _run(code: str, *args: str, timeout: float = 180) -> dict:
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=REPO, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> int:
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 20
    print("Worst plan uploads (server process peak memory; the child's separately):")
    for name, expr in CASES.items():
        for mode in ("before", "after"):
            r = _run(_CASE.format(expr=expr), mode)
            child = f", child {r['child_mb']:.0f} MB" if mode == "after" else ""
            print(f"  {name:28} {mode:6}  {r['wall'] * 1000:9.1f} ms  server cpu {r['cpu'] * 1000:8.1f} ms  "
                  f"peak {r['self_mb']:6.0f} MB{child}  -> {r['outcome']}")
    print(f"\nNormal uploads (median of {runs}):")
    for name, (wall, cpu) in _run(_NORMAL, str(runs)).items():
        print(f"  {name:62} {wall * 1000:6.1f} ms wall, {cpu * 1000:5.1f} ms server cpu")
    print(f"\nEventlet: longest pause of a 5 ms ticker while {runs} uploads parse one after another:")
    for name, gap in _run(_LOOP, str(runs)).items():
        print(f"  {name:40} {gap * 1000:6.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
