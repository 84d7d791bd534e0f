"""复查 and 复核 of a petition's answer (信访工作条例, 2022).

- The party applies for a 复查 (review) within 30 days of the written answer (the case's ``answered_at``)
  and for a 复核 (re-review) within 30 days of the 复查's decision; each is decided within 30 days (the
  deadline rules matched on ``review_level`` say so). The window is a ZZ Deadline Rule's
  ``review_window_days`` where the rule for that level has one, else 30 days.
- A review is a new case linked both ways to the case it reviews, its parties copied with their
  encrypted personal data as it is (never decrypted on the way).
- It is not handled by whoever handled the case it reviews (mediator, assignee, or their department
  without another mediator named), whichever way it is routed.
- The reviewed case is locked while its review is open: no save, no workflow action.
- After a 复核 the same request on the same facts is not accepted again: at intake the clerk is told of
  the person's concluded 复核 on the same category, and the 不予受理 decision is suggested.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_days, cint, format_date, get_datetime, getdate, now_datetime

from zongzhi_center.exceptions import (
	CaseUnderReviewError,
	ReviewHandlerError,
	ReviewNotAllowedError,
	ReviewWindowClosedError,
)
from zongzhi_center.permissions.case import is_unscoped
from zongzhi_center.permissions.centers import allowed_centers, default_center
from zongzhi_center.services import petitions, vault
from zongzhi_center.services import workflow_names as wn

CASE = "ZZ Case"
REVIEW, RE_REVIEW = "Review", "Re-review"
DEFAULT_WINDOW_DAYS = 30
# the states in which a case has had its written answer
ANSWERED = ("resolved", "unresolved", "referred_to_court", "follow_up", "closed", "archived")
# what a review copies of the case it reviews
COPIED = ("matter_type", "category", "source", "incident_date", "incident_location", "amount_in_dispute")
PARTY_FIELDS = ("party_role", "party_type", "party_name", "department")
REVIEWED_IN, REVIEW_OF = "Reviewed In", "Review Of"


# ---------------------------------------------------------------- rules
def next_level(case) -> str:
	"""The level a review of this case would be at, or a translated refusal."""
	number = frappe.bold(case.case_number)
	if case.review_level == RE_REVIEW:
		frappe.throw(
			_(
				"Case {0} is a re-review (复核): its decision is final, and the same request on the same facts is not accepted again."
			).format(number),
			exc=ReviewNotAllowedError,
			title=_("Review Not Allowed"),
		)
	if not petitions.is_petition(case):
		frappe.throw(
			_(
				"Only the answer to a petition can be reviewed (复查/复核); case {0} is not a petition."
			).format(number),
			exc=ReviewNotAllowedError,
			title=_("Review Not Allowed"),
		)
	if not case.answered_at or case.workflow_state not in wn.states(*ANSWERED):
		frappe.throw(
			_("Case {0} has not been answered yet: a review is applied for after the written answer.").format(
				number
			),
			exc=ReviewNotAllowedError,
			title=_("Review Not Allowed"),
		)
	earlier = frappe.db.get_value(CASE, {"review_of": case.name}, "case_number")
	if earlier:
		frappe.throw(
			_("The answer of case {0} is already being reviewed in case {1}.").format(
				number, frappe.bold(earlier)
			),
			exc=ReviewNotAllowedError,
			title=_("Review Not Allowed"),
		)
	return RE_REVIEW if case.review_level == REVIEW else REVIEW


def window_days(level: str) -> int:
	"""Days after the answer within which a review at ``level`` is applied for: the ``review_window_days``
	of an enabled deadline rule for that level, where the deadline rules carry them, else 30."""
	meta = frappe.get_meta("ZZ Deadline Rule")
	if meta.has_field("review_window_days") and meta.has_field("review_level"):
		# get_all: a rule of the centre's configuration, read whoever applies
		days = frappe.get_all(
			"ZZ Deadline Rule",
			filters={"review_level": level, "enabled": 1, "review_window_days": [">", 0]},
			pluck="review_window_days",
			order_by="review_window_days desc",
			limit=1,
		)
		if days:
			return cint(days[0])
	return DEFAULT_WINDOW_DAYS


def window_end(case, level: str):
	"""The last day on which a review at ``level`` of this case's answer may be applied for."""
	return add_days(getdate(case.answered_at), window_days(level))


def check_window(case, level: str, now=None) -> None:
	now = get_datetime(now) if now else now_datetime()
	last_day = window_end(case, level)
	if getdate(now) > getdate(last_day):
		frappe.throw(
			_(
				"A {0} is applied for within {1} days of the answer: case {2} was answered on {3}, so the last day was {4}."
			).format(
				_(level),
				window_days(level),
				frappe.bold(case.case_number),
				format_date(case.answered_at),
				frappe.bold(format_date(last_day)),
			),
			exc=ReviewWindowClosedError,
			title=_("Too Late for a Review"),
		)


# ---------------------------------------------------------------- applying
def apply_for_review(case_name: str, reason: str, now=None) -> dict:
	"""A review of the stored case's answer, as a new linked case: permission to read the case and to
	register cases; the case must be a petition answered within the window."""
	original = frappe.get_doc(CASE, case_name)
	original.check_permission("read")
	if not frappe.has_permission(CASE, "create"):
		raise frappe.PermissionError(_("You are not allowed to register cases."))
	if not (reason or "").strip():
		frappe.throw(
			_("Write what the applicant asks the review to change, and why."),
			exc=frappe.MandatoryError,
			title=_("Missing Information"),
		)
	level = next_level(original)
	check_window(original, level, now)
	facts = "\n\n".join(
		[
			reason.strip(),
			_("The answer of case {0} under review; its facts:").format(original.case_number),
			original.facts or "",
		]
	)
	review = copy_case(original, _("{0}: {1}").format(_(level), original.title or ""), facts)
	review.review_level = level
	review.review_of = original.name
	review.flags.zz_review = True
	review.insert()
	petitions.add_link_rows(review, original.name, REVIEW_OF, back=REVIEWED_IN)
	original.add_comment("Info", _("{0} applied for: case {1}.").format(_(level), review.case_number))
	return {"name": review.name, "case_number": review.case_number, "review_level": level}


def copy_case(original, title: str, facts: str):
	"""A new case about the same matter and parties, registered where the user may register it (the
	original's centre where they can): the parties' personal data travels encrypted, as stored."""
	case = frappe.new_doc(CASE)
	case.update({field: original.get(field) for field in COPIED})
	case.title = title[:140]
	case.facts = facts
	case.channel = "Window"
	case.receiving_center = registering_center(original.current_center)
	for row in original.parties:
		copy = case.append("parties", {field: row.get(field) for field in PARTY_FIELDS})
		vault.copy_into(row, copy)
	return case


def registering_center(center: str) -> str | None:
	user = frappe.session.user
	if is_unscoped(user) or center in (allowed_centers(user) or ()):
		return center
	return default_center(user)


# ---------------------------------------------------------------- on every save of a case
def validate(case, before) -> None:
	"""From ZZ Case.validate: a review is made here only; its level and case never change; a case under
	review is not changed; a review is not handled by who handled the case it reviews."""
	if before is None:
		if (case.review_level or case.review_of) and not case.flags.zz_review:
			frappe.throw(
				_("A review (复查/复核) is applied for from the case whose answer it reviews."),
				exc=ReviewNotAllowedError,
				title=_("Review Not Allowed"),
			)
		if case.review_of:
			case.is_repeat_petition = 0  # applying for a review is the law's way on, not a repeat petition
	else:
		if (before.review_level or "", before.review_of or "") != (
			case.review_level or "",
			case.review_of or "",
		):
			frappe.throw(
				_("The review level and the case reviewed never change."),
				exc=ReviewNotAllowedError,
				title=_("Not Permitted"),
			)
		refuse_while_under_review(case)
	check_handler(case, before)


def open_review(case_name: str | None) -> frappe._dict | None:
	"""The review of this case still open (not closed, archived or declined), if any."""
	if not case_name:
		return None
	from zongzhi_center.services.case_states import closed_case_states

	# whether the case is locked does not depend on who may read its review (every form of a case asks)
	rows = frappe.db.sql(
		"""select `name`, `case_number`, `review_level` from `tabZZ Case`
		where `review_of` = %(case)s and ifnull(`workflow_state`, '') not in %(closed)s
		order by `creation` desc limit 1""",
		{"case": case_name, "closed": tuple(sorted(closed_case_states())) or ("",)},
		as_dict=True,
	)
	return rows[0] if rows else None


def refuse_while_under_review(case) -> None:
	review = open_review(case.name)
	if review:
		frappe.throw(
			_(
				"Case {0} is under {1} in case {2}: it cannot be changed until the review is concluded."
			).format(frappe.bold(case.case_number), _(review.review_level), frappe.bold(review.case_number)),
			exc=CaseUnderReviewError,
			title=_("Under Review"),
		)


def reviewed_chain(case) -> list[frappe._dict]:
	"""The case this one reviews, and the case that one reviews (a 复核 is handled apart from both)."""
	chain, name = [], case.review_of
	while name and len(chain) < 3:
		row = frappe.db.get_value(
			CASE,
			name,
			["name", "case_number", "review_of", "assigned_mediator", "assignee_user", "handling_department"],
			as_dict=True,
		)
		if not row:
			break
		chain.append(row)
		name = row.review_of
	return chain


def check_handler(case, before) -> None:
	if not case.review_of:
		return
	fields = ("assigned_mediator", "assignee_user", "handling_department")
	if before is not None and all(case.get(f) == before.get(f) for f in fields):
		return
	mediator_user = (
		frappe.db.get_value("ZZ Stationed Staff", case.assigned_mediator, "user")
		if case.assigned_mediator
		else None
	)
	for earlier in reviewed_chain(case):
		earlier_users = {earlier.assignee_user} | {
			frappe.db.get_value("ZZ Stationed Staff", earlier.assigned_mediator, "user")
			if earlier.assigned_mediator
			else None
		}
		earlier_users.discard(None)
		same = (
			(case.assigned_mediator and case.assigned_mediator == earlier.assigned_mediator)
			or (mediator_user and mediator_user in earlier_users)
			or (case.assignee_user and case.assignee_user in earlier_users)
			or (
				case.handling_department
				and not case.assigned_mediator
				and case.handling_department == earlier.handling_department
			)
		)
		if same:
			frappe.throw(
				_(
					"Case {0} was handled there: its review is handled by someone else. Choose another mediator, or another department."
				).format(frappe.bold(earlier.case_number)),
				exc=ReviewHandlerError,
				title=_("Not Permitted"),
			)


# ---------------------------------------------------------------- at intake
def concluded_re_reviews(case) -> list[frappe._dict]:
	"""The applicants' concluded 复核 cases on the same category (the same person by ID number)."""
	if not case.category:
		return []
	id_keys, _name_phone = petitions.applicant_keys(case)
	if not id_keys:
		return []
	rows = petitions.matching_applicants(
		id_keys, [], "c.name, c.case_number, c.category, c.review_level, c.answered_at", case.name
	)
	return sorted(
		(
			frappe._dict(name=r.name, case_number=r.case_number)
			for r in rows
			if r.review_level == RE_REVIEW and r.category == case.category and r.answered_at
		),
		key=lambda r: r.case_number or "",
	)


def intake_notices(case) -> list[dict]:
	"""What the clerk (or the sister system) is told at intake: the same request after a 复核 is not
	accepted again — the 不予受理 decision is suggested, never taken silently."""
	return [
		{
			"code": "concluded_re_review",
			"case_number": row.case_number,
			"case": row.name,
			"message": _(
				"The applicant's request on this matter was concluded by re-review (复核) in case {0}: the same request on the same facts is not accepted again. Consider declining it (不予受理) with that reason."
			).format(row.case_number),
		}
		for row in concluded_re_reviews(case)
	]


def onload(case) -> None:
	"""For the form: the open review locking the case, the review the user may apply for, and at intake
	the concluded 复核 on the same matter."""
	review = open_review(case.name)
	if review:
		case.set_onload("zz_under_review", review)
	if case.workflow_state == wn.state("registered"):
		notices = intake_notices(case)
		if notices:
			case.set_onload("zz_concluded_re_reviews", notices)
	case.set_onload("zz_review_level", offered_level(case))


def offered_level(case) -> str | None:
	"""The review the form offers for this case now (None where applying would be refused)."""
	if not case.answered_at:
		return None  # refused by next_level whatever else holds: told without building its refusal
	try:
		level = next_level(case)
		check_window(case, level)
	except frappe.ValidationError:
		frappe.clear_last_message()
		return None
	return level
