"""An Open311 GeoReport v2 facade, so that existing civic clients can talk to the centre, at the paths they
expect — /open311/v2/services.json, services/<code>.json, requests.json, requests/<id>.json, each also as
.xml (``Open311Page``, a page renderer) — and as /api/method/zongzhi_center.api.open311.<method> (JSON).

- The service list and the service definitions are public, as the spec has them: the leaf case categories
  (a group is no service: nothing is filed under it) and the case fields a request may add as attributes.
- Requests are sent and read by a sister system: its API key as the spec's ``api_key`` form field (the key
  and secret of the system's user, ``<api key>:<api secret>``, checked in constant time), or Frappe's token
  auth. A system reads back only its own requests, and they say nothing of the parties or the facts: the
  number, category, milestone, centre and promised date the public tracking page shows.
- Every error is the spec's ``[{"code": 400, "description": "service_code: …"}]`` (or <errors> in XML),
  translated, naming the form field the client sent; nothing is saved. So is a refusal Frappe makes before
  the facade runs (a wrong token): ``answer_in_spec_shape`` rewrites it.
"""

from __future__ import annotations

import hmac
import json
import re
import uuid
from typing import Any
from zoneinfo import ZoneInfo

import frappe
from frappe import _
from frappe.utils import cint, get_datetime, get_system_timezone, now_datetime
from frappe.utils.password import get_decrypted_password
from werkzeug.wrappers import Response

from zongzhi_center.api import errors as api_errors
from zongzhi_center.api.errors import json_response
from zongzhi_center.engine import intake as engine
from zongzhi_center.engine import open311 as facade
from zongzhi_center.services import intake
from zongzhi_center.services.intake import IntakeRefused, field_error
from zongzhi_center.services.tracking import public_milestones
from zongzhi_center.utils import identity

JSON, XML = "json", "xml"
# (root element, item element) of each answer in XML
SERVICES = ("services", "service")
DEFINITION = ("service_definition", None)
REQUESTS = ("service_requests", "request")
ERRORS = ("errors", "error")
PATHS = ("/open311/", "/api/method/zongzhi_center.api.open311.")


# ---------------------------------------------------------------- answers
def answer(status: int, body: Any, fmt: str = JSON, shape: tuple = REQUESTS) -> Response:
	if fmt == XML:
		response = Response(
			facade.to_xml(shape[0], shape[1], body), status=status, content_type="text/xml; charset=utf-8"
		)
	else:
		response = json_response(status, body)
	response.open311 = True  # answered by the facade: answer_in_spec_shape leaves it alone
	return response


def open311_errors(status: int, errors: list[dict], fmt: str = JSON) -> Response:
	"""A refusal in the spec's shape (api_errors.guarded has kept nothing of the request). The spec knows no
	422: input the centre cannot accept is its 400."""
	status = 400 if status == 422 else status
	descriptions = list(dict.fromkeys(describe(err) for err in errors))  # once each
	return answer(status, facade.errors(status, descriptions), fmt, ERRORS)


def describe(error: dict) -> str:
	return f"{error['field']}: {error['message']}" if error.get("field") else error["message"]


def guarded(call, fmt: str = JSON, shape: tuple = REQUESTS) -> Response:
	"""Run a facade call; every refusal answers in the spec's error shape (statuses: api/errors.py)."""
	return api_errors.guarded(
		call,
		lambda status, body: answer(status, body, fmt, shape),
		lambda status, errors: open311_errors(status, errors, fmt),
	)


def refused(field: str, message: str, status: int = 400) -> IntakeRefused:
	return IntakeRefused([field_error(field, engine.INVALID, message)], status)


def zone() -> ZoneInfo:
	return ZoneInfo(get_system_timezone())


# ---------------------------------------------------------------- who is asking
def sign_in(form: dict) -> frappe._dict:
	"""The calling sister system: by the spec's ``api_key`` (form or query), or by Frappe's token auth."""
	key = form.pop("api_key", None)
	if key not in (None, ""):
		user = user_of_key(str(key))
		if not user or (frappe.session.user not in ("Guest", user)):
			raise refused("api_key", _("The API key is not valid."), 403)
		if frappe.session.user == "Guest":
			form_dict = frappe.local.form_dict
			frappe.set_user(user)  # (which empties the request's form, as Frappe's own key sign-in knows)
			frappe.local.form_dict = form_dict
	if frappe.session.user == "Guest":
		raise IntakeRefused(
			[
				field_error(
					"api_key",
					engine.REQUIRED,
					_("Give the sister system's API key (api_key) to send or read requests."),
				)
			],
			401,
		)
	# the user's language, as the desk has it (a token sign-in keeps the language guessed for a guest)
	language = frappe.get_cached_value("User", frappe.session.user, "language")
	if language:
		frappe.local.lang = language
	try:
		return intake.require_sister_system()
	except frappe.PermissionError:
		raise refused("api_key", _("This key is not a sister system's."), 403) from None


def user_of_key(key: str) -> str | None:
	"""The enabled user whose ``api key:api secret`` this is (Frappe keeps the secret encrypted); the secret
	is compared in constant time, and a key nobody has costs the same comparison."""
	api_key, _sep, secret = key.partition(":")
	user = (
		frappe.db.get_value("User", {"api_key": api_key, "enabled": 1}, "name")
		if api_key and secret
		else None
	)
	stored = (
		get_decrypted_password("User", user, "api_secret", raise_exception=False) if user else None
	) or uuid.uuid4().hex
	matches = hmac.compare_digest(stored.encode(), secret.encode())
	return user if user and matches else None


# ---------------------------------------------------------------- services (public)
@frappe.whitelist(allow_guest=True, methods=["GET"])
def services() -> Response:
	"""The leaf case categories as Open311 services."""
	return service_list(JSON)


def service_list(fmt: str) -> Response:
	def call():
		rows = frappe.get_all(
			"ZZ Case Category",
			filters={"is_group": 0},
			fields=["name", "description", "parent_zz_case_category"],
			order_by="lft asc",
		)
		return 200, facade.services(((r.name, r.description, r.parent_zz_case_category) for r in rows), _)

	return guarded(call, fmt, SERVICES)


@frappe.whitelist(allow_guest=True, methods=["GET"])
def service_definition(service_code: str | None = None) -> Response:
	"""The attributes a request of this service may carry."""
	return definition(service_code, JSON)


def definition(service_code: str | None, fmt: str) -> Response:
	def call():
		if not is_service(service_code):
			raise refused("service_code", _("Unknown service: see the service list."), 404)
		return 200, facade.service_definition(service_code, _)

	return guarded(call, fmt, DEFINITION)


def is_service(code) -> bool:
	return (
		isinstance(code, str)
		and bool(code.strip())
		and frappe.db.get_value("ZZ Case Category", code, "is_group") == 0
	)


# ---------------------------------------------------------------- requests (a sister system's)
@frappe.whitelist(allow_guest=True, methods=["GET", "POST"])
def requests(**form: Any) -> Response:
	"""POST: create a service request (a case). GET: the caller's requests, by service_request_id or by
	start_date / end_date / status / service_code."""
	return service_requests(form, JSON)


def service_requests(form: dict, fmt: str) -> Response:
	form = {k: v for k, v in form.items() if k not in ("cmd", "csrf_token")}
	if frappe.request and frappe.request.method == "GET":
		return guarded(lambda: (200, listing(form)), fmt)
	return guarded(lambda: create(form), fmt)


@frappe.whitelist(allow_guest=True, methods=["GET"])
def request(service_request_id: str | None = None, **form: Any) -> Response:
	return one_request(service_request_id, form, JSON)


def one_request(service_request_id: str | None, form: dict, fmt: str) -> Response:
	def call():
		sign_in(form)
		found = find([service_request_id or ""])
		if not found:
			raise refused("service_request_id", _("No request of yours has this id."), 404)
		return 200, found

	return guarded(call, fmt)


def create(form: dict) -> tuple[int, list]:
	system = sign_in(form)
	form = {k: v for k, v in form.items() if isinstance(v, str)}
	key = frappe.get_request_header("Idempotency-Key")
	external_id = key or f"o311-{uuid.uuid4().hex}"
	if not engine.EXTERNAL_ID.match(external_id):
		raise refused("Idempotency-Key", _("Letters, digits and . _ : / - only, at most 64."))
	payload = facade.to_intake(form, external_id, source=system.source)
	payload.pop("external_system", None)
	payload.pop("channel", None)
	problems = [
		field_error(field, engine.NOT_ALLOWED, _(message)) for field, message in facade.attributes_of(form)[1]
	]
	if form.get("service_code") and not is_service(form["service_code"]):
		problems.append(
			field_error("service_code", engine.NOT_ALLOWED, _("Unknown service: see the service list."))
		)
	problems += phone_problems(form.get("phone"))
	try:
		if problems:
			# every problem at once: the payload's own, as the intake would name them, besides these
			_clean, errors = engine.validate({**payload, "external_system": system.name})
			raise IntakeRefused(
				[field_error(e.field, e.code, e.text(_)) for e in errors if e.field != "category"] + problems
			)
		status, created = intake.submit(payload, key)
	except IntakeRefused as e:
		for error in e.errors:
			error["field"] = facade.form_field(error["field"], form) if error["field"] else ""
		raise
	return status, [{"service_request_id": created["case_number"], "service_notice": "", "account_id": None}]


def phone_problems(phone: str | None) -> list[dict]:
	"""What the case would say of the applicant's phone, said of the ``phone`` field the client sent (the
	form's one person is the case's applicant)."""
	if not (phone or "").strip():
		if cint(frappe.db.get_single_value("ZZ Settings", "require_applicant_phone")):
			return [
				field_error(
					"phone",
					engine.REQUIRED,
					_("An applicant needs a phone number so that the centre can reach them."),
				)
			]
		return []
	try:
		identity.normalise_phone(phone)
	except identity.InvalidIdentifier:
		return [field_error("phone", engine.INVALID, _("Not a valid mainland mobile or landline number."))]
	return []


def listing(form: dict) -> list[dict]:
	sign_in(form)
	ids = str(form.get("service_request_id") or "")
	if ids.strip():
		return find(ids.split(","))  # the spec: ids override every other parameter
	tz = zone()
	moments, problems = {}, []
	for field in ("start_date", "end_date"):
		text = form.get(field)
		moments[field] = facade.parse_moment(text, tz) if isinstance(text, str) else None
		if text not in (None, "") and moments[field] is None:
			problems.append(
				field_error(
					field, engine.INVALID, _("Give a date and time in ISO 8601 (2026-01-31T08:00:00+08:00).")
				)
			)
	statuses = {s.strip() for s in str(form.get("status") or "").split(",") if s.strip()}
	if statuses - {facade.OPEN, facade.CLOSED}:
		problems.append(field_error("status", engine.NOT_ALLOWED, _("One of: open, closed.")))
	if problems:
		raise IntakeRefused(problems, 400)
	start, end, problem = facade.window(
		moments["start_date"], moments["end_date"], now_datetime().replace(tzinfo=None)
	)
	if problem:
		raise refused("start_date/end_date", _(problem))
	filters = {"received_at": ["between", [start, end]]}
	if statuses == {facade.OPEN} or statuses == {facade.CLOSED}:
		closed = [
			state for state, label in public_milestones().items() if facade.status_of(label) == "closed"
		]
		filters["workflow_state"] = ["in" if statuses == {facade.CLOSED} else "not in", closed]
	codes = [c.strip() for c in str(form.get("service_code") or "").split(",") if c.strip()]
	if codes:
		filters["category"] = ["in", codes]
	return requests_of(filters, limit=facade.MAX_RESULTS)


def find(numbers: list[str]) -> list[dict]:
	"""The caller's cases with these numbers (another's are left out, as if they did not exist)."""
	numbers = [n.strip() for n in numbers if n and n.strip()][:50]
	if not numbers:
		return []
	return requests_of({"case_number": ["in", numbers]}, limit=50)


def requests_of(filters: dict, limit: int) -> list[dict]:
	system = intake.require_sister_system()
	rows = frappe.get_list(
		"ZZ Case",
		filters={**filters, "external_system": system.name},
		fields=[
			"name",
			"case_number",
			"category",
			"workflow_state",
			"received_at",
			"merged_into",
			"current_center",
			"due_date",
		],
		order_by="received_at desc",
		limit_page_length=limit,
	)
	if not rows:
		return []
	# get_all: what the public tracking page shows of these cases — when their milestones changed, the
	# centre's name, and the public number of the case a merged duplicate continues in
	changed = dict(
		frappe.get_all(
			"ZZ Case State Change",
			filters={"parenttype": "ZZ Case", "parent": ["in", [r.name for r in rows]]},
			fields=["parent", "max(changed_at) as changed_at"],
			group_by="parent",
			as_list=True,
		)
	)
	merged = dict(
		frappe.get_all(
			"ZZ Case",
			filters={"name": ["in", [r.merged_into for r in rows if r.merged_into] or [""]]},
			fields=["name", "case_number"],
			as_list=True,
		)
	)
	centers = dict(
		frappe.get_all(
			"ZZ Center",
			filters={"name": ["in", list({r.current_center for r in rows if r.current_center}) or [""]]},
			fields=["name", "center_name"],
			as_list=True,
		)
	)
	milestones, tz = public_milestones(), zone()
	return [
		facade.service_request(
			r.case_number,
			r.category,
			r.workflow_state,
			get_datetime(r.received_at),
			get_datetime(changed.get(r.name) or r.received_at),
			merged.get(r.merged_into),
			milestones,
			zone=tz,
			translate=_,
			agency=centers.get(r.current_center),
			expected=r.due_date,
		)
		for r in rows
	]


# ---------------------------------------------------------------- the paths clients expect
class Open311Page:
	"""The GeoReport v2 paths civic clients expect, as JSON or XML (a ``page_renderer`` hook)."""

	PATH = re.compile(r"^open311/v2/(services|requests)(?:/([^/]+))?\.(json|xml)$")

	def __init__(self, path: str, http_status_code: int | None = None):
		self.path = (path or "").strip("/ ")
		self.match = self.PATH.match(self.path)

	def can_render(self) -> bool:
		return bool(self.match)

	def render(self) -> Response:
		collection, code, fmt = self.match.groups()
		form = {k: v for k, v in frappe.form_dict.items() if k != "cmd"}
		if collection == "services":
			return definition(code, fmt) if code else service_list(fmt)
		if code:
			return one_request(code, form, fmt)
		return service_requests(form, fmt)


# ---------------------------------------------------------------- refusals made before the facade runs
class MethodNotAllowed(frappe.ValidationError):
	http_status_code = 405


def refuse_other_methods():
	"""before_request: Open311 has GET and POST; another method is refused here, so that the refusal goes
	through Frappe's error handling and ``answer_in_spec_shape`` (not werkzeug's bare 404 page)."""
	request = getattr(frappe.local, "request", None)
	if (
		request
		and request.path.startswith("/open311/")
		and request.method not in ("GET", "HEAD", "POST", "OPTIONS")
	):
		raise MethodNotAllowed(_("This method is not allowed here."))


def answer_in_spec_shape(response=None, request=None):
	"""after_request: an error on an Open311 path that Frappe answered itself — a wrong token (401), a
	method not allowed, a server error — is given in the spec's shape, never as Frappe's HTML page."""
	if response is None or request is None or response.status_code < 400:
		return
	if getattr(response, "open311", False) or not request.path.startswith(PATHS) or in_spec_shape(response):
		return
	status = response.status_code
	messages = {
		401: _("The API key or token is not valid."),
		403: _("Not permitted"),
		404: _("Not found"),
		405: _("This method is not allowed here."),
		429: _("Too many requests. Please wait a minute and try again."),
	}
	text = messages.get(status) or (_("Invalid request.") if status < 500 else _("Server error."))
	if status == 401 and request.headers.get("Authorization"):
		text = f"Authorization: {text}"  # the header Frappe refused, named as the client sent it
	body = facade.errors(status, [text])
	if request.path.endswith(".xml"):
		response.set_data(facade.to_xml(*ERRORS, body))
		response.content_type = "text/xml; charset=utf-8"
	else:
		response.set_data(json.dumps(body, ensure_ascii=False))
		response.content_type = "application/json; charset=utf-8"


def in_spec_shape(response) -> bool:
	"""Already the spec's error list (an unreadable JSON body is answered so before this hook)."""
	if response.mimetype != "application/json" or response.direct_passthrough:
		return False
	try:
		body = json.loads(response.get_data(as_text=True))
	except ValueError:
		return False
	return isinstance(body, list) and all(isinstance(e, dict) and "code" in e for e in body)
