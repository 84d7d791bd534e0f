"""A row of one of this app's child tables is judged by the record it belongs to, as stored.

Frappe 15 reads, prints and changes a child-table row on its own on many paths (`/api/resource/<Child>/<row>`,
`/api/v2/document`, `frappe.client.get`, `getdoc`, `/printview`, downloads, deletes, file attachments …), and
every one of them asks `frappe.permissions.has_permission(<Child>, ptype, <row>)`. Frappe hands that question to
`has_child_permission`, which means to judge the parent record but passes
`getattr(row, "parent_doc", row.parent)`: every row has a `parent_doc` property, None for a row loaded on its
own, so only the parent DocType's role was checked — a clerk of the sibling township read another township's
applicants by their row names. The `has_permission` hooks are not asked for child DocTypes at all.

`has_child_permission` below replaces Frappe's for the app's child tables (istable, module Zongzhi Center: a
new child table is covered without a change here): the row's parent, parent type and table field are read
from the database, never from the request, and Frappe's own function then judges that parent record. Rows
listed on their own are limited the same way by `permissions.guards.child_query_conditions`.

`install()` puts it in place; it runs before every request and background job (hooks before_request and
before_job) and when this module is imported.
"""

import frappe
import frappe.permissions
from frappe.model.base_document import BaseDocument

from zongzhi_center.permissions.guards import MODULE

ROW_FIELDS = ("name", "parent", "parenttype", "parentfield")


def has_child_permission(
	child_doctype,
	ptype="read",
	child_doc=None,
	user=None,
	raise_exception=True,
	parent_doctype=None,
	*,
	debug=False,
) -> bool:
	"""A row of the app's child tables is read, printed or changed by those who may do so with its parent
	record as stored; Frappe checked the parent DocType's role only."""
	if child_doc is not None and is_app_child_table(child_doctype):
		child_doc = stored_row(child_doctype, child_doc)
		if child_doc is None:
			return False
	return frappe_has_child_permission(
		child_doctype, ptype, child_doc, user, raise_exception, parent_doctype, debug=debug
	)


def is_app_child_table(doctype: str) -> bool:
	try:
		meta = frappe.get_meta(doctype)
	except frappe.DoesNotExistError:
		return False
	return bool(meta.istable) and meta.module == MODULE


def stored_row(child_doctype: str, row) -> frappe._dict | BaseDocument | None:
	"""The row as Frappe's function should judge it: with `parent_doc` naming the stored parent record.

	A row of a parent document in memory (its `parent_doc` set) stays as it is: Frappe judges that document,
	and a save is judged against the stored record by permissions.guards.check_stored_permission."""
	if isinstance(row, BaseDocument) and row.parent_doc is not None:
		return row
	name = row if isinstance(row, str) else row.get("name")
	stored = frappe.db.get_value(child_doctype, name, ROW_FIELDS, as_dict=True) if name else None
	if not stored and not isinstance(row, str):
		# a row not saved yet: judged by the record it names
		stored = frappe._dict({field: row.get(field) for field in ROW_FIELDS})
	if not stored or not (stored.parent and stored.parenttype):
		return None
	if not frappe.db.exists(stored.parenttype, stored.parent):
		return None
	# Frappe's has_child_permission checks `getattr(row, "parent_doc", row.parent)`: the parent's name here
	stored.parent_doc = stored.parent
	return stored


def install():
	"""Put the replacement in place (once per process; Frappe's function stays reachable as zz_wraps, also
	when this module is loaded again)."""
	if frappe.permissions.has_child_permission is not has_child_permission:
		has_child_permission.zz_wraps = frappe_has_child_permission
		frappe.permissions.has_child_permission = has_child_permission


# Frappe's own function, unwrapped if an earlier load of this module had replaced it
frappe_has_child_permission = getattr(
	frappe.permissions.has_child_permission, "zz_wraps", frappe.permissions.has_child_permission
)


install()
