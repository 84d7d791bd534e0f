"""Titles of linked records: told only to users who may read the record (or pick it in a link field).

The desk shows a link's title instead of its name (a case's title, a staff member's name). Frappe looks
titles up with no permission check: the form of a readable case would come with the title of every case
linked from it (merged into, related), and `get_link_title` would tell any user any record's title. Here a title the user may
not see is left out, so the desk shows the record's name, as for a record that does not exist.
"""

import json

import frappe

from zongzhi_center.permissions.guards import privileged


def may_see_title(doctype: str, name: str) -> bool:
	if not (doctype and name) or not frappe.db.exists(doctype, name):
		return False
	# frappe.has_permission neither throws nor explains a refusal unless asked to
	return frappe.has_permission(doctype, "select", doc=name) or frappe.has_permission(
		doctype, "read", doc=name
	)


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
	kept = {key: title for key, title in titles.items() if may_see_title(*split_key(key))}
	if len(kept) != len(titles):
		body["_link_titles"] = kept
		response.set_data(json.dumps(body))


def split_key(key: str) -> tuple[str, str]:
	doctype, _sep, name = key.partition("::")
	return doctype, name
