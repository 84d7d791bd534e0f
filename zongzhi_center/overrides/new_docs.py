"""What a new document and its new rows cost Frappe: `frappe.model.meta.is_single` and `Document._set_defaults`.

`is_single`, answered from the DocType's cached meta instead of the database.

Frappe builds the template of a new document (create_new.make_new_doc) once per DocType and request, and asks
the database each time whether the DocType is a single: for a case with its seven tables that is eight queries
an insert, and one more for the Version Frappe prepares after every save — about a fifth of the queries of a
sister system's intake. The cached meta holds the same flag, and changes only with the DocType, which clears
it. A DocType without meta (not created yet) is still asked of the database. `install()` puts the replacement
in place; it runs before every request and background job and when this module is imported.

`set_defaults` is `Document._set_defaults` for the case: before each save Frappe builds the template of a
new row (defaults, the user's defaults and permissions: half a millisecond each) for every table of the
record, and uses it only to fill the new rows. A case has eight tables and gains rows in one or two of them
a save, so the template is built only for a table that has new rows; what each row gets is the same.
tests/test_intake_access.py compares it with Frappe's method, whose source it also checks.
"""

import frappe
import frappe.model.meta


def is_single(doctype):
	"""Whether the DocType is a single, as Frappe's function answers, from its cached meta."""
	try:
		meta = frappe.get_meta(doctype)
	except frappe.DoesNotExistError:
		return frappe_is_single(doctype)
	return meta.issingle


def install():
	"""Put the replacement in place (once per process; Frappe's function stays reachable as zz_wraps, also
	when this module is loaded again)."""
	if frappe.model.meta.is_single is not is_single:
		is_single.zz_wraps = frappe_is_single
		frappe.model.meta.is_single = is_single


# Frappe's own function, unwrapped if an earlier load of this module had replaced it
frappe_is_single = getattr(frappe.model.meta.is_single, "zz_wraps", frappe.model.meta.is_single)

install()


def set_defaults(doc):
	"""Frappe's Document._set_defaults, with a table's row template made only when the table has new rows."""
	if frappe.flags.in_import:
		return
	if doc.is_new():
		doc.update_if_missing(frappe.new_doc(doc.doctype, as_dict=True))
	for df in doc.meta.get_table_fields():
		value = doc.get(df.fieldname)
		new_rows = [d for d in value if d.is_new()] if isinstance(value, list) else []
		if new_rows:
			template = frappe.new_doc(df.options, parent_doc=doc, parentfield=df.fieldname, as_dict=True)
			for row in new_rows:
				row.update_if_missing(template)
