"""Keep parties' ID numbers, phones and addresses out of the Version log.

Frappe records every change of a tracked document in a Version, and the form timeline shows those changes
to everyone who can read the document — leaders and supervisors included, who may not see personal data.
Fields with a permission level above 0 (on the document or its child tables) are replaced by a marker
before the Version is stored.
"""

import json

import frappe

MARKER = "***"
PROTECTED_DOCTYPES = ("ZZ Case",)


def protected_fields(doctype: str) -> tuple[set[str], dict[str, set[str]]]:
	"""(parent fields, {table fieldname: child fields}) with permlevel > 0."""
	meta = frappe.get_meta(doctype)
	parent = {df.fieldname for df in meta.fields if df.permlevel}
	children = {}
	for table in meta.get_table_fields():
		fields = {df.fieldname for df in frappe.get_meta(table.options).fields if df.permlevel}
		if fields:
			children[table.fieldname] = fields
	return parent, children


def scrub_version(doc, method=None):
	if doc.ref_doctype not in PROTECTED_DOCTYPES or not doc.data:
		return
	data = json.loads(doc.data) if isinstance(doc.data, str) else doc.data
	parent_fields, child_fields = protected_fields(doc.ref_doctype)

	for change in data.get("changed") or []:
		if change[0] in parent_fields:
			change[1:] = [MARKER, MARKER]
	for key in ("added", "removed"):
		for table, row in data.get(key) or []:
			for fieldname in child_fields.get(table, ()):
				if row.get(fieldname):
					row[fieldname] = MARKER
	for table, _idx, _name, changes in data.get("row_changed") or []:
		for change in changes:
			if change[0] in child_fields.get(table, ()):
				change[1:] = [MARKER, MARKER]

	doc.data = frappe.as_json(data)
