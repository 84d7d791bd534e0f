"""What the case form shows beside the case, sent with the case when the form opens (the document's onload,
as Frappe sends a form's extra data) rather than asked for in a request of its own each: the centres the
case may be moved to, how many earlier cases may be the same person or matter (at intake), and the
typical cases like it. Each part answers only what the user may read; the form is opened by a user who
may read the case (Frappe checks it before the onload runs)."""

from __future__ import annotations

import frappe
from frappe.desk.notifications import (
	get_dynamic_link_filters,
	get_external_links,
	get_filters_for,
	get_internal_links,
)
from frappe.model.workflow import get_transitions

from zongzhi_center.permissions.doctypes import doctype_permission
from zongzhi_center.services import library, petitions
from zongzhi_center.services import workflow_names as wn
from zongzhi_center.services.case_states import closed_case_states

ONLOAD_KEY = "zz_form"


def set_onload(doc) -> None:
	doc.set_onload(ONLOAD_KEY, extras(doc))


def extras(doc) -> dict:
	return {
		"move_targets": move_targets(doc),
		"duplicates": duplicate_count(doc),
		"library": library_panel(doc),
		"connections": connection_counts(doc),
		# the workflow actions Frappe's form asks for as it opens, of the case as stored (Frappe reads it
		# again from the database for them)
		"transitions": {"modified": doc.modified, "list": get_transitions(doc)},
	}


def move_targets(doc) -> dict:
	"""A case moves one tier up or down: its centre's parent and active children."""
	if not doc.current_center:
		return {"up": None, "down": []}
	# the parent centre lies outside a township user's own centres, yet is where they escalate to (read from
	# the document cache, which each save of the centre clears)
	up = frappe.get_cached_value("ZZ Center", doc.current_center, "parent_zz_center")
	# the active children: plain SQL on the centre's parent, as the form asks on every opening
	down = frappe.db.sql_list(
		"""select name from `tabZZ Center`
		where parent_zz_center = %(parent)s and is_active = 1 order by name""",
		{"parent": doc.current_center},
	)
	return {"up": up, "down": down}


def duplicate_count(doc) -> int | None:
	"""At intake the clerk is told at once how many earlier cases (that they may read) may be the same person
	or matter; the list itself is asked for with the Possible Duplicates button. Not asked after intake."""
	if doc.workflow_state != wn.state("registered"):
		return None
	return petitions.count_for(doc)


def library_panel(doc) -> dict:
	"""Similar published typical cases, and whether the user may draft one from the (closed) case."""
	can_read = doctype_permission(library.DOCTYPE, "read")
	return {
		"similar": similar_cases(doc) if can_read else [],
		"can_draft": doctype_permission(library.DOCTYPE, "create")
		and doc.workflow_state in closed_case_states(),
	}


def similar_cases(doc, limit: int = 5) -> list[dict]:
	# a centre with no typical case published yet: nothing to search the case's words for
	if not frappe.db.exists(library.DOCTYPE, {"kind": "Typical Case", "docstatus": 1}):
		return []
	return library.search(
		f"{doc.title or ''}\n{doc.facts or ''}", kind="Typical Case", limit=limit, exclude_case=doc.name
	)


def connection_counts(doc) -> dict:
	"""The counts on the form's Connections (sessions, agreements, visits, extensions), as Frappe's
	``frappe.desk.notifications.get_open_count`` answers the form's own request for them, of the case
	already loaded rather than loaded again (tests/test_form_load.py checks the Frappe code relied on)."""
	links = dashboard_data(doc.meta)
	found = {"external_links_found": [], "internal_links_found": []}
	plain = []  # records linking the case by a field alone, with no open-count filter: counted together
	for group in links.transactions:
		for item in group.get("items"):
			internal = links.get("internal_links", {}).get(item) or links.get(
				"internal_and_external_links", {}
			).get(item)
			if internal:
				data = get_internal_links(doc, internal, item)
				if data["count"]:
					found["internal_links_found"].append(data)
					continue
			fieldname = links.get("non_standard_fieldnames", {}).get(item, links.get("fieldname"))
			if get_dynamic_link_filters(item, links, fieldname) or get_filters_for(item):
				found["external_links_found"].append(get_external_links(item, doc.name, links))
			else:
				counted = {"doctype": item, "count": 0, "open_count": 0}
				plain.append((counted, fieldname))
				found["external_links_found"].append(counted)
	if plain:
		# one query for all, each count as Frappe's get_doc_count has it: distinct records, at most 100
		counts = frappe.db.sql(
			"select "
			+ ", ".join(
				f"(select count(*) from (select distinct `name` from `tab{counted['doctype']}` "
				f"where `{fieldname}` = %(name)s limit 100) as linked_{i})"
				for i, (counted, fieldname) in enumerate(plain)
			),
			{"name": doc.name},
		)[0]
		for (counted, _fieldname), count in zip(plain, counts, strict=True):
			counted["count"] = int(count)
	return found


# the Connections of a DocType, kept by each worker process: read, never changed, by connection_counts
_dashboards: dict[tuple, frappe._dict] = {}


def dashboard_data(meta) -> frappe._dict:
	"""``meta.get_dashboard_data()``, worked out once per worker for the same Connections. Frappe's compares
	the group of each link in the user's language, which loads every translation of the site on every form
	opened. What it returns depends on the DocType's links (which an administrator may change in the
	browser: they are read from the meta each time, and a change makes a new key), its dashboard module and
	the hooks (which change only with the code, when the workers restart) and the language."""
	key = (
		meta.name,
		frappe.local.lang,
		tuple(
			(
				link.link_doctype,
				link.link_fieldname,
				link.group,
				link.hidden,
				link.is_child_table,
				link.parent_doctype,
				link.table_fieldname,
				link.custom,
			)
			for link in meta.get("links") or []
		),
	)
	if key not in _dashboards:
		_dashboards[key] = meta.get_dashboard_data()
	return _dashboards[key]
