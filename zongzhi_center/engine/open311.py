"""An Open311 GeoReport v2 facade: the centre's case categories as services, a service request as a
case intake, and a case as a service request — with no personal data and no facts in what is read back
(the description a citizen gave stays with the centre; a request shows what the public tracking page
shows: number, category, milestone, the centre handling it and its promised date).

Messages here are English source strings; the API layer translates them (``translate``)."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta, timezone, tzinfo

from zongzhi_center.engine.intake import MATTER_TYPES
from zongzhi_center.engine.tracking import DEFAULT_MILESTONES, MERGED

OPEN311_SYSTEM = "open311"
CLOSED_MILESTONES = {"Closed", "Resolved", "Not Accepted", "Referred to Court", "Follow-up Visit", MERGED}
OPEN, CLOSED = "open", "closed"
# the spec's window for a listing without dates, and the longest range a listing may ask for
DEFAULT_WINDOW = timedelta(days=90)
MAX_RESULTS = 1000
ATTRIBUTE = re.compile(r"^attribute\[([^\]]*)\]$")
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")

# what a service definition offers: the case's own fields a client may give beyond the standard ones.
# (code, datatype, datatype_description, description)
ATTRIBUTES = (
	("matter_type", "singlevaluelist", "", "Kind of matter (default: Dispute Mediation)"),
	("incident_date", "string", "YYYY-MM-DD", "Date of the incident"),
	("amount_in_dispute", "number", "Yuan", "Amount in dispute"),
	("receiving_center", "string", "", "Receiving centre (default: the sister system's own)"),
)
ATTRIBUTE_CODES = frozenset(code for code, *_ in ATTRIBUTES)

Translate = Callable[[str], str]


def same(text: str) -> str:
	return text


def services(
	categories: Iterable[tuple[str, str | None, str | None]], translate: Translate = same
) -> list[dict]:
	"""(name, description, parent) of the leaf case categories → Open311 services; the parent category
	is the service's group (a group itself is not a service: nothing is filed under it)."""
	return [
		{
			"service_code": name,
			"service_name": translate(name),
			"description": description or "",
			"metadata": True,
			"type": "realtime",
			"keywords": "",
			"group": translate(parent) if parent else "",
		}
		for name, description, parent in categories
	]


def service_definition(service_code: str, translate: Translate = same) -> dict:
	"""The attributes a request of this service may carry (as ``attribute[code]`` form fields)."""
	attributes = []
	for order, (code, datatype, datatype_description, description) in enumerate(ATTRIBUTES, start=1):
		attribute = {
			"variable": True,
			"code": code,
			"datatype": datatype,
			"required": False,
			"datatype_description": translate(datatype_description) if datatype_description else "",
			"order": order,
			"description": translate(description),
		}
		if datatype == "singlevaluelist":
			attribute["values"] = [{"key": value, "name": translate(value)} for value in MATTER_TYPES]
		attributes.append(attribute)
	return {"service_code": service_code, "attributes": attributes}


def person_name(first: str | None, last: str | None) -> str:
	"""The name as the person gives it: a Chinese name is family name then given name with nothing between
	(陈 + 红 → 陈红); a name in Latin letters is "first last"."""
	first, last = (first or "").strip(), (last or "").strip()
	if CJK.search(first + last):
		return last + first
	return " ".join(p for p in (first, last) if p)


def attributes_of(form: Mapping[str, str]) -> tuple[dict, list[tuple[str, str]]]:
	"""The ``attribute[code]`` fields of a POST → (case fields, [(form field, problem)])."""
	values, problems = {}, []
	for key, value in form.items():
		match = ATTRIBUTE.match(key)
		if not match:
			continue
		code = match.group(1)
		if code not in ATTRIBUTE_CODES:
			problems.append((key, "Unknown attribute: see the service definition."))
			continue
		value = (value or "").strip()
		if not value:
			continue
		if code == "amount_in_dispute":
			value = number_or_text(value)
		values[code] = value
	return values, problems


def number_or_text(value: str):
	"""A number given as text → the number; anything else stays text, for the intake check to name."""
	try:
		number = float(value)
	except ValueError:
		return value
	if not math.isfinite(number):
		return value
	return int(number) if number.is_integer() else number


def to_intake(form: Mapping[str, str], external_id: str, source: str = "Grid and Online Source") -> dict:
	"""An Open311 POST /requests form → the intake payload (engine.intake.validate checks it). Open311 has
	no id of the sender's own, so the API layer passes one (the Idempotency-Key, or a new one)."""
	name = person_name(form.get("first_name"), form.get("last_name"))
	location = (form.get("address_string") or "").strip()
	if not location and form.get("lat") and form.get("long"):
		location = f"{form['lat']},{form['long']}"
	description = (form.get("description") or "").strip()
	attributes, _problems = attributes_of(form)
	payload = {
		"title": description[:40] or form.get("service_code") or "",
		"facts": description,
		"category": form.get("service_code"),
		"source": source,
		"channel": "API",
		"external_system": OPEN311_SYSTEM,
		"external_id": external_id,
		"parties": [
			{
				"party_role": "Applicant",
				"party_type": "Person",
				"party_name": name,
				"phone": form.get("phone"),
			}
		],
		**attributes,
	}
	if location:
		payload["incident_location"] = location[:140]
	payload["parties"][0] = {k: v for k, v in payload["parties"][0].items() if v not in (None, "")}
	return {k: v for k, v in payload.items() if v not in (None, "")}


def form_field(field: str, form: Mapping[str, str]) -> str:
	"""The Open311 form field a problem of the intake payload comes from, so that an error names what the
	client sent (``service_code``, not ``category``)."""
	if field in ("title", "facts"):
		return "description"
	if field == "category":
		return "service_code"
	if field == "incident_location":
		return "address_string" if form.get("address_string") else "lat/long"
	if field == "external_id":
		return "Idempotency-Key"
	if field in ATTRIBUTE_CODES:
		return f"attribute[{field}]"
	if field.startswith("parties"):
		if field.endswith(".phone"):
			return "phone"
		return "first_name/last_name"
	return field


def local_iso(moment: datetime | date | None, zone: tzinfo) -> str | None:
	"""A site-time (naive) datetime as ISO 8601 with the site's offset (2026-11-30T09:00:00+08:00)."""
	if moment is None:
		return None
	if not isinstance(moment, datetime):
		moment = datetime(moment.year, moment.month, moment.day)
	if moment.tzinfo is None:
		moment = moment.replace(tzinfo=zone)
	return moment.replace(microsecond=0).isoformat()


def parse_moment(text: str, zone: tzinfo) -> datetime | None:
	"""An ISO 8601 date or datetime (2010-01-01T00:00:00Z, …+08:00, 2010-01-01) → naive site time; None
	if it is not one."""
	text = (text or "").strip()
	if not text:
		return None
	try:
		moment = datetime.fromisoformat(text)
	except ValueError:
		return None
	if moment.tzinfo is not None:
		moment = moment.astimezone(zone).replace(tzinfo=None)
	return moment


def window(
	start: datetime | None, end: datetime | None, now: datetime
) -> tuple[datetime, datetime, str | None]:
	"""The range a listing covers (by requested_datetime), and the problem with it: without dates the
	most recent 90 days; one date gives the 90 days after (or before) it; at most 90 days."""
	if start is None and end is None:
		end = now
	if start is None:
		start = end - DEFAULT_WINDOW
	if end is None:
		end = start + DEFAULT_WINDOW
	if end < start:
		return start, end, "The end date is before the start date."
	if end - start > DEFAULT_WINDOW:
		return start, end, "The range may span at most 90 days."
	return start, end, None


def status_of(milestone: str) -> str:
	return CLOSED if milestone in CLOSED_MILESTONES else OPEN


def service_request(
	case_number: str,
	category: str | None,
	state: str,
	requested: datetime,
	updated: datetime,
	merged_into: str | None = None,
	milestones: Mapping[str, str] = DEFAULT_MILESTONES,
	zone: tzinfo = timezone.utc,
	translate: Translate = same,
	agency: str | None = None,
	expected: date | datetime | None = None,
) -> dict:
	"""A case as a service request; a merged duplicate (并案) names the request it continues in. It was
	last updated no earlier than it was made."""
	milestone = MERGED if merged_into else milestones.get(state, "Being Handled")
	status = status_of(milestone)
	request = {
		"service_request_id": case_number,
		"status": status,
		"status_notes": translate("Merged into case {0}").format(merged_into)
		if merged_into
		else translate(milestone),
		"service_name": translate(category) if category else "",
		"service_code": category or "",
		"agency_responsible": agency or "",
		"service_notice": "",
		"requested_datetime": local_iso(requested, zone),
		"updated_datetime": local_iso(max(updated or requested, requested), zone),
		"expected_datetime": local_iso(expected, zone) if expected and status == OPEN else None,
	}
	if merged_into:
		request["merged_into"] = merged_into
	return request


def errors(status: int, descriptions: Iterable[str]) -> list[dict]:
	"""The spec's error shape."""
	return [{"code": status, "description": d} for d in descriptions]


# ---------------------------------------------------------------- XML, with the spec's element names
ITEM_TAGS = {"attributes": "attribute", "values": "value"}


def to_xml(root: str, item: str | None, body: list | dict) -> bytes:
	"""A JSON answer as the spec's XML: a list under ``root`` with one ``item`` element each (services /
	service, service_requests / request, errors / error), or one object as ``root`` (service_definition)."""
	element = ET.Element(root)
	if isinstance(body, list):
		for row in body:
			fill(ET.SubElement(element, item), row)
	else:
		fill(element, body)
	return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(element, encoding="unicode").encode()


def fill(element: ET.Element, value) -> None:
	if isinstance(value, dict):
		for key, child in value.items():
			fill(ET.SubElement(element, key), child)
	elif isinstance(value, list):
		tag = ITEM_TAGS.get(element.tag, "item")
		for child in value:
			fill(ET.SubElement(element, tag), child)
	elif isinstance(value, bool):
		element.text = "true" if value else "false"
	elif value is not None:
		element.text = str(value)
