"""An Open311 GeoReport v2 facade, so that existing civic clients can talk to the centre:
/api/method/zongzhi_center.api.open311.services | requests | request (and the same at /open311/v2/…).

Open311's error shape is kept: ``[{"code": 400, "description": "…"}]``. Requests are created by a sister
system (its API key), read back only by it, and say nothing of the parties or the facts.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import frappe
from frappe import _
from frappe.utils import get_datetime
from werkzeug.wrappers import Response

from zongzhi_center.api.v1 import json_response
from zongzhi_center.engine import intake as engine
from zongzhi_center.engine import open311 as facade
from zongzhi_center.services import intake
from zongzhi_center.services.intake import IntakeRefused
from zongzhi_center.services.tracking import public_milestones


def open311_errors(status: int, descriptions: list[str]) -> Response:
	frappe.db.rollback()
	frappe.local.message_log = []
	return json_response(status, [{"code": status, "description": d} for d in descriptions])


def guarded(call) -> Response:
	try:
		status, body = call()
		return json_response(status, body)
	except IntakeRefused as e:
		status = 400 if e.status == 422 else e.status
		return open311_errors(
			status,
			[f"{err['field']}: {err['message']}" if err["field"] else err["message"] for err in e.errors],
		)
	except frappe.PermissionError as e:
		return open311_errors(403, [str(e) or _("Not permitted")])
	except frappe.ValidationError as e:
		return open311_errors(400, [str(e) or _("Invalid")])


@frappe.whitelist(methods=["GET"])
def services() -> Response:
	"""The case categories as Open311 services."""

	def call():
		intake.require_sister_system()
		rows = frappe.get_all(
			"ZZ Case Category",
			fields=["name", "description", "parent_zz_case_category"],
			order_by="lft asc",
		)
		return 200, facade.services((r.name, r.description, r.parent_zz_case_category) for r in rows)

	return guarded(call)


@frappe.whitelist(methods=["GET", "POST"])
def requests(**form: Any) -> Response:
	"""POST: create a service request (a case). GET: the caller's requests by service_request_id."""
	if frappe.request and frappe.request.method == "GET":
		return guarded(lambda: (200, find(str(form.get("service_request_id") or "").split(","))))
	return guarded(lambda: create(form))


@frappe.whitelist(methods=["GET"])
def request(service_request_id: str) -> Response:
	def call():
		found = find([service_request_id])
		if not found:
			raise IntakeRefused([{"field": "", "code": "not_found", "message": _("Not found")}], 404)
		return 200, found

	return guarded(call)


def create(form: dict) -> tuple[int, list]:
	system = intake.require_sister_system()
	form = {k: v for k, v in form.items() if k != "cmd" and isinstance(v, str)}
	key = frappe.get_request_header("Idempotency-Key")
	external_id = key or f"o311-{uuid.uuid4().hex}"
	if not engine.EXTERNAL_ID.match(external_id):
		raise IntakeRefused([{"field": "Idempotency-Key", "code": "invalid", "message": _("Invalid")}], 400)
	payload = facade.to_intake(form, external_id, source=system.source)
	payload.pop("external_system", None)
	payload.pop("channel", None)
	status, answer = intake.submit(payload, key)
	return status, [{"service_request_id": answer["case_number"], "service_notice": "", "account_id": None}]


def find(numbers: list[str]) -> list[dict]:
	"""The caller's cases with these numbers (another's are left out, as if they did not exist)."""
	system = intake.require_sister_system()
	numbers = [n.strip() for n in numbers if n and n.strip()][:50]
	if not numbers:
		return []
	rows = frappe.get_list(
		"ZZ Case",
		filters={"case_number": ["in", numbers], "external_system": system.name},
		fields=["case_number", "category", "workflow_state", "received_at", "modified", "merged_into"],
	)
	# get_all: a merged duplicate names the case it continues in by its public number, whoever holds it
	merged = dict(
		frappe.get_all(
			"ZZ Case",
			filters={"name": ["in", [r.merged_into for r in rows if r.merged_into] or [""]]},
			fields=["name", "case_number"],
			as_list=True,
		)
	)
	milestones = public_milestones()
	return [
		facade.service_request(
			r.case_number,
			r.category,
			r.workflow_state,
			get_datetime(r.received_at),
			get_datetime(r.modified),
			merged.get(r.merged_into),
			milestones,
		)
		for r in rows
	]


class Open311Page:
	"""The GeoReport v2 paths civic clients expect — /open311/v2/services.json, /open311/v2/requests.json,
	/open311/v2/requests/<id>.json — answered by the methods above (a ``page_renderer`` hook)."""

	PATH = re.compile(r"^open311/v2/(?:(services|requests)|requests/([^/]+))\.json$")

	def __init__(self, path: str, http_status_code: int | None = None):
		self.path = (path or "").strip("/ ")
		self.match = self.PATH.match(self.path)

	def can_render(self) -> bool:
		return bool(self.match)

	def render(self) -> Response:
		collection, request_id = self.match.groups()
		form = {k: v for k, v in frappe.form_dict.items() if k != "cmd"}
		if request_id:
			return request(request_id)
		if collection == "services":
			return services()
		return requests(**form)
