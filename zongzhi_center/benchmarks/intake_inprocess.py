"""The sister-system intake against a bare Frappe insert, in one process: milliseconds a request, measured by
calling the WSGI application itself (werkzeug's test client on frappe.app.application: authentication,
routing, the request's transaction and commit, no HTTP server or network), in alternating rounds.

	cd ~frappe/frappe-bench/sites && ../env/bin/python ../apps/zongzhi_center/zongzhi_center/benchmarks/intake_inprocess.py \\
		--site <bench site> --config <bench site>/private/city_scale.json [-n 50 --rounds 5] [--profile DIR]

| side | request |
|---|---|
| baseline | POST /api/resource/ToDo as the clerk (a ToDo for themself) |
| app | POST /api/method/zongzhi_center.api.v1.submit_case as the sister system: 2 parties with ID numbers |

The ratios printed are baseline ms / app ms, by the wall clock and by this process's CPU: the share of the
bare insert's rate the intake reaches on one worker. The CPU figure leaves out the database's and Redis's
time, and is less disturbed when the machine is busy. With --profile it writes a cProfile of each side
(`python -m pstats DIR/intake.prof`). --same-person sends every case for one applicant by name and phone
(as earlier benchmark bodies did), to see the cost of a person with very many cases. The cases carry
external ids "bench-…" (`city_scale.cleanup` removes them); it runs only on a site made for tests.
"""

import argparse
import cProfile
import json
import os
import random
import statistics
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from zongzhi_center.benchmarks import require_test_site_config
from zongzhi_center.benchmarks.side_by_side import intake_body

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(n: int) -> str:
	"""A valid GB 11643 resident ID number; n below 16,800,000 gives each its own (birth date and sequence
	are n's digits in mixed radix, so that random draws rarely meet the same person twice)."""
	n, sequence = divmod(n, 1000)
	n, day = divmod(n, 28)
	n, month = divmod(n, 12)
	base = f"430921{1950 + n % 50:04d}{1 + month:02d}{1 + day:02d}{sequence:03d}"
	return base + "10X98765432"[sum(int(c) * w for c, w in zip(base, WEIGHTS, strict=True)) % 11]


def filled(template: str, n: str, same_person: bool = False) -> str:
	"""A request body from one of side_by_side's templates, its placeholders filled as the wrk script fills
	them: the external id's {{n}}, random valid ID numbers and mobile numbers (with same_person, the applicant's
	mobile number is always the same one)."""
	applicant_phone = "13973612817" if same_person else f"139{random.randrange(10**8):08d}"
	return (
		template.replace("{{n}}", n)
		.replace("{{id1}}", id_number(random.randrange(10**9)))
		.replace("{{id2}}", id_number(random.randrange(10**9)))
		.replace("{{phone1}}", applicant_phone)
		.replace("{{phone2}}", f"137{random.randrange(10**8):08d}")
	)


def main():
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--site", required=True)
	parser.add_argument("--config", required=True, help="city_scale.json that city_scale.setup wrote")
	parser.add_argument("-n", type=int, default=50, help="requests a side a round")
	parser.add_argument("--rounds", type=int, default=5)
	parser.add_argument("--profile", help="folder for todo.prof and intake.prof (one more round each)")
	parser.add_argument("--same-person", action="store_true")
	args = parser.parse_args()
	require_test_site_config(args.site, os.getcwd())  # it writes cases and ToDos

	import frappe.app
	from werkzeug.test import Client

	config = json.load(open(args.config))
	client, run = Client(frappe.app.application), uuid.uuid4().hex[:8]

	def call(method: str, path: str, auth: str, body: dict | None = None):
		response = client.open(
			path,
			method=method,
			data=json.dumps(body, ensure_ascii=False) if body is not None else None,
			headers={
				"Host": args.site,
				"Authorization": f"token {auth}",
				"Content-Type": "application/json",
				"Accept": "application/json",
			},
		)
		return response.status_code, response.get_data()

	clerk = json.loads(call("GET", "/api/method/frappe.auth.get_logged_user", config["clerk"])[1])["message"]
	counter = iter(range(10**9))

	def todo():
		status, data = call(
			"POST",
			"/api/resource/ToDo",
			config["clerk"],
			{"description": f"bench {run} {next(counter)}", "allocated_to": clerk},
		)
		assert status == 200, (status, data[:300])

	def intake():
		body = json.loads(filled(intake_body(), f"{run}-{next(counter)}", args.same_person))
		status, data = call(
			"POST", "/api/method/zongzhi_center.api.v1.submit_case", config["integration"], body
		)
		assert status == 201, (status, data[:300])

	def per_request_ms(fn) -> tuple[float, float]:
		"""(wall, CPU) milliseconds a request: CPU is this process's own work (the worker's share of a
		request), less disturbed than the wall clock when the machine is busy."""
		wall, cpu = time.perf_counter(), time.process_time()
		for _ in range(args.n):
			fn()
		return (
			(time.perf_counter() - wall) / args.n * 1000,
			(time.process_time() - cpu) / args.n * 1000,
		)

	for fn in (todo, intake):
		for _ in range(5):
			fn()  # warm up: caches, the bytecode, the connection
	results = {"todo": [], "intake": []}
	for _ in range(args.rounds):
		results["todo"].append(per_request_ms(todo))
		results["intake"].append(per_request_ms(intake))
	wall = {side: statistics.median(r[0] for r in rounds) for side, rounds in results.items()}
	cpu = {side: statistics.median(r[1] for r in rounds) for side, rounds in results.items()}
	print(f"{args.rounds} rounds of {args.n} requests a side, medians (ms a request):")
	print(f"  {'':<40} {'wall':>7} {'CPU':>7}   rounds (wall)")
	for side, label in (
		("todo", "bare insert: POST /api/resource/ToDo"),
		("intake", "intake: v1.submit_case"),
	):
		rounds = ", ".join(f"{r[0]:.1f}" for r in results[side])
		print(f"  {label:<40} {wall[side]:7.1f} {cpu[side]:7.1f}   {rounds}")
	print(
		f"  ratio (ToDo ms / intake ms): wall {wall['todo'] / wall['intake']:.2f}x, "
		f"CPU {cpu['todo'] / cpu['intake']:.2f}x the bare insert's rate"
	)
	if args.profile:
		os.makedirs(args.profile, exist_ok=True)
		for name, fn in (("todo", todo), ("intake", intake)):
			profile = cProfile.Profile()
			profile.runcall(per_request_ms, fn)
			profile.dump_stats(os.path.join(args.profile, f"{name}.prof"))
		print(f"  profiles: {args.profile}/todo.prof, {args.profile}/intake.prof")


if __name__ == "__main__":
	main()
