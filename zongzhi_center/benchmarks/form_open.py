"""Opening a case form in the desk against opening a ToDo form, in Chromium, in one run: the /api/ calls each
form makes and its time to network idle, in alternating rounds (ToDo, case, ToDo, case, …), the median of
the rounds compared.

	/path/to/playwright-python form_open.py --url http://<site>:<port> --user clerk@example.com \\
		--password '…' [--case <name>] [--todo <name>] [--rounds 7] [--chromium /usr/bin/chromium]

On a test site, `bench --site <test site> execute zongzhi_center.benchmarks.form_open.prepare` makes a
township clerk with a password, a registered case of a person with an earlier case on file (the form then
asks for possible duplicates, as at intake) and a ToDo of the clerk's, and prints them as JSON; `cleanup`
with `--kwargs '<that JSON>'` removes them.

Each round loads the desk afresh (/app, nothing of either form in the page yet), then opens the form by the
desk's own router, as a click in a list would, and waits until no request has been in flight for half a
second. The time is from the route to the end of the last request. Without --case / --todo, the latest case
and ToDo the user may read are opened. The measuring reads only (Frappe records the views, as for any
visit); only `prepare` writes, on a test site.
"""

import argparse
import json
import statistics
import time
import urllib.parse

IDLE_MS = 500
PASSWORD = "Form-Bench-2026!"


def prepare() -> dict:
	"""The clerk, the case and the ToDo the benchmark opens, on a test site (committed: the browser reads
	them through the web server)."""
	import frappe
	from frappe.utils.password import update_password

	from zongzhi_center.benchmarks import require_test_site
	from zongzhi_center.services import workflow_names as wn
	from zongzhi_center.tests import factories as f

	require_test_site()
	tree = f.make_center_tree()
	clerk = f.make_user([wn.INTAKE_CLERK], tree.town_a)
	parties = f.person_and_organisation()
	facts = "承包鱼塘合同到期后村委会收回鱼塘，申请人要求补偿鱼苗损失。"
	f.make_case(tree.town_a, clerk, facts=facts, parties=parties)
	case = f.make_case(tree.town_a, clerk, facts=facts, parties=parties).name
	with f.as_user(clerk):
		todo = (
			frappe.get_doc(
				{"doctype": "ToDo", "description": "回访申请人，确认补偿方案", "allocated_to": clerk}
			)
			.insert()
			.name
		)
	frappe.db.set_single_value("System Settings", "setup_complete", 1)  # the desk opens for users then
	update_password(clerk, PASSWORD)
	frappe.db.commit()
	fixture = {"user": clerk, "password": PASSWORD, "case": case, "todo": todo, "tree": dict(tree)}
	print(json.dumps(fixture, ensure_ascii=False))
	return fixture


def cleanup(user: str, todo: str, tree: dict, **_):
	import frappe

	from zongzhi_center.benchmarks import require_test_site
	from zongzhi_center.tests import factories as f

	require_test_site()
	frappe.delete_doc("ToDo", todo, force=True, ignore_permissions=True)
	f.delete_committed(frappe._dict(tree), [user])
	frappe.db.commit()


def latest(page, doctype: str) -> str:
	"""The name of the most recently modified record of the DocType the signed-in user may read."""
	answer = page.evaluate(
		"""async (doctype) => {
			const r = await frappe.call({
				method: "frappe.client.get_list",
				args: { doctype, fields: ["name"], order_by: "modified desc", limit_page_length: 1 },
			});
			return (r.message || []).map((row) => row.name);
		}""",
		doctype,
	)
	if not answer:
		raise SystemExit(f"the user may read no {doctype}: give --{doctype.split()[-1].lower()} NAME")
	return answer[0]


def main_thread_ms(cdp) -> float:
	"""The page's main thread's busy time so far (Chromium's TaskDuration), in milliseconds."""
	metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
	return metrics["TaskDuration"] * 1000


def open_form(page, base: str, doctype: str, name: str, cdp=None) -> tuple[float, list[str]]:
	"""Milliseconds from the route to network idle, and the /api/ calls made, for one fresh desk. With a CDP
	session, open_form.work is the main thread's busy time from the route to the end of the idle wait: what
	the form drew after the network went quiet (its activity, say) is counted there."""
	calls: list[str] = []
	timeline: list[tuple] = []  # (call, from ms, to ms) after the route
	began = time.perf_counter()
	in_flight: set = set()
	last = {"at": time.perf_counter()}

	opened: dict = {}

	def started(request):
		if "/socket.io/" in request.url:
			return  # the live updates' long poll: open while the page is
		if "/api/" in request.url:
			calls.append(urllib.parse.urlparse(request.url).path.removeprefix("/api/method/"))
		in_flight.add(request)
		opened[request] = time.perf_counter()

	def ended(request):
		if request not in in_flight:
			return
		in_flight.discard(request)
		last["at"] = time.perf_counter()
		if "/api/" in request.url and calls:
			path = urllib.parse.urlparse(request.url).path.removeprefix("/api/method/")
			timeline.append((path, (opened.get(request, began) - began) * 1000, (last["at"] - began) * 1000))

	def idle(ms: int):
		while in_flight or (time.perf_counter() - last["at"]) * 1000 < ms:
			page.wait_for_timeout(50)

	page.on("request", started)
	page.on("requestfinished", ended)
	page.on("requestfailed", ended)
	try:
		# the desk loaded and settled: its workspace's cards and charts answered
		page.goto(f"{base}/app")
		page.wait_for_function("window.frappe && frappe.boot && frappe.router && frappe.container")
		idle(1500)
		calls.clear()
		timeline.clear()
		busy = main_thread_ms(cdp) if cdp else 0.0
		began = time.perf_counter()
		last["at"] = began
		page.evaluate("([doctype, name]) => frappe.set_route('Form', doctype, name)", [doctype, name])
		page.wait_for_selector(f'.page-container[data-page-route="{doctype}"] .form-layout', state="visible")
		idle(IDLE_MS)
		open_form.work = main_thread_ms(cdp) - busy if cdp else None
	finally:
		page.remove_listener("request", started)
		page.remove_listener("requestfinished", ended)
		page.remove_listener("requestfailed", ended)
	open_form.timeline = timeline
	return (last["at"] - began) * 1000, calls


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument(
		"--url", required=True, help="the site as users reach it, e.g. http://zongzhi.localhost:8000"
	)
	parser.add_argument("--user", required=True)
	parser.add_argument("--password", required=True)
	parser.add_argument("--case", help="the ZZ Case to open (default: the latest the user may read)")
	parser.add_argument("--todo", help="the ToDo to open (default: the latest the user may read)")
	parser.add_argument("--rounds", type=int, default=7)
	parser.add_argument("--chromium", default="/usr/bin/chromium")
	parser.add_argument("--json", action="store_true", help="print the figures as one JSON line too")
	args = parser.parse_args()

	from playwright.sync_api import sync_playwright

	base = args.url.rstrip("/")
	with sync_playwright() as p:
		browser = p.chromium.launch(executable_path=args.chromium, args=["--no-sandbox", "--disable-gpu"])
		page = browser.new_page(locale="zh-CN", viewport={"width": 1400, "height": 900})
		page.goto(f"{base}/login")
		page.fill("#login_email", args.user)
		page.fill("#login_password", args.password)
		page.click(".btn-login")
		page.wait_for_url("**/app**")
		page.wait_for_function("window.frappe && frappe.boot")
		case = args.case or latest(page, "ZZ Case")
		todo = args.todo or latest(page, "ToDo")
		cdp = page.context.new_cdp_session(page)
		cdp.send("Performance.enable")

		# warm: the server's caches (meta, translations) as a running site has them
		open_form(page, base, "ToDo", todo)
		open_form(page, base, "ZZ Case", case)
		times = {"ToDo": [], "ZZ Case": []}
		work = {"ToDo": [], "ZZ Case": []}
		calls, timelines = {}, {}
		for _ in range(args.rounds):
			for doctype, name in (("ToDo", todo), ("ZZ Case", case)):
				ms, made = open_form(page, base, doctype, name, cdp)
				times[doctype].append(ms)
				work[doctype].append(open_form.work)
				calls[doctype] = made
				timelines[doctype] = open_form.timeline
		browser.close()

	todo_ms, case_ms = statistics.median(times["ToDo"]), statistics.median(times["ZZ Case"])
	for doctype in ("ToDo", "ZZ Case"):
		print(f"{doctype}: {len(calls[doctype])} API calls")
		for call, start, end in timelines[doctype]:
			print(f"    {call}  ({start:.0f}–{end:.0f} ms after the route, in the last round)")
	print(f"ToDo form to network idle:    median {todo_ms:.0f} ms  {[round(t) for t in times['ToDo']]}")
	print(f"ZZ Case form to network idle: median {case_ms:.0f} ms  {[round(t) for t in times['ZZ Case']]}")
	print(
		f"ratio case / ToDo: {case_ms / todo_ms:.2f}x (goal <= 1.05x); calls {len(calls['ZZ Case'])} "
		f"against {len(calls['ToDo'])} (goal <= 5)"
	)
	# all the browser did for each form, whenever it did it: what a form draws after the network is quiet
	# is not in the time above
	todo_work, case_work = statistics.median(work["ToDo"]), statistics.median(work["ZZ Case"])
	print(
		f"main thread busy, route to idle: ToDo {todo_work:.0f} ms, ZZ Case {case_work:.0f} ms "
		f"({case_work / todo_work:.2f}x)"
	)
	if args.json:
		print(
			json.dumps(
				{
					"todo_ms": todo_ms,
					"case_ms": case_ms,
					"todo_work_ms": todo_work,
					"case_work_ms": case_work,
					"calls": calls,
				}
			)
		)


if __name__ == "__main__":
	main()
