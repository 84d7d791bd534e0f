"""What a gunicorn worker's memory does over a day of sister-system intakes, against bare Frappe inserts in the
same run: a worker that grows with every case would be recycled mid-burst, or push the server into swap.

	python zongzhi_center/benchmarks/worker_memory.py --host <bench site> \\
		--config ~frappe/frappe-bench/sites/<bench site>/private/city_scale.json [-n 10000]

Run as the bench user, with the bench's Python, on a site made by `city_scale.setup`. For each side it starts
its own gunicorn on loopback (2 workers, as `./zz up` runs them but with no recycling after N requests), warms
it up with 200 requests, then sends ``n`` requests 4 at a time and reads each worker's memory (resident, and
the private part that is its own rather than shared with the preloading master) every ``n / 10`` requests:
- baseline: `POST /api/resource/ToDo` (the clerk's own ToDo);
- the app: `v1.submit_case`, 2 parties with ID numbers (cases with external ids "bench-…", which
  `city_scale.cleanup` removes).
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from threading import local

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from zongzhi_center.benchmarks import require_test_site_config
from zongzhi_center.benchmarks.intake_inprocess import filled
from zongzhi_center.benchmarks.side_by_side import intake_body


def memory_kb(pid: int) -> tuple[int, int]:
	"""(resident, private) in kB: smaps_rollup's Rss and Private_Clean + Private_Dirty."""
	values = {}
	with open(f"/proc/{pid}/smaps_rollup") as f:
		for line in f:
			parts = line.split()
			if len(parts) >= 2 and parts[1].isdigit():
				values[parts[0].rstrip(":")] = int(parts[1])
	return values["Rss"], values.get("Private_Clean", 0) + values.get("Private_Dirty", 0)


def workers_of(master: int) -> list[int]:
	out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
	return sorted(int(pid) for pid in out.split())


class Server:
	def __init__(self, bench: str, port: int):
		self.port = port
		self.process = subprocess.Popen(
			[
				os.path.join(bench, "env", "bin", "gunicorn"),
				"--chdir",
				os.path.join(bench, "sites"),
				"-b",
				f"127.0.0.1:{port}",
				"-w",
				"2",
				"-t",
				"120",
				"--preload",
				"frappe.app:application",
			],
			stdout=subprocess.DEVNULL,
			stderr=subprocess.DEVNULL,
			start_new_session=True,
		)
		for _ in range(120):
			if len(workers_of(self.process.pid)) == 2:
				try:
					HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/api/method/ping")
					break
				except OSError:
					pass
			time.sleep(0.5)

	def memory_mb(self) -> tuple[float, float]:
		pids = workers_of(self.process.pid)
		totals = [memory_kb(pid) for pid in pids]
		return sum(t[0] for t in totals) / 1024, sum(t[1] for t in totals) / 1024

	def stop(self):
		os.killpg(self.process.pid, signal.SIGTERM)
		self.process.wait(timeout=60)


_connections = local()


def send(port: int, host: str, method: str, path: str, auth: str, body: str | None) -> int:
	connection = getattr(_connections, "c", None)
	if connection is None:
		connection = _connections.c = HTTPConnection("127.0.0.1", port, timeout=60)
	headers = {"Host": host, "Authorization": f"token {auth}", "Content-Type": "application/json"}
	try:
		connection.request(method, path, body=body.encode() if body else None, headers=headers)
		response = connection.getresponse()
		response.read()
		return response.status
	except OSError:
		_connections.c = None
		return 0


def measure(args, name: str, method: str, path: str, auth: str, template: str, port: int) -> dict:
	server = Server(args.bench, port)
	run = os.urandom(4).hex()
	try:
		with ThreadPoolExecutor(4) as pool:
			list(
				pool.map(
					lambda i: send(port, args.host, method, path, auth, filled(template, f"{run}-{i}")),
					range(200),
				)
			)
			start = server.memory_mb()
			samples, failed, step = [], 0, max(args.n // 10, 1)
			for done in range(0, args.n, step):
				statuses = pool.map(
					lambda i: send(port, args.host, method, path, auth, filled(template, f"{run}-{i}")),
					range(done + 200, done + 200 + step),
				)
				failed += sum(1 for s in statuses if not 200 <= s < 300)
				samples.append(server.memory_mb())
				print(
					f"  {name}: {done + step:>6} requests, workers {samples[-1][0]:7.1f} MB resident,"
					f" {samples[-1][1]:7.1f} MB private",
					flush=True,
				)
	finally:
		server.stop()
	return {"start": start, "end": samples[-1], "peak": max(s[1] for s in samples), "failed": failed}


def main():
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--host", required=True)
	parser.add_argument("--config", required=True, help="city_scale.json that city_scale.setup wrote")
	parser.add_argument("--bench", default=os.path.expanduser("~frappe/frappe-bench"))
	parser.add_argument("-n", type=int, default=10000)
	parser.add_argument("--port", type=int, default=18020)
	args = parser.parse_args()
	require_test_site_config(args.host, os.path.join(args.bench, "sites"))  # the app's side writes cases
	config = json.load(open(args.config))
	from zongzhi_center.benchmarks.side_by_side import whoami

	clerk_user = whoami(argparse.Namespace(base="http://127.0.0.1:8000", host=args.host), config["clerk"])
	todo = json.dumps({"description": "bench {{n}}", "allocated_to": clerk_user})
	sides = {
		"baseline": ("POST", "/api/resource/ToDo", config["clerk"], todo),
		"app": (
			"POST",
			"/api/method/zongzhi_center.api.v1.submit_case",
			config["integration"],
			intake_body(),
		),
	}
	results = {
		name: measure(args, name, *request, port=args.port + i)
		for i, (name, request) in enumerate(sides.items())
	}
	print(f"\n{'side':<9} {'private MB after warm-up':>25} {f'after {args.n}':>12} {'growth':>8} failed")
	for name, r in results.items():
		print(
			f"{name:<9} {r['start'][1]:25.1f} {r['end'][1]:12.1f} {r['end'][1] - r['start'][1]:8.1f} {r['failed']}"
		)
	grow = {name: r["end"][1] - r["start"][1] for name, r in results.items()}
	print(
		f"growth of two workers over {args.n} requests: app {grow['app']:.1f} MB, baseline {grow['baseline']:.1f} MB"
	)
	refused = {name: r["failed"] for name, r in results.items() if r["failed"] > args.n // 100}
	if refused:
		# a side whose requests were refused measured its error path, not its work
		sys.exit(f"more than 1% of the requests failed: {refused}; the figures above do not count")


if __name__ == "__main__":
	main()
