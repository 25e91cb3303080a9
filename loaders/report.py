"""The per-run report every loader returns: what was read, written and skipped, and why."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_ENTRIES = 100  # a report lists this many entries of each kind; the rest are counted


@dataclass
class LoadReport:
    """What one loader run did. Nothing is dropped silently: a skip or a failure is an entry here."""

    source: str
    read: int = 0  # items (files, tables, events, ...) read from the source
    triples_added: int = 0
    triples_removed: int = 0
    graphs: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    omitted: dict[str, int] = field(default_factory=lambda: {"warnings": 0, "failures": 0})

    def warn(self, message: str) -> None:
        self._note(self.warnings, "warnings", message)

    def fail(self, message: str) -> None:
        self._note(self.failures, "failures", message)

    def _note(self, entries: list[str], kind: str, message: str) -> None:
        if message in entries:
            return
        if len(entries) < MAX_ENTRIES:
            entries.append(message)
        else:
            self.omitted[kind] += 1

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        lines = [
            f"{self.source}: {self.read} read, +{self.triples_added} -{self.triples_removed} triples"
            f" in {len(self.graphs)} graph(s)"
        ]
        lines += [f"  warning: {w}" for w in self.warnings]
        lines += [f"  failed: {f}" for f in self.failures]
        lines += [f"  ... and {n} more {kind}" for kind, n in self.omitted.items() if n]
        return "\n".join(lines)
