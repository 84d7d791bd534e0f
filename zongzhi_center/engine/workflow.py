"""Which states of a workflow are closed: read from its transitions, so an administrator's edits count."""

from __future__ import annotations

from collections.abc import Iterable

# the states and actions the app relies on: meaning → the name the shipped workflow gives it
# (zongzhi_center/zongzhi_center/workflow/zz_case_workflow). The live names are looked up through
# services/workflow_names.py, since an administrator may rename them.
SHIPPED_STATES: dict[str, str] = {
	"registered": "Registered",
	"accepted": "Accepted",
	"handed_over": "Handed Over",
	"routed": "Routed",
	"in_mediation": "In Mediation",
	"in_consultation": "In Consultation",
	"awaiting_party": "Awaiting Party",
	"resolved": "Resolved",
	"unresolved": "Unresolved",
	"referred_to_court": "Referred to Court",
	"follow_up": "Follow-up",
	"closed": "Closed",
	"archived": "Archived",
	"not_accepted": "Not Accepted",
}

SHIPPED_ACTIONS: dict[str, str] = {
	"accept": "Accept Case",
	"decline": "Decline Case",
	"route": "Route Case",
	"start_mediation": "Start Mediation",
	"return_case": "Return Case",
	"request_consultation": "Request Consultation",
	"resume_mediation": "Resume Mediation",
	"mark_resolved": "Mark Resolved",
	"mark_unresolved": "Mark Unresolved",
	"refer_to_court": "Refer to Court",
	"start_follow_up": "Start Follow-up",
	"close": "Close Case",
	"reopen": "Reopen Case",
	"archive": "Archive Case",
	"wait_for_party": "Wait for Party",
	"escalate": "Escalate Case",
	"send_down": "Send Down Case",
	"handle_at_once": "Handle at Once",
	# 当场办结: a simple matter registered, answered and closed at the window in one step
	"resolve_on_the_spot": "Resolve on the Spot",
}


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
