"""The scheduled deadline job over many open cases, against a bare Frappe load-and-store of the same cases
in the same run. Run on a bench (it commits its own data and deletes it afterwards):

	bench --site <site> execute zongzhi_center.benchmarks.sla_job.run --kwargs "{'n': 10000}"

Prints the job's seconds, the baseline's, their ratio, and the job's counts.
"""

import time
from datetime import timedelta

import frappe
from frappe.utils import now_datetime

from zongzhi_center.benchmarks import require_test_site
from zongzhi_center.services import sla
from zongzhi_center.tests.factories import case_dict, delete_committed, make_center_tree


def run(n: int = 10000):
	require_test_site()
	frappe.set_user("Administrator")
	tree = make_center_tree()
	names = []
	long_ago = now_datetime() - timedelta(days=45)
	for i in range(n):
		case = frappe.get_doc(case_dict(tree.town_a if i % 2 else tree.county)).insert(
			ignore_permissions=True
		)
		# a third of the cases accepted long ago, so that the job finds overdue ones among them
		if i % 3 == 0:
			case.db_set({"accepted_at": long_ago, "clock_started_at": long_ago}, update_modified=False)
		names.append(case.name)
		if i % 500 == 499:
			frappe.db.commit()
	frappe.db.commit()
	try:
		began = time.perf_counter()
		for name in names:
			doc = frappe.get_doc("ZZ Case", name)
			doc.db_set("sla_status", doc.sla_status, update_modified=False)
			frappe.db.commit()
		baseline = time.perf_counter() - began

		began = time.perf_counter()
		counts = sla.update_open_cases()
		job = time.perf_counter() - began
		print(f"open cases: {n}; job counts: {counts}")
		print(f"baseline (get_doc + db_set + commit per case): {baseline:.1f} s")
		print(f"deadline job (lock, rule, calendar, status, escalation): {job:.1f} s")
		print(f"ratio job / baseline: {job / baseline:.2f}x")
	finally:
		delete_committed(tree, [])
