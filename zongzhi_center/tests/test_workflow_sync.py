"""Shipped workflows: created on install, updated on migrate only where an administrator changed nothing.

The update and keep paths run on a copy of the shipped file under another name and inactive, so the live
ZZ Case Workflow (and the workflow cache other tests rely on) is never touched.
"""

import copy

import frappe
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.setup import workflow_sync
from zongzhi_center.setup.workflow_sync import CREATED, KEPT, UNCHANGED, UPDATED, sync_workflow


def shipped_case_workflow() -> dict:
	(path,) = [p for p in workflow_sync.shipped_workflow_files() if p.endswith("zz_case_workflow.json")]
	return workflow_sync.load_shipped(path)


class TestWorkflowSync(FrappeTestCase):
	def shipped_copy(self) -> dict:
		shipped = copy.deepcopy(shipped_case_workflow())
		shipped["name"] = shipped["workflow_name"] = f"ZZ Test Workflow {frappe.generate_hash(length=6)}"
		shipped["is_active"] = 0
		return shipped

	def newer_version_of(self, shipped: dict) -> dict:
		newer = copy.deepcopy(shipped)
		newer["transitions"].append(
			{
				"state": "Accepted",
				"action": "Return Case",
				"next_state": "Registered",
				"allowed": "ZZ Dispatcher",
				"allow_self_approval": 1,
			}
		)
		return newer

	def test_live_workflow_was_created_on_install_and_is_tracked(self):
		self.assertTrue(frappe.db.exists("Workflow", "ZZ Case Workflow"))
		tracker = workflow_sync.get_tracker("ZZ Case Workflow")
		self.assertIsNotNone(tracker)
		self.assertEqual(tracker.shipped_hash, workflow_sync.fingerprint(shipped_case_workflow()))
		# migrate again: nothing to do
		self.assertIn(sync_workflow(shipped_case_workflow()), (UNCHANGED,))

	def test_created_then_unchanged(self):
		shipped = self.shipped_copy()
		self.assertEqual(sync_workflow(shipped), CREATED)
		workflow = frappe.get_doc("Workflow", shipped["name"])
		self.assertEqual(len(workflow.transitions), len(shipped["transitions"]))
		self.assertEqual(sync_workflow(shipped), UNCHANGED)

	def test_new_shipped_version_applied_where_admin_changed_nothing(self):
		shipped = self.shipped_copy()
		sync_workflow(shipped)
		newer = self.newer_version_of(shipped)
		self.assertEqual(sync_workflow(newer), UPDATED)
		workflow = frappe.get_doc("Workflow", shipped["name"])
		self.assertIn(
			("Accepted", "Return Case", "ZZ Dispatcher"),
			{(t.state, t.action, t.allowed) for t in workflow.transitions},
		)
		self.assertEqual(sync_workflow(newer), UNCHANGED)

	def test_admin_edits_survive_migrate(self):
		shipped = self.shipped_copy()
		sync_workflow(shipped)

		# an administrator adds a state and changes who approves closure, in the browser
		workflow = frappe.get_doc("Workflow", shipped["name"])
		if not frappe.db.exists("Workflow State", "Awaiting Documents"):
			frappe.get_doc(
				{"doctype": "Workflow State", "workflow_state_name": "Awaiting Documents"}
			).insert()
		workflow.append(
			"states", {"state": "Awaiting Documents", "doc_status": "0", "allow_edit": "ZZ Intake Clerk"}
		)
		for transition in workflow.transitions:
			if transition.action == "Close Case":
				transition.allowed = "ZZ Supervisor"
		workflow.save()

		self.assertEqual(sync_workflow(shipped), UNCHANGED)  # same shipped version: nothing to apply
		self.assertEqual(sync_workflow(self.newer_version_of(shipped)), KEPT)

		workflow.reload()
		self.assertIn("Awaiting Documents", {s.state for s in workflow.states})
		self.assertEqual(
			{t.allowed for t in workflow.transitions if t.action == "Close Case"}, {"ZZ Supervisor"}
		)
		self.assertNotIn(("Accepted", "Return Case"), {(t.state, t.action) for t in workflow.transitions})
		tracker = workflow_sync.get_tracker(shipped["name"])
		self.assertIn("changed in the browser", tracker.last_sync_note)

	def test_hand_made_workflow_of_the_same_name_is_left_alone(self):
		shipped = self.shipped_copy()
		hand_made = copy.deepcopy(shipped)
		hand_made["transitions"] = hand_made["transitions"][:3]
		frappe.get_doc(workflow_sync.as_doc_dict(hand_made)).insert()
		self.assertEqual(sync_workflow(shipped), KEPT)
		self.assertEqual(len(frappe.get_doc("Workflow", shipped["name"]).transitions), 3)
