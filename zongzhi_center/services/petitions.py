"""信访积案, 重复访: the same person or the same matter coming back through any of the five doors.

Every party row carries keyed hashes of who it is (HMAC with the site's encryption key, so the keys say
nothing outside the site): the ID number, the normalised name + phone, and the normalised name. Cases of
the same person are found by index, whatever centre or source received them. At intake a case counts
the person's visits (窗口来访) and calls (来电) and is flagged as a repeat petition (重复访) or an
over-level petition (越级访). A clerk sees the suggestions the duplicate engine ranks (engine/duplicates.py),
links cases, or merges a duplicate into the case on file; linked cases share one timeline.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

import frappe
from frappe import _
from frappe.model.workflow import apply_workflow, get_transitions
from frappe.utils import add_days, cint, now_datetime, strip_html

from zongzhi_center.engine import duplicates
from zongzhi_center.services import vault
from zongzhi_center.services import workflow_names as wn
from zongzhi_center.utils import identity, levels

VISIT_CHANNELS = frozenset({"Window"})
CALL_CHANNELS = frozenset({"Phone", "12345 Hotline"})
PETITION_SOURCE = "Petition Source"
SAME_PERSON_REASONS = frozenset({"same ID number", "same name and phone"})
LINK_RELATIONS = ("Same Person", "Same Matter")
# what the ZZ Case has_permission hooks judge a case by, read with the candidates
PERMISSION_FIELDS = ("handling_department", "current_center", "owner")
# what a suggestion shows of the earlier case
SHOWN_FIELDS = ["case_number", "title", "workflow_state", "current_center", "source", "received_at"]


# ---------------------------------------------------------------- keys
def person_key(text: str) -> str:
	secret = frappe.utils.password.get_encryption_key().encode()
	return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()


def id_key_of(number: str) -> str:
	"""The keyed hash a party row keeps of this ID number or credit code, as typed by someone searching."""
	number = unicodedata.normalize("NFKC", number or "").strip()
	for normalise in (identity.normalise_id_number, identity.normalise_credit_code):
		try:
			number = normalise(number)
			break
		except identity.InvalidIdentifier:
			continue
	return person_key(f"id:{number.upper()}")


def set_party_keys(case) -> None:
	for row in case.parties:
		person = duplicates.Person(
			row.party_name or "", vault.value_of(row, "id_number"), vault.value_of(row, "phone")
		)
		keys = person.keys()
		id_keys = [k for k in keys if k.startswith("id:")]
		np_keys = [k for k in keys if k.startswith("np:")]
		row.id_key = person_key(id_keys[0]) if id_keys else None
		row.name_phone_key = person_key(np_keys[0]) if np_keys else None
		name = duplicates.normalise_name(row.party_name)
		row.name_key = person_key(f"n:{name}") if name else None


def applicant_keys(case) -> tuple[list[str], list[str]]:
	rows = [r for r in case.parties if r.party_role == "Applicant"]
	return (
		sorted({r.id_key for r in rows if r.id_key}),
		sorted({r.name_phone_key for r in rows if r.name_phone_key}),
	)


def cases_of_same_person(case, fields: str = "c.name", group_by: str | None = None) -> list[dict]:
	"""Cases (not merged away) whose applicants share an ID number, or a name and phone, with this case's
	applicants — whoever may read them: these answer counters, never content. One step of expansion
	joins the two: a case with the phone only finds the cases with the ID number the phone was seen with."""
	id_keys, np_keys = applicant_keys(case)
	if not (id_keys or np_keys):
		return []
	found_ids, found_phones = set(id_keys), set(np_keys)
	seen = matching_applicants(id_keys, np_keys, "p.id_key, p.name_phone_key", case.name)
	if not seen:
		return []  # a person new to the centres: the expansion has nothing to add either
	for row in seen:
		found_ids.add(row.id_key)
		found_phones.add(row.name_phone_key)
	return matching_applicants(
		sorted(found_ids - {None, ""}), sorted(found_phones - {None, ""}), fields, case.name, group_by
	)


def matching_applicants(
	id_keys, np_keys, fields: str, exclude: str | None, group_by: str | None = None
) -> list[dict]:
	conditions, values = [], {"name": exclude or "", "applicant": "Applicant"}
	if id_keys:
		conditions.append("p.id_key in %(id_keys)s")
		values["id_keys"] = id_keys
	if np_keys:
		conditions.append("p.name_phone_key in %(np_keys)s")
		values["np_keys"] = np_keys
	return frappe.db.sql(
		f"""select distinct {fields}
		from `tabZZ Case Party` p join `tabZZ Case` c on c.name = p.parent
		where p.parenttype = 'ZZ Case' and p.parentfield = 'parties' and p.party_role = %(applicant)s
			and ({" or ".join(conditions)}) and c.name != %(name)s
			and (c.merged_into is null or c.merged_into = '')
		{f"group by {group_by}" if group_by else ""}""",
		values,
		as_dict=True,
	)


# ---------------------------------------------------------------- counters and flags at intake
def is_petition(case) -> bool:
	return case.matter_type == "Petition" or case.source == PETITION_SOURCE


def apply_counters(case) -> None:
	"""Visits, calls, repeat and over-level flags of a new case, counting the person's cases on file.
	The counters are the person's earlier visits and calls: a first visit is none, so the case being
	registered is not counted in them."""
	set_party_keys(case)
	# the earlier cases by what the counters ask of them, counted in the database: a person with many cases
	# is a few rows, not one a case
	kinds = "c.channel, c.matter_type, c.source, c.tier"
	earlier = cases_of_same_person(case, f"{kinds}, count(distinct c.name) as cases", group_by=kinds)
	case.repeat_visits = sum(c.cases for c in earlier if c.channel in VISIT_CHANNELS)
	case.repeat_calls = sum(c.cases for c in earlier if c.channel in CALL_CHANNELS)
	case.is_repeat_petition = int(is_petition(case) and any(is_petition(frappe._dict(c)) for c in earlier))
	# 越级访 is a petition (信访事项) first brought above the level it should first go to. 访源 is only the
	# door: every walk-in comes through it, and a dispute brought to the county centre's window is not a
	# petition skipping a level.
	case.is_over_level = 0
	if case.matter_type == "Petition":
		entry = frappe.db.get_single_value("ZZ Settings", "petition_entry_level") or "Township"
		tier = case.tier or frappe.db.get_value("ZZ Center", case.receiving_center, "level")
		case.is_over_level = int(
			levels.rank(tier) > levels.rank(entry)
			and not any(levels.rank(c.tier) <= levels.rank(entry) for c in earlier)
		)


# ---------------------------------------------------------------- suggestions
def record_of(doc, parties=None) -> duplicates.CaseRecord:
	"""What the duplicate engine compares of a case: the case (or a row with its title, facts and source)
	and its party rows."""
	parties = doc.parties if parties is None else parties
	return duplicates.CaseRecord(
		name=doc.name,
		facts=f"{doc.title or ''} {strip_html(doc.facts or '')}",
		applicants=tuple(
			duplicates.Person(
				p.party_name or "", id_key=p.id_key or "", name_phone_key=p.name_phone_key or ""
			)
			for p in parties
			if p.party_role == "Applicant"
		),
		respondents=tuple(p.party_name for p in parties if p.party_role == "Respondent" and p.party_name),
		source=doc.source,
	)


def records(names: list[str], shown: dict | None = None) -> list[duplicates.CaseRecord]:
	"""The candidates in two queries, not a whole case document (every child table) each; with ``shown``,
	the fields a suggestion shows are read in the same query and kept there by name."""
	if not names:
		return []
	fields = ["name", "title", "facts", "source"] + (SHOWN_FIELDS if shown is not None else [])
	# get_all: the candidates were checked one by one for read permission
	rows = frappe.get_all("ZZ Case", filters={"name": ["in", names]}, fields=fields)
	if shown is not None:
		shown.update({row.name: {f: row[f] for f in SHOWN_FIELDS} for row in rows})
	parties: dict[str, list] = {}
	for party in frappe.get_all(
		"ZZ Case Party",
		filters={"parenttype": "ZZ Case", "parentfield": "parties", "parent": ["in", names]},
		fields=["parent", "party_role", "party_name", "id_key", "name_phone_key"],
		order_by="idx asc",
	):
		parties.setdefault(party.parent, []).append(party)
	return [record_of(row, parties.get(row.name, [])) for row in rows]


def candidates(doc, settings) -> list[str]:
	"""Cases worth comparing: the same person (by key), a shared respondent (by key), and the latest
	cases of the same category — bounded (ZZ Settings), so suggesting stays fast on millions of cases."""
	return sorted({c.name for c in cases_of_same_person(doc)} | matter_candidates(doc, settings))


def matter_candidates(doc, settings) -> set[str]:
	"""Cases of the same matter: a shared respondent (by key), and the latest cases of the same category."""
	limit = cint(settings.duplicate_candidates) or 300
	since = add_days(now_datetime(), -(cint(settings.duplicate_lookback_days) or 365))
	names = set()
	respondent_keys = sorted({p.name_key for p in doc.parties if p.party_role == "Respondent" and p.name_key})
	if respondent_keys:
		names |= set(
			frappe.db.sql_list(
				"""select distinct parent from `tabZZ Case Party`
				where parenttype = 'ZZ Case' and parentfield = 'parties' and party_role = 'Respondent'
					and name_key in %(keys)s and parent != %(name)s
				limit %(limit)s""",
				{"keys": respondent_keys, "name": doc.name, "limit": limit},
			)
		)
	if doc.category:
		names |= set(
			frappe.get_all(
				"ZZ Case",
				filters={"category": doc.category, "creation": [">=", since], "name": ["!=", doc.name]},
				order_by="creation desc",
				limit=limit,
				pluck="name",
			)
		)
	return names


def readable(names: list[str]) -> list[str]:
	"""Which of these cases the user may read, in one query rather than a whole case document each: the
	list query applies roles, User Permissions and the centre/department conditions, and the ZZ Case
	``has_permission`` hooks then see the one field they judge by."""
	if not names:
		return []
	rows = frappe.get_list(
		"ZZ Case",
		filters={"name": ["in", names]},
		fields=["name", *PERMISSION_FIELDS],
		limit_page_length=0,
		order_by=None,
	)
	return [row.name for row in allowed_by_hooks(rows)]


def allowed_by_hooks(rows: list) -> list:
	"""The rows (with ``PERMISSION_FIELDS``) the ZZ Case ``has_permission`` hooks do not refuse to the user.
	The hooks judge a case by those fields alone, so one verdict serves every case with the same values: a
	person's hundreds of cases at one centre are judged once."""
	user = frappe.session.user
	hooks = [frappe.get_attr(hook) for hook in frappe.get_hooks("has_permission").get("ZZ Case", [])]
	verdicts: dict[tuple, bool] = {}

	def allowed(row) -> bool:
		key = tuple(row.get(f) for f in PERMISSION_FIELDS)
		if key not in verdicts:
			verdicts[key] = all(hook(row, "read", user) is not False for hook in hooks)
		return verdicts[key]

	return [row for row in rows if allowed(row)]


def suggest(case_name: str) -> dict:
	"""Earlier cases likely about the same person or matter that the user may read, best first: the
	``duplicate_suggestions`` best (ZZ Settings), and how many more there are."""
	doc = frappe.get_doc("ZZ Case", case_name)
	doc.check_permission("read")
	return suggest_for(doc)


def suggest_for(doc) -> dict:
	"""The suggestions for a case the user may read (checked by the caller: the form's load, or above).

	A person may have hundreds of cases on file. Those sharing an applicant's ID number score the highest
	whatever their facts, so they are counted and ranked in the database (on the party rows' indexed keys,
	through the user's list permissions) and only the ones shown are read and compared for the reasons. The
	facts are compared for the rest: the person's other cases (name and phone, or found through a key seen
	with theirs; the latest ``duplicate_candidates``) and the same matter's (respondent, category)."""
	new = record_of(doc)
	shown_fields: dict[str, dict] = {}
	ranked = ranked_candidates(doc, new, shown_fields)
	limit = cint(frappe.get_cached_doc("ZZ Settings").duplicate_suggestions) or 20
	shown, more = ranked[:limit], len(ranked) - min(len(ranked), limit)

	# the facts of the shown cases of the same ID number: compared for the reasons alone
	to_read = [name for _score, name, found in shown if found is None]
	by_name = {old.name: old for old in records(to_read, shown_fields)}
	found = [s or duplicates.compare(new, by_name[name]) for _score, name, s in shown if s or name in by_name]
	return {
		"suggestions": [
			{
				"name": s.name,
				**shown_fields[s.name],
				"score": s.score,
				"relation": "Same Person" if set(s.reasons) & SAME_PERSON_REASONS else "Same Matter",
				"reasons": [reason_text(r) for r in s.reasons],
			}
			for s in found
		],
		"more": more,
	}


def count_for(doc) -> int:
	"""How many earlier cases the user may read reach the suggestion score (what the form says at intake)."""
	return len(ranked_candidates(doc, record_of(doc), {}))


def ranked_candidates(doc, new: duplicates.CaseRecord, shown_fields: dict) -> list[tuple]:
	"""(score, name, suggestion) of every candidate reaching the threshold, best first; the suggestion is
	None for a case of the same ID number, whose facts are not read here."""
	linked = {row.linked_case for row in doc.linked_cases} | {doc.merged_into}
	settings = frappe.get_cached_doc("ZZ Settings")
	threshold = cint(settings.duplicate_threshold) or 70
	compared = cint(settings.duplicate_candidates) or 300

	person = [row for row in readable_cases_of_same_person(doc) if row.name not in linked]
	same_id = sorted(row.name for row in person if row.same_id) if duplicates.SAME_ID >= threshold else []
	others = [row.name for row in sorted(person, key=lambda r: r.creation, reverse=True) if not row.same_id]
	others = others[:compared]
	seen = {row.name for row in person} | linked
	others += readable(sorted(matter_candidates(doc, settings) - seen))

	scored, _none = duplicates.best(new, records(others, shown_fields), threshold=threshold)
	ranked = [(duplicates.SAME_ID, name, None) for name in same_id]
	ranked += [(s.score, s.name, s) for s in scored]
	ranked.sort(key=lambda r: (-r[0], r[1]))
	return ranked


def readable_cases_of_same_person(doc) -> list:
	"""The cases of the same person (as ``cases_of_same_person`` finds them) that the user may read, each
	with whether it shares an ID number with this case's applicants: one query on the party rows' keys,
	joined with the user's list query of ZZ Case (roles, User Permissions, the centre conditions)."""
	id_keys, np_keys = applicant_keys(doc)
	if not (id_keys or np_keys):
		return []
	found_ids, found_phones = expanded_keys(doc, id_keys, np_keys)
	conditions, values = [], {"name": doc.name, "applicant": "Applicant", "direct": id_keys or ["-"]}
	if found_ids:
		conditions.append("p.id_key in %(id_keys)s")
		values["id_keys"] = found_ids
	if found_phones:
		conditions.append("p.name_phone_key in %(np_keys)s")
		values["np_keys"] = found_phones
	visible = frappe.get_list(
		"ZZ Case", fields=["`tabZZ Case`.`name`"], limit_page_length=0, order_by=None, run=False
	)
	fields = ", ".join(f"c.`{f}`" for f in PERMISSION_FIELDS)
	rows = frappe.db.sql(
		f"""select c.name, c.creation, {fields}, max(p.id_key in %(direct)s) as same_id
		from `tabZZ Case Party` p join `tabZZ Case` c on c.name = p.parent
		where p.parenttype = 'ZZ Case' and p.parentfield = 'parties' and p.party_role = %(applicant)s
			and ({" or ".join(conditions)}) and c.name != %(name)s
			and (c.merged_into is null or c.merged_into = '')
			and c.name in ({visible})
		group by c.name""",
		values,
		as_dict=True,
	)
	return allowed_by_hooks(rows)


def expanded_keys(doc, id_keys: list[str], np_keys: list[str]) -> tuple[list[str], list[str]]:
	"""The applicants' keys and the keys seen with them on the person's other cases (not merged away), as
	``cases_of_same_person`` expands them — reading the case of a party row only where the row brings a key
	not known yet, not the case of every row of a person with hundreds of cases."""
	values = {
		"name": doc.name,
		"applicant": "Applicant",
		"ids": id_keys or ["-"],
		"nps": np_keys or ["-"],
	}
	rows = frappe.db.sql(
		"""select p.parent, p.id_key, p.name_phone_key from `tabZZ Case Party` p
		where p.parenttype = 'ZZ Case' and p.parentfield = 'parties' and p.party_role = %(applicant)s
			and (p.id_key in %(ids)s or p.name_phone_key in %(nps)s) and p.parent != %(name)s
			and ((p.id_key != '' and p.id_key not in %(ids)s)
				or (p.name_phone_key != '' and p.name_phone_key not in %(nps)s))""",
		values,
		as_dict=True,
	)
	merged = set()
	if rows:
		merged = set(
			frappe.db.sql_list(
				"""select name from `tabZZ Case` where name in %(names)s
				and merged_into is not null and merged_into != ''""",
				{"names": sorted({row.parent for row in rows})},
			)
		)
	found_ids, found_phones = set(id_keys), set(np_keys)
	for row in rows:
		if row.parent not in merged:
			found_ids.add(row.id_key)
			found_phones.add(row.name_phone_key)
	return sorted(found_ids - {None, ""}), sorted(found_phones - {None, ""})


def reason_text(reason: str) -> str:
	if reason.startswith("similar facts "):
		return _("similar facts {0}").format(reason.removeprefix("similar facts "))
	return _(reason)


# ---------------------------------------------------------------- linking and merging
def link(case_name: str, other: str, relation: str, score: int = 0, reasons: str = "") -> None:
	if relation not in LINK_RELATIONS:
		frappe.throw(_("Choose how the cases are related."), frappe.ValidationError)
	if case_name == other:
		frappe.throw(_("A case cannot be linked to itself."), frappe.ValidationError)
	doc = writable_with_readable(case_name, other)
	add_link_rows(doc, other, relation, score, reasons)


def writable_with_readable(case_name: str, other: str):
	"""The case, which the user must be able to change, and the other case, which they must be able to read
	(one they may not read answers as if it did not exist)."""
	doc = frappe.get_doc("ZZ Case", case_name)
	doc.check_permission("write")
	if not frappe.has_permission("ZZ Case", "read", other):
		raise frappe.DoesNotExistError(_("Case {0} not found").format(other))
	return doc


def add_link_rows(doc, other: str, relation: str, score: int = 0, reasons: str = "", back: str | None = None):
	"""A link row on both cases (the other case's row is metadata of the link the user may make)."""
	now = now_datetime()
	for source, target, rel in ((doc.name, other, relation), (other, doc.name, back or relation)):
		exists = frappe.db.exists(
			"ZZ Case Link",
			{"parenttype": "ZZ Case", "parent": source, "linked_case": target, "relation": rel},
		)
		if exists:
			continue
		frappe.get_doc(
			{
				"doctype": "ZZ Case Link",
				"parenttype": "ZZ Case",
				"parentfield": "linked_cases",
				"parent": source,
				"idx": cint(frappe.db.count("ZZ Case Link", {"parent": source, "parenttype": "ZZ Case"})) + 1,
				"linked_case": target,
				"relation": rel,
				"score": score,
				"reasons": (reasons or "")[:140],
				"linked_by": frappe.session.user,
				"linked_on": now,
			}
		).db_insert()
	number = frappe.db.get_value("ZZ Case", other, "case_number")
	doc.add_comment("Info", _("Linked to case {0} ({1}).").format(number, _(relation)))


def merge(case_name: str, into: str) -> None:
	"""The case is a duplicate of ``into``: it is linked to it and declined as 重复件 — by someone who may
	decline it, in a state the Workflow lets it be declined from (before it is being handled)."""
	if case_name == into:
		frappe.throw(_("A case cannot be merged into itself."), frappe.ValidationError)
	doc = writable_with_readable(case_name, into)
	if wn.action("decline") not in {t.action for t in get_transitions(doc)}:
		raise frappe.PermissionError(_("Only someone who may decline the case can merge it."))
	number = frappe.db.get_value("ZZ Case", into, "case_number")
	# apply_workflow reloads the case: the reason it requires is stored first (the transition checked above
	# is the permission for both)
	doc.db_set(
		{
			"merged_into": into,
			"not_accepted_reason": _("Duplicate of case {0}: merged into it.").format(number),
		}
	)
	apply_workflow(doc, wn.action("decline"))
	add_link_rows(doc, into, "Merged Into", back="Merged From")


# ---------------------------------------------------------------- one timeline
def linked_timeline(case_name: str) -> list[dict]:
	"""State changes and comments of the case and its linked cases the user may read, oldest first."""
	doc = frappe.get_doc("ZZ Case", case_name)
	doc.check_permission("read")
	names = [doc.name] + [
		r.linked_case
		for r in doc.linked_cases
		if frappe.has_permission("ZZ Case", "read", r.linked_case, user=frappe.session.user)
	]
	numbers = dict(
		frappe.get_all("ZZ Case", filters={"name": ["in", names]}, fields=["name", "case_number"], as_list=1)
	)
	events = [
		{
			"case": row.parent,
			"case_number": numbers.get(row.parent),
			"at": row.changed_at,
			"kind": "state",
			"text": _(row.state),
			"by": row.by_user,
		}
		for row in frappe.get_all(
			"ZZ Case State Change",
			filters={"parenttype": "ZZ Case", "parent": ["in", names]},
			fields=["parent", "changed_at", "state", "by_user"],
		)
	]
	events += [
		{
			"case": c.reference_name,
			"case_number": numbers.get(c.reference_name),
			"at": c.creation,
			"kind": "comment",
			"text": strip_html(c.content or "")[:500],
			"by": c.owner,
		}
		for c in frappe.get_all(
			"Comment",
			filters={
				"reference_doctype": "ZZ Case",
				"reference_name": ["in", names],
				"comment_type": ["in", ["Comment", "Info"]],
			},
			fields=["reference_name", "creation", "content", "owner"],
		)
	]
	return sorted(events, key=lambda e: (str(e["at"]), e["case_number"] or ""))
