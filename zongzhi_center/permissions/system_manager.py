"""A user becomes System Manager only when an administrator gives the role.

Frappe gives System Manager to any system user saved while no user but Administrator holds it ("there must be
at least one System Manager"). On a centre's site the administrator is Administrator; the first director or
clerk saved — even by editing their own profile — would bypass every centre and department rule. The role
Frappe adds on its own is taken back in the same save; a role an administrator gives (on the form, in the
user's roles, by a role profile) is kept.
"""

import frappe
from frappe import _

ROLE = "System Manager"


def remember_roles(doc, method=None):
	"""before_validate of User: the roles as given, before Frappe's validate adds any."""
	doc.flags.zz_roles_given = {row.role for row in doc.get("roles") or []}


def keep_roles_as_given(doc, method=None):
	"""validate of User: drop the System Manager role Frappe added on its own."""
	given = doc.flags.zz_roles_given
	if doc.name in frappe.STANDARD_USERS or doc.role_profile_name or given is None or ROLE in given:
		return
	if not any(row.role == ROLE for row in doc.get("roles") or []):
		return
	doc.set("roles", [row for row in doc.roles if row.role != ROLE])
	notice = _("Adding System Manager to this User as there must be atleast one System Manager")
	frappe.local.message_log = [
		m
		for m in frappe.local.message_log
		if notice not in str(m.get("message") if isinstance(m, dict) else m)
	]
