"""Column-level lineage from SQL against ground truth: the Hive events of ../shared/data/openlineage/.

Each Hive integration event carries the SQL it ran (job.facets.sql.query) and the column lineage
OpenLineage expects for it. loaders.sql_lineage traces the SQL; this prints precision and recall of
the (output column, input column) pairs, and of the dataset-level indirect pairs (filter, join, ...).

Run: .venv/bin/python -m bench.sql_lineage [FOLDER]   (target: precision and recall >= 0.95)
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from loaders.sql_lineage import SqlLineageError, statement_lineages

DEFAULT_FOLDER = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "openlineage" / "hive_expected_events"
)
PLACEHOLDER = "${json-unit"


def _events(folder: Path) -> list[tuple[str, dict]]:
    """(file name, event) of every event with both a SQL query and column lineage on an output."""
    found = []
    for path in sorted(folder.glob("*Complete.json")):  # a Start event repeats its Complete event
        event = json.loads(path.read_text())
        query = event.get("job", {}).get("facets", {}).get("sql", {}).get("query")
        outputs = [o for o in event.get("outputs", []) if "columnLineage" in o.get("facets", {})]
        if not query or not outputs or PLACEHOLDER in query:
            continue
        if PLACEHOLDER in json.dumps([o["facets"]["columnLineage"] for o in outputs]):
            continue
        found.append((path.name, event))
    return found


def _table(name: str) -> str:
    return name.removeprefix("test.")  # the queries run in Hive's `test` database and name tables bare


def _expected(output: dict) -> tuple[set, set]:
    facet = output["facets"]["columnLineage"]
    direct = {
        (column.lower(), _table(f["name"]), f["field"].lower())
        for column, spec in facet["fields"].items()
        for f in spec["inputFields"]
    }
    indirect = {(_table(f["name"]), f["field"].lower()) for f in facet.get("dataset", [])}
    return direct, indirect


def _score(got: set, expected: set) -> tuple[int, int, int]:
    return len(got & expected), len(got), len(expected)


@dataclass
class Evaluation:
    events: int
    direct: list[int]  # true positives, found, expected
    indirect: list[int]
    untraced_expected: int  # expected direct pairs of outputs that could not be traced
    unsupported: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.direct[0] / self.direct[1]

    @property
    def recall(self) -> float:
        return self.direct[0] / self.direct[2]

    @property
    def recall_all(self) -> float:
        """Recall counting the outputs that could not be traced at all as misses."""
        return self.direct[0] / (self.direct[2] + self.untraced_expected)

    @property
    def indirect_precision(self) -> float:
        return self.indirect[0] / self.indirect[1]

    @property
    def indirect_recall(self) -> float:
        return self.indirect[0] / self.indirect[2]


def evaluate(folder: Path = DEFAULT_FOLDER) -> Evaluation:
    events = _events(folder)
    direct = [0, 0, 0]  # true positives, found, expected
    indirect = [0, 0, 0]
    unsupported: list[str] = []
    untraced_expected = 0
    for name, event in events:
        query = event["job"]["facets"]["sql"]["query"]
        schema = {
            _table(i["name"]): {f["name"]: f.get("type", "string") for f in i["facets"]["schema"]["fields"]}
            for i in event.get("inputs", [])
            if "schema" in i.get("facets", {})
        }
        outputs = [o for o in event["outputs"] if "columnLineage" in o["facets"]]
        written = {
            _table(o["name"]): [f["name"] for f in o["facets"].get("schema", {}).get("fields", [])]
            for o in outputs
        }
        try:
            results = {r.target: r for r in statement_lineages(query, "hive", schema, written)}
        except SqlLineageError as e:
            unsupported.append(f"{name}: {e}")
            results = {}
        for output in outputs:
            expected_direct, expected_indirect = _expected(output)
            result = results.get(_table(output["name"]))
            if result is None:
                untraced_expected += len(expected_direct)
                continue
            got_direct = {
                (out.lower(), table.lower(), column.lower()) for out, table, column in result.pairs()
            }
            got_indirect = {(s.table.lower(), s.column.lower()) for s in result.indirect}
            for total, part in (
                (direct, _score(got_direct, expected_direct)),
                (indirect, _score(got_indirect, expected_indirect)),
            ):
                for i, n in enumerate(part):
                    total[i] += n
    return Evaluation(len(events), direct, indirect, untraced_expected, unsupported)


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_FOLDER
    if not folder.is_dir():
        sys.exit(f"no such folder: {folder} (the Hive events of ../shared/data/openlineage/)")
    e = evaluate(folder)
    mark = "PASS" if e.precision >= 0.95 and e.recall_all >= 0.95 else "MISS"
    print(f"hive column lineage over {e.events} events ({len(e.unsupported)} statements not traced)")
    print(
        f"  direct (output column, input column): precision {e.precision:.3f}, recall {e.recall:.3f}"
        f" ({e.direct[0]} of {e.direct[1]} found, {e.direct[2]} expected of traced outputs)"
    )
    print(
        f"  recall over every expected pair ({e.direct[2] + e.untraced_expected}, untraced outputs as misses):"
        f" {e.recall_all:.3f}  target precision and recall >= 0.95: {mark}"
    )
    print(
        f"  indirect (dataset-level) pairs: precision {e.indirect_precision:.3f},"
        f" recall {e.indirect_recall:.3f} ({e.indirect[0]} of {e.indirect[1]} found, {e.indirect[2]} expected)"
    )
    for line in e.unsupported:
        print(f"  not traced: {line}")


if __name__ == "__main__":
    main()
