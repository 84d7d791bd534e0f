"""How the app's HTTP APIs answer when a call does not succeed — one home for the sister-system API (v1) and
the Open311 facade, so that both refuse the same things with the same status and keep nothing of a refused
request.

A call answers ``(status, body)``, or raises:

- ``IntakeRefused``: field errors the caller can correct, with their status (422 unless it says otherwise);
- ``frappe.PermissionError``: 403; ``frappe.DoesNotExistError``: 404; another ``frappe.ValidationError``: 422;
  another of Frappe's refusals, the status it carries (429 too many requests, …);
- anything else is the server's fault: 503 when the database gave up on a lock or a service is
  unavailable for now (the caller may simply retry, with its idempotency key), else 500. The error goes to the Error Log for the administrator; the client
  gets a sentence, never a traceback.

Each becomes a list of field errors ``{"field", "code", "message"}``. The transaction is rolled back and
Frappe's message log emptied (it would repeat the message in a second place), then the API renders the list
in its own format: v1 as ``{"errors": [...], "message": "…"}``, Open311 as the spec's
``[{"code": 400, "description": "…"}]``.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import frappe
from frappe import _
from werkzeug.wrappers import Response

from zongzhi_center.services.intake import IntakeRefused, field_error

Answer = Callable[[int, object], Response]
Refusal = Callable[[int, list[dict]], Response]


def json_response(status: int, body: dict | list) -> Response:
	return Response(
		json.dumps(body, ensure_ascii=False, default=str),
		status=status,
		content_type="application/json; charset=utf-8",
	)


def guarded(call: Callable[[], tuple[int, object]], answer: Answer, refuse: Refusal) -> Response:
	"""Run an API call: its answer through ``answer(status, body)``, or its refusal, as a status and a list of
	field errors, through ``refuse(status, errors)`` after nothing of the request was kept."""
	try:
		status, body = call()
	except Exception as e:
		forget_request()
		status, errors = classify(e)
		return refuse(status, errors)
	return answer(status, body)


def classify(e: Exception) -> tuple[int, list[dict]]:
	"""The status and field errors a caller is told for this exception."""
	if isinstance(e, IntakeRefused):
		return e.status, e.errors
	if isinstance(e, frappe.PermissionError):
		return 403, [field_error("", "forbidden", str(e) or _("Not permitted"))]
	if isinstance(e, frappe.DoesNotExistError):
		return 404, [field_error("", "not_found", _("Not found"))]
	if isinstance(e, frappe.ValidationError):
		return 422, [field_error("", "invalid", str(e) or _("Invalid"))]
	status = getattr(e, "http_status_code", 500)
	if 400 <= status < 500:  # Frappe's other refusals: too many requests, a CSRF token, an expired session
		return status, [field_error("", "invalid", str(e) or _("Invalid request."))]
	if status == 503 or lock_given_up(e):
		return 503, [field_error("", "busy", _("The server is busy. Please try again in a moment."))]
	log_fault(e)
	return 500, [field_error("", "server_error", _("Server error."))]


def forget_request() -> None:
	"""Nothing of a refused request stays. A database that went away cannot roll back, and has kept nothing."""
	try:
		frappe.db.rollback()
	except Exception:
		pass
	frappe.local.message_log = []


def lock_given_up(e: Exception) -> bool:
	try:
		return bool(frappe.db and (frappe.db.is_deadlocked(e) or frappe.db.is_timedout(e)))
	except Exception:
		return False


def log_fault(e: Exception) -> None:
	"""The administrator's copy of a server fault (the Error Log, with the traceback); kept apart from the
	rolled-back request, and never in the way of the answer when the database itself is the fault."""
	try:
		frappe.log_error(title=_("API call failed: {0}").format(type(e).__name__))
		frappe.db.commit()
	except Exception:
		frappe.logger("zongzhi_center").exception("API call failed")
