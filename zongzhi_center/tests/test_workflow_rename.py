"""An administrator renames states and actions of the case workflow in the browser: the app follows.

The Workflow form saves the document with its rows; a row whose state or action now reads 已登记 where it
read Registered is a rename. Cases in the old state move to the new name, the map in ZZ Settings follows,
and intake, acceptance, deadlines and the public page keep working under the new names. A state the app
relies on that the live workflow lacks is reported on migrate.
"""

import contextlib
import io

import frappe
from frappe.model.workflow import apply_workflow, get_workflow_name
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.services import workflow_names as wn
from zongzhi_center.services.tracking import public_view
from zongzhi_center.setup.install import sync_shipped_records
from zongzhi_center.tests.factories import as_user, make_case, make_center_tree, make_user

NEW_REGISTERED = "已登记（测试）"
NEW_ACCEPTED = "已受理（测试）"
NEW_ACCEPT = "受理案件（测试）"


class TestWorkflowRename(FrappeTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.workflow = get_workflow_name("ZZ Case")
		doc = frappe.get_doc("Workflow", self.workflow)
		self.original_states = {row.name: row.state for row in doc.states}
		self.original_actions = {row.name: (row.state, row.action, row.next_state) for row in doc.transitions}
		self.addCleanup(self.restore)
		for state in (NEW_REGISTERED, NEW_ACCEPTED):
			if not frappe.db.exists("Workflow State", state):
				frappe.get_doc({"doctype": "Workflow State", "workflow_state_name": state}).insert()
		if not frappe.db.exists("Workflow Action Master", NEW_ACCEPT):
			frappe.get_doc({"doctype": "Workflow Action Master", "workflow_action_name": NEW_ACCEPT}).insert()
		if frappe.db.exists("Notification", "登记提醒（测试）"):
			frappe.delete_doc("Notification", "登记提醒（测试）", force=True)
		self.notification = (
			frappe.get_doc(
				{
					"doctype": "Notification",
					"name": "登记提醒（测试）",
					"subject": "登记提醒",
					"document_type": "ZZ Case",
					"event": "Value Change",
					"value_changed": "workflow_state",
					"condition": "doc.workflow_state == 'Registered'",
					"channel": "System Notification",
					"enabled": 0,
					"message": "x",
				}
			)
			.insert()
			.name
		)
		self.tree = make_center_tree()
		self.clerk = make_user([wn.INTAKE_CLERK], self.tree.town_a)

	def restore(self):
		frappe.set_user("Administrator")
		doc = frappe.get_doc("Workflow", self.workflow)
		for row in doc.states:
			row.state = self.original_states.get(row.name, row.state)
		for row in doc.transitions:
			row.state, row.action, row.next_state = self.original_actions.get(
				row.name, (row.state, row.action, row.next_state)
			)
		doc.save()
		wn.clear_cache()
		frappe.delete_doc("Notification", self.notification, force=True)

	def rename_in_the_workflow_form(self):
		"""What the administrator does on the Workflow form: type the new names into the rows, save."""
		renames = {wn.state("registered"): NEW_REGISTERED, wn.state("accepted"): NEW_ACCEPTED}
		doc = frappe.get_doc("Workflow", self.workflow)
		for row in doc.states:
			row.state = renames.get(row.state, row.state)
		for row in doc.transitions:
			row.state = renames.get(row.state, row.state)
			row.next_state = renames.get(row.next_state, row.next_state)
			if row.action == wn.action("accept"):
				row.action = NEW_ACCEPT
		doc.save()

	def test_renamed_states_and_action_keep_the_case_moving(self):
		waiting = make_case(self.tree.town_a, self.clerk)
		self.assertEqual(waiting.workflow_state, "Registered")

		self.rename_in_the_workflow_form()

		# the map follows the rows; the boot map the form's script reads says the same
		self.assertEqual(wn.state("registered"), NEW_REGISTERED)
		self.assertEqual(wn.state("accepted"), NEW_ACCEPTED)
		self.assertEqual(wn.action("accept"), NEW_ACCEPT)
		self.assertEqual(wn.as_dict()["states"]["registered"], NEW_REGISTERED)
		self.assertEqual(wn.missing_names(), [])
		# a notification on cases whose condition named the state names the new one
		self.assertIn(
			repr(NEW_REGISTERED), frappe.db.get_value("Notification", self.notification, "condition")
		)
		# the case that waited at intake waits under the new name, its history too
		waiting.reload()
		self.assertEqual(waiting.workflow_state, NEW_REGISTERED)
		self.assertEqual(waiting.state_history[0].state, NEW_REGISTERED)

		# a new case starts in the renamed first state; the clerk accepts it with the renamed action
		case = make_case(self.tree.town_a, self.clerk)
		self.assertEqual(case.workflow_state, NEW_REGISTERED)
		with as_user(self.clerk):
			case = apply_workflow(frappe.get_doc("ZZ Case", case.name), NEW_ACCEPT)
		self.assertEqual(case.workflow_state, NEW_ACCEPTED)
		# what the app does on acceptance still happens: the resolve-by clock starts
		self.assertTrue(case.accepted_at)
		self.assertTrue(case.due_date)
		self.assertIn(case.sla_status, ("On Track", "Due Soon"))
		# the public page maps the renamed states to its milestones
		view = public_view(case.name)
		self.assertEqual(
			[m.label for m in view.milestones], [frappe._("Case Received"), frappe._("Accepted")]
		)

	def test_a_state_the_workflow_lacks_is_reported_on_migrate(self):
		gone = "已删除的节点（测试）"
		if not frappe.db.exists("Workflow State", gone):
			frappe.get_doc({"doctype": "Workflow State", "workflow_state_name": gone}).insert()
		settings = frappe.get_single("ZZ Settings")
		row = next(r for r in settings.workflow_names if r.kind == wn.STATE and r.meaning == "closed")
		row.workflow_state = gone
		settings.save()
		self.addCleanup(self.point_closed_back, row.name)

		problems = wn.missing_names()
		self.assertEqual(len(problems), 1)
		self.assertIn(gone, problems[0])
		out = io.StringIO()
		with contextlib.redirect_stdout(out):
			sync_shipped_records()
		self.assertIn("WARNING", out.getvalue())
		self.assertIn(gone, out.getvalue())

	def point_closed_back(self, row_name):
		frappe.db.set_value(wn.TABLE, row_name, "workflow_state", wn.SHIPPED_STATES["closed"])
		wn.clear_cache()

	def test_every_meaning_is_mapped_to_the_live_workflow_after_migrate(self):
		rows = frappe.get_all(wn.TABLE, filters={"parent": "ZZ Settings"}, fields=["kind", "meaning"])
		self.assertEqual(
			{r.meaning for r in rows if r.kind == wn.STATE}, set(wn.SHIPPED_STATES), "every state is mapped"
		)
		self.assertEqual(
			{r.meaning for r in rows if r.kind == wn.ACTION}, set(wn.SHIPPED_ACTIONS), "every action"
		)
		self.assertEqual(wn.missing_names(), [])

	def test_the_settings_table_offers_every_meaning_in_chinese(self):
		"""The ZZ Settings table lists each meaning the code relies on, and shows it in Chinese."""
		options = frappe.get_meta(wn.TABLE).get_field("meaning").options.split("\n")
		self.assertEqual(options, [*wn.SHIPPED_STATES, *wn.SHIPPED_ACTIONS])
		frappe.local.lang = "zh"
		try:
			untranslated = [m for m in options if frappe._(m) == m]
		finally:
			frappe.local.lang = "en"
		self.assertEqual(untranslated, [])
