"""脱敏: how personal data is shown to people who have not revealed it.

Government systems show an ID number as its region code and last four characters (`430921********4544`), a
mobile as its carrier prefix and last four digits (`139****9999`), a landline with its area code
(`0737-***1234`) and an address by its first characters (`湖南省南县****`). The masked value is all that a
database column, a list, a filter, an export, a version or a print of someone without the right ever holds;
the last four phone digits are what the tracking look-up asks a citizen for, so they stay comparable.

No frappe here: the rule is plain and tested on its own.
"""

import re
import unicodedata

MASK = "*"
ADDRESS_MASK = "****"


def kind_of(fieldname: str) -> str:
	"""What a vault field holds, read from its name: an ID number, a phone, or free text (an address)."""
	if "id_number" in fieldname or fieldname.endswith("_id") or "credit_code" in fieldname:
		return "id"
	if "phone" in fieldname or "mobile" in fieldname:
		return "phone"
	return "text"


def mask(value: str | None, kind: str) -> str:
	value = unicodedata.normalize("NFKC", value or "").strip()
	if not value:
		return ""
	if kind == "id":
		return mask_id(value)
	if kind == "phone":
		return mask_phone(value)
	return mask_text(value)


def mask_id(value: str) -> str:
	"""18-character resident ID numbers and credit codes keep the first six and last four characters."""
	n = len(value)
	if n >= 15:
		return value[:6] + MASK * (n - 10) + value[-4:]
	keep = max(1, n // 4)
	return value[:keep] + MASK * (n - 2 * keep) + value[-keep:] if n > 2 else MASK * n


def mask_phone(value: str) -> str:
	"""Mobiles keep the first three and last four digits; landlines their area code and last four digits."""
	digits = re.sub(r"\D", "", value)
	if "-" in value:
		area, _sep, number = value.rpartition("-")
		return f"{area}-{MASK * max(len(number) - 4, 3)}{number[-4:]}"
	if len(digits) >= 11:
		digits = digits[-11:]
		return digits[:3] + MASK * 4 + digits[-4:]
	if len(digits) > 4:
		return MASK * (len(digits) - 4) + digits[-4:]
	return MASK * len(digits)


def mask_text(value: str) -> str:
	"""An address keeps its first characters (province, county): at most six, and never more than half."""
	keep = min(6, len(value) // 2)
	return value[:keep] + ADDRESS_MASK


def is_masked(value: str | None) -> bool:
	return bool(value) and MASK * 3 in value
