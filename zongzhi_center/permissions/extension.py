"""Who reads an extension request (延期): whoever may read its case. The request has its case's centre for
Frappe's User Permissions, but department handlers have none: the case decides, as for summonses."""

import frappe

from zongzhi_center.permissions.case import is_unscoped


def query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	if is_unscoped(user):
		return ""
	# a subquery, not a list of names: the list stays one query however many cases the user may read
	visible_cases = frappe.get_list(
		"ZZ Case", fields=["`tabZZ Case`.`name`"], user=user, limit_page_length=0, order_by=None, run=False
	)
	return f"`tabZZ Deadline Extension`.`case` in ({visible_cases})"


def has_permission(
	doc, ptype: str | None = None, user: str | None = None, debug: bool = False
) -> bool | None:
	user = user or frappe.session.user
	if is_unscoped(user):
		return None
	if not doc.get("case"):
		return None if ptype == "create" else False  # a new request: its case is checked once chosen
	return None if frappe.has_permission("ZZ Case", "read", doc=doc.case, user=user) else False
