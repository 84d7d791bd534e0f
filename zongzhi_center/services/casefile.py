"""一案一档 on the site: when a case is archived its complete file is built — a PDF dossier (the "ZZ Case
File" print format: summary, parties, facts, state history, routing log, sessions, agreements, visits,
timeline notes) and every file attached to the case, with a manifest of SHA-256 checksums — as one ZIP,
kept as a private file on the case. `verify` re-reads it against its manifest.

The build runs in the background after the archiving commits, from the outbox row written with it
(wkhtmltopdf takes a few seconds, and loads the site's print stylesheet from the running site)."""

from __future__ import annotations

import io
import json
import zipfile

import frappe
import frappe.translate
from frappe import _
from frappe.utils import now_datetime

from zongzhi_center.engine import archive

MANIFEST = "manifest.json"
DOSSIER = "dossier.pdf"
PRINT_FORMAT = "ZZ Case File"


def schedule(case):
	# written with the archiving, built after it commits (services/outbox.py): never lost to a queue outage
	from zongzhi_center.services import outbox

	outbox.record(outbox.CASE_FILE, reference=case, case_name=case.name)


def build(case_name: str) -> str:
	"""Build the case file and attach it to the case. Returns the File's name."""
	# built by a background job, which speaks English: the dossier and the timeline note are in the site's
	# language, as on the desk
	with frappe.translate.print_language(frappe.get_system_settings("language") or "zh"):
		return build_in_site_language(case_name)


def build_in_site_language(case_name: str) -> str:
	case = frappe.get_doc("ZZ Case", case_name)
	# the file is read by every reader of the case: the dossier shows people's data masked (the vault keeps it)
	frappe.flags.zz_print_masked = True
	try:
		files = [(DOSSIER, frappe.get_print("ZZ Case", case.name, PRINT_FORMAT, as_pdf=True))]
	finally:
		frappe.flags.zz_print_masked = False
	files += attachments(case)
	manifest = archive.build(case.case_number, files, str(now_datetime()))
	buffer = io.BytesIO()
	with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
		for name, content in files:
			bundle.writestr(name, content)
		bundle.writestr(MANIFEST, archive.dumps(manifest))
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"{case.case_number}-case-file.zip",
			"attached_to_doctype": "ZZ Case",
			"attached_to_name": case.name,
			"is_private": 1,
			"content": buffer.getvalue(),
		}
	).insert(ignore_permissions=True)  # made by the system on archiving, kept private on the case
	case.db_set(
		{"case_file": file.file_url, "case_file_sha256": archive.digest(archive.dumps(manifest))},
		update_modified=False,
	)
	case.add_comment(
		"Info",
		_("Case file built: {0} files, manifest SHA-256 {1}.").format(len(files), case.case_file_sha256),
	)
	return file.name


def attachments(case) -> list[tuple[str, bytes]]:
	"""Every file attached to the case, under attachments/, with unique names."""
	result, seen = [], set()
	# get_all: the case file holds every attachment, whoever archives it
	for row in frappe.get_all(
		"File",
		filters={"attached_to_doctype": "ZZ Case", "attached_to_name": case.name, "is_folder": 0},
		fields=["name", "file_name"],
		order_by="creation asc",
	):
		if row.file_name.endswith("-case-file.zip"):
			continue
		name = f"attachments/{row.file_name}"
		if name in seen:
			name = f"attachments/{row.name}-{row.file_name}"
		seen.add(name)
		result.append((name, raw_content(frappe.get_doc("File", row.name))))
	return result


def verify(case_name: str) -> list[str]:
	"""What in the case's file does not match its manifest; empty when it is intact."""
	case_file = frappe.db.get_value("ZZ Case", case_name, "case_file")
	if not case_file:
		return [_("The case has no case file.")]
	content = raw_content(frappe.get_doc("File", {"file_url": case_file}))
	with zipfile.ZipFile(io.BytesIO(content)) as bundle:
		files = [(n, bundle.read(n)) for n in bundle.namelist() if n != MANIFEST]
		manifest = json.loads(bundle.read(MANIFEST))
	return archive.verify(manifest, files)


def raw_content(file) -> bytes:
	"""The file's bytes as stored (File.get_content decodes text files)."""
	with open(file.get_full_path(), "rb") as f:
		return f.read()


def zz_case_notes(case_name: str) -> list[dict]:
	"""Jinja, for the case file: the timeline notes of a case the user may read (comments are for System
	Managers only in Frappe's own permissions, so they are read here after the case itself is checked)."""
	if not frappe.has_permission("ZZ Case", "read", doc=case_name):
		return []
	# get_all: the case was checked above; its timeline belongs to its readers
	notes = frappe.get_all(
		"Comment",
		filters={
			"reference_doctype": "ZZ Case",
			"reference_name": case_name,
			"comment_type": ["in", ["Info", "Comment", "Workflow"]],
		},
		fields=["creation", "comment_type", "content"],
		order_by="creation asc",
	)
	for note in notes:
		if note.comment_type == "Workflow":  # Frappe keeps the state's name; printed as the desk shows it
			note.content = _(note.content)
	return notes
