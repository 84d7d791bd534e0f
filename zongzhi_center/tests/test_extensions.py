"""延期 on real cases, through the paths users take: the case's handler asks (inserting the request, in the
desk or through the REST API's frappe.client.insert), a director of the case's centre decides with the
ZZ Deadline Extension Workflow's actions (apply_workflow as that user). Only an approval moves the
resolve-by, by working days across a weekend; the rule's limits (a petition: once, at most 30 days) are
refused with a translated message; the wrong people cannot ask or decide; the routing log keeps each step."""

import json
from datetime import datetime

import frappe
import frappe.client
from frappe.model.workflow import WorkflowPermissionError, WorkflowTransitionError, apply_workflow
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_datetime

from zongzhi_center.exceptions import (
	ExtensionDecidedError,
	ExtensionDeciderError,
	ExtensionNotAllowedError,
	ExtensionRequesterError,
	StateRequirementError,
)
from zongzhi_center.services import extensions, rules, sla
from zongzhi_center.services import workflow_names as wn
from zongzhi_center.setup import workflow_sync
from zongzhi_center.setup.demo import move_to
from zongzhi_center.tests.factories import (
	as_user,
	make_case,
	make_center_tree,
	make_department,
	make_staff,
	make_user,
)
from zongzhi_center.tests.test_sla import On2026Calendar, make_category, make_rule

WORKFLOW = "ZZ Deadline Extension Workflow"
EXTENSION = "ZZ Deadline Extension"
# Monday 1 March 2027: four working days run to the end of Friday 5 March
START = "2027-03-01 10:00:00"
DUE = datetime(2027, 3, 5, 17, 30)


def action_to(decision: str) -> str:
	"""The live workflow's action that leads to the state setting ``decision`` (names are the
	administrator's to change)."""
	workflow = frappe.get_doc("Workflow", WORKFLOW)
	states = {row.state for row in workflow.states if row.update_value == decision}
	(action,) = {row.action for row in workflow.transitions if row.next_state in states}
	return action


def request(user: str, case: str, days: int, reason: str = "需调取医疗鉴定意见，案情复杂。"):
	with as_user(user):
		return frappe.get_doc(
			{"doctype": EXTENSION, "case": case, "requested_days": days, "reason": reason}
		).insert()


def decide(user: str, name: str, decision: str, note: str | None = None):
	with as_user(user):
		doc = frappe.get_doc(EXTENSION, name)
		if note:
			doc.decision_note = note
			doc.save()
		return apply_workflow(frappe.get_doc(EXTENSION, name), action_to(decision))


class TestExtensions(On2026Calendar, FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		t = cls.tree = make_center_tree()
		cls.mediator = make_user([wn.MEDIATOR], t.town_a)
		cls.other_mediator = make_user([wn.MEDIATOR], t.town_a)
		cls.dispatcher = make_user([wn.DISPATCHER], t.town_a)
		cls.dispatcher_director = make_user([wn.DISPATCHER, wn.CENTER_DIRECTOR], t.town_a)
		cls.director = make_user([wn.CENTER_DIRECTOR], t.town_a)
		cls.county_director = make_user([wn.CENTER_DIRECTOR], t.county)
		cls.director_b = make_user([wn.CENTER_DIRECTOR], t.town_b)
		cls.handler = make_user([wn.DEPARTMENT_HANDLER])
		cls.department = make_department(t.town_a, handlers=(cls.handler,))
		cls.staff = make_staff(t.town_a, cls.department, user=cls.mediator)
		cls.use_2026_calendar()
		cls.category = make_category()
		# the 信访工作条例's petition clock: extended once, by at most 30 days
		cls.rule = make_rule(
			category=cls.category,
			accept_value=1,
			accept_unit="Working Days",
			resolve_value=4,
			max_extensions=1,
			max_extension_days=30,
		)
		rules.clear_cache()
		frappe.translate.clear_cache()

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.local.lang = "en"

	def new_case(self, start: str = START) -> str:
		"""A case in mediation with the mediator, its clock started on ``start``."""
		with as_user("Administrator"):
			case = make_case(self.tree.town_a, category=self.category)
			move_to(case, "In Mediation", mediator=self.staff, department=self.department)
			frappe.db.set_value(
				"ZZ Case",
				case.name,
				{"received_at": start, "accepted_at": start, "clock_started_at": start},
				update_modified=False,
			)
			case = frappe.get_doc("ZZ Case", case.name)
			case.save(ignore_permissions=True)
		self.assertEqual(case.deadline_rule, self.rule)
		self.assertEqual(case.assignee_user, self.mediator)
		return case.name

	def case(self, name):
		return frappe.get_doc("ZZ Case", name)

	def moves(self, name):
		return [row.move for row in self.case(name).routing_log if row.move.startswith("Exten")]

	# ------------------------------------------------------------------ the workflow
	def test_workflow_is_shipped_and_tracked(self):
		workflow = frappe.get_doc("Workflow", WORKFLOW)
		self.assertEqual(workflow.document_type, EXTENSION)
		self.assertTrue(workflow.is_active)
		self.assertTrue(workflow_sync.get_tracker(WORKFLOW))
		# synced beside the case workflow from its own file; nobody changed it, so a migrate leaves it be
		(path,) = [
			p
			for p in workflow_sync.shipped_workflow_files()
			if p.endswith("zz_deadline_extension_workflow.json")
		]
		self.assertEqual(
			workflow_sync.sync_workflow(workflow_sync.load_shipped(path)), workflow_sync.UNCHANGED
		)
		deciders = {row.allowed for row in workflow.transitions}
		self.assertEqual(deciders, {wn.CENTER_DIRECTOR})
		self.assertFalse(any(row.allow_self_approval for row in workflow.transitions))

	# ------------------------------------------------------------------ approve
	def test_handler_asks_and_the_director_approves_across_a_weekend(self):
		name = self.new_case()
		self.assertEqual(get_datetime(self.case(name).due_date), DUE)
		ext = request(self.mediator, name, 3)
		self.assertEqual(ext.decision, extensions.PENDING)
		self.assertEqual(ext.workflow_state, frappe.get_doc("Workflow", WORKFLOW).states[0].state)
		self.assertEqual(ext.requested_by, self.mediator)
		self.assertEqual(ext.center, self.tree.town_a)
		# asking moves nothing
		case = self.case(name)
		self.assertEqual(get_datetime(case.due_date), DUE)
		self.assertEqual(case.extension_days, 0)
		self.assertEqual(self.moves(name), [extensions.REQUESTED_MOVE])
		self.assertTrue(
			frappe.db.exists(
				"Notification Log",
				{"for_user": self.director, "document_type": EXTENSION, "document_name": ext.name},
			)
		)

		decide(self.director, ext.name, extensions.APPROVED)
		ext.reload()
		case = self.case(name)
		# Friday 5 March + 3 working days, the weekend skipped: Wednesday 10 March at closing time
		self.assertEqual(get_datetime(case.due_date), datetime(2027, 3, 10, 17, 30))
		self.assertEqual(get_datetime(case.due_before_extension), DUE)
		self.assertEqual(case.extension_days, 3)
		self.assertEqual(case.sla_status, "On Track")
		self.assertEqual(ext.decision, extensions.APPROVED)
		self.assertEqual(ext.decided_by, self.director)
		self.assertEqual(get_datetime(ext.old_due_date), DUE)
		self.assertEqual(get_datetime(ext.new_due_date), datetime(2027, 3, 10, 17, 30))
		self.assertEqual(self.moves(name), [extensions.REQUESTED_MOVE, extensions.EXTENDED_MOVE])
		log = next(row for row in case.routing_log if row.move == extensions.EXTENDED_MOVE)
		self.assertEqual(log.by_user, self.director)
		self.assertIn("3", log.reason)
		comments = frappe.get_all(
			"Comment", filters={"reference_doctype": "ZZ Case", "reference_name": name}, pluck="content"
		)
		self.assertTrue(any(ext.name in c for c in comments))
		self.assertTrue(
			frappe.db.exists(
				"Notification Log",
				{"for_user": self.mediator, "document_type": EXTENSION, "document_name": ext.name},
			)
		)
		# a later save of the case keeps the extension: the deadline is recomputed with it
		with as_user("Administrator"):
			self.case(name).save(ignore_permissions=True)
		self.assertEqual(get_datetime(self.case(name).due_date), datetime(2027, 3, 10, 17, 30))
		# decided is decided
		with as_user(self.director):
			doc = frappe.get_doc(EXTENSION, ext.name)
			doc.decision_note = "改一下"
			self.assertRaises(ExtensionDecidedError, doc.save)

	def test_the_deadline_job_reads_an_approved_extension_as_the_case_does(self):
		name = self.new_case()
		decide(self.director, request(self.mediator, name, 3).name, extensions.APPROVED)
		now = datetime(2027, 3, 8, 9, 0)
		# the job's read of the stored case, refreshed with the rules read once for its batch
		[row] = sla.case_rows([name], notices=False)
		sla.refresh(row, now, sla.Setup())
		case = self.case(name)
		sla.refresh(case, now)
		self.assertEqual(row.approved_extension_days, 3)
		self.assertEqual(get_datetime(row.due_date), datetime(2027, 3, 10, 17, 30))
		for field in sla.DEADLINE_FIELDS:
			self.assertEqual(str(row.get(field) or ""), str(case.get(field) or ""), field)

	def test_a_new_clock_starts_without_the_old_extensions(self):
		name = self.new_case()
		ext = request(self.mediator, name, 3)
		decide(self.director, ext.name, extensions.APPROVED)
		self.assertEqual(self.case(name).extension_days, 3)
		# a move to another centre starts the clock again (services.routing): Tuesday 2 March + 4 days
		with as_user("Administrator"):
			frappe.db.set_value("ZZ Case", name, "clock_started_at", "2027-03-02 10:00:00")
			self.case(name).save(ignore_permissions=True)
		case = self.case(name)
		self.assertEqual(
			(case.extension_days, get_datetime(case.due_date)), (0, datetime(2027, 3, 8, 17, 30))
		)
		# and the rule's one extension is available on the new clock
		self.assertEqual(request(self.mediator, name, 2).decision, extensions.PENDING)

	def test_a_rule_in_calendar_days_is_extended_in_calendar_days(self):
		# the 信访工作条例's 日: every day counts, a last day off moves to the next working day
		category = make_category()
		rule = make_rule(
			category=category,
			resolve_value=4,
			resolve_unit="Calendar Days",
			max_extensions=1,
			max_extension_days=30,
		)
		rules.clear_cache()
		with as_user("Administrator"):
			case = make_case(self.tree.town_a, category=category)
			move_to(case, "In Mediation", mediator=self.staff, department=self.department)
			frappe.db.set_value(
				"ZZ Case", case.name, {"received_at": START, "accepted_at": START, "clock_started_at": START}
			)
			case = frappe.get_doc("ZZ Case", case.name)
			case.save(ignore_permissions=True)
		self.assertEqual((case.deadline_rule, get_datetime(case.due_date)), (rule, DUE))
		ext = request(self.mediator, case.name, 5)
		decide(self.director, ext.name, extensions.APPROVED)
		# Friday 5 March + 5 days: Wednesday 10 March (5 working days would be Friday 12 March)
		self.assertEqual(get_datetime(self.case(case.name).due_date), datetime(2027, 3, 10, 17, 30))

	def test_a_director_above_the_centre_may_decide(self):
		name = self.new_case()
		ext = request(self.dispatcher, name, 1)
		decide(self.county_director, ext.name, extensions.APPROVED)
		self.assertEqual(get_datetime(self.case(name).due_date), datetime(2027, 3, 8, 17, 30))

	# ------------------------------------------------------------------ refuse
	def test_refusal_needs_a_note_and_leaves_the_deadline(self):
		name = self.new_case()
		ext = request(self.dispatcher, name, 2)
		self.assertRaises(StateRequirementError, decide, self.director, ext.name, extensions.REFUSED)
		self.assertEqual(frappe.db.get_value(EXTENSION, ext.name, "decision"), extensions.PENDING)
		decide(self.director, ext.name, extensions.REFUSED, note="证据已齐，应按期办结。")
		ext.reload()
		case = self.case(name)
		self.assertEqual(ext.decision, extensions.REFUSED)
		self.assertEqual(get_datetime(case.due_date), DUE)
		self.assertEqual(case.extension_days, 0)
		self.assertEqual(self.moves(name), [extensions.REQUESTED_MOVE, extensions.REFUSED_MOVE])
		self.assertEqual(case.routing_log[-1].reason, "证据已齐，应按期办结。")
		# refused, the case may ask again
		again = request(self.mediator, name, 1)
		self.assertEqual(again.decision, extensions.PENDING)

	# ------------------------------------------------------------------ who
	def test_wrong_centre_director_and_the_requester_cannot_decide(self):
		name = self.new_case()
		ext = request(self.dispatcher_director, name, 2)
		# a director of the sibling township does not even read it
		self.assertRaises(frappe.PermissionError, decide, self.director_b, ext.name, extensions.APPROVED)
		with as_user(self.director_b):
			self.assertEqual(frappe.get_list(EXTENSION, filters={"case": name}), [])
		# the requester, a director too, may not approve their own request
		self.assertRaises(
			(frappe.PermissionError, frappe.ValidationError),
			decide,
			self.dispatcher_director,
			ext.name,
			extensions.APPROVED,
		)
		# nor by saving the state through the API
		with as_user(self.dispatcher_director):
			doc = frappe.get_doc(EXTENSION, ext.name)
			doc.workflow_state = next(
				s.state
				for s in frappe.get_doc("Workflow", WORKFLOW).states
				if s.update_value == extensions.APPROVED
			)
			self.assertRaises(ExtensionDeciderError, doc.save)
		# the mediator who asked has no such action
		self.assertRaises(
			(WorkflowTransitionError, WorkflowPermissionError, frappe.PermissionError),
			decide,
			self.mediator,
			ext.name,
			extensions.APPROVED,
		)
		self.assertEqual(frappe.db.get_value(EXTENSION, ext.name, "decision"), extensions.PENDING)
		self.assertEqual(get_datetime(self.case(name).due_date), DUE)

	def test_only_the_handler_or_a_dispatcher_asks(self):
		name = self.new_case()
		self.assertRaises(ExtensionRequesterError, request, self.other_mediator, name, 2)
		self.assertRaises(frappe.PermissionError, request, self.director_b, name, 2)
		self.assertFalse(frappe.db.exists(EXTENSION, {"case": name}))
		self.assertEqual(self.moves(name), [])

	# ------------------------------------------------------------------ limits
	def test_the_rule_limits_count_and_length_with_a_translated_message(self):
		name = self.new_case()
		frappe.local.lang = "zh"
		with self.assertRaises(ExtensionNotAllowedError) as too_long:
			request(self.mediator, name, 31)
		self.assertIn("最多 30 天", str(too_long.exception))
		self.assertFalse(frappe.db.exists(EXTENSION, {"case": name}))

		first = request(self.mediator, name, 30)
		# one open request per case
		with self.assertRaises(ExtensionNotAllowedError) as waiting:
			request(self.dispatcher, name, 1)
		self.assertIn("待审批", str(waiting.exception))
		decide(self.director, first.name, extensions.APPROVED)
		self.assertEqual(self.case(name).extension_days, 30)

		with self.assertRaises(ExtensionNotAllowedError) as second:
			request(self.mediator, name, 1)
		self.assertIn("最多延期 1 次", str(second.exception))
		self.assertEqual(frappe.db.count(EXTENSION, {"case": name}), 1)

	def test_no_extension_after_the_deadline_passed(self):
		name = self.new_case(start="2026-03-02 10:00:00")  # resolve-by long past
		self.assertRaises(ExtensionNotAllowedError, request, self.mediator, name, 2)
		self.assertFalse(frappe.db.exists(EXTENSION, {"case": name}))

	# ------------------------------------------------------------------ REST
	def test_department_handler_asks_through_the_rest_api(self):
		name = self.new_case()
		with as_user(self.handler):
			saved = frappe.client.insert(
				json.dumps(
					{
						"doctype": EXTENSION,
						"case": name,
						"requested_days": 5,
						"reason": "等待鉴定机构出具报告。",
						# what only the server and the workflow set is ignored or refused
						"decided_by": self.handler,
						"new_due_date": "2027-12-31 17:30:00",
					}
				)
			)
			self.assertEqual(saved["decision"], extensions.PENDING)
			self.assertIsNone(saved.get("decided_by"))
			self.assertIsNone(saved.get("new_due_date"))
			self.assertEqual(saved["requested_by"], self.handler)
			# the handler reads it back, and cannot decide it
			self.assertEqual(frappe.client.get(EXTENSION, saved["name"])["case"], name)
			self.assertRaises(
				(WorkflowTransitionError, frappe.PermissionError),
				apply_workflow,
				json.dumps({"doctype": EXTENSION, "name": saved["name"]}),
				action_to(extensions.APPROVED),
			)
		with as_user(self.director):
			apply_workflow(
				json.dumps({"doctype": EXTENSION, "name": saved["name"]}), action_to(extensions.APPROVED)
			)
		self.assertEqual(self.case(name).extension_days, 5)
		# a request inserted as already approved is refused
		other = self.new_case()
		approved_state = next(
			s.state
			for s in frappe.get_doc("Workflow", WORKFLOW).states
			if s.update_value == extensions.APPROVED
		)
		with as_user(self.handler):
			self.assertRaises(
				(WorkflowPermissionError, ExtensionNotAllowedError),
				frappe.client.insert,
				json.dumps(
					{
						"doctype": EXTENSION,
						"case": other,
						"requested_days": 5,
						"reason": "直接批准",
						"workflow_state": approved_state,
					}
				),
			)
		self.assertFalse(frappe.db.exists(EXTENSION, {"case": other}))
		self.assertEqual(self.case(other).extension_days, 0)
