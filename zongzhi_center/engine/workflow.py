"""Which states of a workflow are closed: read from its transitions, so an administrator's edits count."""

from __future__ import annotations

from collections.abc import Iterable


def closed_states(states: Iterable[str], transitions: Iterable[tuple[str, str]]) -> set[str]:
	"""States a case cannot leave for an open one: those with no way out, and those whose every way out
	leads to a closed state (e.g. Closed → Archived). A state on a cycle back to work (Follow-up → reopen)
	stays open."""
	moves: dict[str, set[str]] = {state: set() for state in states}
	for source, target in transitions:
		moves.setdefault(source, set()).add(target)
		moves.setdefault(target, set())
	closed = {state for state, targets in moves.items() if not targets}
	changed = True
	while changed:
		changed = False
		for state, targets in moves.items():
			if state not in closed and targets <= closed:
				closed.add(state)
				changed = True
	return closed
