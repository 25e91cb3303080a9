"""RDF/XML whose entities expand without bound is refused before it is parsed, through the real CLI."""

import json
import time
from pathlib import Path

import pytest

from tests.api.test_cli import run

RDF = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://ex/"'


def billion_laughs() -> str:
    """957 bytes that expand to a 3,000,000,000-character literal."""
    levels = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n{chr(10).join(levels)}\n]>\n'
        f'<rdf:RDF {RDF}><rdf:Description rdf:about="http://ex/s"><ex:p>&lol9;</ex:p>'
        "</rdf:Description></rdf:RDF>\n"
    )


def quadratic_blowup() -> str:
    """One 100,000-character entity used 2,000 times: 200 MB from a 300 KB file."""
    uses = "&big;" * 2000
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY big "{"x" * 100_000}">]>\n'
        f'<rdf:RDF {RDF}><rdf:Description rdf:about="http://ex/s"><ex:p>{uses}</ex:p>'
        "</rdf:Description></rdf:RDF>\n"
    )


def self_reference() -> str:
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY a "x&b;"><!ENTITY b "y&a;">]>\n'
        f'<rdf:RDF {RDF}><rdf:Description rdf:about="http://ex/s"><ex:p>&a;</ex:p>'
        "</rdf:Description></rdf:RDF>\n"
    )


@pytest.mark.parametrize("content", [billion_laughs, quadratic_blowup, self_reference])
@pytest.mark.parametrize("command", [["import"], ["load", "rdf"]])
def test_an_entity_bomb_is_refused_and_nothing_is_stored(tmp_path, content, command):
    store = tmp_path / "store"
    bomb = tmp_path / "bomb.rdf"
    bomb.write_text(content())
    started = time.perf_counter()
    done = run(store, *command, str(bomb))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "entit" in (done.stdout + done.stderr) and "Traceback" not in done.stderr
    assert time.perf_counter() - started < 30
    stats = run(store, "stats", "--json")
    graphs = json.loads(stats.stdout)["graphs"] if stats.returncode == 0 else {}
    assert not any("bomb" in g for g in graphs)


def test_owl_namespace_entities_still_load(tmp_path: Path):
    """What Protege writes: entities as namespace shorthands, used over and over."""
    classes = "".join(f'<owl:Class rdf:about="&ex;C{i}"/>' for i in range(2000))
    owl = tmp_path / "shapes.owl"
    owl.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY ex "http://ex/onto#">'
        '<!ENTITY owl "http://www.w3.org/2002/07/owl#">]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        f'xmlns:owl="&owl;">{classes}</rdf:RDF>\n'
    )
    done = run(tmp_path / "store", "import", str(owl))
    assert done.returncode == 0, done.stderr
    assert "2000 triples read" in done.stdout
