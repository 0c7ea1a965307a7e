"""The meter event stream helper against a hand-written httpx loop sending the same batches.

    python -m bench.metering [--quick]

Both sides report ``n`` usage events to the bench server (its own process, so only client
work is counted by ``time.process_time``) in batches of 100 on one session: the raw loop
builds each event as a careful user would (a UUID identifier, an RFC 3339 timestamp) and
posts each full batch itself, one request at a time; the helper is sent the same event names
and payloads one ``send`` at a time and batches them on its worker thread. The sides take
turns within a round; the table shows medians of rounds (events/s, client CPU µs per event)
and the median of per-round CPU ratios.
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

API_KEY = "sk_test_" + "m" * 24
BATCH = 100


def _inputs(n: int) -> list[tuple[str, dict[str, str]]]:
    return [("api_calls", {"stripe_customer_id": f"cus_{i % 50}", "value": "1"}) for i in range(n)]


def _raw_side(url: str) -> Callable[[list[tuple[str, dict[str, str]]]], None]:
    import json

    import httpx

    http = httpx.Client(headers={"Authorization": f"Bearer {API_KEY}"})
    session = http.post(url + "/v2/billing/meter_event_session", content=b"{}").json()
    token = session["authentication_token"]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def run(inputs: list[tuple[str, dict[str, str]]]) -> None:
        batch: list[dict[str, Any]] = []
        for name, payload in inputs:
            stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
            batch.append(
                {"event_name": name, "payload": payload, "identifier": str(uuid.uuid4()), "timestamp": stamp}
            )
            if len(batch) == BATCH:
                body = json.dumps({"events": batch}, separators=(",", ":")).encode()
                response = http.post(url + "/v2/billing/meter_event_stream", content=body, headers=headers)
                assert response.status_code == 200, response.status_code
                batch = []

    return run


def _helper_side(url: str) -> Callable[[list[tuple[str, dict[str, str]]]], None]:
    from lattice_stripe import StripeClient
    from lattice_stripe._runtime.http.meter_stream import MeterEventStream

    client = StripeClient(API_KEY, base_url=url)

    def run(inputs: list[tuple[str, dict[str, str]]]) -> None:
        stream = MeterEventStream(client)
        send = stream.send
        for name, payload in inputs:
            send(name, payload)
        report = stream.close()
        assert report.ok and report.sent == len(inputs), report

    return run


def measure(rounds: int, n: int) -> dict[str, dict[str, list[float]]]:
    """Per side: events/s and client CPU µs per event, one sample per round."""
    from bench.run import _start_server  # the same server process as the GET rows

    server, url = _start_server()
    try:
        sides = {"raw httpx loop": _raw_side(url), "stream helper": _helper_side(url)}
        warm = _inputs(1_000)
        for run in sides.values():
            run(warm)  # pools, lazy imports, the session
        samples: dict[str, dict[str, list[float]]] = {s: {"rate": [], "cpu": []} for s in sides}
        order = list(sides)
        for r in range(rounds):
            for side in order[r % 2 :] + order[: r % 2]:  # take turns going first
                inputs = _inputs(n)
                cpu, wall = time.process_time(), time.perf_counter()
                sides[side](inputs)
                cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
                samples[side]["rate"].append(n / wall)
                samples[side]["cpu"].append(cpu / n * 1e6)
        return samples
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(timeout=10)


def report(quick: bool) -> tuple[str, dict[str, Any]]:
    rounds, n = (1, 2_000) if quick else (7, 20_000)
    samples = measure(rounds, n)
    raw, ours = samples["raw httpx loop"], samples["stream helper"]
    ratios = [o / r for o, r in zip(ours["cpu"], raw["cpu"], strict=True)]
    lines = [
        f"meter event stream, {n} events in batches of {BATCH} (median of {rounds} rounds):",
        f"  {'':16} {'events/s':>10} {'CPU us/event':>13}",
    ]
    for side, values in samples.items():
        rate, cpu = statistics.median(values["rate"]), statistics.median(values["cpu"])
        lines.append(f"  {side:16} {rate:>10.0f} {cpu:>13.1f}")
    ratio = statistics.median(ratios)
    lines.append(
        f"  helper CPU/event = {ratio:.2f}x the raw loop (target <= 1.2x); "
        f"helper events/s target >= 10,000: {statistics.median(ours['rate']):.0f}"
    )
    return "\n".join(lines), {"samples": samples, "cpu_ratio": ratios}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true")
    print(report(parser.parse_args().quick)[0])
