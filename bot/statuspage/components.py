"""Finding components by what people call them: a name in any case, a unique part of a name,
or an id. Used by ``subscribe NAME`` and by the ``COMPONENTS`` setting. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.statuspage.models import Component


@dataclass(frozen=True)
class Unresolved:
    """A name that names no component, or several."""

    name: str
    candidates: tuple[str, ...]

    def explain(self, components: Sequence[Component]) -> str:
        if self.candidates:
            return f"{self.name[:60]!r} matches several components: {'; '.join(self.candidates)}."
        known = "; ".join(c.name for c in components) or "none known yet"
        return f"{self.name[:60]!r} is not a component. Components: {known}."


def resolve(
    names: Sequence[str], components: Sequence[Component]
) -> tuple[list[Component], list[Unresolved]]:
    found: list[Component] = []
    missing: list[Unresolved] = []
    for raw in names:
        wanted = raw.strip().lower()
        exact = [c for c in components if wanted in (c.name.lower(), c.id.lower())]
        matches = exact or [c for c in components if wanted and wanted in c.name.lower()]
        if len(matches) == 1:
            if matches[0] not in found:
                found.append(matches[0])
        else:
            missing.append(Unresolved(raw, tuple(c.name for c in matches)))
    return found, missing


def ids_for(names: Sequence[str], components: Sequence[Component]) -> frozenset[str]:
    """The ids of the components ``names`` resolve to; names that do not resolve are left out
    (``config`` and the start-up log say which)."""
    found, _ = resolve(names, components)
    return frozenset(c.id for c in found)
