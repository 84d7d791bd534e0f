"""The database fault drill of `./zz test --faults`: 20 sister-system clients send cases over HTTP (nginx and
gunicorn, as in production), each with its idempotency key, retrying on 5xx and on dropped connections as the
API's documentation asks of them, while ./zz restarts MariaDB under them (or, with ZZ_FAULT_DB=kill, kills
the site's database connections). Afterwards every external id must have exactly one case, complete (its
number, both parties), the number the client was answered with.

Three steps, so that the restart happens from outside, between them:
  bench --site SITE execute zongzhi_center.tests.fault_drill.prepare --args "['STATE.json']"
  python -m zongzhi_center.tests.fault_drill clients STATE.json      (plain HTTP clients, no Frappe)
  bench --site SITE execute zongzhi_center.tests.fault_drill.verify --args "['STATE.json']"
Not a test module of the suite (the restart would break every other test running at that moment).
"""

import json
import sys
import threading
import time

CLIENTS = 20
CASES_PER_CLIENT = 5
GIVE_UP_SECONDS = 240
SUBMIT = "/api/method/zongzhi_center.api.v1.submit_case"


def prepare(state_path: str):
	"""Committed fixtures for the drill and the clients' instructions."""
	import frappe

	from zongzhi_center.tests.factories import api_credentials, make_center_tree, make_user, unique

	frappe.set_user("Administrator")
	tree = make_center_tree()
	user = make_user(["ZZ Integration"], tree.town_a, with_api_key=True)
	system = (
		frappe.get_doc(
			{
				"doctype": "ZZ Sister System",
				"system_code": unique("drill"),
				"system_name": unique("故障演练"),
				"user": user,
				"default_center": tree.town_a,
				"source": "Government Source",
				"channel": "12345 Hotline",
				"enabled": 1,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)
	frappe.db.commit()
	state = {
		"url": (frappe.conf.host_name or f"http://{frappe.local.site}:8001").rstrip("/") + SUBMIT,
		"credentials": api_credentials(user),
		"category": frappe.get_all("ZZ Case Category", filters={"is_group": 0}, pluck="name", limit=1)[0],
		"system": system,
		"tree": tree,
		"user": user,
		"ids": [[unique(f"drill{c:02d}-{n}") for n in range(CASES_PER_CLIENT)] for c in range(CLIENTS)],
	}
	with open(state_path, "w") as f:
		json.dump(state, f)


def clients(state_path: str) -> int:
	"""Run the clients; their answers go to STATE.results.json. Exit status 0 when every case was answered."""
	import requests

	with open(state_path) as f:
		state = json.load(f)
	headers = {"Authorization": f"token {state['credentials']}", "Accept": "application/json"}
	results, lock = {}, threading.Lock()

	def payload(external_id):
		return {
			"title": "故障演练：楼上漏水",
			"facts": "楼上住户卫生间漏水，多次协商未果，请求调解。",
			"external_id": external_id,
			"category": state["category"],
			"parties": [
				{"party_role": "Applicant", "party_name": "赵演练", "phone": "13800002222"},
				{"party_role": "Respondent", "party_name": "钱演练"},
			],
		}

	def client(ids):
		for external_id in ids:
			started, tries, statuses = time.monotonic(), 0, []
			while True:
				tries += 1
				try:
					response = requests.post(
						state["url"],
						json=payload(external_id),
						headers={**headers, "Idempotency-Key": external_id},
						timeout=60,
					)
					statuses.append(response.status_code)
					if response.status_code < 500:
						body = response.json()
						break
				except requests.RequestException as e:
					statuses.append(type(e).__name__)
				if time.monotonic() - started > GIVE_UP_SECONDS:
					body = {}
					break
				time.sleep(min(0.5 * tries, 3))
			with lock:
				results[external_id] = {
					"status": statuses[-1],
					"statuses": statuses,
					"case_number": body.get("case_number"),
					"seconds": round(time.monotonic() - started, 2),
				}
			time.sleep(0.5)  # a hotline sends cases one after the other

	threads = [threading.Thread(target=client, args=(ids,)) for ids in state["ids"]]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join()
	with open(state_path + ".results.json", "w") as f:
		json.dump(results, f)
	answered = sum(1 for r in results.values() if r["status"] in (200, 201))
	print(f"fault drill clients: {answered} of {len(results)} cases answered 200/201")
	return 0 if answered == len(results) else 1


def verify(state_path: str):
	"""Every external id has exactly one complete case, the one its client was answered with. Raises if not;
	removes the drill's records either way."""
	import frappe

	from zongzhi_center.tests.factories import delete_committed

	with open(state_path) as f:
		state = json.load(f)
	with open(state_path + ".results.json") as f:
		results = json.load(f)
	ids = [i for chunk in state["ids"] for i in chunk]
	problems = []
	try:
		cases = {}
		for row in frappe.get_all(
			"ZZ Case",
			filters={"external_system": state["system"], "external_id": ["in", ids]},
			fields=["name", "external_id", "case_number"],
		):
			cases.setdefault(row.external_id, []).append(row)
		for external_id in ids:
			found, result = cases.get(external_id, []), results.get(external_id, {})
			if result.get("status") not in (200, 201):
				problems.append(f"{external_id}: never answered, last {result.get('status')}")
			if len(found) != 1:
				problems.append(f"{external_id}: {len(found)} cases")
				continue
			case = frappe.get_doc("ZZ Case", found[0].name)
			if len(case.parties) != 2 or not case.case_number:
				problems.append(f"{external_id}: half written")
			if result.get("case_number") != case.case_number:
				problems.append(
					f"{external_id}: answered {result.get('case_number')}, stored {case.case_number}"
				)
		failed_tries = sum(1 for r in results.values() for s in r["statuses"] if s not in (200, 201))
		slowest = max((r["seconds"] for r in results.values()), default=0)
		print(
			f"fault drill: {len(ids)} external ids, {len(cases)} with cases, {failed_tries} failed tries "
			f"retried (5xx or dropped connections), slowest case {slowest}s, problems: {len(problems)}"
		)
		for problem in problems[:20]:
			print("  " + problem)
	finally:
		frappe.db.rollback()
		frappe.delete_doc("ZZ Sister System", state["system"], force=True, ignore_permissions=True)
		frappe.db.commit()
		delete_committed(frappe._dict(state["tree"]), [state["user"]])  # the cases too
	if problems:
		raise AssertionError(f"fault drill: {len(problems)} problems")


if __name__ == "__main__":
	if len(sys.argv) == 3 and sys.argv[1] == "clients":
		sys.exit(clients(sys.argv[2]))
	sys.exit("usage: python -m zongzhi_center.tests.fault_drill clients STATE.json")
