"""五源汇聚 on the site: cases sent by sister systems (12345 hotline, 110 police, court, petition system, grid
app), whichever way they come — the versioned API (api/v1.py), the Open311 facade (api/open311.py) or
Frappe's own /api/resource.

- Each sister system is a ZZ Sister System with its own API user (role ZZ Integration, User Permissions on
  the centres it serves). The external system of a case is the caller's, never what the body says.
- Idempotent: a case's (system, external id) and (system, Idempotency-Key) are unique columns, so a replay
  — even at the same moment as the first request — answers with the first case and creates nothing. A
  replay whose body differs from the first answers 409.
- Attachments arrive as base64 and become private files of the case.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re

import frappe
from frappe import _
from frappe.utils import flt, get_datetime, get_datetime_str

from zongzhi_center.engine import intake as engine
from zongzhi_center.engine import tracking as engine_tracking
from zongzhi_center.engine import uploads as engine_uploads
from zongzhi_center.exceptions import DuplicateIntakeError
from zongzhi_center.permissions.centers import allowed_centers
from zongzhi_center.services import reviews, tracking, uploads
from zongzhi_center.services import workflow_names as wn

INTEGRATION_ROLE = wn.INTEGRATION
MAX_ATTACHMENTS = 10
FILE_NAME = re.compile(r"^[^/\\\x00-\x1f]{1,140}$")


class IntakeRefused(Exception):
	"""Bad input: field errors, HTTP 422 (or ``status``)."""

	def __init__(self, errors: list[dict], status: int = 422):
		super().__init__("intake refused")
		self.errors = errors
		self.status = status


def field_error(field: str, code: str, message: str) -> dict:
	return {"field": field, "code": code, "message": message}


def sister_system(user: str | None = None) -> frappe._dict | None:
	"""The enabled sister system that signs in as this user."""
	user = user or frappe.session.user
	# get_value: the calling user's own system, found before any permission applies to it
	return frappe.db.get_value(
		"ZZ Sister System",
		{"user": user, "enabled": 1},
		["name", "system_name", "source", "channel", "default_center", "max_attachment_mb"],
		as_dict=True,
	)


def require_sister_system() -> frappe._dict:
	system = sister_system()
	if not system or INTEGRATION_ROLE not in frappe.get_roles():
		raise frappe.PermissionError(_("This API is for sister systems: sign in with the system's API key."))
	return system


# ---------------------------------------------------------------- on the case (every path)
def validate_external(case, before) -> None:
	"""The case's external system is the calling system's; the external id is required of sister systems,
	unique per system, and neither changes afterwards."""
	if before is not None:
		if (before.external_system or None, before.external_id or None) != (
			case.external_system or None,
			case.external_id or None,
		):
			frappe.throw(_("The external system and id of a case never change."), frappe.ValidationError)
		return
	# the API found the calling system a moment ago (submit)
	system = case.flags.zz_sister_system or (
		sister_system() if INTEGRATION_ROLE in frappe.get_roles() else None
	)
	if system:
		case.external_system = system.name
		# the system's own source and channel win over the form's defaults filled in before (a Select's
		# first option, the Window channel): a 12345 case is never counted as a walk-in police case
		case.source = system.source or case.source
		case.channel = system.channel or case.channel
		if not (case.external_id or "").strip():
			frappe.throw(_("Give your system's own id of the case (external_id)."), frappe.MandatoryError)
	elif "System Manager" not in frappe.get_roles():
		case.external_system = None  # only a sister system speaks for itself
	if case.external_id and not engine.EXTERNAL_ID.match(case.external_id):
		frappe.throw(
			_("The external id may hold letters, digits and . _ : / - only, at most 64."),
			frappe.ValidationError,
		)
	case.intake_key = (
		f"{case.external_system}:{case.external_id}" if case.external_system and case.external_id else None
	)
	# the API looked the key up a moment ago (submit: a replay is answered, not refused); a request sent
	# twice at once meets the column's unique index instead
	number = (
		case.intake_key
		and case.intake_key != case.flags.zz_intake_key_free
		and frappe.db.get_value("ZZ Case", {"intake_key": case.intake_key}, "case_number")
	)
	if number:
		frappe.throw(
			_("Your system already sent a case with this external id: case {0}.").format(number),
			exc=DuplicateIntakeError,
			title=_("Already Received"),
		)


# ---------------------------------------------------------------- the API's intake
def submit(payload, idempotency_key: str | None = None) -> tuple[int, dict]:
	"""(HTTP status, answer) for a case sent by the signed-in sister system."""
	system = require_sister_system()
	if not isinstance(payload, dict):
		raise IntakeRefused([field_error("", engine.INVALID, _("The body must be a JSON object."))], 400)
	payload = dict(payload)
	attachments = payload.pop("attachments", None)
	if payload.get("external_system") not in (None, "", system.name):
		raise IntakeRefused(
			[
				field_error(
					"external_system", engine.NOT_ALLOWED, _("A system sends cases in its own name only.")
				)
			]
		)
	payload["external_system"] = system.name
	payload.setdefault("source", system.source)
	payload.setdefault("channel", system.channel)
	if idempotency_key is not None and not engine.EXTERNAL_ID.match(idempotency_key):
		raise IntakeRefused(
			[
				field_error(
					"Idempotency-Key", engine.INVALID, _("Letters, digits and . _ : / - only, at most 64.")
				)
			],
			400,
		)
	if idempotency_key and not payload.get("external_id"):
		payload["external_id"] = idempotency_key
	clean, errors = engine.validate(payload)
	files, file_errors = decode_attachments(attachments, flt(system.max_attachment_mb) or 10)
	errors = [field_error(e.field, e.code, e.text(_)) for e in errors] + file_errors
	if clean:
		clean["receiving_center"] = clean.get("receiving_center") or system.default_center
		errors += check_links(clean)
	if errors:
		raise IntakeRefused(errors)
	fingerprint = hashlib.sha256(
		json.dumps(
			[clean, [(f["file_name"], f["sha256"]) for f in files]], sort_keys=True, default=str
		).encode()
	).hexdigest()
	keys = {
		"intake_key": f"{system.name}:{clean['external_id']}",
		"idempotency_key": f"{system.name}:{idempotency_key}" if idempotency_key else None,
	}
	existing = find_existing(keys)
	if existing:
		return replay(existing, fingerprint)
	try:
		case = insert_case(clean, keys, fingerprint, files, system)
	except (frappe.UniqueValidationError, frappe.DuplicateEntryError, DuplicateIntakeError):
		# the same case sent twice at once: the other request committed first
		frappe.db.rollback()
		existing = find_existing(keys)
		if not existing:
			raise
		return replay(existing, fingerprint)
	result = answer(case, replayed=False)
	# a 复核 concluded on the same matter: the caller is told, the case is not refused
	notices = reviews.intake_notices(case)
	if notices:
		# the earlier case by its public number only, as everywhere a sister system reads of other cases
		result["warnings"] = [{k: v for k, v in n.items() if k != "case"} for n in notices]
	return 201, result


def check_links(clean: dict) -> list[dict]:
	errors = []
	if clean.get("category") and not frappe.db.exists("ZZ Case Category", clean["category"]):
		errors.append(
			field_error("category", engine.NOT_ALLOWED, _("Unknown category: see the service list."))
		)
	center = clean.get("receiving_center")
	if not center:
		errors.append(field_error("receiving_center", engine.REQUIRED, _("Give the receiving centre.")))
	elif center not in (allowed_centers(frappe.session.user) or set()):
		# a centre the system does not serve answers like one that does not exist
		errors.append(
			field_error("receiving_center", engine.NOT_ALLOWED, _("Not a centre this system serves."))
		)
	return errors


def find_existing(keys: dict) -> str | None:
	for field, value in keys.items():
		if value:
			# get_value: the caller is about to be told about its own case, found by its own key
			name = frappe.db.get_value("ZZ Case", {field: value}, "name")
			if name:
				return name
	return None


def replay(name: str, fingerprint: str) -> tuple[int, dict]:
	case = frappe.get_doc("ZZ Case", name)
	if case.intake_fingerprint and case.intake_fingerprint != fingerprint:
		raise IntakeRefused(
			[
				field_error(
					"external_id",
					"conflict",
					_("This id was already used for a different case; send a new id for a new case."),
				)
			],
			409,
		)
	return 200, answer(case, replayed=True)


def insert_case(clean: dict, keys: dict, fingerprint: str, files: list[dict], system=None):
	case = frappe.get_doc({"doctype": "ZZ Case", **clean})
	case.idempotency_key = keys["idempotency_key"]
	case.intake_fingerprint = fingerprint
	case.flags.zz_sister_system = system
	case.flags.zz_intake_key_free = keys["intake_key"]  # find_existing found no case with it
	case.insert()
	for f in files:
		# the case was created by this caller a moment ago: its files belong to it, private
		frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f["file_name"],
				"content": f["content"],
				"attached_to_doctype": "ZZ Case",
				"attached_to_name": case.name,
				"is_private": 1,
			}
		).insert(ignore_permissions=True)
	return case


def decode_attachments(rows, max_mb: float) -> tuple[list[dict], list[dict]]:
	if rows in (None, ""):
		return [], []
	if not isinstance(rows, list):
		return [], [field_error("attachments", engine.INVALID, _("Give a list of files."))]
	if len(rows) > MAX_ATTACHMENTS:
		return [], [
			field_error("attachments", engine.TOO_LONG, _("At most {0} files.").format(MAX_ATTACHMENTS))
		]
	files, errors = [], []
	for i, row in enumerate(rows):
		path = f"attachments[{i}]"
		if not isinstance(row, dict):
			errors.append(field_error(path, engine.INVALID, _("Each file must be an object.")))
			continue
		name = row.get("file_name")
		if not isinstance(name, str) or not FILE_NAME.match(name) or name in (".", ".."):
			errors.append(field_error(f"{path}.file_name", engine.INVALID, _("Give the file's name.")))
			continue
		if not engine_uploads.name_is_clean(name):
			errors.append(
				field_error(
					f"{path}.file_name",
					engine.INVALID,
					_("A file name may not contain control characters or text-direction marks."),
				)
			)
			continue
		if not engine_uploads.extension_allowed(name, uploads.allowed_extensions()):
			errors.append(
				field_error(
					f"{path}.file_name",
					engine.NOT_ALLOWED,
					_("Files of this type are not accepted. Allowed types: {0}.").format(
						", ".join(sorted(uploads.allowed_extensions()))
					),
				)
			)
			continue
		try:
			content = base64.b64decode(row.get("content") or "", validate=True)
		except (binascii.Error, TypeError, ValueError):
			errors.append(field_error(f"{path}.content", engine.INVALID, _("The content must be base64.")))
			continue
		if not content:
			errors.append(field_error(f"{path}.content", engine.REQUIRED, _("The file is empty.")))
		elif len(content) > max_mb * 1024 * 1024:
			errors.append(
				field_error(f"{path}.content", engine.TOO_LONG, _("At most {0} MB a file.").format(max_mb))
			)
		else:
			files.append(
				{"file_name": name, "content": content, "sha256": hashlib.sha256(content).hexdigest()}
			)
	return files, errors


# ---------------------------------------------------------------- answers
def public_status(state: str | None) -> str:
	return tracking.public_milestones().get(state or "", "Being Handled")


def answer(case, replayed: bool) -> dict:
	return {
		"case_number": case.case_number,
		"tracking_url": tracking.tracking_url(case),
		"status": engine_tracking.MERGED if case.merged_into else public_status(case.workflow_state),
		"workflow_state": case.workflow_state,
		"external_system": case.external_system,
		"external_id": case.external_id,
		"received_at": get_datetime_str(case.received_at),
		"updated_at": get_datetime_str(case.modified),
		"replayed": replayed,
	}


def status(external_id: str) -> dict:
	"""The status of the calling system's own case; another system's case is not found, like a missing one."""
	system = require_sister_system()
	if not isinstance(external_id, str) or not engine.EXTERNAL_ID.match(external_id):
		raise IntakeRefused(
			[
				field_error(
					"external_id", engine.INVALID, _("Letters, digits and . _ : / - only, at most 64.")
				)
			],
			400,
		)
	names = frappe.get_all(
		"ZZ Case", filters={"intake_key": f"{system.name}:{external_id}"}, pluck="name", limit=1
	)
	if not names or not frappe.has_permission("ZZ Case", "read", names[0]):
		raise IntakeRefused(
			[field_error("external_id", "not_found", _("No case of yours has this id."))], 404
		)
	case = frappe.get_doc("ZZ Case", names[0])
	result = answer(case, replayed=False)
	result.pop("replayed")
	history = [(row.state, get_datetime(row.changed_at)) for row in case.state_history]
	milestones = engine_tracking.milestones(history, tracking.public_milestones())
	if case.merged_into:
		# 并案: the system is told which case handles the matter on (its public number only)
		milestones = engine_tracking.as_merged(milestones)
		result["merged_into"] = tracking.merged_into_number(case.merged_into)
	result["milestones"] = [{"status": m.label, "at": get_datetime_str(m.at)} for m in milestones]
	return result


def zz_public_status(case_or_state) -> str:
	"""For templates (the status webhook's body): the public milestone of a case, or of a workflow state
	(the form an older webhook body uses). A merged duplicate says 已并案, not 不予受理."""
	if isinstance(case_or_state, str) or case_or_state is None:
		return public_status(case_or_state)
	if case_or_state.get("merged_into"):
		return engine_tracking.MERGED
	return public_status(case_or_state.get("workflow_state"))


def zz_merged_into(case) -> str | None:
	"""For templates: the public number of the case a merged duplicate continues in (nothing else of it)."""
	return tracking.merged_into_number(case.get("merged_into")) if case else None
