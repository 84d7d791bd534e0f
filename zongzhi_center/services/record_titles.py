"""What a person sees as a record's name: its case number or title, never the random name it is stored under.

The app's records named by a random hash (cases, sessions, agreements…) carry a title field shown in links,
lists and the form (tests/test_no_hash_ids.py checks every DocType of the app). Frappe's Standard print
layout prints the stored name under the heading; the heading names the record by its number and title."""

import frappe

APP_MODULE = "Zongzhi Center"
# names Frappe makes up: a random hash, a running number of the table, a UUID (or no rule: a hash)
MADE_UP_NAMES = ("", "hash", "autoincrement", "uuid")


def has_human_name(meta) -> bool:
	"""Named by a field, a pattern of fields, a series or the user: the name says what the record is."""
	return (meta.autoname or "").strip().lower() not in MADE_UP_NAMES


def app_doctypes(*, standalone: bool = True) -> list:
	"""The app's DocTypes, from the site; standalone: without child tables and single settings."""
	filters = {"module": APP_MODULE}
	if standalone:
		filters.update(istable=0, issingle=0)
	return frappe.get_all("DocType", filters=filters, pluck="name", order_by="name")


def set_print_heading(doc, method=None, *args, **kwargs):
	"""before_print of every document: the Standard layout's sub-heading is the number and title, not the hash."""
	meta = frappe.get_meta(doc.doctype)
	if meta.module != APP_MODULE or meta.istable or has_human_name(meta):
		return  # a row printed on its own has no title: it keeps Frappe's heading
	if doc.get("sub_heading") is not None:
		return
	parts = []
	for value in (doc.get("case_number"), doc.get(meta.title_field) if meta.title_field else None):
		if value and value != doc.name and value not in parts:
			parts.append(str(value))
	doc.sub_heading = " · ".join(parts) if parts else ""


def show_user_names_in_links() -> None:
	"""首问责任人, 承办人 and every other link to a user show the person's name, not the login email: Frappe's
	User has its full name as title field but does not show it in links."""
	from frappe.custom.doctype.property_setter.property_setter import make_property_setter

	if frappe.get_meta("User").show_title_field_in_link:
		return
	make_property_setter(
		"User",
		None,
		"show_title_field_in_link",
		1,
		"Check",
		for_doctype=True,
		validate_fields_for_doctype=False,
	)


def translate_print_format_names() -> None:
	"""The print format picker names formats in the user's language: the app ships its formats' names in
	translations/zh.csv, and Frappe translates a Link's values only of DocTypes marked translated."""
	from frappe.custom.doctype.property_setter.property_setter import make_property_setter

	if frappe.get_meta("Print Format").translated_doctype:
		return
	make_property_setter(
		"Print Format",
		None,
		"translated_doctype",
		1,
		"Check",
		for_doctype=True,
		validate_fields_for_doctype=False,
	)
