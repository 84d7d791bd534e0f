"""Case numbers under concurrent intake: 50 users registering at once never share a number.

The inserts run in 50 threads, each with its own Frappe context and database connection, released
together by a barrier; so this test commits its fixtures and removes them afterwards.
"""

import re
import threading

import frappe
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.services.case_number import format_case_number, next_sequence
from zongzhi_center.tests.factories import case_dict, delete_committed, make_center_tree, make_user

CONCURRENT_INTAKES = 50


class TestCaseNumber(FrappeTestCase):
	def test_format(self):
		self.assertEqual(format_case_number("430921", 2026, 7), "430921-2026-000007")

	def test_sequence_advances_per_key(self):
		# fixed keys: the counters are committed on their own connection, so reuse the same two rows
		first = next_sequence("zz-test-sequence")
		self.assertGreaterEqual(first, 1)
		self.assertEqual(next_sequence("zz-test-sequence"), first + 1)
		other = next_sequence("zz-test-sequence-other")
		self.assertEqual(next_sequence("zz-test-sequence-other"), other + 1)
		self.assertEqual(next_sequence("zz-test-sequence"), first + 2)


class TestConcurrentIntake(FrappeTestCase):
	def setUp(self):
		self.tree = make_center_tree()
		self.clerks = [make_user(["ZZ Intake Clerk"], self.tree.town_a) for _ in range(5)]
		frappe.db.commit()  # the intake threads use their own connections

	def tearDown(self):
		delete_committed(self.tree, self.clerks)

	def test_fifty_concurrent_intakes_get_distinct_numbers(self):
		site, sites_path = frappe.local.site, frappe.local.sites_path
		barrier = threading.Barrier(CONCURRENT_INTAKES)
		numbers, errors = [], []
		lock = threading.Lock()

		def intake(i: int):
			frappe.init(site=site, sites_path=sites_path)
			frappe.connect()
			try:
				frappe.flags.in_test = True
				frappe.set_user(self.clerks[i % len(self.clerks)])
				doc = frappe.get_doc(case_dict(self.tree.town_a, title=f"并发受理{i}"))
				barrier.wait(timeout=60)
				doc.insert()
				frappe.db.commit()
				with lock:
					numbers.append(doc.case_number)
			except Exception as e:
				with lock:
					errors.append(repr(e))
				frappe.db.rollback()
			finally:
				frappe.destroy()

		threads = [threading.Thread(target=intake, args=(i,)) for i in range(CONCURRENT_INTAKES)]
		for thread in threads:
			thread.start()
		for thread in threads:
			thread.join(timeout=300)

		self.assertEqual(errors, [])
		self.assertEqual(len(numbers), CONCURRENT_INTAKES)
		self.assertEqual(len(set(numbers)), CONCURRENT_INTAKES, "duplicate case numbers")
		for number in numbers:
			self.assertRegex(number, r"^430921100-\d{4}-\d{6}$")
		stored = frappe.get_all(
			"ZZ Case", filters={"receiving_center": self.tree.town_a}, pluck="case_number"
		)
		self.assertEqual(sorted(stored), sorted(numbers))
		# numbers of one region and year are consecutive when nothing failed
		sequences = sorted(int(re.sub(r".*-", "", n)) for n in numbers)
		self.assertEqual(sequences[-1] - sequences[0], CONCURRENT_INTAKES - 1)
