"""Department handlers see the consultations their departments are summoned to (and, through shares,
those consultations' cases while they are open). Centre staff see their centres' consultations by the
User Permission on the convening centre; centre staff without a centre see none (fail closed, as for cases)."""

import frappe

from zongzhi_center.permissions.case import NO_ROWS, access_scope, handler_departments
from zongzhi_center.permissions.records import without_center


def query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	if without_center(user):
		return NO_ROWS
	if access_scope(user) != "department":
		return ""
	departments = handler_departments(user)
	if not departments:
		return NO_ROWS
	values = ", ".join(frappe.db.escape(d) for d in departments)
	return (
		"`tabZZ Consultation`.`name` in (select `parent` from `tabZZ Consultation Department` "
		f"where `parenttype` = 'ZZ Consultation' and `department` in ({values}))"
	)


def has_permission(
	doc, ptype: str | None = None, user: str | None = None, debug: bool = False
) -> bool | None:
	user = user or frappe.session.user
	if without_center(user):
		return False
	if access_scope(user) != "department":
		return None
	mine = set(handler_departments(user))
	return any(row.department in mine for row in doc.departments)
