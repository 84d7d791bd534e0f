"""Stationed staff see the summonses addressed to them; dispatchers and directors see their centre's."""

import frappe

from zongzhi_center.permissions.case import is_unscoped

MANAGING_ROLES = frozenset({"ZZ Dispatcher", "ZZ Center Director", "ZZ Supervisor"})


def query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	if is_unscoped(user) or set(frappe.get_roles(user)) & MANAGING_ROLES:
		return ""
	return f"`tabZZ Summons`.`staff_user` = {frappe.db.escape(user)}"


def has_permission(
	doc, ptype: str | None = None, user: str | None = None, debug: bool = False
) -> bool | None:
	user = user or frappe.session.user
	if is_unscoped(user) or set(frappe.get_roles(user)) & MANAGING_ROLES:
		return None
	return doc.get("staff_user") == user
