"""The case list's total from each centre's kept number of cases (services/case_count.py,
overrides/reportview.py): always the number Frappe's own count gives the same user, after intake, moves,
db_set, deletion, shares, rollbacks and compaction; anything but the whole list is counted by Frappe."""

import frappe
import frappe.desk.reportview
import frappe.share
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.overrides import reportview
from zongzhi_center.services import case_count
from zongzhi_center.services import workflow_names as wn
from zongzhi_center.tests.factories import (
	act,
	as_user,
	edit_case,
	make_case,
	make_center_tree,
	make_user,
	move_case,
)

CASE = "ZZ Case"


class TestCaseCount(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		case_count.ensure_table()
		cls.tree = t = make_center_tree()
		cls.clerk_a = make_user([wn.INTAKE_CLERK], t.town_a)
		cls.clerk_b = make_user([wn.INTAKE_CLERK], t.town_b)
		cls.grid_clerk = make_user([wn.INTAKE_CLERK], t.grid_a)
		cls.director = make_user([wn.CENTER_DIRECTOR], t.county)
		cls.dispatcher_a = make_user([wn.DISPATCHER], t.town_a)
		# users of this test's centres: their numbers are the same whatever other tests store meanwhile
		cls.users = (cls.clerk_a, cls.clerk_b, cls.grid_clerk, cls.director)

	def setUp(self):
		# no rebuild here: it would lock the counts of every centre against other sessions until this test
		# ends; this test's users have centres of their own, counted only through their cases' documents
		frappe.set_user("Administrator")

	def tearDown(self):
		frappe.set_user("Administrator")

	def fast(self, user: str, **form) -> int | None:
		with as_user(user):
			frappe.local.form_dict = frappe._dict(doctype=CASE, **form)
			return reportview.unfiltered_case_count(frappe.local.form_dict)

	def answered(self, user: str, **form) -> int:
		"""What the whitelisted override answers the user."""
		with as_user(user):
			frappe.local.form_dict = frappe._dict(doctype=CASE, **form)
			return reportview.get_count()

	def frappe_count(self, user: str, **form) -> int:
		with as_user(user):
			frappe.local.form_dict = frappe._dict(doctype=CASE, **form)
			return frappe.desk.reportview.get_count()

	def assert_exact(self):
		for user in self.users:
			with self.subTest(user=user):
				kept = self.fast(user)
				self.assertIsNotNone(kept, "the whole list is answered from the kept counts")
				self.assertEqual(kept, self.frappe_count(user))

	def test_every_user_gets_frappes_number(self):
		make_case(self.tree.town_a, self.clerk_a)
		make_case(self.tree.grid_a, self.grid_clerk)
		make_case(self.tree.town_b, self.clerk_b)
		self.assert_exact()

	def test_unscoped_users_count_every_case(self):
		before, frappe_before = self.fast("Administrator"), self.frappe_count("Administrator")
		self.assertIsNotNone(before)
		make_case(self.tree.town_b, self.clerk_b)
		self.assertEqual(self.fast("Administrator") - before, 1)
		self.assertEqual(self.frappe_count("Administrator") - frappe_before, 1)

	def test_intake_counts_the_case_once_under_its_centre(self):
		before = {user: self.fast(user) for user in self.users}
		make_case(self.tree.grid_a, self.grid_clerk)
		after = {user: self.fast(user) for user in self.users}
		self.assertEqual(after[self.grid_clerk], before[self.grid_clerk] + 1)
		self.assertEqual(after[self.clerk_a], before[self.clerk_a] + 1)  # the grid is below township A
		self.assertEqual(after[self.director], before[self.director] + 1)
		self.assertEqual(after[self.clerk_b], before[self.clerk_b])
		self.assert_exact()

	def test_a_moved_case_is_counted_at_its_new_centre_only(self):
		# received by someone else: the first receiver keeps reading the case wherever it goes
		case = move_case(make_case(self.tree.town_a, "Administrator").name, wn.state("accepted"))
		before = {user: self.fast(user) for user in self.users}
		edit_case(self.dispatcher_a, case.name, target_center=self.tree.county, move_reason="涉及多个乡镇")
		moved = act(self.dispatcher_a, case.name, wn.action("escalate"))
		self.assertEqual(moved.current_center, self.tree.county)
		after = {user: self.fast(user) for user in self.users}
		self.assertEqual(after[self.clerk_a], before[self.clerk_a] - 1)
		self.assertEqual(after[self.director], before[self.director])
		self.assert_exact()

	def test_db_set_of_the_centre_and_of_another_field(self):
		case = make_case(self.tree.town_a, self.clerk_a)
		case.db_set("current_center", self.tree.town_b)
		case.db_set("current_center", self.tree.town_b)  # the same value again: no second move
		self.assert_exact()
		# an unsaved value in memory is not counted by a db_set of another field
		case.current_center = self.tree.grid_a
		case.db_set("title", "计数测试：改了标题")
		self.assert_exact()

	def test_deleted_case_is_counted_out(self):
		case = make_case(self.tree.town_b, self.clerk_b)
		before = self.fast(self.clerk_b)
		frappe.delete_doc(CASE, case.name, force=True, ignore_permissions=True)
		self.assertEqual(self.fast(self.clerk_b), before - 1)
		self.assert_exact()

	def test_a_rolled_back_intake_leaves_the_count_as_it_was(self):
		before = self.fast(self.director)
		frappe.db.savepoint("zz_case_count_test")
		make_case(self.tree.town_a, self.clerk_a)
		self.assertEqual(self.fast(self.director), before + 1)
		frappe.db.rollback(save_point="zz_case_count_test")
		self.assertEqual(self.fast(self.director), before)
		self.assert_exact()

	def test_cases_shared_from_another_centre_are_counted_once(self):
		elsewhere = make_case(self.tree.town_b, self.clerk_b)
		own = make_case(self.tree.town_a, self.clerk_a)
		for name in (elsewhere.name, own.name):
			frappe.share.add_docshare(
				CASE, name, self.clerk_a, read=1, flags={"ignore_share_permission": True}
			)
		with as_user(self.clerk_a):
			self.assertIn(elsewhere.name, frappe.share.get_shared(CASE, self.clerk_a))
		self.assert_exact()

	def test_compaction_keeps_every_number(self):
		for center in (self.tree.town_a, self.tree.town_a, self.tree.grid_a, self.tree.town_b):
			make_case(center, "Administrator")
		before = {user: self.fast(user) for user in self.users}
		case_count.compact(commit=False)
		rows = frappe.db.sql(
			f"select `center`, count(*) from `{case_count.TABLE}` group by `center` having count(*) > 1"
		)
		self.assertEqual(rows, ())
		self.assertEqual({user: self.fast(user) for user in self.users}, before)
		self.assert_exact()

	def test_a_filtered_or_limited_count_is_frappes(self):
		make_case(self.tree.town_a, self.clerk_a, title="计数筛选测试")
		filters = [[CASE, "current_center", "=", self.tree.town_a]]
		self.assertIsNone(self.fast(self.clerk_a, filters=frappe.as_json(filters)))
		self.assertEqual(
			self.answered(self.clerk_a, filters=frappe.as_json(filters)),
			self.frappe_count(self.clerk_a, filters=frappe.as_json(filters)),
		)
		total = self.fast(self.clerk_a)
		self.assertEqual(self.answered(self.clerk_a, limit=1), 1)
		self.assertEqual(self.answered(self.clerk_a, limit=total + 5), total)
		self.assertEqual(self.answered(self.clerk_a, filters="[]"), total)

	def test_a_user_without_a_centre_is_counted_by_frappe(self):
		stranger = make_user([wn.INTAKE_CLERK])
		self.assertIsNone(self.fast(stranger))
		self.assertEqual(self.answered(stranger), self.frappe_count(stranger))

	def test_a_user_who_may_not_read_cases_is_refused_as_by_frappe(self):
		nobody = make_user(["Desk User"])
		with self.assertRaises(frappe.PermissionError):
			self.answered(nobody)
