"""五源汇聚 intake: checking a case sent by a sister system (12345 hotline, 110 police, court, petition
system, grid app) before anything is saved.

``validate`` returns the clean case (the fields the ZZ Case DocType takes) or every problem at once, each
as a field path, a stable code and an English message the API layer translates. Messages never repeat
the value they reject: ID numbers and phones are personal data and must not reach logs or responses.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass
from typing import Any

from zongzhi_center.utils import identity

SOURCES = (
	"Police Source",
	"Government Source",
	"Litigation Source",
	"Petition Source",
	"Grid and Online Source",
)
CHANNELS = (
	"Window",
	"Phone",
	"Web",
	"Grid Report",
	"Department Transfer",
	"12345 Hotline",
	"110 Link",
	"Court Referral",
	"API",
)
PARTY_ROLES = ("Applicant", "Respondent", "Third Party")
PARTY_TYPES = ("Person", "Organisation")
MATTER_TYPES = (
	"Dispute Mediation",
	"Petition",
	"Legal Consultation",
	"Governance Matter",
	"Psychological Help",
	"Labour Claim",
)

EXTERNAL_ID = re.compile(r"^[A-Za-z0-9._:/-]{1,64}$")
LIMITS = {"title": 140, "facts": 20000, "party_name": 140, "address": 500, "incident_location": 140}
MAX_PARTIES = 200
# the largest amount a money column holds (12 digits of yuan)
MAX_AMOUNT = 999_999_999_999

REQUIRED = "required"
INVALID = "invalid"
TOO_LONG = "too_long"
NOT_ALLOWED = "not_allowed"
UNKNOWN_FIELD = "unknown_field"

CASE_FIELDS = {
	"title",
	"facts",
	"matter_type",
	"source",
	"channel",
	"category",
	"incident_date",
	"incident_location",
	"amount_in_dispute",
	"external_system",
	"external_id",
	"receiving_center",
	"parties",
}
PARTY_FIELDS = {"party_role", "party_type", "party_name", "id_number", "phone", "address"}


@dataclass(frozen=True)
class FieldError:
	"""`message` is the sentence to translate, with {0}… standing for `params`: the caller answers in its
	reader's language (services/intake.py translates it)."""

	field: str
	code: str
	message: str
	params: tuple = ()

	def text(self, translate=lambda s: s) -> str:
		return translate(self.message).format(*self.params)

	def as_dict(self) -> dict:
		return {"field": self.field, "code": self.code, "message": self.text()}


def validate(payload: Any) -> tuple[dict | None, list[FieldError]]:
	errors: list[FieldError] = []
	if not isinstance(payload, dict):
		return None, [FieldError("", INVALID, "The body must be a JSON object.")]
	errors += [
		FieldError(k, UNKNOWN_FIELD, "This field is not part of a case.")
		for k in sorted(set(payload) - CASE_FIELDS)
	]
	clean: dict[str, Any] = {}
	for name in ("title", "facts"):
		text(payload, name, clean, errors, required=True)
	text(payload, "incident_location", clean, errors)
	choice(payload, "source", SOURCES, clean, errors, required=True)
	choice(payload, "channel", CHANNELS, clean, errors, default="API")
	choice(payload, "matter_type", MATTER_TYPES, clean, errors, default="Dispute Mediation")
	for name in ("external_system", "external_id"):
		value = payload.get(name)
		if value in (None, ""):
			errors.append(FieldError(name, REQUIRED, "Give the sending system and its own id of the case."))
		elif not isinstance(value, str) or not EXTERNAL_ID.match(value):
			errors.append(FieldError(name, INVALID, "Letters, digits and . _ : / - only, at most 64."))
		else:
			clean[name] = value
	for name in ("category", "receiving_center"):
		if payload.get(name) not in (None, ""):
			if isinstance(payload[name], str):
				clean[name] = payload[name].strip()
			else:
				errors.append(FieldError(name, INVALID, "Give the name as text."))
	amount = payload.get("amount_in_dispute")
	if amount not in (None, ""):
		# NaN and infinities parse from JSON in Python, and compare false with everything
		if (
			isinstance(amount, bool)
			or not isinstance(amount, int | float)
			or not math.isfinite(amount)
			or amount < 0
		):
			errors.append(FieldError("amount_in_dispute", INVALID, "A number of yuan, not negative."))
		elif amount > MAX_AMOUNT:
			errors.append(FieldError("amount_in_dispute", TOO_LONG, "At most 999,999,999,999 yuan."))
		else:
			clean["amount_in_dispute"] = amount
	date = payload.get("incident_date")
	if date not in (None, ""):
		if not real_date(date):
			errors.append(FieldError("incident_date", INVALID, "A date as YYYY-MM-DD."))
		else:
			clean["incident_date"] = date
	clean["parties"] = parties(payload.get("parties"), errors)
	return (None, errors) if errors else (clean, [])


def real_date(value: Any) -> bool:
	"""YYYY-MM-DD and a day the calendar has (not 2026-02-31)."""
	if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
		return False
	try:
		datetime.date.fromisoformat(value)
	except ValueError:
		return False
	return True


def text(payload: dict, name: str, clean: dict, errors: list, required: bool = False):
	value = payload.get(name)
	if value in (None, ""):
		if required:
			errors.append(FieldError(name, REQUIRED, "This field is required."))
		return
	if not isinstance(value, str) or not value.strip():
		errors.append(FieldError(name, INVALID, "Give text."))
	elif len(value) > LIMITS[name]:
		errors.append(FieldError(name, TOO_LONG, "At most {0} characters.", (LIMITS[name],)))
	else:
		clean[name] = value.strip()


def choice(payload: dict, name: str, allowed, clean: dict, errors: list, required=False, default=None):
	value = payload.get(name)
	if value in (None, ""):
		if required:
			errors.append(FieldError(name, REQUIRED, "This field is required."))
		elif default:
			clean[name] = default
		return
	if value not in allowed:
		errors.append(FieldError(name, NOT_ALLOWED, "One of: {0}.", (", ".join(allowed),)))
	else:
		clean[name] = value


def parties(rows: Any, errors: list) -> list[dict]:
	if not isinstance(rows, list) or not rows:
		errors.append(FieldError("parties", REQUIRED, "A case needs its parties, at least one applicant."))
		return []
	if len(rows) > MAX_PARTIES:
		errors.append(FieldError("parties", TOO_LONG, "At most {0} parties.", (MAX_PARTIES,)))
		return []
	clean_rows = []
	for i, row in enumerate(rows):
		path = f"parties[{i}]"
		if not isinstance(row, dict):
			errors.append(FieldError(path, INVALID, "Each party must be an object."))
			continue
		errors += [
			FieldError(f"{path}.{k}", UNKNOWN_FIELD, "This field is not part of a party.")
			for k in sorted(set(row) - PARTY_FIELDS)
		]
		clean: dict[str, Any] = {}
		local: list[FieldError] = []
		choice(row, "party_role", PARTY_ROLES, clean, local, required=True)
		choice(row, "party_type", PARTY_TYPES, clean, local, default="Person")
		text(row, "party_name", clean, local, required=True)
		text(row, "address", clean, local)
		identifier(row, clean, local)
		errors += [FieldError(f"{path}.{e.field}", e.code, e.message, e.params) for e in local]
		clean_rows.append(clean)
	if clean_rows and not any(r.get("party_role") == "Applicant" for r in clean_rows):
		errors.append(FieldError("parties", REQUIRED, "At least one party must be an applicant."))
	return clean_rows


def identifier(row: dict, clean: dict, errors: list):
	try:
		if clean.get("party_type") == "Organisation":
			clean["id_number"] = identity.normalise_credit_code(row.get("id_number"))
		else:
			clean["id_number"] = identity.normalise_id_number(row.get("id_number"))
	except identity.InvalidIdentifier:
		errors.append(FieldError("id_number", INVALID, "Not a valid resident ID number or credit code."))
	try:
		clean["phone"] = identity.normalise_phone(row.get("phone"))
	except identity.InvalidIdentifier:
		errors.append(FieldError("phone", INVALID, "Not a valid mainland mobile or landline number."))
