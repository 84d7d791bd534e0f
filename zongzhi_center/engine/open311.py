"""An Open311 GeoReport v2 facade: the centre's case categories as services, a service request as a
case intake, and a case as a service request — with no personal data and no facts in what is read back
(the description a citizen gave stays with the centre)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from zongzhi_center.engine.tracking import DEFAULT_MILESTONES, MERGED

OPEN311_SYSTEM = "open311"
CLOSED_MILESTONES = {"Closed", "Resolved", "Not Accepted", "Referred to Court", "Follow-up Visit", MERGED}


def services(categories: Iterable[tuple[str, str | None, str | None]]) -> list[dict]:
	"""(name, description, parent) of case categories → Open311 services (leaf and group alike)."""
	return [
		{
			"service_code": name,
			"service_name": name,
			"description": description or "",
			"metadata": False,
			"type": "realtime",
			"keywords": "",
			"group": parent or "",
		}
		for name, description, parent in categories
	]


def to_intake(form: Mapping[str, str], external_id: str, source: str = "Grid and Online Source") -> dict:
	"""An Open311 POST /requests form → the intake payload (engine.intake.validate checks it). Open311 has
	no id of the sender's own, so the API layer passes one (the Idempotency-Key, or a new one)."""
	name = " ".join(p for p in (form.get("last_name"), form.get("first_name")) if p).strip()
	location = form.get("address_string") or ""
	if not location and form.get("lat") and form.get("long"):
		location = f"{form['lat']},{form['long']}"
	description = (form.get("description") or "").strip()
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
	}
	if location:
		payload["incident_location"] = location[:140]
	return {k: v for k, v in payload.items() if v not in (None, "")}


def service_request(
	case_number: str,
	category: str | None,
	state: str,
	requested: datetime,
	updated: datetime,
	merged_into: str | None = None,
	milestones: Mapping[str, str] = DEFAULT_MILESTONES,
) -> dict:
	"""A case as a service request; a merged duplicate (并案) names the request it continues in."""
	milestone = MERGED if merged_into else milestones.get(state, "Being Handled")
	request = {
		"service_request_id": case_number,
		"status": "closed" if milestone in CLOSED_MILESTONES else "open",
		"status_notes": f"{MERGED}: {merged_into}" if merged_into else milestone,
		"service_code": category or "",
		"service_name": category or "",
		"requested_datetime": requested.isoformat(),
		"updated_datetime": updated.isoformat(),
	}
	if merged_into:
		request["merged_into"] = merged_into
	return request
