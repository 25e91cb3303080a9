"""Lineage traversal benchmark: datagraph against rdflib and networkx on the synthetic catalog.

For each catalog size it generates the synthetic catalog (bench.synthetic), loads it through
GraphWriter.commit into a fresh on-disk OxigraphStore (timed), and times two column-level traversals
as a user calls them, graph.lineage.trace (nodes with distance and path):

- downstream to depth 6 from the busiest source column of layer 0;
- all upstream lineage (no depth) of a leaf column of the last layer.

The same traversals run, in the same process, on
- rdflib: the same triples in an in-memory Dataset, the same SPARQL text (queries.lineage) and the same
  post-processing (trace() over an rdflib lineage_hops);
- networkx: a DiGraph of the column lineage edges, nx.single_source_shortest_path (nodes with a path);
- with --neo4j URI, the Neo4j store: the same catalog loaded through GraphWriter.commit into that
  server's database (emptied first; `make services` starts one), the same trace() over its one Cypher
  variable-length query.
All must reach exactly the nodes datagraph (Oxigraph) reaches, at the same distances.

Run: .venv/bin/python -m bench.lineage [--columns 10000 100000] [--repeat 20] [--store-dir DIR]
                                       [--neo4j bolt://127.0.0.1:7687 [--neo4j-password ...]]
Targets (load time, speed ratios) are reported, not enforced; the exit status is 1 only when a
correctness check fails.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar, cast

import networkx as nx
import pyoxigraph as ox
import rdflib
from pyoxigraph import Literal, NamedNode, Quad

from bench import synthetic
from graph.changeset import ChangeSet
from graph.iris import IriMinter
from graph.lineage import LineageResult, trace
from graph.records import Dataset, Triple
from graph.store import Direction, GraphStore, Hop, Level
from graph.stores.neo4j.store import Neo4jStore
from graph.stores.oxigraph import queries
from graph.stores.oxigraph.store import OxigraphStore, hops_from_rows
from graph.write import GraphWriter

LOAD_TARGET_S_PER_MILLION = 30.0  # load: a 1M-triple catalog in under 30 s
RDFLIB_TARGET = 20.0  # rdflib / datagraph: at least this
NETWORKX_TARGET = 3.0  # datagraph / networkx: at most this
DOWNSTREAM_DEPTH = 6
LEAF_CANDIDATE_DATASETS = 3  # the leaf is the column of these last-layer datasets with most upstream
RDFLIB_BUDGET_S = 30.0
# Neo4j holds a transaction's changes in its heap: 1.36M quads in one commit (100k columns) overran the
# 2.8 GiB a 4 GB heap allows. The catalog goes in as commits of this many triples each.
NEO4J_TRIPLES_PER_COMMIT = (
    100_000  # rdflib's repeats are cut to about this much time per traversal (3 at least)
)
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")

R = TypeVar("R")


def say(message: str) -> None:
    print(message, flush=True)


# Step 1-2: generate and load.


def catalog_triples(catalog: synthetic.SyntheticCatalog, iris: IriMinter) -> list[Triple]:
    triples = [t for dataset in catalog.datasets for t in dataset.to_triples(iris)]
    triples += [t for lineage in catalog.dataset_lineage for t in lineage.to_triples(iris)]
    triples += [t for lineage in catalog.column_lineage for t in lineage.to_triples(iris)]
    return triples


def load(
    store: GraphStore, iris: IriMinter, triples: list[Triple], per_commit: int | None = None
) -> tuple[list[Quad], float]:
    """Commit the catalog replacing the synthetic source graph: the quads added, seconds.

    One ChangeSet, or with `per_commit` the first that many triples replacing the graph and the rest added
    by ChangeSets of that many each.
    """
    graph = iris.source_graph("synthetic")
    writer = GraphWriter(store, iris)
    size = per_commit or max(len(triples), 1)
    added: list[Quad] = []
    started = time.perf_counter()
    for start in range(0, max(len(triples), 1), size):
        changeset = ChangeSet(actor="bench", reason="synthetic lineage benchmark")
        chunk = triples[start : start + size]
        if start == 0:
            changeset.replace_graph(graph, chunk)
        else:
            changeset.add(chunk, graph)
        added += writer.commit(changeset).delta.adds
    return added, time.perf_counter() - started


# Step 3: the start columns, and the networkx graph they are picked with.


def lineage_digraph(catalog: synthetic.SyntheticCatalog) -> nx.DiGraph:
    """Column lineage as data flows: an edge upstream -> downstream, nodes are IRI strings."""
    graph = nx.DiGraph()
    graph.add_edges_from((c.upstream.value, c.downstream.value) for c in catalog.column_lineage)
    return graph


def column_iris(datasets: Iterable[Dataset], iris: IriMinter) -> list[str]:
    return [d.column_iri(iris, c.name).value for d in datasets for c in d.columns]


def pick_starts(
    catalog: synthetic.SyntheticCatalog, iris: IriMinter, graph: nx.DiGraph
) -> tuple[NamedNode, NamedNode]:
    """The layer-0 column with most downstream edges, and the leaf with the largest upstream (ties: IRI)."""
    sources = column_iris(catalog.layers[0], iris)
    busy = min(sources, key=lambda c: (-(graph.out_degree(c) if c in graph else 0), c))
    leaves = [c for c in column_iris(catalog.layers[-1][:LEAF_CANDIDATE_DATASETS], iris) if c in graph]
    leaf = min(leaves, key=lambda c: (-len(nx.ancestors(graph, c)), c))
    return NamedNode(busy), NamedNode(leaf)


# Step 4: the engines.


def to_rdflib(term: ox.NamedNode | ox.Literal, iris: dict[str, rdflib.URIRef]) -> rdflib.term.Node:
    if isinstance(term, ox.NamedNode):
        uri = iris.get(term.value)
        if uri is None:
            uri = iris[term.value] = rdflib.URIRef(term.value)
        return uri
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return rdflib.Literal(term.value, datatype=None if datatype == XSD_STRING else rdflib.URIRef(datatype))


def rdflib_dataset(quads: Sequence[Quad], chunk: int = 200_000) -> rdflib.Dataset:
    """The quads in an in-memory rdflib Dataset whose default graph is the union (as datagraph queries)."""
    dataset = rdflib.Dataset(default_union=True)
    graphs = {g: dataset.graph(rdflib.URIRef(g.value)) for g in {q.graph_name for q in quads}}
    uris: dict[str, rdflib.URIRef] = {}
    started = time.perf_counter()
    for i in range(0, len(quads), chunk):
        dataset.addN(
            (
                to_rdflib(q.subject, uris),
                to_rdflib(q.predicate, uris),
                to_rdflib(q.object, uris),
                graphs[q.graph_name],
            )
            for q in quads[i : i + chunk]
        )
        done = min(i + chunk, len(quads))
        say(f"  loading rdflib ... {done:,} / {len(quads):,} quads, {time.perf_counter() - started:.0f} s")
    return dataset


class RdflibLineage:
    """OxigraphStore.lineage_hops over an rdflib Dataset, so that trace() post-processes it the same way."""

    def __init__(self, dataset: rdflib.Dataset) -> None:
        self.dataset = dataset

    def lineage_hops(
        self, starts: Sequence[NamedNode], direction: Direction, depth: int | None, limit: int
    ) -> tuple[list[Hop], bool]:
        text = queries.lineage(starts, direction, depth, limit)
        rows = (
            (
                NamedNode(str(row["near"])),
                NamedNode(str(row["far"])),
                NamedNode(str(row["edge"])),
                Literal(str(row["dir"])),
                Literal(str(row["lvl"]), datatype=XSD_INTEGER) if row["lvl"] is not None else None,
            )
            for row in self.dataset.query(text)
        )
        return hops_from_rows(rows, limit)


@dataclass(frozen=True)
class Traversal:
    name: str
    start: NamedNode
    direction: Direction
    depth: int | None


@dataclass(frozen=True)
class Timing:
    engine: str
    times_s: list[float]
    nodes: int

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times_s) * 1000

    @property
    def best_ms(self) -> float:
        return min(self.times_s) * 1000


def time_calls(call: Callable[[], R], repeat: int, budget_s: float | None = None) -> tuple[R, list[float]]:
    """One warm-up call (its result is returned), then `repeat` timed calls, fewer if over `budget_s`."""
    started = time.perf_counter()
    result = call()
    warm_up = time.perf_counter() - started
    if budget_s is not None:
        repeat = max(3, min(repeat, int(budget_s / warm_up)))
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return result, times


def reached_by_trace(result: LineageResult) -> dict[str, int]:
    return {n.iri.value: n.distance for n in result.nodes}


def compare(what: str, expected: dict[str, int], got: dict[str, int]) -> str | None:
    """None when `got` reaches the same nodes at the same distances as `expected`, else what differs."""
    if expected == got:
        return None
    missing, extra = sorted(expected.keys() - got.keys()), sorted(got.keys() - expected.keys())
    if missing or extra:
        return f"{what}: {len(missing)} nodes missing (e.g. {missing[:2]}), {len(extra)} extra (e.g. {extra[:2]})"
    differ = sorted(n for n in expected if expected[n] != got[n])
    return f"{what}: same nodes, {len(differ)} at other distances (e.g. {differ[0]}: {expected[differ[0]]} vs {got[differ[0]]})"


def bench_traversal(
    traversal: Traversal,
    store: OxigraphStore,
    rdf: RdflibLineage,
    graph: nx.DiGraph,
    neo4j: Neo4jStore | None,
    repeat: int,
    failures: list[str],
) -> list[Timing]:
    def call_trace(engine: GraphStore) -> LineageResult:
        return trace(engine, [traversal.start], traversal.direction, traversal.depth, Level.COLUMN)

    flow = graph if traversal.direction is Direction.DOWNSTREAM else graph.reverse(copy=False)
    say(f"  timing {traversal.name} from {traversal.start.value}")
    ours, ours_times = time_calls(lambda: call_trace(store), repeat)
    theirs, rdf_times = time_calls(lambda: call_trace(cast(GraphStore, rdf)), repeat, RDFLIB_BUDGET_S)
    paths, nx_times = time_calls(
        lambda: nx.single_source_shortest_path(flow, traversal.start.value, cutoff=traversal.depth), repeat
    )
    expected = reached_by_trace(ours)
    checks = [
        "datagraph truncated (edge limit reached)" if ours.truncated else None,
        compare("rdflib vs datagraph", expected, reached_by_trace(theirs)),
        compare("networkx vs datagraph", expected, {n: len(p) - 1 for n, p in paths.items()}),
    ]
    timings = [
        Timing("datagraph", ours_times, len(ours.nodes)),
        Timing("rdflib", rdf_times, len(theirs.nodes)),
        Timing("networkx", nx_times, len(paths)),
    ]
    if neo4j is not None:
        on_neo4j, neo4j_times = time_calls(lambda: call_trace(neo4j), repeat)
        checks.append(compare("neo4j vs datagraph", expected, reached_by_trace(on_neo4j)))
        timings.append(Timing("neo4j", neo4j_times, len(on_neo4j.nodes)))
    problems = [f"{traversal.name}: {c}" for c in checks if c is not None]
    failures += problems
    say(f"  check {traversal.name}: " + ("; ".join(problems) if problems else f"OK ({len(expected)} nodes)"))
    return timings


# Step 5: one size end to end, and the report.


@dataclass
class SizeResult:
    columns: int
    triples: int = 0
    load_s: float = 0.0
    neo4j_load_s: float | None = None
    timings: dict[str, list[Timing]] = field(default_factory=dict)

    @property
    def load_target_s(self) -> float:
        return LOAD_TARGET_S_PER_MILLION * self.triples / 1_000_000


def bench_size(
    columns: int, store_dir: Path, neo4j: Neo4jStore | None, repeat: int, failures: list[str]
) -> SizeResult:
    say(f"\n== {columns:,} columns ==")
    iris = IriMinter()
    started = time.perf_counter()
    catalog = synthetic.generate(iris, columns)
    triples = catalog_triples(catalog, iris)
    say(
        f"  generated {catalog.column_count:,} columns, {len(catalog.column_lineage):,} column lineage edges, "
        f"{len(triples):,} triples in {time.perf_counter() - started:.1f} s"
    )
    result = SizeResult(columns)
    store = OxigraphStore(store_dir)
    try:
        quads, result.load_s = load(store, iris, triples)
        result.triples = len(quads)
        say(f"  loaded {result.triples:,} triples through GraphWriter.commit in {result.load_s:.1f} s")
        if neo4j is not None:
            neo4j.clear()
            _, result.neo4j_load_s = load(neo4j, iris, triples, NEO4J_TRIPLES_PER_COMMIT)
            commits = -(-len(triples) // NEO4J_TRIPLES_PER_COMMIT)
            say(f"  loaded them into Neo4j ({neo4j.uri}) in {commits} commits in {result.neo4j_load_s:.1f} s")
        started = time.perf_counter()
        graph = lineage_digraph(catalog)
        say(
            f"  networkx DiGraph: {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges, "
            f"built in {time.perf_counter() - started:.2f} s"
        )
        busy, leaf = pick_starts(catalog, iris, graph)
        del catalog, triples
        rdf = RdflibLineage(rdflib_dataset(quads))
        del quads
        traversals = (
            Traversal(f"downstream depth {DOWNSTREAM_DEPTH}", busy, Direction.DOWNSTREAM, DOWNSTREAM_DEPTH),
            Traversal("upstream all", leaf, Direction.UPSTREAM, None),
        )
        for traversal in traversals:
            result.timings[traversal.name] = bench_traversal(
                traversal, store, rdf, graph, neo4j, repeat, failures
            )
    finally:
        store.close()
    return result


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report(results: list[SizeResult]) -> None:
    say("\n== results ==")
    say(f"{'columns':>8}  {'triples':>10}  {'load s':>7}  {'target s':>8}")
    for r in results:
        ok = r.load_s <= r.load_target_s
        say(f"{r.columns:>8,}  {r.triples:>10,}  {r.load_s:>7.1f}  {r.load_target_s:>8.1f}  {verdict(ok)}")
        if r.neo4j_load_s is not None:
            say(
                f"{'':>8}  {'on neo4j':>10}  {r.neo4j_load_s:>7.1f}  ({r.neo4j_load_s / r.load_s:.1f}x Oxigraph's, "
                f"in commits of {NEO4J_TRIPLES_PER_COMMIT:,} triples)"
            )
    say(f"(load target: {LOAD_TARGET_S_PER_MILLION:.0f} s per 1M triples, through GraphWriter.commit)\n")
    header = f"{'columns':>8}  {'traversal':<20}  {'engine':<10}  {'median ms':>10}  {'best ms':>9}  {'runs':>4}  {'nodes':>6}"
    say(header)
    for r in results:
        for name, timings in r.timings.items():
            for t in timings:
                say(
                    f"{r.columns:>8,}  {name:<20}  {t.engine:<10}  {t.median_ms:>10.3f}  {t.best_ms:>9.3f}  "
                    f"{len(t.times_s):>4}  {t.nodes:>6}"
                )
    say(f"\n{'columns':>8}  {'traversal':<20}  {'rdflib/datagraph':>22}  {'datagraph/networkx':>24}")
    for r in results:
        for name, (ours, rdf, nx_, *_) in r.timings.items():
            slower = rdf.median_ms / ours.median_ms
            faster = ours.median_ms / nx_.median_ms
            say(
                f"{r.columns:>8,}  {name:<20}  {slower:>8.1f}x (>= {RDFLIB_TARGET:.0f}x) {verdict(slower >= RDFLIB_TARGET)}  "
                f"{faster:>10.1f}x (<= {NETWORKX_TARGET:.0f}x) {verdict(faster <= NETWORKX_TARGET)}"
            )
    say("(ratios of medians)")
    on_neo4j = [(r, name, t) for r in results for name, t in r.timings.items() if len(t) > 3]
    if on_neo4j:
        say(
            f"\n{'columns':>8}  {'traversal':<20}  {'neo4j ms':>9}  {'oxigraph ms':>11}  {'neo4j/oxigraph':>14}"
        )
        for r, name, (ours, *_, neo) in on_neo4j:
            say(
                f"{r.columns:>8,}  {name:<20}  {neo.median_ms:>9.3f}  {ours.median_ms:>11.3f}  "
                f"{neo.median_ms / ours.median_ms:>13.1f}x"
            )
        say("(the same trace(), the same catalog, in the same run; Neo4j answers over Bolt on this machine)")


def machine() -> str:
    return (
        f"machine: {os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}, "
        f"pyoxigraph {ox.__version__}, rdflib {rdflib.__version__}, networkx {nx.__version__}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.lineage", description=__doc__.split("\n")[0])
    parser.add_argument("--columns", type=int, nargs="+", default=[10_000, 100_000], help="catalog sizes")
    parser.add_argument(
        "--repeat", type=int, default=20, help="timed runs per traversal (rdflib: fewer if slow)"
    )
    parser.add_argument(
        "--store-dir", type=Path, help="where the stores go, kept afterwards (default: a temporary directory)"
    )
    parser.add_argument(
        "--neo4j",
        metavar="URI",
        help="also load and traverse on this Neo4j server (its database is emptied), e.g. bolt://127.0.0.1:7687",
    )
    parser.add_argument("--neo4j-user", default="neo4j")
    parser.add_argument(
        "--neo4j-password", default="datagraph-dev", help="default: the one `make services` sets"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.store_dir is not None:
        used = [
            args.store_dir / f"columns-{n}"
            for n in args.columns
            if (args.store_dir / f"columns-{n}").exists()
        ]
        if used:
            parser.error(
                f"{', '.join(map(str, used))} already exist: remove them or pick another --store-dir"
            )
    say(machine())
    say("rdflib runs the same traversal SPARQL text and the same post-processing (trace()).")
    failures: list[str] = []
    stores = (
        contextlib.nullcontext(args.store_dir)
        if args.store_dir is not None
        else tempfile.TemporaryDirectory(prefix="bench-lineage-")
    )
    neo4j = (
        Neo4jStore(args.neo4j, user=args.neo4j_user, password=args.neo4j_password, timeout_s=60.0)
        if args.neo4j
        else None
    )
    with stores as root, neo4j or contextlib.nullcontext():
        results = [
            bench_size(n, Path(root) / f"columns-{n}", neo4j, args.repeat, failures) for n in args.columns
        ]
    report(results)
    if failures:
        say("\nCORRECTNESS CHECKS FAILED:\n  " + "\n  ".join(failures))
        return 1
    say("\ncorrectness: every engine reached the same nodes at the same distances as datagraph: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
