"""Normalising and validating identifiers: resident ID numbers, organisation codes, phones, region codes.

Pure functions with no Frappe import, so the rules are easy to reason about; the DocType controllers turn
`InvalidIdentifier` into a translated message. Messages never contain the rejected value itself: these
are personal data and must not end up in logs or error reports.
"""

import datetime
import re
import unicodedata

import phonenumbers
from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumValidationError


class InvalidIdentifier(ValueError):
	"""Raised with a short machine-readable reason; callers translate it."""


def normalise(value: str | None) -> str:
	"""NFKC folds full-width digits, letters and punctuation (１２３Ｘ－) to ASCII; spaces are removed."""
	if not value:
		return ""
	return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


def normalise_id_number(value: str | None) -> str:
	"""A GB 11643 resident ID number: 18 characters, valid birth date and check digit, final X upper-case.

	The address code must be one that GB/T 2260 has ever had. Unlike `stdnum.cn.ric.validate`, it is not
	required to have been in force in the birth year: the code is the one of the place of registration
	when the number was issued, so a person born in 1985 can rightly carry a code created in 1994.
	"""
	number = normalise(value).upper()
	if not number:
		return ""
	if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
		raise InvalidIdentifier("format")
	try:
		birth_date = ric.get_birth_date(number)
	except StdnumValidationError:
		raise InvalidIdentifier("birth_date") from None
	if birth_date > datetime.date.today():
		raise InvalidIdentifier("birth_date")
	if ric.calc_check_digit(number) != number[-1]:
		raise InvalidIdentifier("checksum")
	if not _region_entry(number[:6]):
		raise InvalidIdentifier("region")
	return number


def normalise_credit_code(value: str | None) -> str:
	"""An organisation's unified social credit code (GB 32100)."""
	code = normalise(value).upper()
	if not code:
		return ""
	try:
		return uscc.validate(code)
	except StdnumValidationError as e:
		raise InvalidIdentifier(type(e).__name__) from None


def normalise_phone(value: str | None) -> str:
	"""A mainland China mobile or landline number, returned in national format without spaces.

	Accepts +86 / 0086 prefixes, full-width digits and the usual separators.
	"""
	raw = normalise(value)
	if not raw:
		return ""
	if raw.startswith("0086"):
		raw = "+86" + raw[4:]
	try:
		parsed = phonenumbers.parse(raw, "CN")
	except phonenumbers.NumberParseException:
		raise InvalidIdentifier("unparseable") from None
	if parsed.country_code != 86 or not phonenumbers.is_valid_number(parsed):
		raise InvalidIdentifier("invalid")
	national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
	return re.sub(r"[\s()]", "", national)


def mask(value: str | None, keep_start: int = 3, keep_end: int = 4) -> str:
	"""138****5678 — for places that may show that a value exists but not the value."""
	value = value or ""
	if len(value) <= keep_start + keep_end:
		return "*" * len(value)
	return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


# ------------------------------------------------------------------ region codes (GB/T 2260)

REGION_CODE_LENGTHS = (6, 9, 12)  # county and above; township/street; village/community


def region_info(code: str, on: datetime.date | None = None) -> dict[str, str]:
	"""Look up the first six digits in python-stdnum's table of administrative division codes.

	Returns {"province": …, "county": …} for a code in force on `on` (default today), or raises.
	"""
	code = normalise(code)
	if not code.isdigit() or len(code) not in REGION_CODE_LENGTHS:
		raise InvalidIdentifier("format")
	info = _region_entry(code[:6])
	if not info:
		raise InvalidIdentifier("unknown")
	year = (on or datetime.date.today()).year
	current = list(_counties_in_force(info["county"], year))
	if not current:
		raise InvalidIdentifier("abolished")
	return {"province": info["province"], "county": current[0]}


def _region_entry(code6: str) -> dict[str, str]:
	results = numdb.get("cn/loc").info(code6)
	info = {k: v for _part, props in results for k, v in props.items()}
	return info if "province" in info and "county" in info else {}


def _counties_in_force(counties: str, year: int):
	# entries look like "东城区" or "[1994-]益阳市" or "[-2013]互助土族自治县"
	for entry in counties.split(","):
		if not entry.startswith("["):
			yield entry
			continue
		period, name = entry[1:].split("]", 1)
		start, end = period.split("-")
		if (not start or int(start) <= year) and (not end or int(end) >= year):
			yield name


def region_code_prefix(code: str, level_digits: int) -> str:
	"""The part of a code that a child's code must repeat: 2 (province), 4 (prefecture), 6, 9 digits."""
	return normalise(code)[:level_digits]
