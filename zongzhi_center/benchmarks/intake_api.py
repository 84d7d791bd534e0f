"""Intake throughput of the sister-system API against a bare Frappe insert on the same server, in one run.

	python zongzhi_center/benchmarks/intake_api.py --base http://127.0.0.1:8000 --host zongzhi.localhost \
		--key <api_key> --secret <api_secret> [-n 300] [-c 4]

Baseline: POST /api/resource/ToDo (a bare Frappe insert of a simple DocType). Measured: POST
/api/method/zongzhi_center.api.v1.submit_case (validation, idempotency keys, case number, risk rules,
person keys and counters, deadlines, sharing) and POST /api/resource/ZZ Case (the same case through
Frappe's own REST API). The key must be a sister system's (ZZ Sister System) API user. Each case gets its
own external id. Run it against the server users get (gunicorn, as `./zz up` starts), not the development
server. The cases it makes carry the external id prefix "bench-"; remove them with
`bench --site … execute zongzhi_center.benchmarks.cleanup.remove_bench_cases`.
"""

import argparse
import json
import statistics
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

from zongzhi_center.benchmarks import require_test_site_config


def post(url: str, host: str, auth: str, body: dict, headers: dict | None = None) -> tuple[int, float]:
	request = urllib.request.Request(
		url,
		data=json.dumps(body).encode(),
		method="POST",
		headers={
			"Host": host,
			"Authorization": f"token {auth}",
			"Content-Type": "application/json",
			"Accept": "application/json",
			**(headers or {}),
		},
	)
	began = time.perf_counter()
	try:
		with urllib.request.urlopen(request, timeout=60) as response:
			response.read()
			status = response.status
	except urllib.error.HTTPError as e:
		e.read()
		status = e.code
	return status, time.perf_counter() - began


def whoami(base: str, host: str, auth: str) -> str:
	request = urllib.request.Request(
		f"{base}/api/method/frappe.auth.get_logged_user",
		headers={"Host": host, "Authorization": f"token {auth}", "Accept": "application/json"},
	)
	with urllib.request.urlopen(request, timeout=30) as response:
		return json.loads(response.read())["message"]


def case_body(i: int, run: str) -> dict:
	return {
		"title": f"压测案件{i}",
		"facts": "楼上住户卫生间漏水，多次协商未果，请求调解赔偿损失。",
		"external_id": f"bench-{run}-{i}",
		"parties": [
			{"party_role": "Applicant", "party_name": f"压测{i % 97}", "phone": f"139{i:08d}"},
			{"party_role": "Respondent", "party_name": "楼上住户"},
		],
	}


def measure(name: str, make, n: int, concurrency: int, ok: set[int]) -> dict:
	for i in range(5):  # warm up
		make(-1 - i)
	began = time.perf_counter()
	with ThreadPoolExecutor(concurrency) as pool:
		results = list(pool.map(make, range(n)))
	elapsed = time.perf_counter() - began
	latencies = sorted(t for _s, t in results)
	return {
		"name": name,
		"ok": sum(1 for s, _t in results if s in ok),
		"rps": n / elapsed,
		"p50": statistics.median(latencies) * 1000,
		"p95": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
	}


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--base", default="http://127.0.0.1:8000")
	parser.add_argument("--host", default="zongzhi.localhost")
	parser.add_argument("--key", required=True)
	parser.add_argument("--secret", required=True)
	parser.add_argument("-n", type=int, default=300)
	parser.add_argument("-c", type=int, default=4)
	parser.add_argument(
		"--sites-path", help="the bench's sites folder holding --host (default: ~frappe's bench)"
	)
	args = parser.parse_args()
	# the run writes cases: only into a site made for tests
	require_test_site_config(args.host, args.sites_path)
	auth, run = f"{args.key}:{args.secret}", uuid.uuid4().hex[:8]
	user = whoami(args.base, args.host, auth)
	todo = measure(
		"bare insert: /api/resource/ToDo",
		lambda i: post(
			f"{args.base}/api/resource/ToDo",
			args.host,
			auth,
			{"description": f"bench {run} {i}", "allocated_to": user},
		),
		args.n,
		args.c,
		{200},
	)
	api = measure(
		"intake: zongzhi_center.api.v1.submit_case",
		lambda i: post(
			f"{args.base}/api/method/zongzhi_center.api.v1.submit_case",
			args.host,
			auth,
			case_body(i, f"{run}a"),
		),
		args.n,
		args.c,
		{201},
	)
	resource = measure(
		"intake: /api/resource/ZZ Case",
		lambda i: post(
			f"{args.base}/api/resource/ZZ%20Case",
			args.host,
			auth,
			{"doctype": "ZZ Case", **case_body(i, f"{run}r")},
		),
		args.n,
		args.c,
		{200},
	)
	replay = measure(
		"replay: submit_case, same external id",
		lambda i: post(
			f"{args.base}/api/method/zongzhi_center.api.v1.submit_case",
			args.host,
			auth,
			case_body(i, f"{run}a"),
		),
		args.n,
		args.c,
		{200},
	)
	print(f"{args.n} requests each, {args.c} at a time")
	for r in (todo, api, resource, replay):
		print(
			f"{r['name']:<42} {r['ok']:>5} ok  {r['rps']:7.1f} req/s  p50 {r['p50']:6.1f} ms  "
			f"p95 {r['p95']:6.1f} ms  ratio to bare insert {todo['rps'] / r['rps']:.2f}x slower"
		)


if __name__ == "__main__":
	main()
