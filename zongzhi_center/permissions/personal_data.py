"""Keep parties' ID numbers, phones and addresses out of the Version log and the Error Log.

Frappe records every change of a tracked document in a Version, and the form timeline shows those changes
to everyone who can read the document — leaders and supervisors included, who may not see personal data.
Fields with a permission level above 0 (on the document or its child tables) are replaced by a marker
before the Version is stored.

Error Log rows get the same care (`scrub_error_log`): Frappe stores a failed request's traceback with the
variables of every frame — the request's body, with parties' names, ID numbers, phones and addresses. The
variables are dropped (the traceback itself is kept) and ID numbers and phone numbers left in the message are
masked.
"""

import json
import re

import frappe

from zongzhi_center.services.vault import vault_fields

MARKER = "***"

_ALNUM_BEFORE, _ALNUM_AFTER = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
IDENTIFIERS = re.compile(
	_ALNUM_BEFORE
	+ r"(?:\d{17}[\dXx]|\d{15}"  # resident ID numbers (and the old 15-digit ones)
	+ r"|(?:\+?86[- ]?)?1[3-9]\d{9}"  # mobiles
	+ r"|0[1-9]\d{1,2}-?\d{7,8})"  # landlines
	+ _ALNUM_AFTER
)
FRAME_VARIABLE = " " * 6  # how traceback_with_variables indents a variable and its continuation lines


def protected_fields(doctype: str) -> tuple[set[str], dict[str, set[str]]]:
	"""(parent fields, {table fieldname: child fields}) with permlevel > 0, or kept in the vault."""
	meta = frappe.get_meta(doctype)
	parent = {df.fieldname for df in meta.fields if df.permlevel} | set(vault_fields(doctype))
	children = {}
	for table in meta.get_table_fields():
		child = frappe.get_meta(table.options)
		fields = {df.fieldname for df in child.fields if df.permlevel} | set(vault_fields(table.options))
		if fields:
			children[table.fieldname] = fields
	return parent, children


def scrub_version(doc, method=None):
	"""Any DocType with such fields — an agreement's parties as much as a case's — whoever made it."""
	if not doc.data or not frappe.db.exists("DocType", doc.ref_doctype):
		return
	parent_fields, child_fields = protected_fields(doc.ref_doctype)
	if not (parent_fields or child_fields):
		return
	data = json.loads(doc.data) if isinstance(doc.data, str) else doc.data

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


def mask_identifiers(text: str) -> str:
	return IDENTIFIERS.sub(MARKER, text) if text else text


def scrub_error_log(doc, method=None):
	"""before_insert of Error Log (also of the rows Frappe inserts deferred, after the request)."""
	error = doc.error or ""
	if "Traceback with variables" in error:
		error = "\n".join(line for line in error.split("\n") if not line.startswith(FRAME_VARIABLE))
	doc.error = mask_identifiers(error)
	doc.method = mask_identifiers(doc.method or "")
