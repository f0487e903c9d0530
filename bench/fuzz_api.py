"""A longer schemathesis campaign against a real ``footnoted serve``, bounded in time.

Starts a server on a free loopback port (the bundled briefing; the hash encoder unless
``--model``), runs ``schemathesis run`` on its OpenAPI schema for ``--max-time`` seconds with
random (not derandomized) data, then counts the requests the server logged by status.

    .venv/bin/python bench/fuzz_api.py [--max-time 120] [--checks all] [--model]

``--checks enforced`` runs the checks the test suite enforces (all but ``unsupported_method``
and ``positive_data_acceptance``, see ``tests/reliability/test_api_fuzz.py``). Exits with
schemathesis's exit code, or 1 if the server answered any request with a 5xx.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from footnoted.settings import Settings
from tests.server import start_server

EXCLUDED = "unsupported_method,positive_data_acceptance"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-time", type=int, default=120, help="seconds of fuzzing")
    parser.add_argument("--checks", choices=["all", "enforced"], default="all")
    parser.add_argument("--model", action="store_true", help="serve with the real model instead of the hash encoder")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="footnoted-fuzz-"))
    settings = {} if args.model else {"encoder": "hash"}
    server = start_server(home, Settings().models_dir if args.model else home / "models", timeout=600, **settings)
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "run",
        f"{server.url}/openapi.json",
        "--max-time",
        str(args.max_time),
        "--checks",
        "all",
        "--continue-on-failure",
        "--suppress-health-check",
        "all",
    ]
    if args.checks == "enforced":
        command += ["--exclude-checks", EXCLUDED]
    print(" ".join(command), flush=True)
    try:
        # In the temporary directory: schemathesis keeps a cache where it runs.
        code = subprocess.run(command, check=False, cwd=home).returncode
    finally:
        server.stop()
    statuses: Counter[int] = Counter()
    ready = False
    for line in server.logs().splitlines():
        # The start-up readiness probes (503 until the index has loaded) are not the fuzzer's requests.
        ready = ready or line.startswith('{"event": "ready"')
        if ready and line.startswith('{"event": "request"'):
            statuses[json.loads(line)["status"]] += 1
    total = sum(statuses.values())
    print(f"\nthe server answered {total} requests: " + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())))
    server_errors = sum(n for s, n in statuses.items() if s >= 500)
    print(f"5xx responses: {server_errors}")
    if "Traceback" in server.logs():
        print("the server logged a traceback")
        return 1
    return 1 if server_errors else code


if __name__ == "__main__":
    sys.exit(main())
