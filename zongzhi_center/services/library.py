"""社会治理资源库 on the site: typical cases drafted from closed cases with their parties' names, ID numbers,
phones and addresses removed, and the Chinese full-text index of published items (whoosh + jieba, in the
site's private folder).

The index holds published items only. It is updated as an item is published, cancelled or deleted, and
put back from the database when the transaction is rolled back; search results are read back from the
database with the user's permissions, so a stale entry is never shown. ``rebuild_index`` recreates it
from the database (after every migrate)."""

from __future__ import annotations

import html
import os
import re

import frappe
from frappe import _
from frappe.utils import escape_html, strip_html
from whoosh.filedb.filestore import FileStorage

from zongzhi_center.engine.library import Library, anonymise, snippet
from zongzhi_center.services import vault

DOCTYPE = "ZZ Library Item"
INDEX_FOLDER = "zz_library_index"
# seconds a writer waits for another worker's writer to finish
LOCK_TIMEOUT = 10.0
ADDRESS_MARK = "[地址]"


# ---------------------------------------------------------------------------------------- the index
def index_path() -> str:
	return os.path.abspath(frappe.get_site_path("private", INDEX_FOLDER))


def library() -> Library:
	path = index_path()
	os.makedirs(path, exist_ok=True)
	return Library(FileStorage(path), lock_timeout=LOCK_TIMEOUT)


def plain_text(value: str | None) -> str:
	return html.unescape(strip_html(value or "")).strip()


def index_entry(item) -> tuple[str, str, str, str]:
	title = " ".join(part for part in (item.title, item.keywords) if part)
	return (item.name, title, plain_text(item.body), item.kind)


def index_item(item):
	library().add([index_entry(item)])
	frappe.db.after_rollback.add(lambda: sync_item(item.name))


def unindex_item(name: str):
	library().remove(name)
	frappe.db.after_rollback.add(lambda: sync_item(name))


def sync_item(name: str):
	"""Make the index agree with the database about one item (after a rollback undid a change)."""
	# get_all: the index serves every user; permissions apply when results are read back
	rows = frappe.get_all(
		DOCTYPE,
		filters={"name": name, "docstatus": 1},
		fields=["name", "title", "keywords", "body", "kind"],
	)
	if rows:
		library().add([index_entry(rows[0])])
	else:
		library().remove(name)


def rebuild_index() -> int:
	"""Recreate the index from the published items; returns how many were indexed."""
	lib = library()
	lib.clear()
	# get_all: the whole library is indexed, whoever runs the rebuild
	rows = frappe.get_all(
		DOCTYPE, filters={"docstatus": 1}, fields=["name", "title", "keywords", "body", "kind"]
	)
	if rows:
		lib.add([index_entry(row) for row in rows])
	return len(rows)


def search(
	text: str, kind: str | None = None, limit: int = 10, exclude_case: str | None = None
) -> list[dict]:
	"""Published items matching ``text``, best first, that the current user may read."""
	exclude = []
	if exclude_case:
		# get_all: only the names of the items drafted from this case, to leave them out
		exclude = frappe.get_all(DOCTYPE, filters={"source_case": exclude_case}, pluck="name")
	hits = library().search(text, limit=limit * 3 + 10, exclude=exclude, kind=kind)
	if not hits:
		return []
	# get_list: the user's permissions decide; the index may still hold an item cancelled a moment ago
	rows = {
		row.name: row
		for row in frappe.get_list(
			DOCTYPE,
			filters={"name": ["in", [hit.key for hit in hits]], "docstatus": 1},
			fields=["name", "title", "kind", "category", "body"],
			limit_page_length=0,
		)
	}
	results = []
	for hit in hits:
		row = rows.get(hit.key)
		if not row:
			continue
		results.append(
			{
				"name": row.name,
				"title": row.title,
				"kind": row.kind,
				"category": row.category,
				"snippet": snippet(plain_text(row.body), text),
				"score": round(hit.score, 3),
			}
		)
		if len(results) >= limit:
			break
	return results


# ---------------------------------------------------------------------------------------- anonymising
def case_personal_data(case: str) -> frappe._dict:
	"""The names, ID numbers, phones and addresses of a case's parties."""
	# get_all: read to remove them from a typical case; the values never leave this module
	rows = frappe.get_all(
		"ZZ Case Party",
		filters={"parenttype": "ZZ Case", "parent": case},
		fields=["party_name", "id_number", "id_number_enc", "phone", "phone_enc", "address", "address_enc"],
	)

	def values(field):
		# the vault's plaintext: the numbers as typed are what a drafted text would show
		found = {
			(vault.plaintext(row, field) if field != "party_name" else row.party_name or "").strip()
			for row in rows
		}
		return sorted(found - {""}, key=len, reverse=True)

	return frappe._dict(
		names=values("party_name"),
		id_numbers=values("id_number"),
		phones=values("phone"),
		addresses=values("address"),
	)


def anonymise_text(text: str | None, data: frappe._dict) -> str:
	"""Addresses become [地址], the parties' own ID numbers and phones (in any spacing) and any other ID
	number or phone number are removed, names become 张某."""
	result = text or ""
	for address in data.addresses:
		result = result.replace(address, ADDRESS_MARK)
	for number, mark in [(n, "[身份证号]") for n in data.id_numbers] + [(p, "[电话]") for p in data.phones]:
		result = spaced_digits(number).sub(mark, result)
	return anonymise(result, data.names)


def spaced_digits(number: str) -> re.Pattern:
	"""A number as written with spaces or dashes between its digits, in either case (X of an ID number)."""
	chars = [re.escape(c) for c in re.sub(r"[\s-]", "", number)]
	return re.compile(r"[\s-]?".join(chars), re.IGNORECASE)


def leaked_personal_data(texts: list[str | None], data: frappe._dict) -> list[str]:
	"""What kinds of the source case's personal data the texts still show (the kinds, never the values)."""
	text = "\n".join(plain_text(t) for t in texts if t)
	found = []
	if any(len(name) > 1 and name in text for name in data.names):
		found.append(_("a party's name"))
	if any(spaced_digits(n).search(text) for n in data.id_numbers):
		found.append(_("an ID number"))
	if any(spaced_digits(p).search(text) for p in data.phones):
		found.append(_("a phone number"))
	if any(len(a) > 3 and a in text for a in data.addresses):
		found.append(_("an address"))
	return found


def typical_case_draft(case) -> dict:
	"""The fields of a typical case drafted from ``case``, its parties' personal data removed."""
	data = case_personal_data(case.name)

	def paragraph(label: str, text: str | None) -> str:
		text = anonymise_text(text, data).strip()
		if not text:
			return ""
		lines = "<br>".join(escape_html(line) for line in text.splitlines())
		return f"<p><strong>{escape_html(label)}</strong></p><p>{lines}</p>"

	outcome = "；".join(part for part in (_(case.outcome) if case.outcome else "", case.outcome_note) if part)
	body = paragraph(_("Facts"), case.facts) + paragraph(_("Outcome"), outcome)
	return {
		"doctype": DOCTYPE,
		"kind": "Typical Case",
		"title": anonymise_text(case.title, data),
		"category": case.category,
		"matter_type": case.matter_type,
		"source_case": case.name,
		"body": body,
	}
