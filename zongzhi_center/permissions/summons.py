"""Stationed staff see the summonses addressed to them; dispatchers and directors see those of the cases they
may read (a summons has no centre of its own: its case's centre, department and shares decide)."""

import frappe

from zongzhi_center.permissions.case import is_unscoped
from zongzhi_center.services import workflow_names as wn

MANAGING_ROLES = frozenset({wn.DISPATCHER, wn.CENTER_DIRECTOR, wn.SUPERVISOR})


def query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	if is_unscoped(user):
		return ""
	own = f"`tabZZ Summons`.`staff_user` = {frappe.db.escape(user)}"
	if not set(frappe.get_roles(user)) & MANAGING_ROLES:
		return own
	# a subquery, not a list of names: the list stays one query however many cases the user may read
	visible_cases = frappe.get_list(
		"ZZ Case", fields=["`tabZZ Case`.`name`"], user=user, limit_page_length=0, order_by=None, run=False
	)
	return f"({own} or `tabZZ Summons`.`case` in ({visible_cases}))"


def has_permission(
	doc, ptype: str | None = None, user: str | None = None, debug: bool = False
) -> bool | None:
	user = user or frappe.session.user
	if is_unscoped(user) or doc.get("staff_user") == user:
		return None
	if not set(frappe.get_roles(user)) & MANAGING_ROLES:
		return False
	if not doc.get("case"):
		return None if ptype == "create" else False  # a new summons: its case is checked once chosen
	return frappe.has_permission("ZZ Case", "read", doc=doc.case, user=user)
