"""Version 1 of the sister-system API (五源汇聚): /api/method/zongzhi_center.api.v1.<method>.

Answers are plain JSON (no Frappe "message" envelope) with HTTP status codes, described by the OpenAPI
document at /api/method/zongzhi_center.api.v1.openapi. Errors always have the same shape:
``{"errors": [{"field": "parties[0].id_number", "code": "invalid", "message": "…"}]}`` — field paths and
codes are stable, messages are in the caller's language and never repeat a rejected ID number or phone.
"""

from __future__ import annotations

import json
from typing import Any

import frappe
from frappe import _
from werkzeug.wrappers import Response

from zongzhi_center.api import openapi as spec
from zongzhi_center.services import intake
from zongzhi_center.services.intake import IntakeRefused, field_error


def json_response(status: int, body: dict | list) -> Response:
	return Response(
		json.dumps(body, ensure_ascii=False, default=str),
		status=status,
		content_type="application/json; charset=utf-8",
	)


def refused(status: int, errors: list[dict]) -> Response:
	frappe.db.rollback()  # nothing of a refused request stays
	frappe.local.message_log = []
	return json_response(status, {"errors": errors})


def guarded(call) -> Response:
	"""Run an API call; every refusal answers in the stable error shape."""
	try:
		status, body = call()
		return json_response(status, body)
	except IntakeRefused as e:
		return refused(e.status, e.errors)
	except frappe.PermissionError as e:
		return refused(403, [field_error("", "forbidden", str(e) or _("Not permitted"))])
	except frappe.DoesNotExistError:
		return refused(404, [field_error("", "not_found", _("Not found"))])
	except frappe.ValidationError as e:
		return refused(422, [field_error("", "invalid", str(e) or _("Invalid"))])


@frappe.whitelist(methods=["POST"])
def submit_case(**payload: Any) -> Response:
	"""Register a case sent by the signed-in sister system. 201 with the case number and tracking URL;
	200 with the first answer when the external id (or Idempotency-Key) was seen before."""
	body = frappe.request.get_json(silent=True) if frappe.request else None
	if body is None:  # form-encoded callers: Frappe parsed the fields into the form dict
		body = {k: v for k, v in payload.items() if k != "cmd"}
	key = frappe.get_request_header("Idempotency-Key")
	return guarded(lambda: intake.submit(body, key))


@frappe.whitelist(methods=["GET"])
def case_status(external_id: str) -> Response:
	"""The status and public milestones of one of the caller's cases, by the caller's own id."""
	return guarded(lambda: (200, intake.status(external_id)))


@frappe.whitelist(methods=["GET"], allow_guest=True)
def openapi() -> Response:
	"""The OpenAPI 3.1 description of this API and the Open311 facade."""
	return json_response(200, spec.document(frappe.utils.get_url()))
