"""GraphQL API benchmark: a real server on the synthetic catalog under 16 concurrent clients.

It generates the synthetic catalog (bench.synthetic) and loads it through GraphWriter.commit into a fresh
on-disk OxigraphStore (as bench.lineage does), times the same lookups straight on the store (the
baseline), closes the store, then starts a separate uvicorn process serving it (anonymous viewer access,
so no API key) and drives it with `--clients` concurrent httpx clients, each query kind for `--seconds`
(then with one client for up to 10 s, the latency without queueing):

- dataset: a dataset by qualified name with its owners and its first 20 columns;
- lineage: the upstream column-level lineage of a column of an upper layer, to depth 3;
- dataset again (with the read cache only): `dataset` once more, now that the first pass has read
  nearly every dataset: the server's steady state, where the first pass includes each first read.

It prints p50/p95/p99 latency, throughput and errors (non-200 answers or a GraphQL `errors` key) per
query kind, against the targets (dataset p95 < 50 ms, lineage p95 < 150 ms, 0 errors), and the ratio of
the API's p50 to the store-alone median, which is the API's overhead (HTTP, GraphQL, serialisation).
Last, the same clients drive `dataset` against the framework floor (bench/api_floor.py: strawberry on
FastAPI giving the same answer with no store), so the part of the latency that the HTTP and GraphQL
stack and the load generator cost on this machine shows as API p95 / floor p95.

Run: .venv/bin/python -m bench.api [--columns 100000] [--seconds 60] [--clients 16] [--smoke]
Targets are reported, not enforced; the exit status is 1 when the server does not start, answers with
errors, or answers differently from the store.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
from pyoxigraph import NamedNode

from bench import synthetic
from bench.lineage import catalog_triples, load
from graph import vocab as v
from graph.iris import IriMinter
from graph.lineage import starts_at_level, trace
from graph.resolve import resolve
from graph.store import Direction, Level
from graph.stores.oxigraph.store import OxigraphStore

DATASET_TARGET_MS = 50.0  # dataset with 20 columns: p95 under this
LINEAGE_TARGET_MS = 150.0  # lineage, depth 3, column level: p95 under this
LINEAGE_DEPTH = 3
DATASET_COLUMNS = 20
SAMPLES = (
    5_000  # at most this many distinct datasets (every one, below that) and columns the clients pick from
)
SEED = 11
STORE_BUDGET_S = 3.0  # store-alone lookups: about this long per kind
STORE_MAX_LOOKUPS = 2000
CHECKED = 5  # lookups whose API answer is compared with the store's
SERVER_START_S = 120.0
SERIAL_S = 10.0  # the one-client pass per kind: at most this long

DATASET_QUERY = """query($name: String!) {
  dataset(name: $name) {
    id name qualifiedName
    owners { role owner { key } }
    columns(first: COLUMNS) { totalCount edges { node { id name datatype } } }
  }
}""".replace("COLUMNS", str(DATASET_COLUMNS))

LINEAGE_QUERY = """query($id: ID!) {
  lineage(id: $id, direction: UPSTREAM, depth: DEPTH, level: COLUMN) {
    truncated
    nodes { distance node { id } }
    edges { upstream downstream kind }
  }
}""".replace("DEPTH", str(LINEAGE_DEPTH))

# The server process: opens the store the bench closed, serves it until terminated.
SERVER = """
import sys
from api.app import create_app, serve
from api.settings import Settings
from graph.iris import IriMinter
from graph.stores.oxigraph.store import OxigraphStore
from graph.write import GraphWriter

store = OxigraphStore(sys.argv[1])
settings = Settings(store=sys.argv[1], anonymous_role="viewer")
app = create_app(store, GraphWriter(store, IriMinter()), settings)
try:
    serve(app, "127.0.0.1", int(sys.argv[2]), access_log=False, log_level="warning")
finally:
    store.close()
"""


def say(message: str) -> None:
    print(message, flush=True)


@dataclass(frozen=True)
class Kind:
    name: str
    query: str
    variable: str
    samples: list[str]
    target_ms: float
    store_lookup: Callable[[OxigraphStore, str], Any]
    check: Callable[[dict, Any], str | None]  # the API's data vs the store's answer: None when they agree


@dataclass
class Load:
    seconds: float = 0.0
    client_cpu_s: float = 0.0  # CPU the load generator itself used: it shares the machine with the server
    latencies_s: list[float] = field(default_factory=list)
    errors: int = 0
    first_errors: list[str] = field(default_factory=list)
    cache_hits: float | None = None  # the share of read cache lookups that hit, under this load

    def percentile_ms(self, p: float) -> float:
        ordered = sorted(self.latencies_s)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000

    @property
    def requests(self) -> int:
        return len(self.latencies_s)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


# The store-alone lookups, and the checks of the API's answers against them.


def dataset_lookup(store: OxigraphStore, name: str) -> tuple[int, list[str]]:
    """What the dataset query reads: the dataset by name, its triples, its first 20 columns' triples."""
    iri = resolve(store, name)
    list(store.quads(iri, None, None))
    columns = sorted((q.object for q in store.quads(iri, v.HAS_COLUMN, None)), key=str)
    for column in columns[:DATASET_COLUMNS]:
        list(store.quads(column, None, None))
    return len(columns), [c.value for c in columns[:DATASET_COLUMNS]]


def lineage_lookup(store: OxigraphStore, column: str) -> dict[str, int]:
    starts = starts_at_level(store, NamedNode(column), Level.COLUMN)
    result = trace(store, starts, Direction.UPSTREAM, LINEAGE_DEPTH, Level.COLUMN)
    return {n.iri.value: n.distance for n in result.nodes}


def check_dataset(data: dict, expected: tuple[int, list[str]]) -> str | None:
    total, columns = expected
    got = data["dataset"]["columns"]
    ids = sorted(e["node"]["id"] for e in got["edges"])
    if got["totalCount"] != total or ids != sorted(columns):
        return (
            f"totalCount {got['totalCount']} and {len(ids)} columns, the store has {total} and {len(columns)}"
        )
    return None


def check_lineage(data: dict, expected: dict[str, int]) -> str | None:
    # `truncated` is not checked: the API sets it when lineage goes on beyond the depth asked for.
    got = {n["node"]["id"]: n["distance"] for n in data["lineage"]["nodes"]}
    if got != expected:
        return f"{len(got)} nodes, the store reaches {len(expected)} (or at other distances)"
    return None


def store_baseline(store: OxigraphStore, kind: Kind) -> tuple[float, int]:
    """The median seconds of one lookup straight on the store (after a warm-up pass), and how many ran."""
    for sample in kind.samples[:CHECKED]:
        kind.store_lookup(store, sample)
    times = []
    started = time.perf_counter()
    rng = random.Random(SEED)
    while time.perf_counter() - started < STORE_BUDGET_S and len(times) < STORE_MAX_LOOKUPS:
        sample = rng.choice(kind.samples)
        t = time.perf_counter()
        kind.store_lookup(store, sample)
        times.append(time.perf_counter() - t)
    return statistics.median(times), len(times)


# The server.


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def server(store_dir: Path, cache: bool):
    """A uvicorn process serving the store at `store_dir`, with or without its read cache; yields its URL."""
    env = {**os.environ, "DATAGRAPH_ANONYMOUS_ROLE": "viewer", "DATAGRAPH_STORE": str(store_dir)}
    if not cache:
        env["DATAGRAPH_READ_CACHE_ENTRIES"] = "0"
    with serving(lambda port: [sys.executable, "-c", SERVER, str(store_dir), str(port)], env) as url:
        yield url


@contextlib.contextmanager
def serving(command: Callable[[int], list[str]], env: dict[str, str]):
    """The process `command(port)` started, once it answers /healthz; yields its URL."""
    port = free_port()
    process = subprocess.Popen(command(port), env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with status {process.returncode} before answering")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not answer {url}/healthz within {SERVER_START_S:.0f} s")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def framework_floor(kind: Kind, clients: int, seconds: float) -> Load:
    """`kind` driven as the API was, against bench.api_floor: the same answer with no store behind it."""
    with serving(lambda port: [sys.executable, "-m", "bench.api_floor", str(port)], dict(os.environ)) as url:
        say(f"  driving {kind.name} against the framework floor (no store) for {seconds:.0f} s ...")
        return asyncio.run(drive(url, kind, clients, seconds))


def error_of(response: httpx.Response) -> tuple[str | None, dict | None]:
    """What went wrong with a GraphQL answer (None when nothing), and its data."""
    if response.status_code != 200:
        return f"HTTP {response.status_code}: {response.text[:500]}", None
    body = response.json()
    if body.get("errors"):
        return f"GraphQL errors: {body['errors']}", None
    return None, body.get("data")


async def drive(url: str, kind: Kind, clients: int, seconds: float) -> Load:
    """`clients` concurrent clients, each with its own connection, asking `kind` for `seconds`."""
    result = Load()
    deadline = time.perf_counter() + seconds

    async def client(number: int) -> None:
        rng = random.Random(SEED * 1000 + number)
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            while time.perf_counter() < deadline:
                payload = {"query": kind.query, "variables": {kind.variable: rng.choice(kind.samples)}}
                started = time.perf_counter()
                try:
                    response = await http.post("/graphql", json=payload)
                    problem, _ = error_of(response)
                except (httpx.HTTPError, ValueError) as e:
                    problem = f"{type(e).__name__}: {e}"
                result.latencies_s.append(time.perf_counter() - started)
                if problem is not None:
                    result.errors += 1
                    if len(result.first_errors) < 3:
                        result.first_errors.append(problem)

    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(client(i) for i in range(clients)))
    result.seconds = time.perf_counter() - started
    result.client_cpu_s = time.process_time() - cpu
    return result


def cache_lookups(url: str) -> tuple[float, float]:
    """The server's read cache hits and misses so far (0, 0 without a cache)."""
    found = {"hit": 0.0, "miss": 0.0}
    for line in httpx.get(f"{url}/metrics", timeout=30).text.splitlines():
        if line.startswith("datagraph_read_cache_lookups_total{"):
            result = line.split('result="')[1].split('"')[0]
            found[result] = float(line.split()[-1])
    return found["hit"], found["miss"]


def check_answers(url: str, kind: Kind, expected: list[Any], failures: list[str]) -> None:
    """The API's answers to the first samples, compared with the store's; errors are printed verbatim."""
    with httpx.Client(base_url=url, timeout=60) as http:
        for sample, wanted in zip(kind.samples[:CHECKED], expected, strict=True):
            response = http.post("/graphql", json={"query": kind.query, "variables": {kind.variable: sample}})
            problem, data = error_of(response)
            if problem is None and data is not None:
                problem = kind.check(data, wanted)
            if problem is not None:
                failures.append(f"{kind.name} {sample}: {problem}")
                say(f"  check {kind.name} {sample}: {problem}")
                return
    say(f"  check {kind.name}: the API's answers to {CHECKED} lookups match the store's")


# The run.


def pick_samples(catalog: synthetic.SyntheticCatalog, iris: IriMinter) -> tuple[list[str], list[str]]:
    """Seeded random dataset names (any layer) and column IRIs of the upper layers (they have lineage)."""
    rng = random.Random(SEED)
    datasets = rng.sample(catalog.datasets, min(SAMPLES, len(catalog.datasets)))
    names = [".".join(d.path) for d in datasets]
    upper = [d for layer in catalog.layers[LINEAGE_DEPTH:] for d in layer]
    picked = [rng.choice(upper) for _ in range(SAMPLES)]
    columns = [iris.column(d.iri(iris), rng.choice(d.columns).name).value for d in picked]
    return names, list(dict.fromkeys(columns))


def machine() -> str:
    return (
        f"machine: {os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}, "
        f"pyoxigraph {ox.__version__}, httpx {httpx.__version__}"
    )


def report(
    kinds: list[Kind],
    loads: dict[str, Load],
    serial: dict[str, Load],
    baselines: dict[str, tuple[float, int]],
    clients: int,
    mode: str,
) -> None:
    say(f"\n== {mode}: {clients} concurrent clients ==")
    say(
        f"{'query':<13} {'requests':>8} {'req/s':>7} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
        f"  {'p95 target':>10}  verdict  {'store ms':>8}  {'API p50/store':>13}  {'cache hits':>10}"
    )
    for kind in kinds:
        r = loads[kind.name]
        store_s, _ = baselines[kind.name]
        p50, p95, p99 = (r.percentile_ms(p) for p in (50, 95, 99))
        ok = p95 < kind.target_ms and r.errors == 0
        say(
            f"{kind.name:<13} {r.requests:>8,} {r.throughput:>7.1f} {r.errors:>6} {p50:>8.2f} {p95:>8.2f} {p99:>8.2f}"
            f"  {'< ' + format(kind.target_ms, '.0f'):>10}  {'PASS' if ok else 'MISS':<7}  {store_s * 1000:>8.3f}"
            f"  {p50 / (store_s * 1000):>12.1f}x  {_share(r.cache_hits):>10}"
        )
    say(
        "(latency per request as a client sees it, over HTTP on 127.0.0.1; verdict: p95 under target and 0 errors;"
        " store ms: median of the same lookup straight on the store, in one thread)"
    )
    say(
        "load generator CPU: "
        + ", ".join(
            f"{k.name} {loads[k.name].client_cpu_s / loads[k.name].seconds:.0%} of a core" for k in kinds
        )
    )
    say(f"\n== {mode}: one client at a time (no queueing: the API's own latency) ==")
    say(
        f"{'query':<13} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  {'store ms':>8}  {'API p50/store':>13}"
    )
    for kind in kinds:
        r = serial[kind.name]
        store_s, _ = baselines[kind.name]
        p50, p95, p99 = (r.percentile_ms(p) for p in (50, 95, 99))
        say(
            f"{kind.name:<13} {r.requests:>8,} {r.errors:>6} {p50:>8.2f} {p95:>8.2f} {p99:>8.2f}"
            f"  {store_s * 1000:>8.3f}  {p50 / (store_s * 1000):>12.1f}x"
        )


def report_floor(kind: Kind, floor: Load, api: dict[str, Load], clients: int) -> None:
    p50, p95, p99 = (floor.percentile_ms(p) for p in (50, 95, 99))
    say(
        f"\n== framework floor: strawberry on FastAPI answering {kind.name} with no store, {clients} concurrent clients =="
    )
    say(
        f"{'requests':>8} {'req/s':>7} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  load generator CPU"
    )
    say(
        f"{floor.requests:>8,} {floor.throughput:>7.1f} {floor.errors:>6} {p50:>8.2f} {p95:>8.2f} {p99:>8.2f}"
        f"  {floor.client_cpu_s / floor.seconds:.0%} of a core"
    )
    for run, measured in api.items():
        say(f"API p95 / floor p95, {run}: {measured.percentile_ms(95) / p95:.1f}x")
    say("(bench/api_floor.py: the same HTTP and GraphQL stack, the same clients, the same answer shape)")


def exercise(
    store_dir: Path,
    cache: bool,
    kinds: list[Kind],
    expected: dict[str, list],
    args: argparse.Namespace,
    serial_s: float,
    failures: list[str],
) -> tuple[dict[str, Load], dict[str, Load]]:
    """Start a server (with or without its read cache), check its answers and drive every kind."""
    loads: dict[str, Load] = {}
    serial: dict[str, Load] = {}
    with server(store_dir, cache) as url:
        say(f"  server up at {url} ({'with' if cache else 'without'} the read cache)")
        for kind in kinds:
            check_answers(url, kind, expected[kind.name], failures)
            say(f"  driving {kind.name} for {args.seconds:.0f} s ...")
            hits, misses = cache_lookups(url)
            loads[kind.name] = asyncio.run(drive(url, kind, args.clients, args.seconds))
            more_hits, more_misses = cache_lookups(url)
            lookups = more_hits - hits + more_misses - misses
            loads[kind.name].cache_hits = (more_hits - hits) / lookups if lookups else None
            say(f"  driving {kind.name} from one client for {serial_s:.0f} s ...")
            serial[kind.name] = asyncio.run(drive(url, kind, 1, serial_s))
            for problem in loads[kind.name].first_errors + serial[kind.name].first_errors:
                say(f"  error ({kind.name}): {problem}")
    return loads, serial


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.api", description=__doc__.split("\n")[0])
    parser.add_argument("--columns", type=int, default=100_000, help="catalog size (default 100000)")
    parser.add_argument("--seconds", type=float, default=60.0, help="load per query kind (default 60)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--smoke", action="store_true", help="a quick check: 10000 columns, 5 s per kind")
    parser.add_argument(
        "--store-dir", type=Path, help="where the store goes (default: a temporary directory)"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.columns, args.seconds = 10_000, 5.0
    if args.clients < 1 or args.seconds <= 0:
        parser.error("--clients and --seconds must be positive")
    if args.store_dir is not None and args.store_dir.exists():
        parser.error(f"{args.store_dir} already exists: remove it or pick another --store-dir")
    say(machine())
    say(f"{args.clients} concurrent clients, {args.seconds:.0f} s per query kind, {args.columns:,} columns")

    iris = IriMinter()
    started = time.perf_counter()
    catalog = synthetic.generate(iris, args.columns)
    triples = catalog_triples(catalog, iris)
    names, columns = pick_samples(catalog, iris)
    say(
        f"  generated {catalog.column_count:,} columns, {len(triples):,} triples in {time.perf_counter() - started:.1f} s"
    )
    del catalog
    kinds = [
        Kind("dataset", DATASET_QUERY, "name", names, DATASET_TARGET_MS, dataset_lookup, check_dataset),
        Kind("lineage", LINEAGE_QUERY, "id", columns, LINEAGE_TARGET_MS, lineage_lookup, check_lineage),
    ]
    failures: list[str] = []
    stores = (
        contextlib.nullcontext(args.store_dir)
        if args.store_dir is not None
        else tempfile.TemporaryDirectory(prefix="bench-api-")
    )
    with stores as root:
        store_dir = Path(root) / "store"
        store = OxigraphStore(store_dir)
        try:
            quads, load_s = load(store, iris, triples)
            say(f"  loaded {len(quads):,} triples through GraphWriter.commit in {load_s:.1f} s")
            del quads, triples
            baselines, expected = {}, {}
            for kind in kinds:
                expected[kind.name] = [kind.store_lookup(store, s) for s in kind.samples[:CHECKED]]
                baselines[kind.name] = store_baseline(store, kind)
                median_s, runs = baselines[kind.name]
                say(f"  store alone, {kind.name}: median {median_s * 1000:.3f} ms over {runs} lookups")
        finally:
            store.close()  # the server process opens it next: one process at a time holds the directory
        serial_s = min(args.seconds, SERIAL_S)
        # With the cache, `dataset` a second time: every dataset has been read before (the steady state).
        again = replace(kinds[0], name=f"{kinds[0].name} again")
        baselines[again.name], expected[again.name] = baselines[kinds[0].name], expected[kinds[0].name]
        modes = [
            ("with the read cache (the default)", True, [*kinds, again]),
            ("without the read cache", False, kinds),
        ]
        runs: dict[str, tuple[dict[str, Load], dict[str, Load]]] = {}
        for mode, cache, mode_kinds in modes:
            try:
                runs[mode] = exercise(store_dir, cache, mode_kinds, expected, args, serial_s, failures)
            except RuntimeError as e:
                say(f"\nSERVER FAILED: {e}")
                return 1
    try:
        floor = framework_floor(kinds[0], args.clients, args.seconds)
    except RuntimeError as e:
        say(f"\nFLOOR SERVER FAILED: {e}")
        return 1
    for mode, _, mode_kinds in modes:
        loads, serial = runs[mode]
        report(mode_kinds, loads, serial, baselines, args.clients, mode)
    datasets = {
        f"{name}, {mode}": load
        for mode, (loads, _) in runs.items()
        for name, load in loads.items()
        if name.startswith(kinds[0].name)
    }
    report_floor(kinds[0], floor, datasets, args.clients)
    failures += [f"framework floor: {problem}" for problem in floor.first_errors]
    for mode, (loads, serial) in runs.items():
        failures += [f"{name} ({mode}): {r.errors} errors" for name, r in loads.items() if r.errors]
        failures += [
            f"{name} (one client, {mode}): {r.errors} errors" for name, r in serial.items() if r.errors
        ]
    if failures:
        say("\nCHECKS FAILED:\n  " + "\n  ".join(failures))
        return 1
    say("\ncorrectness: the API answered as the store does, with no errors: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
