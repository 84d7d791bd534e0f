"""复查/复核 of a petition's answer, the lock on the case under review, a review handled by someone else,
no re-acceptance after 复核, and 重新办理 within and after the grace period — as the clerk, dispatcher
and director meet them, and refused to the wrong user."""

from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, format_date, getdate, now_datetime

from zongzhi_center.api import reviews as api
from zongzhi_center.exceptions import (
	CaseUnderReviewError,
	ReopenError,
	ReviewHandlerError,
	ReviewNotAllowedError,
	ReviewWindowClosedError,
)
from zongzhi_center.services import closing, reviews
from zongzhi_center.services import workflow_names as wn
from zongzhi_center.setup.demo import move_to
from zongzhi_center.tests.factories import (
	act,
	as_user,
	edit_case,
	make_case,
	make_center_tree,
	make_department,
	make_staff,
	make_user,
	move_case,
	new_person,
)

CASE = "ZZ Case"
REASON = "申请人认为处理意见未解决其补偿诉求，请求复查"


class TestReviews(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.db.set_single_value("ZZ Settings", "reopen_grace_days", 15)
		cls.tree = make_center_tree()
		town = cls.tree.town_a
		cls.clerk = make_user([wn.INTAKE_CLERK], town)
		cls.dispatcher = make_user([wn.DISPATCHER], town)
		cls.director = make_user([wn.CENTER_DIRECTOR], town)
		cls.other_clerk = make_user([wn.INTAKE_CLERK], cls.tree.town_b)
		cls.department = make_department(town)
		cls.other_department = make_department(town)
		cls.mediators = [
			make_staff(town, cls.department, user=make_user([wn.MEDIATOR], town)) for _ in range(3)
		]
		cls.category = frappe.get_all("ZZ Case Category", filters={"is_group": 0}, pluck="name", limit=1)[0]

	def tearDown(self):
		frappe.set_user("Administrator")

	# ------------------------------------------------------------ helpers
	def register_petition(self, person, category=None, **party):
		"""A petition of ``person`` (ID number, phone) registered by the clerk, in the test's category
		unless another is given."""
		id_number, phone = person
		applicant = {"party_role": "Applicant", "party_type": "Person", "party_name": "赵复查"}
		applicant.update(id_number=id_number, phone=phone, **party)
		return make_case(
			self.tree.town_a,
			self.clerk,
			matter_type="Petition",
			category=category or self.category,
			parties=[applicant],
		)

	def petition(self, person=None, mediator=0, state="Resolved"):
		"""A petition of ``person`` answered by mediator number ``mediator``."""
		case = self.register_petition(person or new_person(), address="湖南省南县复查路1号")
		return self.answer(case.name, mediator, state)

	def answer(self, name, mediator, state="Resolved"):
		with as_user("Administrator"):
			move_to(
				frappe.get_doc(CASE, name),
				state,
				mediator=self.mediators[mediator],
				department=self.department,
			)
		return frappe.get_doc(CASE, name)

	def apply(self, case, now=None, user=None):
		with as_user(user or self.clerk):
			return reviews.apply_for_review(case.name, REASON, now=now)

	# ------------------------------------------------------------ the window
	def test_review_within_the_window_and_refused_after_it(self):
		case = self.petition()
		self.assertTrue(case.answered_at)
		last_day = add_days(getdate(case.answered_at), 30)
		with self.assertRaises(ReviewWindowClosedError) as refused:
			self.apply(case, now=add_days(case.answered_at, 31))
		self.assertIn(format_date(last_day), str(refused.exception))
		self.assertFalse(frappe.db.exists(CASE, {"review_of": case.name}))

		made = self.apply(case, now=add_days(case.answered_at, 30))  # the last day still counts
		self.assertEqual(made["review_level"], "Review")
		self.assertEqual(frappe.db.get_value(CASE, made["name"], "review_of"), case.name)

	def test_review_then_re_review_and_no_review_of_a_re_review(self):
		case = self.petition()
		review = frappe.get_doc(CASE, self.apply(case)["name"])
		self.assertEqual(review.review_level, "Review")
		self.assertFalse(review.is_repeat_petition)
		# the review is decided (by another mediator); its decision opens the window of the 复核
		review = self.answer(review.name, 1)
		with self.assertRaises(ReviewWindowClosedError):
			self.apply(review, now=add_days(review.answered_at, 31))
		re_review = frappe.get_doc(CASE, self.apply(review, now=add_days(review.answered_at, 5))["name"])
		self.assertEqual(re_review.review_level, "Re-review")
		self.assertEqual(re_review.review_of, review.name)
		re_review = self.answer(re_review.name, 2)
		with self.assertRaises(ReviewNotAllowedError):
			self.apply(re_review)
		self.assertFalse(frappe.db.exists(CASE, {"review_of": re_review.name}))

	def test_unanswered_case_non_petition_and_second_review_are_refused(self):
		open_case = make_case(self.tree.town_a, self.clerk, matter_type="Petition")
		with self.assertRaises(ReviewNotAllowedError):
			self.apply(open_case)
		dispute = frappe.get_doc(CASE, make_case(self.tree.town_a, self.clerk, source="Police Source").name)
		dispute = self.answer(dispute.name, 0)
		with self.assertRaises(ReviewNotAllowedError):
			self.apply(dispute)
		case = self.petition()
		self.apply(case)
		with self.assertRaises(ReviewNotAllowedError):
			self.apply(case)
		self.assertEqual(frappe.db.count(CASE, {"review_of": case.name}), 1)

	def test_review_is_made_only_from_the_case_reviewed(self):
		case = self.petition()
		with self.assertRaises(ReviewNotAllowedError):
			make_case(self.tree.town_a, self.clerk, review_level="Review", review_of=case.name)
		review = frappe.get_doc(CASE, self.apply(case)["name"])
		with self.assertRaises(ReviewNotAllowedError):
			edit_case(self.clerk, review.name, review_level="Re-review")

	# ------------------------------------------------------------ the new case
	def test_review_copies_parties_encrypted_and_links_both_ways(self):
		case = self.petition()
		review = frappe.get_doc(CASE, self.apply(case)["name"])
		original = case.parties[0]
		copied = review.parties[0]
		self.assertEqual(copied.party_name, original.party_name)
		for field in ("id_number", "phone", "address"):
			self.assertEqual(copied.get(field), original.get(field))  # the mask
			self.assertEqual(copied.get(field + "_enc"), original.get(field + "_enc"))  # the ciphertext
		self.assertEqual(copied.id_key, original.id_key)
		self.assertIn((case.name, "Review Of"), [(r.linked_case, r.relation) for r in review.linked_cases])
		back = frappe.get_doc(CASE, case.name)
		self.assertIn((review.name, "Reviewed In"), [(r.linked_case, r.relation) for r in back.linked_cases])

	def test_the_api_is_post_only_and_refuses_a_user_who_may_not_read_the_case(self):
		self.assertEqual(frappe.allowed_http_methods_for_whitelisted_func[api.apply_for_review], ["POST"])
		self.assertEqual(frappe.allowed_http_methods_for_whitelisted_func[api.reopen_case], ["POST"])
		case = self.petition()
		with self.assertRaises(frappe.PermissionError), as_user(self.other_clerk):
			api.apply_for_review(case.name, REASON)
		self.assertFalse(frappe.db.exists(CASE, {"review_of": case.name}))
		with as_user(self.clerk):
			made = api.apply_for_review(case.name, REASON)
		self.assertEqual(made["review_level"], "Review")

	# ------------------------------------------------------------ the lock
	def test_case_under_review_is_locked_until_the_review_is_closed(self):
		case = self.petition()
		review = self.apply(case)
		with self.assertRaises(CaseUnderReviewError):
			edit_case(self.director, case.name, outcome_note="补充说明")
		with self.assertRaises(CaseUnderReviewError):
			act(self.clerk, case.name, wn.action("start_follow_up"))
		self.assertEqual(frappe.db.get_value(CASE, case.name, "workflow_state"), wn.state("resolved"))
		with as_user(self.director):
			form = frappe.get_doc(CASE, case.name)
			form.run_method("onload")
		self.assertEqual(form.get_onload().zz_under_review.case_number, review["case_number"])

		move_case(review["name"], "Closed", self.other_department)
		act(self.clerk, case.name, wn.action("start_follow_up"))
		self.assertEqual(frappe.db.get_value(CASE, case.name, "workflow_state"), wn.state("follow_up"))

	# ------------------------------------------------------------ another handler
	def test_review_is_not_handled_by_the_original_mediator_or_department_alone(self):
		case = self.petition(mediator=0)
		review = self.apply(case)["name"]
		move_case(review, "Accepted")
		with self.assertRaises(ReviewHandlerError) as refused:
			edit_case(
				self.dispatcher,
				review,
				handling_department=self.department,
				assigned_mediator=self.mediators[0],
			)
		self.assertIn(case.case_number, str(refused.exception))
		with self.assertRaises(ReviewHandlerError):
			edit_case(self.dispatcher, review, handling_department=self.department)
		self.assertFalse(frappe.db.get_value(CASE, review, "handling_department"))
		done = edit_case(
			self.dispatcher, review, handling_department=self.department, assigned_mediator=self.mediators[1]
		)
		self.assertEqual(done.routing_log[-1].to_mediator, self.mediators[1])

	# ------------------------------------------------------------ no re-acceptance after 复核
	def test_intake_names_the_concluded_re_review_and_suggests_declining(self):
		person = new_person()
		case = self.petition(person)
		review = self.answer(self.apply(case)["name"], 1)
		re_review = self.answer(self.apply(review)["name"], 2)
		again = self.register_petition(person)
		# the citizen's case is registered, not refused: the clerk is told and decides
		self.assertEqual(again.workflow_state, wn.state("registered"))
		with as_user(self.clerk):
			form = frappe.get_doc(CASE, again.name)
			form.run_method("onload")
		notices = form.get_onload().zz_concluded_re_reviews
		self.assertEqual([n["case_number"] for n in notices], [re_review.case_number])
		self.assertIn("不予受理", notices[0]["message"])
		# another category is another matter
		other = frappe.get_all(
			"ZZ Case Category", filters={"is_group": 0, "name": ["!=", self.category]}, pluck="name", limit=1
		)[0]
		elsewhere = self.register_petition(person, category=other)
		self.assertEqual(reviews.intake_notices(elsewhere), [])

	def test_intake_api_answer_warns_of_the_concluded_re_review(self):
		import jsonschema

		from zongzhi_center.api import openapi
		from zongzhi_center.services import intake
		from zongzhi_center.tests.factories import unique

		person = new_person()
		case = self.petition(person)
		review = self.answer(self.apply(case)["name"], 1)
		re_review = self.answer(self.apply(review)["name"], 2)
		system_user = make_user([wn.INTEGRATION], self.tree.town_a)
		frappe.get_doc(
			{
				"doctype": "ZZ Sister System",
				"system_code": unique("petition"),
				"system_name": "信访信息系统",
				"user": system_user,
				"default_center": self.tree.town_a,
				"source": "Petition Source",
				"channel": "API",
			}
		).insert(ignore_permissions=True)
		body = {
			"title": "再次反映征地补偿问题",
			"facts": "申请人就同一征地补偿事项再次提出同一请求。",
			"external_id": unique("ext"),
			"matter_type": "Petition",
			"category": self.category,
			"parties": [
				{
					"party_role": "Applicant",
					"party_name": "赵复查",
					"id_number": person[0],
					"phone": person[1],
				}
			],
		}
		with as_user(system_user):
			status, answer = intake.submit(body)
		self.assertEqual(status, 201, answer)
		self.assertEqual([w["case_number"] for w in answer["warnings"]], [re_review.case_number])
		spec = openapi.document()
		jsonschema.validate(
			answer, {**spec["components"]["schemas"]["IntakeAnswer"], "components": spec["components"]}
		)

	# ------------------------------------------------------------ 重新办理
	def closed_case(self):
		return move_case(make_case(self.tree.town_a, self.clerk).name, "Closed", self.department)

	def test_reopen_within_the_grace_period_reopens_the_case(self):
		case = self.closed_case()
		self.assertEqual(getdate(case.reopen_by), getdate(add_days(now_datetime(), 15)))
		with self.assertRaises(frappe.PermissionError), as_user(self.clerk):
			closing.reopen(case.name, "回访发现协议未履行")
		later = add_days(now_datetime(), 10)
		with (
			patch("zongzhi_center.services.closing.now_datetime", return_value=later),
			as_user(self.director),
		):
			done = api.reopen_case(case.name, "回访发现协议未履行")
		self.assertTrue(done["reopened"])
		self.assertEqual(done["name"], case.name)
		stored = frappe.get_doc(CASE, case.name)
		self.assertEqual(stored.workflow_state, wn.state("in_mediation"))
		self.assertFalse(stored.reopen_by)

	def test_reopen_after_the_grace_period_continues_in_a_linked_new_case(self):
		case = self.closed_case()
		later = add_days(now_datetime(), 16)
		with (
			patch("zongzhi_center.services.closing.now_datetime", return_value=later),
			as_user(self.director),
		):
			done = closing.reopen(case.name, "协议履行完毕后又生纠纷")
		self.assertFalse(done["reopened"])
		self.assertIn(case.case_number, done["message"])
		self.assertIn(done["case_number"], done["message"])
		self.assertEqual(frappe.db.get_value(CASE, case.name, "workflow_state"), wn.state("closed"))
		new = frappe.get_doc(CASE, done["name"])
		self.assertEqual(new.workflow_state, wn.state("registered"))
		self.assertEqual(new.parties[0].id_number_enc, case.parties[0].id_number_enc)
		self.assertIn((case.name, "Reopened From"), [(r.linked_case, r.relation) for r in new.linked_cases])
		old = frappe.get_doc(CASE, case.name)
		self.assertIn((new.name, "Reopened As"), [(r.linked_case, r.relation) for r in old.linked_cases])

	def test_reopen_needs_a_closed_case_and_a_reason(self):
		open_case = make_case(self.tree.town_a, self.clerk)
		with self.assertRaises(ReopenError), as_user(self.director):
			closing.reopen(open_case.name, "理由")
		case = self.closed_case()
		with self.assertRaises(frappe.MandatoryError), as_user(self.director):
			closing.reopen(case.name, "  ")
		self.assertEqual(frappe.db.get_value(CASE, case.name, "workflow_state"), wn.state("closed"))
