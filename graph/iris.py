"""Deterministic IRIs for catalog entities, minted from their natural keys.

The same table ingested twice, by any loader, gets the same IRI: every part of
the natural key is percent-encoded into the path under one base IRI, so no
part can smuggle in a '/' and two different keys never share an IRI.

>>> iris = IriMinter("http://datagraph.localhost/id/")
>>> iris.dataset("postgres", "shop", "public", "order items").value
'http://datagraph.localhost/id/dataset/postgres/shop/public/order%20items'
>>> iris.column(iris.dataset("postgres", "shop", "public", "orders"), "total").value
'http://datagraph.localhost/id/column/postgres/shop/public/orders/total'
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote, unquote

from pyoxigraph import NamedNode

DEFAULT_BASE_IRI = "http://datagraph.localhost/id/"


def encode(part: str) -> str:
    """Percent-encode one key part so that it is a single path segment."""
    if part == "":
        raise ValueError("an IRI key part may not be empty")
    return quote(part, safe="-._~")


class IriMinter:
    """Mints entity and named-graph IRIs under one base IRI."""

    def __init__(self, base: str = DEFAULT_BASE_IRI) -> None:
        if not base.endswith(("/", "#")):
            base += "/"
        NamedNode(base)  # raises ValueError on an invalid base
        self.base = base

    def _mint(self, kind: str, *parts: str) -> NamedNode:
        return NamedNode(self.base + kind + "/" + "/".join(encode(p) for p in parts))

    def platform(self, platform: str) -> NamedNode:
        return self._mint("platform", platform.lower())

    def database(self, platform: str, database: str) -> NamedNode:
        return self._mint("database", platform.lower(), database)

    def schema(self, platform: str, database: str, schema: str) -> NamedNode:
        return self._mint("schema", platform.lower(), database, schema)

    def dataset(self, platform: str, *name: str) -> NamedNode:
        """A dataset by platform and its qualified name parts (database, schema, table; or a path)."""
        if not name:
            raise ValueError("a dataset IRI needs at least one name part after the platform")
        return self._mint("dataset", platform.lower(), *name)

    def column(self, dataset: NamedNode, column: str) -> NamedNode:
        prefix = self.base + "dataset/"
        if not dataset.value.startswith(prefix):
            raise ValueError(f"{dataset.value} is not a dataset IRI under {self.base}")
        return NamedNode(self.base + "column/" + dataset.value[len(prefix) :] + "/" + encode(column))

    def dataset_of_column(self, column: NamedNode) -> NamedNode:
        """The dataset a column IRI minted here belongs to."""
        prefix = self.base + "column/"
        if not column.value.startswith(prefix):
            raise ValueError(f"{column.value} is not a column IRI under {self.base}")
        path = column.value[len(prefix) :]
        return NamedNode(self.base + "dataset/" + path.rsplit("/", 1)[0])

    def lineage(self, downstream: NamedNode, upstream: NamedNode) -> NamedNode:
        """The qualified-derivation node of one lineage edge (a hash: both keys are long)."""
        digest = hashlib.sha256(f"{downstream.value}\n{upstream.value}".encode()).hexdigest()[:24]
        return NamedNode(f"{self.base}lineage/{digest}")

    def person(self, key: str) -> NamedNode:
        return self._mint("person", key.lower())

    def team(self, name: str) -> NamedNode:
        return self._mint("team", name)

    def tag(self, name: str) -> NamedNode:
        return self._mint("tag", name)

    def glossary(self, name: str) -> NamedNode:
        return self._mint("glossary", name)

    def concept(self, glossary: str, name: str) -> NamedNode:
        return self._mint("concept", glossary, name)

    def policy(self, name: str) -> NamedNode:
        return self._mint("policy", name)

    def role(self, name: str) -> NamedNode:
        """A caller role (viewer, steward, admin, or one named in a policy, e.g. analyst)."""
        return self._mint("role", name)

    def check(self, tool: str, key: str) -> NamedNode:
        """A data-quality check, keyed by the tool that defines it and its id there."""
        return self._mint("check", tool, key)

    def job(self, namespace: str, name: str) -> NamedNode:
        return self._mint("job", namespace, name)

    def run(self, run_id: str) -> NamedNode:
        return self._mint("run", run_id)

    def change(self, change_id: str) -> NamedNode:
        return self._mint("change", change_id)

    def source_graph(self, source: str) -> NamedNode:
        """The named graph holding everything one source (or loader run scope) asserted."""
        return self._mint("graph", "source", source)

    def user_graph(self) -> NamedNode:
        """The named graph of edits made by people through the API or CLI."""
        return NamedNode(self.base + "graph/user")

    def model_graph(self, model: str) -> NamedNode:
        """The named graph of one model's suggestions (mapper, GNN, agent)."""
        return self._mint("graph", "model", model)

    def audit_graph(self) -> NamedNode:
        """The named graph of the PROV records of committed changes."""
        return NamedNode(self.base + "graph/audit")

    def reserved_graph(self, graph: NamedNode) -> str | None:
        """What a reserved graph holds (its own writer alone may change it), or None for any other graph."""
        if graph == self.audit_graph():
            return "the audit record of every change"
        if graph == self.user_graph():
            return "the edits people made through the API"
        if graph.value.startswith(self.base + "graph/model/"):
            return "a model's suggestions"
        return None

    def is_minted_graph(self, graph: NamedNode) -> bool:
        """Whether datagraph named this graph (a source's, a model's, the user edits', the audit's)."""
        return graph.value.startswith(self.base + "graph/")

    def key_of(self, iri: NamedNode) -> tuple[str, ...]:
        """The kind and decoded key parts of an IRI minted here, e.g. ('dataset', 'postgres', ...)."""
        if not iri.value.startswith(self.base):
            raise ValueError(f"{iri.value} was not minted under {self.base}")
        kind, *parts = iri.value[len(self.base) :].split("/")
        return (kind, *(unquote(p) for p in parts))
