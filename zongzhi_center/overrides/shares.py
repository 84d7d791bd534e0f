"""Frappe's `frappe.share.get_shared`, in one plain query where it asks only for rights.

Frappe asks which records of a DocType are shared with the user on every list, count and report of a DocType
the user reaches through User Permissions — every case list a clerk opens — and builds that question each time
through `frappe.get_all` (a DatabaseQuery with its filters, or-filters and permission checks for DocShare): a
millisecond of CPU to read a handful of names. The question is always the same — the rights asked for, the
DocType, the user or everyone — so it is put to the database directly; any other filter goes to Frappe's
function. tests/test_shares.py compares the answers with Frappe's for users with and without shares.
`install()` puts it in place; it runs before every request and background job and when this module is imported.
"""

import frappe
import frappe.share
from frappe.utils import cint

# DocShare's columns for the rights Frappe asks about
RIGHTS = frozenset({"read", "write", "share", "submit"})


def get_shared(doctype, user=None, rights=None, *, filters=None, limit=None):
	"""Frappe's get_shared: the names of the records of `doctype` shared with `user` (or everyone) with `rights`."""
	rights = rights or ["read"]
	if filters or not set(rights) <= RIGHTS:
		return frappe_get_shared(doctype, user, rights, filters=filters, limit=limit)
	user = user or frappe.session.user
	granted = " and ".join(f"`{right}` = 1" for right in sorted(set(rights)))
	who = "`user` = %(user)s" if user == "Guest" else "(`user` = %(user)s or `everyone` = 1)"
	bound = f" limit {cint(limit)}" if cint(limit) else ""
	return frappe.db.sql(
		f"select `share_name` from `tabDocShare` where {granted} and `share_doctype` = %(doctype)s and {who}{bound}",
		{"doctype": doctype, "user": user},
		pluck=True,
	)


def install():
	"""Put the replacement in place (once per process; Frappe's function stays reachable as zz_wraps, also
	when this module is loaded again)."""
	if frappe.share.get_shared is not get_shared:
		get_shared.zz_wraps = frappe_get_shared
		frappe.share.get_shared = get_shared


# Frappe's own function, unwrapped if an earlier load of this module had replaced it
frappe_get_shared = getattr(frappe.share.get_shared, "zz_wraps", frappe.share.get_shared)

install()
