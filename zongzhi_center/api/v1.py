"""Version 1 of the sister-system API (五源汇聚): /api/method/zongzhi_center.api.v1.<method>.

Answers are plain JSON (no Frappe "message" envelope) with HTTP status codes, described by the OpenAPI
document at /api/method/zongzhi_center.api.v1.openapi. Errors always have the same shape:
``{"errors": [{"field": "parties[0].id_number", "code": "invalid", "message": "…"}], "message": "…"}`` — field
paths and codes are stable, messages are in the caller's language and never repeat a rejected ID number or
phone; `message` is all of them in one line, for client libraries that show a refusal's `message`.
"""

from __future__ import annotations

import re
from typing import Any

import frappe
from frappe import _
from werkzeug.wrappers import Response

from zongzhi_center.api import errors as api_errors
from zongzhi_center.api import openapi as spec
from zongzhi_center.api.errors import json_response
from zongzhi_center.services import intake
from zongzhi_center.services.intake import IntakeRefused, field_error

CASE_NUMBER = re.compile(r"^[A-Za-z0-9-]{1,64}$")


def refused(status: int, errors: list[dict]) -> Response:
	"""A refusal in this API's shape (api_errors.guarded has kept nothing of the request)."""
	return json_response(status, {"errors": errors, "message": summary(errors)})


def summary(errors: list[dict]) -> str:
	"""The field errors as one line: what a client library shows of a refusal (frappe-js-sdk rejects with
	the body's `message`, else with an English text of its own)."""
	return "; ".join(f"{e['field']}: {e['message']}" if e.get("field") else e["message"] for e in errors)


def guarded(call) -> Response:
	"""Run an API call; every refusal answers in the stable error shape (statuses: api/errors.py)."""
	return api_errors.guarded(call, json_response, refused)


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
def case_status(external_id: str | None = None, case_number: str | None = None) -> Response:
	"""The status and public milestones of one of the caller's cases, by the caller's own id or by the case
	number the intake answered with (the number a hotline operator reads out to the caller)."""

	def call():
		intake.require_sister_system()
		if external_id is None and case_number is None:
			raise IntakeRefused(
				[
					field_error(
						"external_id",
						"required",
						_(
							"Give your system's id of the case (external_id) or its case number (case_number)."
						),
					)
				],
				400,
			)
		return 200, intake.status(external_id if external_id is not None else own_external_id(case_number))

	return guarded(call)


def own_external_id(case_number) -> str:
	"""The calling system's own id of its case with this number; another system's case, like a number nobody
	has, is not found."""
	system = intake.require_sister_system()
	if not isinstance(case_number, str) or not CASE_NUMBER.match(case_number):
		raise IntakeRefused(
			[field_error("case_number", "invalid", _("Letters, digits and - only, at most 64."))], 400
		)
	# get_all: only the caller's own cases are looked at; intake.status checks the permission on the case
	ids = frappe.get_all(
		"ZZ Case",
		filters={"case_number": case_number, "external_system": system.name},
		pluck="external_id",
		limit=1,
	)
	if not ids or not ids[0]:
		raise IntakeRefused(
			[field_error("case_number", "not_found", _("No case of yours has this number."))], 404
		)
	return ids[0]


@frappe.whitelist(methods=["GET"], allow_guest=True)
def openapi() -> Response:
	"""The OpenAPI 3.1 description of this API and the Open311 facade."""
	return json_response(200, spec.document(frappe.utils.get_url()))
