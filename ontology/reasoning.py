"""Classify an OWL ontology in Turtle with HermiT (through owlready2) and report consistency."""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import rdflib
from rdflib.namespace import OWL

from ontology import core_ontology_path

if TYPE_CHECKING:
    import owlready2

__all__ = ["OntologyCheck", "check_ontology"]

_OWL_THING = "http://www.w3.org/2002/07/owl#Thing"
_OWL_NOTHING = "http://www.w3.org/2002/07/owl#Nothing"


@dataclass(frozen=True)
class OntologyCheck:
    """What HermiT concluded about an ontology.

    `classes` counts the named classes declared (the reused standard ones included);
    `inferred_subclasses` holds the (sub, super) pairs between named classes that HermiT
    entails but the asserted class hierarchy does not; `unsatisfiable` the named classes
    equivalent to owl:Nothing. An inconsistent ontology has no classification, so both are
    empty when `consistent` is False.
    """

    consistent: bool
    classes: int
    inferred_subclasses: list[tuple[str, str]]
    unsatisfiable: list[str]


def _require_java() -> None:
    import owlready2

    if shutil.which(owlready2.JAVA_EXE) is None:
        raise RuntimeError(
            f"The HermiT reasoner needs a Java runtime, and {owlready2.JAVA_EXE!r} was not found on PATH; "
            "install a JRE (Java 11 or later) or set owlready2.JAVA_EXE to the java executable."
        )


def _ancestors(world: owlready2.World) -> dict[str, set[str]]:
    """Each named class of `world` with the IRIs of its named ancestors (itself excluded)."""
    closure: dict[str, set[str]] = {}
    for cls in world.classes():
        closure[cls.iri] = {a.iri for a in cls.ancestors(include_self=False)} - {_OWL_THING}
    return closure


def check_ontology(
    path: str | Path | None = None, *, ignore_unsupported_datatypes: bool = False
) -> OntologyCheck:
    """Load the Turtle ontology at `path` (default: the core ontology) and classify it with HermiT.

    The file is parsed with rdflib and handed to owlready2 as N-Triples in a fresh World, so
    owlready2's default world is left alone. Its owl:imports statements are dropped, so nothing
    is fetched: merge what an ontology imports into the file to reason over it.
    `ignore_unsupported_datatypes` lets HermiT skip axioms on datatypes outside the OWL 2
    datatype map (xsd:duration in DCAT 3, for one) instead of failing. Raises RuntimeError
    when no Java runtime is available. (owlready2 0.51 leaves its N-Triples copy of the world
    in the temp directory when HermiT fails, as it does on an inconsistent ontology.)
    """
    import owlready2

    _require_java()
    source = Path(path) if path is not None else core_ontology_path()
    graph = rdflib.Graph()
    graph.parse(source, format="turtle")
    graph.remove((None, OWL.imports, None))
    data = graph.serialize(format="nt", encoding="utf-8")

    world = owlready2.World()
    try:
        ontology = world.get_ontology(source.resolve().as_uri())
        ontology.load(only_local=True, fileobj=io.BytesIO(data), format="ntriples")
        classes = sum(1 for _ in world.classes())
        before = _ancestors(world)
        try:
            owlready2.sync_reasoner_hermit(
                world,
                infer_property_values=False,
                debug=0,
                ignore_unsupported_datatypes=ignore_unsupported_datatypes,
            )
        except owlready2.OwlReadyInconsistentOntologyError:
            return OntologyCheck(consistent=False, classes=classes, inferred_subclasses=[], unsatisfiable=[])
        after = _ancestors(world)
        inferred = sorted(
            (sub, sup) for sub, sups in after.items() for sup in sups - before.get(sub, set()) if sup != sub
        )
        unsatisfiable = sorted(
            cls.iri for cls in world.inconsistent_classes() if cls is not None and cls.iri != _OWL_NOTHING
        )
        return OntologyCheck(
            consistent=True, classes=classes, inferred_subclasses=inferred, unsatisfiable=unsatisfiable
        )
    finally:
        world.close()
