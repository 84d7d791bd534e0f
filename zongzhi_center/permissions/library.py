"""Library items: published ones are read by every staff role (the DocType's permissions), drafts and
cancelled ones only by users of the author's centre and the centres above it. Writing, publishing and
cancelling are the item's centre's business, whatever the item's state.

The item's centre link ignores User Permissions (else a published item would be hidden outside its centre);
these hooks scope what Frappe's User Permissions would have."""

import frappe

from zongzhi_center.permissions.case import is_unscoped
from zongzhi_center.permissions.centers import allowed_centers

READ_PTYPES = frozenset({"read", "print", "report", "export", "email"})


def query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	if is_unscoped(user):
		return ""
	published = "`tabZZ Library Item`.`docstatus` = 1"
	centers = allowed_centers(user)
	if not centers:
		return published
	values = ", ".join(frappe.db.escape(c) for c in sorted(centers))
	return f"({published} or `tabZZ Library Item`.`center` in ({values}))"


def has_permission(
	doc, ptype: str | None = None, user: str | None = None, debug: bool = False
) -> bool | None:
	user = user or frappe.session.user
	if is_unscoped(user):
		return None
	if doc.docstatus == 1 and (ptype or "read") in READ_PTYPES:
		return None
	if not doc.get("center") and ptype == "create":
		return None  # set from the user's centre as it is saved, and checked there
	return None if doc.get("center") in (allowed_centers(user) or ()) else False
