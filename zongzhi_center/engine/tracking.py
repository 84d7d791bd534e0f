"""一案一码 public tracking: what a citizen may see of a case, and how a request proves it may see it.

The public page shows milestones, never the internal states: several states map to one milestone
(routed, in mediation and in consultation are all "being handled"), repeats collapse, and states with no
public milestone are left out. Tokens are random URL-safe strings of at least 128 bits, unrelated to the
case number; the case number + last four phone digits lookup compares in constant time.

What a citizen types is normalised before anything looks at it (`case_number_key`, `digits`): the look-up and
the count of failed guesses must see the same number, or an invisible character the database's collation
ignores (U+200B, a bidi mark) would make a "new" number for the counter that still finds the case. Attempts
are counted per client address (`client_address`): a forwarded-for header counts only when a proxy the site
names set it, or anyone would pick a fresh address per request.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from zongzhi_center.engine.workflow import SHIPPED_STATES

TOKEN_BYTES = 24  # 192 bits
MIN_TOKEN_BYTES = 16  # 128 bits
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{22,128}$")
# a case number as the site makes them (region code-year-sequence), with room for older numbering
CASE_NUMBER_PATTERN = re.compile(r"^[0-9A-Z][0-9A-Z-]{0,39}$")
# Unicode categories dropped from what a citizen types: format characters (zero-width spaces and joiners,
# word joiner, byte-order mark, bidi marks and overrides), controls, and separators (spaces of any width)
DROPPED_CATEGORIES = frozenset({"Cf", "Cc", "Zs", "Zl", "Zp"})

# what each state the app relies on shows the public (by its meaning, engine/workflow.py); a state with no
# meaning here (one an administrator added) shows no milestone of its own
MILESTONES: Mapping[str, str] = {
	"registered": "Case Received",
	"accepted": "Accepted",
	"handed_over": "Accepted",
	"routed": "Being Handled",
	"in_mediation": "Being Handled",
	"in_consultation": "Being Handled",
	"awaiting_party": "Being Handled",
	"resolved": "Resolved",
	"unresolved": "Being Handled",
	"referred_to_court": "Referred to Court",
	"follow_up": "Follow-up Visit",
	"closed": "Closed",
	"archived": "Closed",
	"not_accepted": "Not Accepted",
}


def milestone_map(state_names: Mapping[str, str]) -> dict[str, str]:
	"""State name → public milestone, given the workflow's name for each meaning."""
	return {state_names[meaning]: label for meaning, label in MILESTONES.items() if meaning in state_names}


# the shipped workflow's names, for callers without a site
DEFAULT_MILESTONES: Mapping[str, str] = milestone_map(SHIPPED_STATES)


# 并案: a duplicate declined because it was merged into another case, which handles the matter on
MERGED = "Merged into Another Case"


def as_merged(items: list[Milestone]) -> list[Milestone]:
	"""A merged duplicate's milestones: its closing "Not Accepted" says that it was merged instead (the
	citizen's matter is being handled, in the other case)."""
	if items and items[-1].label == "Not Accepted":
		return [*items[:-1], Milestone(MERGED, items[-1].at)]
	return items


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


def normalise(text: str | None) -> str:
	"""NFKC (full-width digits and letters become ASCII), without invisible, control or space characters."""
	text = unicodedata.normalize("NFKC", text or "")
	return "".join(ch for ch in text if unicodedata.category(ch) not in DROPPED_CATEGORIES)


def case_number_key(text: str | None) -> str | None:
	"""The case number a citizen typed, as the site writes case numbers, or None when it cannot be one (then
	it is looked up nowhere: what the database would equate with a number must not reach it)."""
	number = normalise(text).upper()
	return number if CASE_NUMBER_PATTERN.match(number) else None


def digits(text: str | None) -> str:
	return normalise(text)


def client_address(remote_addr: str | None, forwarded_for: str | None, trusted_proxies) -> str:
	"""The address of the client: the socket's peer, unless that peer is a trusted proxy (an IP address or
	network in ``trusted_proxies``); then the forwarded-for hops are read from the right, each appended by
	the proxy before it, and the first hop that is not a trusted proxy is the client. Hops further left were
	written by the client itself and are never believed."""
	networks = _networks(trusted_proxies)
	peer = _address(remote_addr)
	if peer is None:
		return remote_addr or "unknown"
	if not networks or not _trusted(peer, networks):
		return str(peer)
	hops = [hop.strip() for hop in (forwarded_for or "").split(",") if hop.strip()]
	for hop in reversed(hops):
		address = _address(hop)
		if address is None:
			break  # garbage where a proxy writes an address: believe no hop further left
		if not _trusted(address, networks):
			return str(address)
		peer = address
	return str(peer)


def _networks(trusted) -> list:
	if isinstance(trusted, str):
		trusted = [part for part in re.split(r"[\s,]+", trusted) if part]
	networks = []
	for entry in trusted or []:
		try:
			networks.append(ipaddress.ip_network(str(entry).strip(), strict=False))
		except ValueError:
			continue
	return networks


def _address(text: str | None):
	try:
		return ipaddress.ip_address((text or "").strip())
	except ValueError:
		return None


def _trusted(address, networks) -> bool:
	return any(address.version == network.version and address in network for network in networks)


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
