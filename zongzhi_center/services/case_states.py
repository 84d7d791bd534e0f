"""Which states of the case workflow are closed, read from the active ZZ Case workflow (an administrator's
edits count): closed cases can become typical cases; open ones go on a risk meeting's agenda."""

from __future__ import annotations

import frappe
from frappe.model.workflow import get_workflow_name

from zongzhi_center.engine.workflow import closed_states
from zongzhi_center.services import workflow_names as wn

# without an active workflow (a site being set up), the shipped workflow's closed states
SHIPPED_CLOSED = ("closed", "archived", "not_accepted")


def closed_case_states() -> frozenset[str]:
	name = get_workflow_name("ZZ Case")
	if not name:
		return frozenset(wn.states(*SHIPPED_CLOSED))
	workflow = frappe.get_cached_doc("Workflow", name)
	# worked out once a request for the workflow as it is (a case form asks three times as it opens)
	key = (name, str(workflow.modified))
	known = getattr(frappe.local, "zz_closed_case_states", None)
	if known and known[0] == key:
		return known[1]
	closed = frozenset(
		closed_states(
			[row.state for row in workflow.states],
			[(row.state, row.next_state) for row in workflow.transitions if not grace_reopening(row)],
		)
	)
	frappe.local.zz_closed_case_states = (key, closed)
	return closed


def grace_reopening(transition) -> bool:
	"""Reopening a closed case within its grace period (ZZ Settings) is an exception to its being closed,
	not a way on: a closed case stays off the risk meetings' agendas and may become a typical case."""
	return transition.state == wn.state("closed") and transition.action == wn.action("reopen")
