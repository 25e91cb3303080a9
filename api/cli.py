"""The `datagraph` command line: init, import, export, sparql, lineage, stats, serve, demo."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.cli_apikey import apikey_app
from api.settings import Settings

app = typer.Typer(
    help="datagraph: your organisation's data catalog, lineage and governance in one knowledge graph.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


class _State:
    settings: Settings


state = _State()


@app.callback()
def _options(
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            envvar="DATAGRAPH_STORE",
            help="A directory (embedded store, default ./.datagraph) or a neo4j:// / bolt:// URI.",
        ),
    ] = None,
) -> None:
    state.settings = Settings(**({"store": store} if store else {}))


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


@contextmanager
def _store(*, read_only: bool = False) -> Iterator:
    from api.wiring import open_store
    from graph.store import StoreError

    try:
        store = open_store(state.settings, read_only=read_only)
    except StoreError as e:
        raise _fail(str(e)) from None
    try:
        yield store
    finally:
        store.close()


@contextmanager
def _user_errors() -> Iterator[None]:
    """Errors a user can act on become one clear line and exit code 1, not a traceback."""
    from pydantic import ValidationError

    from graph.changeset import InvalidChange
    from graph.rdf_io import RdfFileError
    from graph.resolve import AmbiguousName, UnknownEntity
    from graph.store import StoreError
    from graph.write import ChangeRejected

    try:
        yield
    except (RdfFileError, UnknownEntity, AmbiguousName, StoreError, InvalidChange, ChangeRejected) as e:
        raise _fail(e.args[0] if e.args else str(e)) from None
    except ValidationError as e:
        raise _fail(
            "; ".join(str(error["msg"]).removeprefix("Value error, ") for error in e.errors())
        ) from None
    except ValueError as e:
        raise _fail(str(e)) from None


def _iris():
    from graph.iris import IriMinter

    return IriMinter(state.settings.base_iri)


def _load_ontology(writer) -> int:
    from graph.rdf_io import import_file
    from ontology import core_ontology_path

    loaded = import_file(
        core_ontology_path(),
        writer.iris,
        graph=writer.iris.source_graph("ontology:core"),
        actor="datagraph init",
    )
    return writer.commit(loaded.changeset).added


@app.command()
def init() -> None:
    """Create the store (if needed) and load datagraph's ontology into it."""
    from api.wiring import build_writer

    with _user_errors(), _store() as store:
        added = _load_ontology(build_writer(state.settings, store))
        out.print(f"store ready at {state.settings.store} ({store.count()} triples; ontology: {added} new)")


@app.command("import")
def import_(
    file: Annotated[
        Path, typer.Argument(help="An RDF file: Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML.")
    ],
    graph: Annotated[
        str | None, typer.Option(help="The named graph to load into (default: one graph for this file).")
    ] = None,
    rdf_format: Annotated[
        str | None, typer.Option("--format", help="The file's format, when its extension does not say.")
    ] = None,
    restore: Annotated[
        bool,
        typer.Option(
            help="The file is a dump made by `datagraph export`: restore every graph it names, "
            "datagraph's own included (its audit records are added to those kept)."
        ),
    ] = False,
) -> None:
    """Load an RDF file into a named graph, replacing what that graph held (re-importing changes nothing)."""
    from pyoxigraph import NamedNode

    from api.wiring import build_writer
    from graph.rdf_io import import_file

    with _user_errors():
        target = NamedNode(graph) if graph else None
        loaded = import_file(file, _iris(), graph=target, rdf_format=rdf_format, restore=restore)
        with _store() as store:
            result = build_writer(state.settings, store).commit(loaded.changeset)
    graphs = ", ".join(g.value for g in loaded.graphs)
    out.print(f"{file}: {loaded.triples} triples read; +{result.added} -{result.removed} in {graphs}")


@app.command()
def export(
    rdf_format: Annotated[
        str, typer.Option("--format", help="nquads, trig, turtle, ntriples, jsonld or rdfxml.")
    ] = "nquads",
    graph: Annotated[str | None, typer.Option(help="Export only this named graph.")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
    ] = None,
) -> None:
    """Write the graph out. Formats without named graphs (turtle, ...) merge all graphs."""
    from pyoxigraph import NamedNode

    from graph.rdf_io import export as export_graph

    with _user_errors(), _store(read_only=True) as store:
        data = export_graph(
            store, _iris(), rdf_format, graph=NamedNode(graph) if graph else None, output=output
        )
    if output is None:
        sys.stdout.buffer.write(data or b"")
    else:
        err.print(f"wrote {output}")


@app.command()
def sparql(
    query: Annotated[
        str, typer.Argument(help="A SPARQL query, @FILE to read it from a file, or - for stdin.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the rows as JSON.")] = False,
) -> None:
    """Run a read-only SPARQL query over all named graphs (prefixes dg:, dcat:, prov:, ... are predeclared)."""
    if query == "-":
        query = sys.stdin.read()
    elif query.startswith("@"):
        query = Path(query[1:]).read_text()
    import pyoxigraph as ox

    with _user_errors(), _store(read_only=True) as store:
        result = store.query(query)
        if isinstance(result, ox.QueryBoolean):
            out.print(json.dumps(bool(result)) if as_json else str(bool(result)).lower())
            return
        if isinstance(result, ox.QueryTriples):
            sys.stdout.buffer.write(ox.serialize(result, format=ox.RdfFormat.N_TRIPLES) or b"")
            return
        names = [var.value for var in result.variables]
        rows = [[row[n] for n in names] for row in result]
    if as_json:
        print(
            json.dumps(
                [{n: _term_json(t) for n, t in zip(names, row, strict=True)} for row in rows], indent=1
            )
        )
        return
    table = Table(*names)
    for row in rows:
        table.add_row(*("" if t is None else t.value for t in row))
    out.print(table)
    err.print(f"{len(rows)} rows")


def _term_json(term) -> str | None:
    return None if term is None else term.value


@app.command()
def lineage(
    name: Annotated[
        str, typer.Argument(help="A dataset or column: qualified name (db.schema.table[.col]) or IRI.")
    ],
    direction: Annotated[str, typer.Option(help="upstream, downstream or both.")] = "both",
    depth: Annotated[int | None, typer.Option(help="How many hops (default: all).", min=1)] = None,
    level: Annotated[str | None, typer.Option(help="dataset or column (default: the level of NAME).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Trace lineage from a dataset or column: each reached node with its distance and a path."""
    from graph.lineage import is_column, starts_at_level, trace
    from graph.resolve import resolve
    from graph.store import Direction, Level

    with _user_errors(), _store(read_only=True) as store:
        way = _choice(Direction, direction, "--direction")
        start = resolve(store, name)
        at = (
            _choice(Level, level, "--level")
            if level
            else (Level.COLUMN if is_column(store, start) else Level.DATASET)
        )
        result = trace(store, starts_at_level(store, start, at), way, depth, at)
        names = _display_names(store, {n.iri for n in result.nodes} | {start})
    if as_json:
        print(json.dumps(_lineage_json(result, names), indent=1))
        return
    kinds = {(e.upstream, e.downstream): e.kind for e in result.edges}
    table = Table("dist", "direction", "name", "via", "from" if way is not Direction.UPSTREAM else "feeds")
    for node in result.nodes:
        upstream = node.direction.value == "upstream"
        last = None
        if node.distance:
            near = node.path[-2]
            last = kinds.get((node.iri, near) if upstream else (near, node.iri))
        table.add_row(
            str(node.distance),
            node.direction.value if node.distance else "start",
            names[node.iri],
            last.value.rsplit("#", 1)[-1].lower() if last is not None else "",
            names[node.path[-2]] if node.distance else "",
        )
    out.print(table)
    err.print(
        "(the full path of each node: --json)\n"
        f"{len(result.nodes) - len(result.starts)} nodes, {len(result.edges)} edges"
        + (" (truncated: more lineage exists; narrow --depth)" if result.truncated else "")
    )


def _choice(enum, value: str, option: str):
    try:
        return enum(value.lower())
    except ValueError:
        raise ValueError(
            f"{option} must be one of {', '.join(m.value for m in enum)}, not {value!r}"
        ) from None


def _display_names(store, iris: set) -> dict:
    from graph import vocab as v

    names = {}
    for iri in iris:
        found = next(store.quads(iri, v.DCTERMS.identifier, None), None)
        names[iri] = found.object.value if found is not None else iri.value
    return names


def _lineage_json(result, names: dict) -> dict:
    return {
        "starts": [s.value for s in result.starts],
        "direction": result.direction.value,
        "depth": result.depth,
        "level": result.level.value,
        "truncated": result.truncated,
        "nodes": [
            {
                "iri": n.iri.value,
                "name": names[n.iri],
                "distance": n.distance,
                "direction": n.direction.value,
                "path": [p.value for p in n.path],
            }
            for n in result.nodes
        ],
        "edges": [
            {"upstream": e.upstream.value, "downstream": e.downstream.value, "kind": _term_json(e.kind)}
            for e in result.edges
        ],
    }


@app.command()
def stats(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Triples, named graphs and entity counts."""
    from api.stats import graph_stats

    with _user_errors(), _store(read_only=True) as store:
        stats = graph_stats(store)
    if as_json:
        print(stats.model_dump_json(indent=1))
        return
    out.print(f"store: {state.settings.store}  triples: {stats.triples}  named graphs: {len(stats.graphs)}")
    table = Table("entity", "count")
    for label, count in stats.entities.model_dump().items():
        table.add_row(label.replace("_", " "), str(count))
    out.print(table)
    graph_table = Table("named graph", "triples")
    for graph, count in sorted(stats.graphs.items()):
        graph_table.add_row(graph, str(count))
    out.print(graph_table)


load_app = typer.Typer(help="Bring metadata in from a source; prints a report; exits 1 when anything failed.")
app.add_typer(load_app, name="load")
app.add_typer(apikey_app, name="apikey")


@load_app.command("rdf")
def load_rdf(
    path: Annotated[Path, typer.Argument(help="An RDF/OWL file, or a folder of them.")],
    graph: Annotated[
        str | None, typer.Option(help="One named graph for everything (default: one per file).")
    ] = None,
    rdf_format: Annotated[
        str | None, typer.Option("--format", help="The files' format, if not by extension.")
    ] = None,
) -> None:
    """Load RDF or OWL files (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML). owl:imports are not fetched."""
    from loaders.rdf.config import RdfLoaderConfig
    from loaders.rdf.source import RdfSource

    source = RdfSource(RdfLoaderConfig(path=path, graph=graph, format=rdf_format))
    _run_load(source, len(source.files()) if path.exists() else None)


@load_app.command("files")
def load_files(
    path: Annotated[Path, typer.Argument(help="A CSV or Parquet file, or a folder of them.")],
    profile: Annotated[bool, typer.Option(help="Count rows, nulls, distinct values; min and max.")] = True,
    samples: Annotated[
        bool, typer.Option(help="Store up to 5 sample values per column (personal data: off by default).")
    ] = False,
) -> None:
    """Load CSV and Parquet files: inferred schema and, by default, a profile of each column."""
    from loaders.files.config import FilesLoaderConfig
    from loaders.files.source import FilesSource

    source = FilesSource(FilesLoaderConfig(path=path, profile=profile, sample_values=samples))
    _run_load(source, len(source.files()) if path.exists() else None)


@load_app.command("openlineage")
def load_openlineage(
    path: Annotated[
        Path, typer.Argument(help="A .json (event or list) or .ndjson file of RunEvents, or a folder.")
    ],
    partial: Annotated[
        bool, typer.Option(help="Accept events missing core fields (eventTime, runId, ...), with warnings.")
    ] = False,
    schema_dir: Annotated[
        Path | None, typer.Option(help="Validate against the OpenLineage JSON Schema in this folder.")
    ] = None,
) -> None:
    """Load OpenLineage RunEvents: jobs and runs, dataset and column lineage with transformation kinds."""
    from loaders.openlineage.config import OpenLineageLoaderConfig
    from loaders.openlineage.source import OpenLineageSource

    source = OpenLineageSource(
        OpenLineageLoaderConfig(path=path, partial_events=partial, schema_dir=schema_dir)
    )
    _run_load(source, None)


@load_app.command("dbt")
def load_dbt(
    manifest: Annotated[
        Path | None,
        typer.Argument(help="target/manifest.json of a dbt project (omit it to load a catalog alone)."),
    ] = None,
    catalog: Annotated[Path | None, typer.Option(help="target/catalog.json: column types.")] = None,
    run_results: Annotated[Path | None, typer.Option(help="target/run_results.json: test status.")] = None,
    platform: Annotated[
        str | None, typer.Option(help="The warehouse platform, if not the adapter's.")
    ] = None,
) -> None:
    """Load a dbt project: sources, models, seeds, snapshots, tests, and model and column lineage."""
    from loaders.dbt.config import DbtLoaderConfig
    from loaders.dbt.source import DbtSource

    with _user_errors():
        config = DbtLoaderConfig(
            manifest=manifest, catalog=catalog, run_results=run_results, platform=platform
        )
    _run_load(DbtSource(config), None)


@load_app.command("sql")
def load_sql(
    url: Annotated[str, typer.Argument(help="A SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db.")],
    schema: Annotated[list[str] | None, typer.Option(help="Load only this schema (repeatable).")] = None,
    profile: Annotated[bool, typer.Option(help="Count rows, nulls, distinct values; min and max.")] = False,
    samples: Annotated[
        bool, typer.Option(help="Store up to 5 sample values per column (personal data: off by default).")
    ] = False,
    platform: Annotated[str | None, typer.Option(help="The platform name, if not the dialect's.")] = None,
) -> None:
    """Load a database's schemas, tables, views, columns, keys and view lineage (SQLite, PostgreSQL, MySQL, DuckDB)."""
    from loaders.sql.config import SqlLoaderConfig
    from loaders.sql.source import SqlSource

    with _user_errors():
        config = SqlLoaderConfig(
            url=url, schemas=schema, profile=profile, sample_values=samples, platform=platform
        )
    _run_load(SqlSource(config), None)


def _run_load(source, total: int | None) -> None:
    """Run a loader with a progress bar over `total` items (None: unknown), print its report,
    and exit 1 when anything failed."""
    from rich.progress import Progress

    from api.wiring import build_writer

    with _user_errors(), _store() as store, Progress(console=err, transient=True) as progress:
        task = progress.add_task("loading", total=total)

        def step(name: str) -> None:
            progress.update(task, advance=1, description=f"loading {Path(name).name}")

        report = source.load(build_writer(state.settings, store), progress=step)
    out.print(report.summary(), highlight=False)
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (DATAGRAPH_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (DATAGRAPH_PORT).")] = None,
) -> None:
    """Serve the graph over HTTP: the GraphQL API at /graphql (GraphiQL in a browser), /healthz, /metrics,
    /stats, a page of graph statistics at /, and POST /api/v1/lineage for OpenLineage emitters."""
    from api.app import create_app
    from api.app import serve as run_server
    from api.wiring import build_writer

    with _user_errors(), _store() as store:
        run_server(
            create_app(store, build_writer(state.settings, store), state.settings),
            host or state.settings.host,
            port or state.settings.port,
        )


@app.command()
def demo(
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Load the sample catalog and stop.")] = False,
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Load the bundled sample retail catalog into the store, then serve it."""
    from api.app import create_app
    from api.app import serve as run_server
    from api.auth import Role
    from api.demo import load_demo, next_steps
    from api.wiring import build_writer

    host, port = host or state.settings.host, port or state.settings.port
    with _user_errors(), _store() as store:
        writer = build_writer(state.settings, store)
        _load_ontology(writer)
        reports = load_demo(writer)
        for report in reports:
            out.print(report.summary(), markup=False, highlight=False)
        out.print(f"sample catalog loaded into {state.settings.store} ({store.count()} triples in the store)")
        out.print(next_steps(f"http://{host}:{port}"))
        if not no_serve:
            settings = state.settings
            if settings.anonymous_role is None:  # the demo is read by whoever opens it
                settings = settings.model_copy(update={"anonymous_role": Role.VIEWER})
            run_server(create_app(store, writer, settings), host, port)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
