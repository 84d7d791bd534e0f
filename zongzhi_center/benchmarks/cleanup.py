"""Remove what benchmarks/intake_api.py created: cases with an external id "bench-…" and its ToDos.

bench --site zongzhi.localhost execute zongzhi_center.benchmarks.cleanup.remove_bench_cases
"""

import frappe

from zongzhi_center.benchmarks import require_test_site


def remove_bench_cases() -> dict:
	require_test_site()
	cases = frappe.get_all("ZZ Case", filters={"external_id": ["like", "bench-%"]}, pluck="name")
	for name in cases:
		frappe.delete_doc("ZZ Case", name, force=True, ignore_permissions=True, delete_permanently=True)
	todos = frappe.get_all("ToDo", filters={"description": ["like", "bench %"]}, pluck="name")
	for name in todos:
		frappe.delete_doc("ToDo", name, force=True, ignore_permissions=True, delete_permanently=True)
	frappe.db.commit()
	return {"cases": len(cases), "todos": len(todos)}
