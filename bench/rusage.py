#!/usr/bin/env python3
# Runs one command and writes "wall_ms user_ms sys_ms maxrss_kb" for it to the file named by
# argv[1]: the command's own wall time (this interpreter's start is not in it) and its resource
# usage as wait4 reports it for that process (with the processes it waited for), in
# microseconds. GNU time prints CPU in whole 10 ms ticks, user and system each rounded down:
# ~10 ms lost on a 50 ms start-up, which inflated the CPU ratio of every short command. (Not
# getrusage(RUSAGE_CHILDREN): it also counts what ran before this interpreter was exec'd, such
# as a pyenv shim's own commands.) argv[2] is a time limit in seconds (0: none); a command still
# running then is killed with its process group and the exit status is 137, as with coreutils
# timeout -s KILL.
import os
import signal
import subprocess
import sys
import threading
import time

out, limit, argv = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
timed_out = threading.Event()
start = time.perf_counter()
child = subprocess.Popen(argv, start_new_session=True)


def stop():
    timed_out.set()
    os.killpg(child.pid, signal.SIGKILL)


timer = threading.Timer(limit, stop) if limit > 0 else None
if timer:
    timer.start()
_, status, usage = os.wait4(child.pid, 0)
wall = (time.perf_counter() - start) * 1000
if timer:
    timer.cancel()
child.returncode = 0  # reaped above: keep Popen from waiting again
with open(out, "w") as f:
    f.write(f"{wall:.3f} {usage.ru_utime * 1000:.3f} {usage.ru_stime * 1000:.3f} {usage.ru_maxrss}\n")
code = os.waitstatus_to_exitcode(status)
sys.exit(137 if timed_out.is_set() else code if code >= 0 else 128 - code)
