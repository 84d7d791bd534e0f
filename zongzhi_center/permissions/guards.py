"""Side doors of Frappe 15 into records a user may not read.

Frappe's list, form and REST paths apply roles, User Permissions and the permission hooks of this app, but a
number of its other endpoints do not, or trust what the client sends. This module closes them without copying
Frappe's code:

- `check_request` (hooks.before_request) runs on every HTTP request, before any endpoint: it refuses raw SQL
  filters (a plain string among `filters`, `or_filters`, …, pasted by Frappe into the WHERE clause next to
  the permission conditions), filter field names that are not field names, columns joined through a Link
  field to a DocType whose rows are scoped per record (but for the linked record's title that the desk's
  list view asks for, answered after the query by permissions/titles.py), and it drops `debug` (the SQL
  and its values).
- thin wrappers (zongzhi_center/overrides/, hooks.override_whitelisted_methods) check the permission Frappe
  forgets on the record a method reads or writes, then call Frappe's own method;
- `child_query_conditions` (permission_query_conditions "*") limits the rows of this app's child tables
  listed on their own to rows of parents the user may read;
- `check_stored_permission` (doc_events "*") judges a save against the record as stored, not as edited, so
  nobody makes a record theirs by rewriting the fields the permission rules read;
- `check_file_url` (doc_events File) refuses a File row pointing at a private file the user may not read.
"""

import json
import re

import frappe
from frappe import _
from frappe.utils.data import sbool

from zongzhi_center.permissions.case import is_unscoped

MODULE = "Zongzhi Center"
FILTER_PARAMS = ("filters", "or_filters", "current_filters", "extra_filters", "export_filters")
NESTED_FILTER_KEYS = ("filters_json", "dynamic_filters_json")
FIELDNAME = re.compile(r"^[A-Za-z0-9_]+$")
DOCTYPE_NAME = re.compile(r"^[\w -]+$")
OWNER_FIELDS = ("owner",)
# whitelisted methods that read a plain-string `filters` as a record's name
NAME_FILTER_METHODS = frozenset({"frappe.client.get_value"})
# list endpoints answering rows by column name, where the desk's linked titles are answered after the query
TITLED_LIST_METHODS = frozenset(
	{"frappe.desk.reportview.get", "frappe.desk.reportview.get_list", "frappe.client.get_list"}
)
# frappe.local.flags key: the linked titles taken out of this request's query, {alias: (link field, DocType)}
LIST_TITLES = "zz_list_titles"
# /api/ routes of one document, whose parameters are field values, not query parameters
DOCUMENT_ENDPOINTS = frozenset({"create_doc", "read_doc", "update_doc", "delete_doc", "execute_doc_method"})


class RawFilterError(frappe.PermissionError):
	pass


# ---------------------------------------------------------------- every request


def check_request():
	form = frappe.local.form_dict
	if not form:
		return
	form.pop("debug", None)  # the SQL of a list with its values: for the console, not for clients
	if requested_method() in NAME_FILTER_METHODS and is_plain_name(form.get("filters")):
		# the desk asks frappe.client.get_value(doctype, fieldname, filters=<a name>): Frappe reads a string
		# that is not JSON as the record's name, never as SQL; said so explicitly, it passes the checks
		form["filters"] = {"name": form.get("filters")}
	for param in FILTER_PARAMS:
		if form.get(param) not in (None, ""):
			check_filters(form.get(param))
	for param in ("chart", "doc"):
		value = parse(form.get(param)) if isinstance(form.get(param), str) else form.get(param)
		if isinstance(value, dict):
			for key in NESTED_FILTER_KEYS:
				if value.get(key) not in (None, ""):
					check_filters(value.get(key))
	route = api_route()
	doctype = route if isinstance(route, str) else form.get("doctype")
	if doctype and form.get("fields"):
		if titles := check_link_fields(doctype, form.get("fields")):
			take_out_link_titles(form, titles)


def requested_method() -> str | None:
	path = frappe.request.path if getattr(frappe, "request", None) else ""
	if path and path.startswith("/api/method/"):
		return path.removeprefix("/api/method/")
	return frappe.local.form_dict.get("cmd")


def api_route() -> str | bool | None:
	"""The DocType of a list or count under /api/ (`/api/resource/<DocType>`, `/api/v2/document/<DocType>`,
	`/api/v2/doctype/<DocType>/count`), False for a document's own route (its body holds field values, not
	query parameters), None for anything else."""
	request = getattr(frappe.local, "request", None)
	if not request or not request.path.startswith("/api/"):
		return None
	from frappe.api import API_URL_MAP

	try:
		endpoint, arguments = API_URL_MAP.bind_to_environ(request.environ).match()
	except Exception:
		return None  # Frappe answers a path it has no route for itself
	if not arguments.get("doctype"):
		return None
	if endpoint.__name__ in ("document_list", "count"):
		return arguments["doctype"]
	if endpoint.__name__ in DOCUMENT_ENDPOINTS or "name" in arguments:
		return False
	return None


def is_plain_name(value) -> bool:
	return isinstance(value, str) and value != "" and parse(value) == value


def parse(value):
	try:
		return json.loads(value)
	except (TypeError, ValueError):
		return value


def refuse_filter():
	frappe.throw(
		_("Filters must be given as a list or a dictionary of conditions on fields."),
		exc=RawFilterError,
		title=_("Filter Not Allowed"),
	)


def check_filters(filters):
	"""Refuse a filter written as SQL: a string, or a condition whose field is not a plain field name."""
	if isinstance(filters, str):
		filters = parse(filters)
	if isinstance(filters, dict):
		if not all(isinstance(key, str) and FIELDNAME.match(key) for key in filters):
			refuse_filter()
		return
	if not isinstance(filters, list | tuple):
		refuse_filter()
	for condition in filters:
		if isinstance(condition, dict):
			check_filters(condition)
		elif not isinstance(condition, list | tuple) or not check_condition(condition):
			refuse_filter()


def check_condition(condition) -> bool:
	if len(condition) >= 4:
		doctype, fieldname = condition[0], condition[1]
		if not (isinstance(doctype, str) and DOCTYPE_NAME.match(doctype)):
			return False
	elif len(condition) >= 2:
		fieldname = condition[0]
	else:
		return False
	return isinstance(fieldname, str) and bool(FIELDNAME.match(fieldname))


def check_link_fields(doctype, fields) -> dict[str, tuple[str, str, str]]:
	"""`fields=["case.facts"]` joins the linked record with a check of the linked DocType's role permission
	only, not of the linked record: refused where the linked DocType's records are scoped one by one.

	The desk's list view asks for one such column beside each Link column whose DocType shows titles in
	links: `case.title as case_title`. On the list endpoints that answer rows by column name, exactly that
	column is let through, to be taken out of the query and answered after it for the records the user may
	see (titles.add_list_titles). Returns those columns, {alias: (column, link field, linked DocType)}."""
	fields = parse(fields) if isinstance(fields, str) else fields
	if isinstance(fields, str):
		fields = fields.split(",")
	if not isinstance(doctype, str) or not isinstance(fields, list | tuple):
		return {}
	if not any(isinstance(f, str) and "." in f and not f.strip().startswith("`") for f in fields):
		return {}
	try:
		meta = frappe.get_meta(doctype)
	except frappe.DoesNotExistError:
		return {}
	titles = {}
	for field in fields:
		if not isinstance(field, str) or "." not in field or field.strip().startswith("`"):
			continue
		link = meta.get_field(field.split(".", 1)[0].strip())
		if link and link.fieldtype == "Link" and is_scoped_doctype(link.options):
			alias = link_title_alias(field, link)
			if alias and lists_rows_by_column():
				titles[alias] = (field, link.fieldname, link.options)
				continue
			frappe.throw(
				_("Columns of a linked {0} cannot be read from this list.").format(_(link.options)),
				exc=frappe.PermissionError,
				title=_("Not Permitted"),
			)
	return titles


def link_title_alias(field: str, link) -> str | None:
	"""The alias of the column list_view.js asks for a Link field (`<link>.<title field> as <link>_<title
	field>`, for a DocType showing titles in links), if the field is exactly that; else None."""
	linked = frappe.get_meta(link.options)
	title = linked.title_field
	if not (linked.show_title_field_in_link and title and linked.has_field(title)):
		return None
	alias = f"{link.fieldname}_{title}"
	return alias if field.strip() == f"{link.fieldname}.{title} as {alias}" else None


def lists_rows_by_column() -> bool:
	"""Whether the request is a list whose rows come back by column name (the answers titles.py completes)."""
	form = frappe.local.form_dict
	if form.get("as_list") or not sbool(form.get("as_dict", True)):
		return False
	return requested_method() in TITLED_LIST_METHODS or isinstance(api_route(), str)


def take_out_link_titles(form, titles: dict[str, tuple[str, str, str]]):
	"""The query runs without the linked titles; titles.add_list_titles answers them after it."""
	fields = parse(form.get("fields")) if isinstance(form.get("fields"), str) else form.get("fields")
	if isinstance(fields, str):
		fields = fields.split(",")
	taken = {column for column, _link, _doctype in titles.values()}
	kept = [field for field in fields if not (isinstance(field, str) and field in taken)]
	form["fields"] = json.dumps(kept) if isinstance(form.get("fields"), str) else kept
	frappe.local.flags[LIST_TITLES] = {
		alias: (link, doctype) for alias, (_c, link, doctype) in titles.items()
	}


def is_scoped_doctype(doctype: str) -> bool:
	"""DocTypes whose rows are readable one by one (this app's, or any with permission hooks)."""
	if frappe.get_meta(doctype).module == MODULE:
		return True
	hooks = frappe.get_hooks("has_permission") or {}
	return doctype in hooks or doctype in (frappe.get_hooks("permission_query_conditions") or {})


# ---------------------------------------------------------------- permission helpers


def privileged(user: str | None = None) -> bool:
	return is_unscoped(user or frappe.session.user)


def require(doctype: str, name: str, ptype: str = "read"):
	if not (doctype and name) or not frappe.has_permission(doctype, ptype, doc=name):
		frappe.throw(
			_("You do not have permission to access this document."),
			exc=frappe.PermissionError,
			title=_("Not Permitted"),
		)


def missing(doctype: str):
	frappe.throw(_("{0} not found").format(_(doctype)), exc=frappe.DoesNotExistError)


# ---------------------------------------------------------------- child tables


def child_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""Rows of this app's child tables listed on their own (`get_list(child, parent_doctype=…)`): only rows
	of parents the user may read. Frappe checks the parent DocType's role permission there, not the record."""
	if not doctype:
		return ""
	meta = frappe.get_meta(doctype)
	if not meta.istable or meta.module != MODULE:
		return ""
	user = user or frappe.session.user
	if privileged(user):
		return ""
	parts = []
	for parent in parent_doctypes(doctype):
		if frappe.get_meta(parent).issingle:  # settings: one record, no table to select from
			if frappe.has_permission(parent, "read", user=user):
				parts.append(f"`tab{doctype}`.`parenttype` = {frappe.db.escape(parent)}")
			continue
		visible = frappe.get_list(
			parent, fields=[f"`tab{parent}`.`name`"], user=user, limit_page_length=0, order_by=None, run=False
		)
		parts.append(
			f"(`tab{doctype}`.`parenttype` = {frappe.db.escape(parent)} and `tab{doctype}`.`parent` in ({visible}))"
		)
	return "(" + " or ".join(parts) + ")" if parts else "1=0"


def parent_doctypes(child: str) -> list[str]:
	def load():
		# get_all: the DocTypes holding this table, a fact of the schema
		return sorted(
			set(
				frappe.get_all(
					"DocField",
					filters={"options": child, "fieldtype": ["in", ["Table", "Table MultiSelect"]]},
					pluck="parent",
				)
			)
			| set(
				frappe.get_all(
					"Custom Field",
					filters={"options": child, "fieldtype": ["in", ["Table", "Table MultiSelect"]]},
					pluck="dt",
				)
			)
		)

	return frappe.cache.hget("zz_child_parents", child, load)


# ---------------------------------------------------------------- saves


def check_stored_permission(doc, method=None):
	"""before_validate of every DocType: Frappe checks write permission on the edited document, so a user
	could rewrite the fields the rules read (centre, department, owner) and pass. Check the stored one."""
	if doc.flags.ignore_permissions or doc.is_new() or frappe.flags.in_install or frappe.flags.in_migrate:
		return
	if doc.meta.istable or doc.meta.issingle or privileged():
		return
	before = doc.get_doc_before_save()
	if not before:
		return
	if not frappe.has_permission(doc.doctype, "write", before):
		frappe.throw(
			_("You do not have permission to change this document."),
			exc=frappe.PermissionError,
			title=_("Not Permitted"),
		)
	for fieldname in OWNER_FIELDS:
		if doc.get(fieldname) != before.get(fieldname):
			frappe.throw(
				_("The owner of a document cannot be changed."),
				exc=frappe.PermissionError,
				title=_("Not Permitted"),
			)


def check_case_move(doc, method=None):
	"""validate of ZZ Case: its centre changes only through the routing actions (services.routing)."""
	if doc.is_new() or doc.flags.ignore_permissions or doc.flags.zz_moved or privileged():
		return
	before = doc.get_doc_before_save()
	if before and (doc.current_center, doc.receiving_center) != (
		before.current_center,
		before.receiving_center,
	):
		frappe.throw(
			_("A case moves to another centre only through the escalate, send down and accept actions."),
			exc=frappe.PermissionError,
			title=_("Not Permitted"),
		)


def check_file_url(doc, method=None):
	"""before_insert of File: a row pointing at an existing private file (no content uploaded with it) makes
	its owner able to download that file; allowed only for a file the user can already read."""
	url = doc.file_url or ""
	if doc.flags.ignore_permissions or not frappe.request or doc.is_folder or not url.startswith("/private/"):
		return
	if privileged():
		return
	form = frappe.local.form_dict
	if form.get("content") or form.get("filedata") or getattr(frappe.local, "uploaded_file", None):
		return  # the client sent the file's content: Frappe writes it, whatever its name
	# get_all: every row of the file, whoever may read it; read permission is checked on each below
	rows = frappe.get_all("File", filters={"file_url": url, "name": ["!=", doc.name or ""]}, pluck="name")
	if not any(frappe.has_permission("File", "read", doc=row) for row in rows):
		frappe.throw(
			_("You do not have permission to access this file."),
			exc=frappe.PermissionError,
			title=_("Not Permitted"),
		)


# ---------------------------------------------------------------- error responses


def scrub_error_response(response=None, request=None):
	"""after_request: a refusal tells the user that, not what the record holds. Frappe's permission check
	prints why it refused (\"linked to ZZ Center 'X' in field Current Center\": a value of the record) and
	its traceback; neither goes to users outside the System Manager role. Bulk actions (delete, update)
	answer 200 with the same messages for the records they skipped; /api/v2 puts them in `errors`."""
	if response is None or response.mimetype != "application/json" or response.direct_passthrough:
		return  # (a file sent as it is on disk, a .json download say, is no answer of Frappe's)
	if response.status_code < 400 and b"_server_messages" not in response.get_data():
		return
	if privileged():
		return
	try:
		body = json.loads(response.get_data(as_text=True))
	except ValueError:
		return
	if not isinstance(body, dict):
		return
	changed = bool(body.pop("exc", None)) | bool(body.pop("exception", None))
	if response.status_code == 403 and names_refused_record(body.get("_error_message")):
		# "No permission for ZZ Case 07amus95u8": the refused record's name stays out of the desk's dialog
		body["_error_message"] = _("You may not see or act on this record.")
		changed = True
	for error in body.get("errors") if isinstance(body.get("errors"), list) else []:
		if isinstance(error, dict):
			changed |= bool(error.pop("exception", None))
			if explains_refusal(str(error.get("message"))):
				error["message"] = _("You do not have permission to access this document.")
				changed = True
	if messages := body.get("_server_messages"):
		kept = [m for m in json.loads(messages) if not explains_refusal(m)]
		if len(kept) != len(json.loads(messages)):
			body["_server_messages"] = json.dumps(kept) if kept else None
			if not kept:
				body.pop("_server_messages")
			changed = True
	if changed:
		response.set_data(json.dumps(body))


# Frappe's explanations of a refusal, in English and in the user's language ({n}: the values they name)
REFUSAL_TEMPLATES = (
	"You are not allowed to access this {0} record because it is linked to {1} '{2}' in field {3}",
	"You are not allowed to access this {0} record because it is linked to {1} '{2}' in row {3}, field {4}",
	"User {0} does not have access to this document",
)


# Frappe's refusals that name the record refused ({0}: its DocType and name)
RECORD_REFUSAL_TEMPLATES = ("No permission for {0}", "Insufficient Permission for {0}")


def names_refused_record(message) -> bool:
	if not isinstance(message, str) or not message:
		return False
	for template in RECORD_REFUSAL_TEMPLATES:
		for wording in {template, _(template)}:
			pattern = ".+?".join(re.escape(part) for part in wording.split("{0}"))
			if re.search(pattern, message, re.S):
				return True
	return False


def explains_refusal(message: str) -> bool:
	"""Whether a message (plain, or one of Frappe's JSON-encoded server messages) explains a refusal."""
	try:
		decoded = json.loads(message)
		text = decoded.get("message", "") if isinstance(decoded, dict) else message
	except ValueError:
		text = message
	text = str(text)
	for template in REFUSAL_TEMPLATES:
		for wording in {template, _(template)}:
			pattern = ".*?".join(re.escape(part) for part in re.split(r"\{\d\}", wording))
			if re.search(pattern, text, re.S):
				return True
	return False
