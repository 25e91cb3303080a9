"""Column lineage of the Hive integration's SQL, compared with the lineage OpenLineage expects for it."""

from bench.sql_lineage import evaluate
from tests.conftest import shared_data


def test_hive_column_lineage_matches_openlineage():
    e = evaluate(shared_data("openlineage/hive_expected_events"))
    assert e.events >= 20
    assert e.precision >= 0.95 and e.recall_all >= 0.95  # every expected pair, LOAD/EXPORT included
    assert not e.unsupported
    assert e.indirect_precision >= 0.9 and e.indirect_recall >= 0.9
