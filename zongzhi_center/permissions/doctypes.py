"""What a user may do with a DocType as a whole, answered as Frappe answers it, without its explanation."""

import frappe
from frappe.permissions import get_role_permissions

# the permissions a shared record may give (Frappe's has_permission, false_if_not_shared)
SHAREABLE = ("read", "write", "share", "submit", "email", "print")


def doctype_permission(doctype: str, ptype: str) -> bool:
	"""``frappe.has_permission(doctype, ptype)``, the DocType as a whole, as Frappe answers it: by the user's
	roles, else (for what a share gives) by a record of it shared with them. The roles are read first: Frappe's
	own check writes out why it refuses, in the user's language, which loads every translation of the site, a
	noticeable part of a form's opening for an answer that is only a yes or no."""
	if frappe.session.user == "Administrator" or get_role_permissions(doctype).get(ptype):
		return True
	if ptype not in SHAREABLE:
		return False  # not given by a share either
	return bool(frappe.has_permission(doctype, ptype))
