"""Risk assessment meetings belong to a centre: its User Permission (Frappe's, on the meeting's centre link)
scopes them to the user's centre and the centres above it. Like cases, a user with a centre role but no
centre sees none (fail closed)."""

import frappe

from zongzhi_center.permissions.case import NO_ROWS, access_scope
from zongzhi_center.permissions.centers import allowed_centers


def query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	scope = access_scope(user)
	if scope == "all" or (scope == "center" and allowed_centers(user)):
		return ""
	return NO_ROWS


def has_permission(
	doc, ptype: str | None = None, user: str | None = None, debug: bool = False
) -> bool | None:
	user = user or frappe.session.user
	scope = access_scope(user)
	if scope == "all" or (scope == "center" and allowed_centers(user)):
		return None
	return False
