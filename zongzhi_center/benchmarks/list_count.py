"""The township clerk's case list (20 rows) and its total against Frappe's own ToDo list and total of the same
user, in one run, in-process: requests through Frappe's WSGI application (token authentication, the app's
request hooks, reportview.get / reportview.get_count), alternating baseline and app, each pair N times. Reads
only; run on a site made by `city_scale.setup`:

	bench --site <bench site> execute zongzhi_center.benchmarks.list_count.run --kwargs "{'n': 50}"

Besides wall time (which other work on the machine inflates), each request's CPU time is given: this process's
and that of its MariaDB connection's thread (from /proc, where the database runs on this machine), which load
on the machine does not inflate. `count(*)` of the cases is printed as a reference.
"""

import json
import os
import statistics
import time
from urllib.parse import quote

import frappe

FIELDS = ["name", "modified"]


def run(n: int = 50, config: str | None = None):
	from frappe.app import application
	from werkzeug.test import Client

	config = json.load(open(config or frappe.get_site_path("private", "city_scale.json")))
	site = frappe.local.site
	headers = {"Authorization": f"token {config['clerk']}", "Accept": "application/json"}
	paths = {
		"list": {doctype: list_path(doctype) for doctype in ("ToDo", "ZZ Case")},
		"count": {doctype: count_path(doctype) for doctype in ("ToDo", "ZZ Case")},
	}
	cpu = CpuClock()

	def request(path, times=None):
		began = time.perf_counter()
		response = Client(application).get(path, base_url=f"http://{site}", headers=headers)
		if times is not None:
			times.append(time.perf_counter() - began)
		assert response.status_code == 200, (path, response.status_code, response.get_data()[:300])
		# the application destroys the request's context at its end: this one again, outside the timing
		frappe.init(site=site)
		frappe.connect()
		return json.loads(response.get_data())["message"]

	frappe.db.commit()
	for kind, pair in paths.items():
		answers = {doctype: request(path) for doctype, path in pair.items()}
		times = {doctype: [] for doctype in pair}
		for _ in range(n):
			for doctype, path in pair.items():
				request(path, times[doctype])
		base, app = (summary(times[d]) for d in ("ToDo", "ZZ Case"))
		shown = {d: (a if kind == "count" else f"{len(a['values'])} rows") for d, a in answers.items()}
		print(
			f"{kind:<6} ToDo: median {base[0]:7.1f} ms p95 {base[1]:7.1f} ms | ZZ Case: median {app[0]:7.1f} ms "
			f"p95 {app[1]:7.1f} ms | throughput x{base[0] / app[0]:.2f}, p95 x{app[1] / base[1]:.2f}   {shown}"
		)
	# the SQL alone, as the clerk, with the CPU time of the database thread
	clerk = frappe.db.get_value("User", {"api_key": config["clerk"].split(":")[0]}, "name")
	frappe.set_user(clerk)
	from zongzhi_center.services import case_count

	scope = case_count.centre_scope(clerk)
	for label, fn in (
		("select count(*) of the cases", lambda: frappe.db.sql("select count(*) from `tabZZ Case`")),
		(
			"Frappe's count SQL of the clerk",
			lambda: frappe.db.sql(
				frappe.desk.reportview.execute(
					"ZZ Case", fields=["count(`tabZZ Case`.name) as total_count"], run=0
				)
			),
		),
		("the kept counts of the clerk's centres", lambda: case_count.count_in(scope.centers)),
		(
			"ToDo count SQL of the clerk",
			lambda: frappe.db.sql(
				frappe.desk.reportview.execute("ToDo", fields=["count(`tabToDo`.name) as total_count"], run=0)
			),
		),
	):
		wall, used = cpu.best(fn)
		print(f"{label:<42} wall {wall * 1000:8.1f} ms   cpu {used * 1000:8.1f} ms")
	frappe.set_user("Administrator")


def list_path(doctype: str) -> str:
	return (
		f"/api/method/frappe.desk.reportview.get?doctype={quote(doctype)}&fields={quote(json.dumps(FIELDS))}"
		f"&order_by={quote('modified desc')}&start=0&page_length=20"
	)


def count_path(doctype: str) -> str:
	return f"/api/method/frappe.desk.reportview.get_count?doctype={quote(doctype)}"


def summary(times: list[float]) -> tuple[float, float]:
	ordered = sorted(times)
	return statistics.median(ordered) * 1000, ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000


class CpuClock:
	"""CPU time of this process and of this connection's MariaDB thread (Linux, database on this machine)."""

	def __init__(self):
		self.pids = [
			p for p in os.listdir("/proc") if p.isdigit() and self._comm(p) in ("mariadbd", "mysqld")
		]

	@staticmethod
	def _comm(pid: str) -> str:
		try:
			with open(f"/proc/{pid}/comm") as f:
				return f.read().strip()
		except OSError:
			return ""

	def db_seconds(self) -> float:
		tid = frappe.db.sql("select tid from information_schema.processlist where id = connection_id()")
		for pid in self.pids:  # the server this connection is on (a replica may run beside it)
			try:
				with open(f"/proc/{pid}/task/{tid[0][0]}/schedstat") as f:
					return int(f.read().split()[0]) / 1e9
			except (OSError, IndexError):
				continue
		return 0.0

	def best(self, fn, rounds: int = 5) -> tuple[float, float]:
		best = None
		for _ in range(rounds):
			d0, p0, w0 = self.db_seconds(), time.process_time(), time.perf_counter()
			fn()
			d1, p1, w1 = self.db_seconds(), time.process_time(), time.perf_counter()
			result = (w1 - w0, d1 - d0 + p1 - p0)
			best = result if best is None or result[1] < best[1] else best
		return best
