"""Who reads the app's records around a case: agreements, sessions, visits, notices, attendance and
the stationed staff directory.

These DocTypes link to ZZ Center, so Frappe's User Permission on the user's centre scopes them (the centre and
every one below) on every path. Frappe applies User Permissions only to users who have one, though: a user
with a centre role but no centre would read every centre's records. As for cases, such a user sees none
(fail closed).

The staff directory holds staff phones. Department handlers and integration keys have no centre; they see
the staff their departments station, and their own record.
"""

import frappe

from zongzhi_center.permissions.case import NO_ROWS, access_scope, handler_departments
from zongzhi_center.permissions.centers import allowed_centers


def without_center(user: str) -> bool:
	return access_scope(user) == "center" and not allowed_centers(user)


def center_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	return NO_ROWS if without_center(user or frappe.session.user) else ""


def center_has_permission(
	doc, ptype: str | None = None, user: str | None = None, debug: bool = False
) -> bool | None:
	return False if without_center(user or frappe.session.user) else None


def staff_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	scope = access_scope(user)
	if scope == "all":
		return ""
	if scope == "center":
		return "" if allowed_centers(user) else NO_ROWS
	own = f"`tabZZ Stationed Staff`.`user` = {frappe.db.escape(user)}"
	departments = handler_departments(user) if scope == "department" else []
	if not departments:
		return own
	values = ", ".join(frappe.db.escape(d) for d in departments)
	return f"({own} or `tabZZ Stationed Staff`.`department` in ({values}))"


def staff_has_permission(
	doc, ptype: str | None = None, user: str | None = None, debug: bool = False
) -> bool | None:
	user = user or frappe.session.user
	scope = access_scope(user)
	if scope == "all":
		return None
	if scope == "center":
		return None if allowed_centers(user) else False
	if doc.get("user") == user:
		return None
	if scope == "department" and doc.get("department") in handler_departments(user):
		return None
	return False
