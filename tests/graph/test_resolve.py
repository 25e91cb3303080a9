"""Finding what a person names: close names for an unknown one, from the store or from a list given."""

from __future__ import annotations

import pytest

from api.sample.retail import sample_changeset
from graph import vocab as v
from graph.iris import IriMinter
from graph.resolve import UnknownEntity, close_names, resolve
from graph.stores.oxigraph.store import OxigraphStore
from graph.write import GraphWriter


class _Watched(OxigraphStore):
    """An Oxigraph store that records the patterns it is asked for."""

    def __init__(self, *args, **kwargs) -> None:
        self.patterns: list[tuple] = []
        super().__init__(*args, **kwargs)

    def quads(self, subject=None, predicate=None, object=None, graph=None):
        self.patterns.append((subject, predicate, object))
        return super().quads(subject, predicate, object, graph)


@pytest.fixture
def store(tmp_path):
    store = _Watched(tmp_path / "store")
    GraphWriter(store, IriMinter()).commit(sample_changeset(IriMinter()))
    store.patterns = []
    yield store
    store.close()


def test_a_known_name_and_an_unknown_one(store):
    found = resolve(store, "retail.marts.fct_orders")
    assert next(store.quads(found, v.DCTERMS.identifier, None)).object.value == "retail.marts.fct_orders"
    with pytest.raises(UnknownEntity, match=r"did you mean retail\.marts\.fct_orders"):
        resolve(store, "retail.marts.fct_order")


def test_close_names_come_from_the_identifiers_given_without_reading_every_name(store):
    with pytest.raises(UnknownEntity, match=r"did you mean retail\.marts\.fct_orders\?$"):
        resolve(store, "retail.marts.fct_order", identifiers=lambda: ["retail.marts.fct_orders", "zzz"])
    assert (None, v.DCTERMS.identifier, None) not in store.patterns


def test_close_names_best_first_ties_by_name_then_containing_ones():
    names = ["shop.orders_b", "shop.orders_a", "shop.orders", "warehouse.t1"]
    assert close_names("shop.order", names) == ["shop.orders", "shop.orders_a", "shop.orders_b"]
    assert close_names("shop.order", names, n=1) == ["shop.orders"]
    # nothing spelled alike: those containing the text, case ignored
    assert close_names("T1", ["a.very.long.prefix.warehouse.t1", "other"]) == [
        "a.very.long.prefix.warehouse.t1"
    ]
    assert close_names("nothing like it", names) == []
