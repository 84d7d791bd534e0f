"""Overrides of Frappe's print entries that take the document to print from the client.

`get_html_and_style` and `get_rendered_raw_commands` build the document from a `doc` JSON, check permission
on that JSON (a forged one claims the user's own centre) and render it; a print format then loads the real
case's sessions, agreements and visits by the name the JSON gave. Here a printed document is always the
stored one: loaded by the DocType and name the JSON names, before permission and rendering; an unsaved
document of this app is refused. `download_pdf`, `print_by_server` and the /printview page (`check_print_page`,
before every request) take an optional `doc` that only server code may give: it is dropped. Every entry also
refuses a print format made for another DocType (a template reads the fields and records of its own DocType).
"""

import frappe
import frappe.utils.print_format
import frappe.www.printview
from frappe import _

from zongzhi_center.exceptions import PrintFormatDocTypeError, UnsavedPrintError
from zongzhi_center.permissions.guards import MODULE


@frappe.whitelist()
def get_html_and_style(
	doc: str,
	name: str | None = None,
	print_format: str | None = None,
	no_letterhead: bool | None = None,
	letterhead: str | None = None,
	trigger_print: bool = False,
	style: str | None = None,
	settings: str | None = None,
):
	"""The print preview renders the stored document, never the JSON the client sent."""
	doctype, stored = stored_print_target(doc, name)
	check_print_format(print_format, doctype)
	return frappe.www.printview.get_html_and_style(
		doctype if stored else doc,
		stored,
		print_format=print_format,
		no_letterhead=no_letterhead,
		letterhead=letterhead,
		trigger_print=trigger_print,
		style=style,
		settings=settings,
	)


@frappe.whitelist()
def get_rendered_raw_commands(doc: str, name: str | None = None, print_format: str | None = None):
	"""Raw printer commands are rendered from the stored document, never the JSON the client sent."""
	doctype, stored = stored_print_target(doc, name)
	check_print_format(print_format, doctype)
	return frappe.www.printview.get_rendered_raw_commands(
		doctype if stored else doc, stored, print_format=print_format
	)


@frappe.whitelist(allow_guest=True)
def download_pdf(doctype, name, format=None, doc=None, no_letterhead=0, language=None, letterhead=None):
	"""A PDF is made of the stored document by its DocType and name; `doc` is for server code only."""
	check_print_format(format, doctype)
	return frappe.utils.print_format.download_pdf(
		doctype, name, format, None, no_letterhead, language, letterhead
	)


@frappe.whitelist()
def print_by_server(
	doctype, name, printer_setting, print_format=None, doc=None, no_letterhead=0, file_path=None
):
	"""The network printer prints the stored document; `doc` and `file_path` are for server code only."""
	check_print_format(print_format, doctype)
	return frappe.utils.print_format.print_by_server(
		doctype, name, printer_setting, print_format, None, no_letterhead, None
	)


@frappe.whitelist()
def download_multi_pdf(
	doctype: str | dict[str, list[str]],
	name: str | list[str],
	format: str | None = None,
	no_letterhead: bool = False,
	letterhead: str | None = None,
	options: str | None = None,
):
	"""One PDF of several stored documents: in a print format of their DocType."""
	for each in doctypes_of(doctype):
		check_print_format(format, each)
	return frappe.utils.print_format.download_multi_pdf(
		doctype, name, format, no_letterhead, letterhead, options
	)


@frappe.whitelist()
def download_multi_pdf_async(
	doctype: str | dict[str, list[str]],
	name: str | list[str],
	format: str | None = None,
	no_letterhead: bool = False,
	letterhead: str | None = None,
	options: str | None = None,
):
	"""One PDF of several stored documents, made in the background: in a print format of their DocType."""
	for each in doctypes_of(doctype):
		check_print_format(format, each)
	return frappe.utils.print_format.download_multi_pdf_async(
		doctype, name, format, no_letterhead, letterhead, options
	)


def doctypes_of(doctype) -> list[str]:
	"""`doctype` of a multi-document PDF: one DocType, or {DocType: [names]} (as a dict or JSON)."""
	if isinstance(doctype, str) and doctype.lstrip().startswith("{"):
		try:
			doctype = frappe.parse_json(doctype)
		except ValueError:
			return [doctype]
	return list(doctype) if isinstance(doctype, dict) else [doctype]


def check_print_page():
	"""before_request: the /printview page prints a document by DocType and name; a `doc` sent with the request
	(Frappe's page takes it from server code, as an object) is dropped, and the print format must be the
	DocType's."""
	request = getattr(frappe, "request", None)
	if not request or request.path.rstrip("/") != "/printview":
		return
	form = frappe.local.form_dict
	form.pop("doc", None)
	if isinstance(form.get("doctype"), str) and isinstance(form.get("format"), str):
		check_print_format(form.format, form.doctype)
	check_print_page_permission(form)


def check_print_page_permission(form) -> None:
	"""A signed-in user refused a record of this app gets the site's plain refusal page, which names nothing
	of the record: Frappe's own print page answers with a Login button and, in English, what it refused."""
	doctype, name = form.get("doctype"), form.get("name")
	if (
		not (isinstance(doctype, str) and isinstance(name, str))
		or form.get("key")
		or frappe.session.user == "Guest"
	):
		return
	if frappe.db.get_value("DocType", doctype, "module") != MODULE or not frappe.db.exists(doctype, name):
		return
	doc = frappe.get_doc(doctype, name)
	if not any(frappe.has_permission(doctype, ptype, doc) for ptype in ("read", "print")):
		raise frappe.PermissionError


def stored_print_target(doc: str | dict, name: str | None) -> tuple[str, str | None]:
	"""The DocType and name of the stored document a print request means.

	With `name`, Frappe itself loads `doc` (a DocType) by name. A `doc` JSON names its DocType and name: the
	stored document of that name is printed instead. A JSON of a document not stored is refused for this
	app's DocTypes; for other apps' it is left to Frappe as sent (no name returned)."""
	if isinstance(name, str):
		return doc, name
	try:
		claimed = frappe.parse_json(doc) if isinstance(doc, str) else doc
	except ValueError:
		claimed = None
	if not isinstance(claimed, dict) or not isinstance(claimed.get("doctype"), str):
		frappe.throw(_("Name the document to print by its DocType and name."), exc=UnsavedPrintError)
	doctype, docname = claimed["doctype"], claimed.get("name")
	meta = frappe.get_meta(doctype)
	if isinstance(docname, str | int) and docname and frappe.db.exists(doctype, docname):
		return doctype, str(docname)
	if meta.module == MODULE:
		frappe.throw(_("Only a saved document can be printed."), exc=UnsavedPrintError)
	return doctype, None


def check_print_format(print_format: str | None, doctype: str):
	"""A print format is written for one DocType: its template reads that DocType's fields and records."""
	if not print_format or print_format == "Standard":
		return
	made_for = frappe.db.get_value("Print Format", print_format, "doc_type")
	if made_for and made_for != doctype:
		frappe.throw(
			_("The print format {0} is not for {1}.").format(print_format, _(doctype)),
			exc=PrintFormatDocTypeError,
		)
