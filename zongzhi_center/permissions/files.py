"""Who sees the files attached to this app's records (evidence, applications, archive bundles).

Frappe shows a system user every file attached to a record of any DocType they have a role for, whichever
record it is: a township clerk's File list would name the attachments of every centre's cases, with their
private URLs, sizes and content hashes. A file attached to a record of this app is the record's: only users
who may read the record see the File row (list, count, form, download), and only users who may change the
record change or delete it. Files attached elsewhere, or to nothing, keep Frappe's own rules.
"""

import frappe

from zongzhi_center.permissions.guards import MODULE, privileged

WRITE_PTYPES = frozenset({"write", "delete", "cancel", "submit", "amend"})


def app_doctypes() -> list[str]:
	"""This app's DocTypes whose records can hold attachments (not child tables, not single settings)."""

	def load():
		# get_all: the schema, not records anyone reads
		return frappe.get_all(
			"DocType", filters={"module": MODULE, "istable": 0, "issingle": 0}, pluck="name", order_by="name"
		)

	return frappe.cache.get_value("zz_attachable_doctypes", load)


def is_app_doctype(doctype: str | None) -> bool:
	return bool(doctype) and doctype in app_doctypes()


def query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	if privileged(user):
		return ""
	ours = app_doctypes()
	# get_all: which of the app's DocTypes have attachments at all (a fact of the table, no record shown)
	with_files = frappe.get_all(
		"File",
		filters={"attached_to_doctype": ["in", ours]},
		pluck="attached_to_doctype",
		distinct=True,
		order_by=None,
	)
	if not with_files:
		return ""
	escaped = ", ".join(frappe.db.escape(d) for d in ours)
	parts = ["`tabFile`.`attached_to_doctype` is null", f"`tabFile`.`attached_to_doctype` not in ({escaped})"]
	for attached in sorted(with_files):
		if not frappe.has_permission(attached, "read", user=user):
			continue
		readable = frappe.get_list(
			attached,
			fields=[f"`tab{attached}`.`name`"],
			user=user,
			limit_page_length=0,
			order_by=None,
			run=False,
		)
		parts.append(
			f"(`tabFile`.`attached_to_doctype` = {frappe.db.escape(attached)}"
			f" and `tabFile`.`attached_to_name` in ({readable}))"
		)
	return "(" + " or ".join(parts) + ")"


def has_permission(doc, ptype: str | None = None, user: str | None = None, debug: bool = False):
	if ptype == "create" or not is_app_doctype(doc.get("attached_to_doctype")):
		return None  # Frappe's rules
	user = user or frappe.session.user
	if privileged(user):
		return None
	doctype, name = doc.attached_to_doctype, doc.get("attached_to_name")
	if not name or not frappe.db.exists(doctype, name):
		return False
	needed = "write" if ptype in WRITE_PTYPES else "read"
	allowed = frappe.has_permission(doctype, needed, doc=name, user=user)
	return None if allowed else False
