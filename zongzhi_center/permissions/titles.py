"""Titles of linked records: told only to users who may read the record (or pick it in a link field).

The desk shows a link's title instead of its name (a case's title, a staff member's name). Frappe looks
titles up with no permission check: the form of a readable case would come with the title of every case
linked from it (merged into, related), and `get_link_title` would tell any user any record's title. Here a title the user may
not see is left out, so the desk shows the record's name, as for a record that does not exist.

The people and rooms a form's record names are the exception: who handles a case, who registered it, which
room it is heard in are part of the case to whoever may read it (Frappe shows the full names of the users on
a record's timeline alike). Their titles stay in the form's load when the record just read from the database
links them; asked for one by one, they are told only to users who may read them.

The list view asks for the titles of the records each row links to as columns of its query
(`case.title as case_title`), joined with no check of the linked record; guards.check_request takes exactly
those columns out of the query, and `add_list_titles` answers them after it, by the same rule.
"""

import json

import frappe
import frappe.desk.search

from zongzhi_center.permissions.doctypes import doctype_permission
from zongzhi_center.permissions.guards import LIST_TITLES, privileged


def may_see_title(doctype: str, name: str) -> bool:
	if not (doctype and name) or not frappe.db.exists(doctype, name):
		return False
	# a user none of whose roles (nor shares) reads or selects any record of the DocType sees none of its
	# titles: answered without loading the record (a form links to users, centres and staff on every load)
	if not (doctype_permission(doctype, "select") or doctype_permission(doctype, "read")):
		return False
	# the stored record, from Frappe's document cache (which each save and set_value clears): a form's links to
	# users would each load a user with all its tables from the database
	doc = frappe.get_cached_doc(doctype, name)
	# frappe.has_permission neither throws nor explains a refusal unless asked to
	return frappe.has_permission(doctype, "select", doc=doc) or frappe.has_permission(
		doctype, "read", doc=doc
	)


def readable_title(doctype: str, name: str) -> str | None:
	"""The title the desk shows for a link to the record, or None when the user may not see it."""
	if not may_see_title(doctype, name):
		return None
	return frappe.desk.search.get_link_title(doctype, name)


# the DocTypes whose titles are names of people and rooms (not of matters: a linked case's title says what the
# dispute is about); a DocType not named here keeps its titles to those who may read the record
NAMED_ON_RECORDS = frozenset({"User", "ZZ Stationed Staff", "ZZ Mediation Room"})
# the answer that carries the record as stored, read after Frappe's check of the user's permission to read it
FORM_LOAD = "/api/method/frappe.desk.form.load.getdoc"


def named_on_the_record(body: dict) -> set[str]:
	"""The `_link_titles` keys of the people and rooms the loaded record (and its rows) links to."""
	if getattr(frappe.request, "path", None) != FORM_LOAD:
		return set()
	keys = set()
	for doc in body.get("docs") or []:
		for row in [doc, *(r for value in doc.values() if isinstance(value, list) for r in value)]:
			if not isinstance(row, dict) or not row.get("doctype"):
				continue
			for field in frappe.get_meta(row["doctype"]).get_link_fields():
				if field.options in NAMED_ON_RECORDS and row.get(field.fieldname):
					keys.add(f"{field.options}::{row[field.fieldname]}")
	return keys


def drop_unreadable_link_titles(response=None, request=None):
	"""after_request: the `_link_titles` Frappe adds to a form's load (getdoc) and other answers."""
	if (
		response is None
		or response.status_code != 200
		or response.mimetype != "application/json"
		or response.direct_passthrough  # a file sent from disk
	):
		return
	data = response.get_data()
	if b'"_link_titles"' not in data or privileged():
		return
	try:
		body = json.loads(data)
	except ValueError:
		return
	titles = body.get("_link_titles") if isinstance(body, dict) else None
	if not isinstance(titles, dict) or not titles:
		return
	named = named_on_the_record(body)
	kept = {key: title for key, title in titles.items() if key in named or may_see_title(*split_key(key))}
	if len(kept) != len(titles):
		body["_link_titles"] = kept
		response.set_data(json.dumps(body))


def split_key(key: str) -> tuple[str, str]:
	doctype, _sep, name = key.partition("::")
	return doctype, name


def add_list_titles(response=None, request=None):
	"""after_request: the titles of linked records the list asked for, taken out of its query by
	guards.check_request. Each row gets the title of the record it links to if the user may see it, else
	None, as for a linked record that does not exist. Should this fail, the rows keep no title at all."""
	columns = frappe.local.flags.get(LIST_TITLES)
	if (
		not columns
		or response is None
		or response.status_code != 200
		or response.mimetype != "application/json"
		or response.direct_passthrough
	):
		return
	try:
		body = json.loads(response.get_data())
	except ValueError:
		return
	answer = body.get("message", body.get("data")) if isinstance(body, dict) else None
	titles: dict[tuple[str, str], str | None] = {}

	def title(doctype: str, name) -> str | None:
		if not name or not isinstance(name, str):
			return None
		if (doctype, name) not in titles:
			titles[(doctype, name)] = readable_title(doctype, name)
		return titles[(doctype, name)]

	if isinstance(answer, dict) and isinstance(answer.get("keys"), list):  # reportview.get: keys and values
		keys = answer["keys"]
		for alias, (link, doctype) in columns.items():
			at = keys.index(link) if link in keys else None
			keys.append(alias)
			for values in answer.get("values") or []:
				values.append(title(doctype, values[at]) if at is not None else None)
	elif isinstance(answer, list) and answer and all(isinstance(row, dict) for row in answer):
		for row in answer:
			for alias, (link, doctype) in columns.items():
				row[alias] = title(doctype, row.get(link))
	else:
		return
	response.set_data(json.dumps(body))
