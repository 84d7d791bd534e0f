"""一案一码 public tracking: what a citizen may see of a case, and how a request proves it may see it.

The public page shows milestones, never the internal states: several states map to one milestone
(routed, in mediation and in consultation are all "being handled"), repeats collapse, and states with no
public milestone are left out. Tokens are random URL-safe strings of at least 128 bits, unrelated to the
case number; the case number + last four phone digits lookup compares in constant time.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

TOKEN_BYTES = 24  # 192 bits
MIN_TOKEN_BYTES = 16  # 128 bits
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{22,128}$")

# internal workflow state → public milestone (an administrator may change this mapping in settings)
DEFAULT_MILESTONES: Mapping[str, str] = {
	"Registered": "Case Received",
	"Accepted": "Accepted",
	"Handed Over": "Accepted",
	"Routed": "Being Handled",
	"In Mediation": "Being Handled",
	"In Consultation": "Being Handled",
	"Awaiting Party": "Being Handled",
	"Resolved": "Resolved",
	"Unresolved": "Being Handled",
	"Referred to Court": "Referred to Court",
	"Follow-up": "Follow-up Visit",
	"Closed": "Closed",
	"Archived": "Closed",
	"Not Accepted": "Not Accepted",
}


def new_token() -> str:
	return secrets.token_urlsafe(TOKEN_BYTES)


def well_formed(token: str | None) -> bool:
	"""A token could be one of ours: the right alphabet and at least 128 bits. Checked before any lookup,
	so that garbage never reaches the database."""
	return bool(token) and bool(TOKEN_PATTERN.match(token))


@dataclass(frozen=True)
class Milestone:
	label: str
	at: datetime


def milestones(
	history: Iterable[tuple[str, datetime]], mapping: Mapping[str, str] = DEFAULT_MILESTONES
) -> list[Milestone]:
	"""Public milestones from the case's state history (state, when it was entered), oldest first."""
	result: list[Milestone] = []
	for state, at in sorted(history, key=lambda h: h[1]):
		label = mapping.get(state)
		if not label or (result and result[-1].label == label):
			continue
		result.append(Milestone(label, at))
	return result


def phone_matches(stored_phones: Iterable[str | None], last_four: str) -> bool:
	"""Whether one of the applicants' phones ends with ``last_four``, comparing every phone in constant
	time (no early exit that would tell a guesser how close they are)."""
	if not (last_four and len(last_four) == 4 and last_four.isdigit()):
		return False
	found = False
	for phone in stored_phones:
		tail = (phone or "")[-4:].rjust(4, "#")
		found |= hmac.compare_digest(tail.encode(), last_four.encode())
	return found
