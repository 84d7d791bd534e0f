"""The deadline job at scale keeps its promises: two runs at the same moment act on each case once
(every grade's notices, the 督办函, the escalation), what it stores for many cases at once is each case's
own deadline, a case saved meanwhile keeps what its save stored, and the job's writes leave the case's
timeline as they always did (no Version, no new modified time; the public page's kept view forgotten).

The rule runs on calendar time (every hour of every day) so that the grades do not depend on the site's
working calendar, which other suites may be changing while these fixtures are committed."""

from datetime import datetime, timedelta

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_datetime

from zongzhi_center.services import rules, sla, tracking
from zongzhi_center.tests.factories import (
	make_case,
	make_center_tree,
	make_department,
	make_user,
	move_case,
	twice_at_once,
)
from zongzhi_center.tests.test_sla import make_category, make_rule

NOW = datetime(2026, 11, 20, 12, 0)
# accepted this long before NOW under a three-day rule (due soon a day ahead, moderately overdue two
# days after, seriously four): the grade each case has reached at NOW
ACCEPTED_BEFORE = {
	"Due Soon": timedelta(days=2, hours=23),
	"Overdue": timedelta(days=4),
	"Moderately Overdue": timedelta(days=7),
	"Seriously Overdue": timedelta(days=10),
}


def graded_rule(category: str, **values) -> str:
	return make_rule(
		category=category,
		resolve_value=3,
		resolve_unit="Working Days",
		calendar_time=1,
		warn_before_days=1,
		moderate_after_days=2,
		serious_after_days=4,
		**values,
	)


def as_left_by_the_job(case: str, accepted: datetime) -> None:
	"""Received and accepted at ``accepted``, no grade acted on, its check come."""
	frappe.db.set_value(
		"ZZ Case",
		case,
		{
			"received_at": accepted,
			"accepted_at": accepted,
			"clock_started_at": accepted,
			"overdue_grade": "",
			"overdue_grade_notified": "",
			"sla_next_check": accepted,
		},
		update_modified=False,
	)


def center_tree() -> frappe._dict:
	"""make_center_tree, tried again when another suite adding centres at the same moment held the
	centre tree's nested set too long or made the database give up this transaction."""
	for attempt in range(3):
		try:
			return make_center_tree()
		except (frappe.QueryDeadlockError, frappe.QueryTimeoutError):
			frappe.db.rollback()
			if attempt == 2:
				raise


def grade_at(case: str, now: datetime) -> str:
	"""The grade refresh() gives the stored case at ``now``, without storing it."""
	[row] = sla.case_rows([case])
	sla.refresh(row, now)
	return row.overdue_grade or ""


class TestTwoRunsAtOnce(FrappeTestCase):
	"""Commits its fixtures (the runs are on other connections), so it keeps no class fixtures."""

	def tearDown(self):
		frappe.set_user("Administrator")
		rules.clear_cache()

	def test_two_overlapping_runs_act_on_every_grade_and_escalation_once(self):
		tree = center_tree()
		clerk = make_user(["ZZ Intake Clerk"], tree.town_a)
		director = make_user(["ZZ Center Director"], tree.town_a)
		handler = make_user(["ZZ Department Handler"])
		department = make_department(tree.town_a, handlers=(handler,))
		graded, escalating = make_category(), make_category()
		rule_names = [graded_rule(graded), graded_rule(escalating, auto_escalate=1)]
		cases = {}
		for grade, before in ACCEPTED_BEFORE.items():
			case = make_case(tree.town_a, clerk, category=graded).name
			move_case(case, "In Mediation", department=department)
			as_left_by_the_job(case, NOW - before)
			cases[grade] = case
		escalated = make_case(tree.town_a, clerk, category=escalating).name
		move_case(escalated, "Accepted")
		as_left_by_the_job(escalated, NOW - timedelta(days=5))
		frappe.db.commit()
		names = [*cases.values(), escalated]
		self.addCleanup(remove, tree, [clerk, director, handler], names, [graded, escalating], rule_names)
		rules.clear_cache()
		for grade, case in cases.items():
			self.assertEqual(grade_at(case, NOW), grade)

		def notes(user, case):
			return frappe.db.count("Notification Log", {"for_user": user, "document_name": case})

		# what the intake and the moves told them before the job
		told = {(user, case): notes(user, case) for user in (clerk, director) for case in names}

		runs, errors = twice_at_once(lambda: sla.update_open_cases(now=NOW, cases=names))
		self.assertEqual(errors, [])
		self.assertEqual(len(runs), 2)
		done = {key: sum(run[key] for run in runs) for key in runs[0] if key != "checked"}
		self.assertEqual(done, {"due_soon": 1, "overdue": 1, "moderate": 1, "serious": 1, "escalated": 1})
		frappe.db.rollback()  # a fresh snapshot: what the two runs committed

		def new_notes(user, case):
			return notes(user, case) - told[(user, case)]

		for grade, case in cases.items():
			self.assertEqual(new_notes(clerk, case), 1, grade)
			stored = frappe.db.get_value(
				"ZZ Case", case, ["overdue_grade", "overdue_grade_notified"], as_dict=True
			)
			self.assertEqual((stored.overdue_grade, stored.overdue_grade_notified), (grade, grade))
		# the director hears of the moderately and the seriously overdue case, once each
		self.assertEqual(new_notes(director, cases["Due Soon"]), 0)
		self.assertEqual(new_notes(director, cases["Moderately Overdue"]), 1)
		self.assertEqual(new_notes(director, cases["Seriously Overdue"]), 1)
		serious = cases["Seriously Overdue"]
		drafts = frappe.get_all("ZZ Supervision Case", filters={"case": serious}, pluck="parent")
		self.assertEqual(len(drafts), 1)
		self.assertEqual(frappe.db.get_value("ZZ Case", serious, "on_director_list"), 1)
		comments = frappe.get_all(
			"Comment",
			filters={"reference_doctype": "ZZ Case", "reference_name": serious, "comment_type": "Info"},
			pluck="content",
		)
		self.assertEqual(len(comments), 1)
		self.assertIn(drafts[0], comments[0])
		moved = frappe.get_doc("ZZ Case", escalated)
		self.assertEqual([r.move for r in moved.routing_log].count("Auto-escalated"), 1)
		self.assertEqual(moved.current_center, tree.county)
		# a third run at the same moment finds nothing to do
		again = sla.update_open_cases(now=NOW, cases=names)
		self.assertEqual({k: v for k, v in again.items() if k != "checked" and v}, {})


class TestStoredInBulk(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = center_tree()
		cls.clerk = make_user(["ZZ Intake Clerk"], cls.tree.town_a)
		cls.department = make_department(cls.tree.town_a)
		cls.category = make_category()
		cls.rule = graded_rule(cls.category)

	def tearDown(self):
		frappe.set_user("Administrator")
		rules.clear_cache()

	def open_case(self, accepted: datetime) -> str:
		case = make_case(self.tree.town_a, self.clerk, category=self.category).name
		move_case(case, "In Mediation", department=self.department)
		as_left_by_the_job(case, accepted)
		return case

	def test_a_changed_rule_moves_every_case_deadline_in_a_few_statements_without_a_version(self):
		accepted = [NOW - timedelta(hours=h) for h in (1, 5, 9, 13, 17)]
		names = [self.open_case(at) for at in accepted]
		rules.clear_cache()
		# the first run: each on track, its due date three days after its acceptance
		first = sla.update_open_cases(now=NOW, cases=names, batch_size=2)
		self.assertEqual(first["checked"], len(names))
		before = {
			row.name: row
			for row in frappe.get_all(
				"ZZ Case",
				filters={"name": ["in", names]},
				fields=["name", "due_date", "modified", "sla_status"],
			)
		}
		self.assertEqual({row.sla_status for row in before.values()}, {"On Track"})
		versions = frappe.db.count("Version", {"ref_doctype": "ZZ Case", "docname": ["in", names]})
		for name in names:
			frappe.cache.set_value(tracking.VIEW_KEY.format(name), {"kept": True})

		# the rule gives ten days now; every running case is looked at again (as recheck_all marks them)
		frappe.db.set_value("ZZ Deadline Rule", self.rule, "resolve_value", 10)
		rules.clear_cache()
		frappe.db.set_value("ZZ Case", {"name": ["in", names]}, "sla_next_check", NOW, update_modified=False)
		sent = sent_queries(lambda: sla.update_open_cases(now=NOW, cases=names, batch_size=2))
		after = {
			row.name: row
			for row in frappe.get_all(
				"ZZ Case",
				filters={"name": ["in", names]},
				fields=["name", "due_date", "modified", "sla_next_check"],
			)
		}
		for name in names:
			self.assertEqual(
				get_datetime(after[name].due_date) - get_datetime(before[name].due_date), timedelta(days=7)
			)
			self.assertEqual(after[name].modified, before[name].modified)
			self.assertGreater(get_datetime(after[name].sla_next_check), NOW)
			self.assertIsNone(frappe.cache.get_value(tracking.VIEW_KEY.format(name)))
		self.assertEqual(
			frappe.db.count("Version", {"ref_doctype": "ZZ Case", "docname": ["in", names]}), versions
		)
		# three batches (two cases, two, one): one UPDATE of the cases for each, not one per case
		updates = [q for q in sent if q.lstrip().lower().startswith("update `tabzz case`")]
		self.assertEqual(len(updates), 3)

	def test_the_job_reads_a_paused_case_as_its_document_does(self):
		case = self.open_case(NOW - timedelta(days=2))
		doc = frappe.get_doc("ZZ Case", case)
		# paused for four hours, and paused again two hours ago
		doc.append("pauses", {"paused_at": NOW - timedelta(days=1), "resumed_at": NOW - timedelta(hours=20)})
		doc.append("pauses", {"paused_at": NOW - timedelta(hours=2)})
		for pause in doc.pauses:
			pause.state = doc.workflow_state
			pause.db_insert()
		for read_again in (False, True):
			[row] = sla.case_rows([case], notices=read_again)
			sla.refresh(row, NOW, sla.Setup())
			doc = frappe.get_doc("ZZ Case", case)
			sla.refresh(doc, NOW)
			self.assertEqual(len(row.pauses), 2)
			self.assertEqual(row.sla_status, "Paused")
			for field in sla.DEADLINE_FIELDS:
				self.assertEqual(str(row.get(field) or ""), str(doc.get(field) or ""), field)

	def test_a_case_saved_since_it_was_read_keeps_what_its_save_stored(self):
		case = self.open_case(NOW - timedelta(hours=1))
		stored = frappe.db.get_value("ZZ Case", case, ["due_date", "modified"], as_dict=True)
		later = get_datetime(stored.due_date) + timedelta(days=1)
		# read before a save that changed the case: not written
		sla.store({case: {"due_date": later}}, {case: get_datetime(stored.modified) - timedelta(seconds=1)})
		self.assertEqual(frappe.db.get_value("ZZ Case", case, "due_date"), stored.due_date)
		# read as it is stored: written
		sla.store({case: {"due_date": later}}, {case: stored.modified})
		self.assertEqual(get_datetime(frappe.db.get_value("ZZ Case", case, "due_date")), later)


def sent_queries(run) -> list[str]:
	"""The SQL statements ``run`` sends."""
	sent = []
	original = frappe.db.sql

	def counting(*args, **kwargs):
		sent.append(str(args[0] if args else kwargs.get("query")))
		return original(*args, **kwargs)

	frappe.db.sql = counting
	try:
		run()
	finally:
		frappe.db.sql = original
	return sent


def remove(tree, users, names, categories, rule_names):
	"""What the overlapping runs committed, and their fixtures."""
	frappe.set_user("Administrator")
	frappe.db.rollback()
	for notice in frappe.get_all("ZZ Supervision Case", filters={"case": ["in", names]}, pluck="parent"):
		frappe.delete_doc("ZZ Supervision Notice", notice, force=True, ignore_permissions=True)
	frappe.db.delete("Notification Log", {"document_name": ["in", names]})
	frappe.db.delete("Comment", {"reference_doctype": "ZZ Case", "reference_name": ["in", names]})
	departments = set(frappe.get_all("ZZ Case", filters={"name": ["in", names]}, pluck="handling_department"))
	for name in names:
		frappe.delete_doc("ZZ Case", name, force=True, ignore_permissions=True)
	for user in users:
		frappe.db.delete("User Permission", {"user": user})
		frappe.delete_doc("User", user, force=True, ignore_permissions=True, ignore_on_trash=True)
	for department in departments - {None, ""}:
		frappe.delete_doc("ZZ Department", department, force=True, ignore_permissions=True)
	for rule in rule_names:
		frappe.delete_doc("ZZ Deadline Rule", rule, force=True, ignore_permissions=True)
	for category in categories:
		frappe.delete_doc("ZZ Case Category", category, force=True, ignore_permissions=True)
	rules.clear_cache()
	frappe.db.commit()
	for _attempt in range(3):
		try:
			# leaves first. The centre tree is shared by every suite, and one adding centres meanwhile may
			# hold it past three attempts: then these centres, empty by now, stay on the test site
			for center in (tree.grid_a, tree.village_a, tree.town_b, tree.town_a, tree.county):
				frappe.delete_doc("ZZ Center", center, force=True, ignore_permissions=True)
			frappe.db.commit()
			return
		except (frappe.QueryTimeoutError, frappe.QueryDeadlockError):
			frappe.db.rollback()
