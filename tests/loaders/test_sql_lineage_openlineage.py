"""Column lineage of the Hive integration's SQL, compared with the lineage OpenLineage expects for it."""

from __future__ import annotations

import json
from pathlib import Path

from loaders.sql_lineage import SqlLineageError, column_lineage
from tests.conftest import shared_data

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


def test_hive_column_lineage_matches_openlineage(capsys):
    events = _events(shared_data("openlineage/hive_expected_events"))
    direct = [0, 0, 0]  # true positives, found, expected
    indirect = [0, 0, 0]
    unsupported: list[str] = []
    untraced_expected = (
        0  # expected direct pairs of outputs whose statement is not a query (LOAD, EXPORT, ...)
    )
    for name, event in events:
        query = event["job"]["facets"]["sql"]["query"]
        schema = {
            _table(i["name"]): {f["name"]: f.get("type", "string") for f in i["facets"]["schema"]["fields"]}
            for i in event.get("inputs", [])
            if "schema" in i.get("facets", {})
        }
        outputs = [o for o in event["outputs"] if "columnLineage" in o["facets"]]
        for output in outputs:
            expected_direct, expected_indirect = _expected(output)
            fields = [f["name"] for f in output["facets"].get("schema", {}).get("fields", [])]
            is_insert = query.lstrip().lower().startswith("insert")
            try:
                result = column_lineage(query, "hive", schema, output_columns=fields if is_insert else None)
            except SqlLineageError as e:
                unsupported.append(f"{name}: {e}")
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
    precision, recall = direct[0] / direct[1], direct[0] / direct[2]
    ind_precision, ind_recall = indirect[0] / indirect[1], indirect[0] / indirect[2]
    with capsys.disabled():
        print(
            f"\nhive column lineage over {len(events)} events ({len(unsupported)} outputs not SELECT-based):"
            f"\n  direct (output column, input column): precision {precision:.3f}, recall {recall:.3f}"
            f" ({direct[0]} of {direct[1]} found, {direct[2]} expected)"
            f"\n  recall counting the untraced outputs too: {direct[0] / (direct[2] + untraced_expected):.3f}"
            f"\n  indirect (dataset-level) pairs: precision {ind_precision:.3f}, recall {ind_recall:.3f}"
            f" ({indirect[0]} of {indirect[1]} found, {indirect[2]} expected)"
        )
        for line in unsupported:
            print(f"  not traced: {line}")
    assert precision >= 0.95 and recall >= 0.95
    assert ind_precision >= 0.9 and ind_recall >= 0.9
