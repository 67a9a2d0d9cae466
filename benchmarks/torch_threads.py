"""Torch's training step against CPU contention: 2 (torch's default here) vs 1 intra-op
threads, on a quiet machine and with one competing busy process that this script starts and
stops itself. Each cell runs in a fresh process (threads and OMP_WAIT_POLICY are fixed at start).

    python benchmarks/torch_threads.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def cell(threads: int, repeat: int) -> float:
    sys.path.insert(0, HERE)
    import bench
    import torch
    torch.set_num_threads(threads)
    step = bench.scratch_step("torch")
    return min(bench.median_ms(step, repeat=repeat) for _ in range(3))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=15)
    p.add_argument("--cell", nargs=1, type=int, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.cell:
        print(json.dumps(cell(args.cell[0], args.repeat)))
        return
    configs = [("2 threads", 2, {}), ("1 thread", 1, {}),
               ("2 threads, OMP_WAIT_POLICY=PASSIVE", 2, {"OMP_WAIT_POLICY": "PASSIVE"})]
    print("| torch step ms (median, best of 3) | quiet | one competing busy process |")
    print("|---|---|---|")
    for name, threads, env in configs:
        row = []
        for loaded in (False, True):
            burner = None
            if loaded:
                burner = multiprocessing.Process(target=spin, args=(600,), daemon=True)
                burner.start()
            try:
                out = subprocess.run([sys.executable, __file__, "--cell", str(threads),
                                      "--repeat", str(args.repeat)], env={**os.environ, **env},
                                     capture_output=True, text=True, check=True)
                row.append(float(out.stdout.strip().splitlines()[-1]))
            finally:
                if burner is not None:
                    burner.terminate()
                    burner.join()
        print(f"| {name} | {row[0]:.1f} | {row[1]:.1f} |")


if __name__ == "__main__":
    main()
