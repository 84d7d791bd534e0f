"""Closed states read from a workflow's transitions."""

import json
import os
import unittest

from zongzhi_center.engine.workflow import closed_states

WORKFLOW = os.path.join(
	os.path.dirname(__file__), "..", "zongzhi_center", "workflow", "zz_case_workflow", "zz_case_workflow.json"
)


class TestClosedStates(unittest.TestCase):
	def test_the_shipped_case_workflow(self):
		with open(WORKFLOW, encoding="utf-8") as fh:
			workflow = json.load(fh)
		closed = closed_states(
			[row["state"] for row in workflow["states"]],
			# reopening a closed case within its grace period is an exception, not a way on
			# (services/case_states.py)
			[
				(row["state"], row["next_state"])
				for row in workflow["transitions"]
				if not (row["state"] == "Closed" and row["action"] == "Reopen Case")
			],
		)
		self.assertEqual(closed, {"Closed", "Archived", "Not Accepted"})

	def test_a_state_that_can_go_back_to_work_stays_open(self):
		transitions = [("Open", "Done"), ("Done", "Reopened"), ("Reopened", "Open"), ("Open", "Dropped")]
		self.assertEqual(closed_states(["Open", "Done", "Reopened", "Dropped"], transitions), {"Dropped"})
		self.assertEqual(closed_states(["A"], [("A", "B"), ("B", "C")]), {"A", "B", "C"})
