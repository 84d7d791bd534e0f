"""`Document.load_from_db` for the case: its tables' rows read by one plain query each.

A case has eight tables, and every load of it (the form, each workflow action, each save's copy of the record
as it was) reads each table through Frappe's query builder and asks first whether the table is a virtual
DocType: a third of the time it takes to open a case's form at a city's scale went to building those queries,
not to running them. The rows are the same: every column, in the order of their idx, locked as Frappe locks
them when the record is loaded for update. A table that is a virtual DocType is still loaded by Frappe's
method. tests/test_case_load.py compares the loaded case with Frappe's method, whose source it also checks.
"""

import frappe
from frappe import _
from frappe.model.base_document import BaseDocument
from frappe.model.document import Document


def load_from_db(doc: Document) -> Document:
	"""Frappe's Document.load_from_db for a record that is not a single, with its rows read by plain queries."""
	if doc.meta.issingle or any(frappe.get_meta(df.options).is_virtual for df in doc._get_table_fields()):
		return Document.load_from_db(doc)
	doc.flags.ignore_children = True
	kwargs = {"for_update": doc.flags.for_update, "as_dict": True}
	if not isinstance(doc.name, dict | list):
		kwargs["order_by"] = None
	values = frappe.db.get_value(doctype=doc.doctype, filters=doc.name, fieldname="*", **kwargs)
	if not values:
		frappe.throw(_("{0} {1} not found").format(_(doc.doctype), doc.name), frappe.DoesNotExistError)
	BaseDocument.__init__(doc, values)
	doc.flags.pop("ignore_children", None)
	lock = " for update" if doc.flags.for_update else ""
	for df in doc._get_table_fields():
		rows = frappe.db.sql(
			f"""select * from `tab{df.options}`
			where `parent` = %(parent)s and `parenttype` = %(parenttype)s and `parentfield` = %(parentfield)s
			order by `idx` asc{lock}""",
			{"parent": doc.name, "parenttype": doc.doctype, "parentfield": df.fieldname},
			as_dict=True,
		)
		doc.set(df.fieldname, rows)
	# as Frappe does: __setup__ may depend on the rows
	if hasattr(doc, "__setup__"):
		doc.__setup__()
	return doc
