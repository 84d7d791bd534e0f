"""排查线索 are centre records: the User Permission on ZZ Center applies through the lead's centre, as on
cases. A user with a centre role but no centre sees none (fail closed, as for cases)."""

import frappe

from zongzhi_center.permissions.case import NO_ROWS, access_scope
from zongzhi_center.permissions.centers import allowed_centers


def query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	return NO_ROWS if without_center(user) else ""


def has_permission(
	doc, ptype: str | None = None, user: str | None = None, debug: bool = False
) -> bool | None:
	return False if without_center(user or frappe.session.user) else None


def without_center(user: str) -> bool:
	return access_scope(user) == "center" and not allowed_centers(user)
