"""What the scale-out set-up gains, measured in one run over HTTP. After `./zz scale-out up`, as root:

	python3 zongzhi_center/benchmarks/scale_out.py [--seconds 20 --rounds 3 --reports-c 4 --intake-c 4]

Against the site scale_out.sh made (a primary and a replica database, two gunicorn web hosts behind nginx,
the county's cases from city_scale), as the users who make that load: the county director running the
county's reports (frappe.desk.query_report.run, which Frappe marks read-only) and a sister system submitting
cases (v1.submit_case) at the same time.

1. Where the reports ran: the replica's and the primary's `Com_select` counters around a series of report
   calls, with `read_from_replica` on and then off.
2. Throughput: the intake alone, the reports alone, then both at once, on one web host (nginx in front of
   the first gunicorn) and on two (nginx balancing both), with the reports read from the primary and from
   the replica. Rounds alternate the set-ups; the median of the rounds is printed, with ratios against one
   web host reading everything from the primary.
3. Where the CPU went: the CPU seconds of each tier (web hosts, workers, primary, replica) during each
   set-up, from /proc, and what one intake and one report cost each tier — the figures for sizing hosts.
   Also how far the replica was behind when the load stopped.

Toggling `read_from_replica` is a change of the site's configuration (bench set-config): Frappe reads it on
every request, so the servers need no restart. The run leaves it on. The intake writes cases with external
ids "bench-…" (remove them with zongzhi_center.benchmarks.cleanup.remove_bench_cases), so the site must allow
tests.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from zongzhi_center.benchmarks import require_test_site_config
from zongzhi_center.benchmarks.side_by_side import intake_body, lua
from zongzhi_center.services import workflow_names as wn

BENCH_USER = os.environ.get("BENCH_USER", "frappe")
BENCH_DIR = os.environ.get("BENCH_DIR") or os.path.expanduser(f"~{BENCH_USER}/frappe-bench")


def days_ago(n: int) -> str:
	return str(date.today() - timedelta(days=n))


# the county director's reports, as the desk asks for them (the reports benchmark's mix, over a year)
REPORTS = [
	("ZZ Weekly Dispatch", {"group_by": "Centre and Department", "from_date": days_ago(365), "to_date": days_ago(0)}),
	("ZZ Monthly Supervision", {"from_date": days_ago(30), "to_date": days_ago(0)}),
	("ZZ Mediation Success Rate", {"group_by": "Centre", "from_date": days_ago(365), "to_date": days_ago(0)}),
	("ZZ Cases by Source", {"group_by": "Source", "from_date": days_ago(365), "to_date": days_ago(0)}),
	("ZZ Risk Colour Trend", {"interval": "Month"}),
	("ZZ Satisfaction", {"from_date": days_ago(365), "to_date": days_ago(0)}),
]  # fmt: skip


def report_path(report: str, filters: dict) -> str:
	return (
		f"/api/method/frappe.desk.query_report.run?report_name={quote(report)}"
		f"&filters={quote(json.dumps(filters))}&ignore_prepared_report=1"
	)


# wrk's Lua for the reports: each request the next report of the mix
REPORTS_LUA = r"""
local paths, auth = {@PATHS@}, @AUTH@
local i = 0
function request()
	i = i + 1
	return wrk.format("GET", paths[(i % #paths) + 1], {["Accept"] = "application/json", ["Authorization"] = "token " .. auth})
end
function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format("zz: requests=%d errors=%d p95_ms=%.2f\n", summary.requests,
		e.status + e.connect + e.read + e.write + e.timeout, latency:percentile(95) / 1000))
end
"""


def reports_lua(auth: str) -> str:
	paths = ", ".join("[==[" + report_path(r, f) + "]==]" for r, f in REPORTS)
	return REPORTS_LUA.replace("@PATHS@", paths).replace("@AUTH@", "[==[" + auth + "]==]")


# ---------------------------------------------------------------- the bench and the site
def bench(*args: str) -> str:
	"""A bench command as the bench user, as an operator runs it."""
	env = {
		"HOME": os.path.expanduser(f"~{BENCH_USER}"),
		"USER": BENCH_USER,
		"PATH": os.path.expanduser(f"~{BENCH_USER}/.local/share/zz-bench-cli/bin")
		+ ":/usr/local/bin:/usr/bin:/bin",
		"LANG": "C.UTF-8",
	}
	command = ["bench", *args]
	if os.geteuid() == 0:
		command = ["runuser", "-u", BENCH_USER, "--", "env", *(f"{k}={v}" for k, v in env.items()), *command]
	return subprocess.run(command, cwd=BENCH_DIR, capture_output=True, text=True, check=True).stdout


def site_config(site: str) -> dict:
	with open(os.path.join(BENCH_DIR, "sites", site, "site_config.json")) as f:
		return json.load(f)


def set_replica(site: str, on: bool) -> None:
	bench("--site", site, "set-config", "read_from_replica", "1" if on else "0", "--parse")


def credentials(site: str) -> dict:
	"""The sister system's token (city_scale.json) and the county director's, made once and kept beside it."""
	private = os.path.join(BENCH_DIR, "sites", site, "private")
	with open(os.path.join(private, "city_scale.json")) as f:
		scale = json.load(f)
	kept = os.path.join(private, "scale_out.json")
	if os.path.exists(kept):
		with open(kept) as f:
			director = json.load(f)["director"]
	else:
		# the site made by scale_out.sh has one centre director: the generated county's
		directors = json.loads(
			bench("--site", site, "execute", "frappe.get_all", "--kwargs", repr({
				"doctype": "Has Role", "filters": {"role": wn.CENTER_DIRECTOR, "parenttype": "User"},
				"pluck": "parent", "order_by": "parent"}))
		)  # fmt: skip
		director = json.loads(
			bench("--site", site, "execute", "zongzhi_center.benchmarks.city_scale.credentials",
				  "--args", json.dumps(directors[:1]))
		)  # fmt: skip
		with open(kept, "w") as f:
			json.dump({"director": director}, f)
	return {"director": director, "integration": scale["integration"]}


def query(config: dict, port: int, statement: str) -> str:
	"""One value from a database server, read with the site's own database login."""
	return subprocess.run(
		["mariadb", "-h", "127.0.0.1", "-P", str(port), "-u", config["db_name"], "-N", "-B", "-e", statement],
		env={**os.environ, "MYSQL_PWD": config["db_password"]}, capture_output=True, text=True, check=True,
	).stdout.split()[-1]  # fmt: skip


def selects(config: dict, port: int) -> int:
	"""The server's count of SELECT statements."""
	return int(query(config, port, "SHOW GLOBAL STATUS LIKE 'Com_select'"))


def catch_up(args, config: dict) -> float:
	"""Seconds from now until the replica has applied every transaction the primary has logged."""

	def positions(value: str) -> dict:
		# "domain-server-sequence" for each replication domain
		return {p.split("-")[0]: int(p.split("-")[2]) for p in value.split(",") if p}

	began = time.perf_counter()
	target = positions(query(config, args.primary_port, "SELECT @@gtid_binlog_pos"))
	while True:
		applied = positions(query(config, args.replica_port, "SELECT @@gtid_slave_pos"))
		if all(applied.get(domain, -1) >= sequence for domain, sequence in target.items()):
			return time.perf_counter() - began
		time.sleep(0.05)


def get(base: str, host: str, path: str, auth: str) -> int:
	request = urllib.request.Request(
		base + path, headers={"Host": host, "Authorization": f"token {auth}", "Accept": "application/json"}
	)
	with urllib.request.urlopen(request, timeout=120) as response:
		response.read()
		return response.status


# ---------------------------------------------------------------- CPU, by tier
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def group_cpu(leader: int) -> float:
	"""CPU seconds of a process group (a server and the workers it forked, those ended included)."""
	total = 0
	for entry in os.listdir("/proc"):
		if not entry.isdigit():
			continue
		try:
			with open(f"/proc/{entry}/stat") as f:
				fields = f.read().rsplit(")", 1)[1].split()
		except OSError:
			continue
		# fields from the state on: pgrp is the 3rd, utime/stime the 12th/13th, cutime/cstime the 14th/15th
		if int(fields[2]) == leader:
			total += int(fields[11]) + int(fields[12])
			if int(entry) == leader:
				total += int(fields[13]) + int(fields[14])
	return total / CLOCK_TICKS


def tiers(args) -> dict:
	"""Process group leaders of each tier, from the pid files scale_out.sh keeps."""

	def pid(path):
		try:
			with open(path) as f:
				return int(f.read().strip())
		except (OSError, ValueError):
			return None

	zz = os.path.join(BENCH_DIR, ".zz")
	found = {
		"web": [pid(os.path.join(zz, f"scale-web-{n}.pid")) for n in (1, 2)],
		"workers": [pid(os.path.join(zz, f"scale-worker-{n}.pid")) for n in (1, 2)],
		"primary db": [pid(os.path.join(args.state_dir, "run", "primary.pid"))],
		"replica db": [pid(os.path.join(args.state_dir, "run", "replica.pid"))],
	}
	return {tier: [p for p in pids if p] for tier, pids in found.items()}


def machine_busy() -> tuple[float, float]:
	with open("/proc/stat") as f:
		values = [int(v) for v in f.readline().split()[1:]]
	idle = values[3] + values[4]
	return (sum(values) - idle) / CLOCK_TICKS, sum(values) / CLOCK_TICKS


def cpu_snapshot(groups: dict) -> dict:
	snapshot = {tier: sum(group_cpu(p) for p in pids) for tier, pids in groups.items()}
	snapshot["machine"], snapshot["machine total"] = machine_busy()
	return snapshot


# ---------------------------------------------------------------- load
def start_wrk(base: str, host: str, script: str, path: str, seconds: int, connections: int):
	f = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
	f.write(script)
	f.close()
	process = subprocess.Popen(
		["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "60s",
		 "-s", f.name, "-H", f"Host: {host}", base + path],
		stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
	)  # fmt: skip
	return process, f.name


def finish_wrk(started) -> dict:
	process, script = started
	out, err = process.communicate()
	os.unlink(script)
	if process.returncode:
		raise RuntimeError(f"wrk failed: {err}")
	done = re.search(r"zz: requests=(\d+) errors=(\d+) p95_ms=([\d.]+)", out)
	non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
	return {
		"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
		"p95": float(done.group(3)),
		"errors": int(done.group(2)) + (int(non2xx.group(1)) if non2xx else 0),
	}


def measure(
	args, config: dict, base: str, tokens: dict, intake: bool, reports: bool, seconds: int | None = None
) -> dict:
	seconds = seconds or args.seconds
	groups = tiers(args)
	before, began = cpu_snapshot(groups), time.perf_counter()
	started = {}
	if intake:
		started["intake"] = start_wrk(
			base, args.host,
			lua("POST", "/api/method/zongzhi_center.api.v1.submit_case", intake_body(), tokens["integration"]),
			"/api/method/zongzhi_center.api.v1.submit_case", seconds, args.intake_c,
		)  # fmt: skip
	if reports:
		started["reports"] = start_wrk(
			base, args.host, reports_lua(tokens["director"]), "/", seconds, args.reports_c
		)
	result = {kind: finish_wrk(process) for kind, process in started.items()}
	# how far behind the replica was when the load stopped (what a report may not show yet)
	result["lag"] = catch_up(args, config)
	# the jobs an intake queued (notifications) are part of its cost: give the workers time to drain them
	time.sleep(2)
	after = cpu_snapshot(groups)
	result["cpu"] = {tier: after[tier] - before[tier] for tier in after}
	result["elapsed"] = time.perf_counter() - began
	return result


# ---------------------------------------------------------------- the run
def proof(args, config: dict, tokens: dict) -> None:
	print("== where the reports ran (Com_select on each database around the county director's reports)")
	print(f"{'read_from_replica':<18} {'reports':>7} {'replica selects':>16} {'primary selects':>16}")
	for on in (True, False):
		set_replica(args.host, on)
		time.sleep(1)
		before = selects(config, args.replica_port), selects(config, args.primary_port)
		calls = 0
		for _ in range(args.proof_rounds):
			for report, filters in REPORTS:
				assert get(args.two, args.host, report_path(report, filters), tokens["director"]) == 200
				calls += 1
		after = selects(config, args.replica_port), selects(config, args.primary_port)
		print(f"{'on' if on else 'off':<18} {calls:>7} {after[0] - before[0]:>16} {after[1] - before[1]:>16}")


def main():
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--host", default="zongzhi-scale.localhost")
	parser.add_argument("--two", default="http://127.0.0.1:8010", help="nginx in front of both web hosts")
	parser.add_argument("--one", default="http://127.0.0.1:8011", help="nginx in front of the first web host")
	parser.add_argument("--primary-port", type=int, default=3317)
	parser.add_argument("--replica-port", type=int, default=3318)
	parser.add_argument("--seconds", type=int, default=20)
	parser.add_argument("--rounds", type=int, default=3)
	parser.add_argument("--reports-c", type=int, default=4, help="concurrent report clients")
	parser.add_argument("--intake-c", type=int, default=4, help="concurrent intake clients")
	parser.add_argument("--proof-rounds", type=int, default=3, help="times the report mix runs for the proof")
	parser.add_argument("--skip-proof", action="store_true")
	parser.add_argument("--state-dir", default=os.environ.get("SCALE_DIR", "/var/lib/zongzhi-scale-out"))
	args = parser.parse_args()
	require_test_site_config(args.host, os.path.join(BENCH_DIR, "sites"))  # the intake writes cases
	config = site_config(args.host)
	tokens = credentials(args.host)
	# every report answers for the director before anything is timed
	for report, filters in REPORTS:
		assert get(args.two, args.host, report_path(report, filters), tokens["director"]) == 200, report

	# every worker of both web hosts loads its caches (the site's metadata, translations) before it is timed
	measure(args, config, args.two, tokens, intake=True, reports=True, seconds=10)

	if not args.skip_proof:
		proof(args, config, tokens)

	# name, proxy, read_from_replica, intake, reports
	setups = [
		("1 web host, intake alone", args.one, True, True, False),
		("1 web host, reports alone, replica", args.one, True, False, True),
		("1 web host, both, reports on primary", args.one, False, True, True),
		("1 web host, both, reports on replica", args.one, True, True, True),
		("2 web hosts, intake alone", args.two, True, True, False),
		("2 web hosts, both, reports on primary", args.two, False, True, True),
		("2 web hosts, both, reports on replica", args.two, True, True, True),
	]
	results = {name: [] for name, *_ in setups}
	try:
		for r in range(args.rounds):
			for name, base, replica, intake, reports in setups:
				set_replica(args.host, replica)
				results[name].append(measure(args, config, base, tokens, intake, reports))
				print(f"round {r + 1}: {name}: {results[name][-1]}", file=sys.stderr)
	finally:
		set_replica(args.host, True)
	print_results(args, setups, results)


def print_results(args, setups, results) -> None:
	def median(name, kind, key):
		values = [run[kind][key] for run in results[name] if kind in run]
		return statistics.median(values) if values else None

	def ratio(value, base):
		return f"{value / base:6.2f}" if value is not None and base else f"{'-':>6}"

	baseline = "1 web host, both, reports on primary"
	base_intake, base_reports = median(baseline, "intake", "rps"), median(baseline, "reports", "rps")
	print(
		f"\n== throughput, median of {args.rounds} rounds of {args.seconds} s; {args.intake_c} intake and "
		f"{args.reports_c} report clients; x = ratio to '{baseline}'"
	)
	print(
		f"{'setup':<38} {'intake/s':>9} {'p95 ms':>8} {'x':>6} {'reports/s':>10} {'p95 ms':>8} {'x':>6} errors"
	)
	for name, *_ in setups:
		line = f"{name:<38}"
		for kind, base in (("intake", base_intake), ("reports", base_reports)):
			rps, p95 = median(name, kind, "rps"), median(name, kind, "p95")
			if rps is None:
				line += f" {'':>9} {'':>8} {'':>6}" if kind == "intake" else f" {'':>10} {'':>8} {'':>6}"
				continue
			width = 9 if kind == "intake" else 10
			line += f" {rps:{width}.1f} {p95:8.0f} {ratio(rps, base)}"
		errors = sum(run[k]["errors"] for run in results[name] for k in ("intake", "reports") if k in run)
		print(f"{line} {errors}")

	tiers_ = ("web", "workers", "primary db", "replica db")
	print("\n== CPU seconds per second of load, by tier (the machine's busy share includes other users); the")
	print("   replica's delay behind the primary when the load stopped (the longest of the rounds)")
	print(f"{'setup':<38} " + " ".join(f"{t:>10}" for t in tiers_) + f" {'machine busy':>13} {'lag ms':>7}")
	for name, *_ in setups:
		runs = results[name]
		seconds = sum(run["elapsed"] for run in runs)
		line = f"{name:<38} " + " ".join(
			f"{sum(run['cpu'][t] for run in runs) / seconds:10.2f}" for t in tiers_
		)
		busy = sum(run["cpu"]["machine"] for run in runs) / sum(run["cpu"]["machine total"] for run in runs)
		print(f"{line} {busy:13.0%} {1000 * max(run['lag'] for run in runs):7.0f}")

	# what one request costs, from the runs with one kind of load: the basis for sizing hosts
	print("\n== CPU milliseconds per request, by tier (runs with one kind of load)")
	for name, kind in (
		("1 web host, intake alone", "intake"),
		("1 web host, reports alone, replica", "reports"),
	):
		runs = results[name]
		done = sum(run[kind]["rps"] * args.seconds for run in runs)
		if not done:
			print(f"{kind:<8} ({name}): none completed")
			continue
		costs = ", ".join(f"{t} {1000 * sum(run['cpu'][t] for run in runs) / done:.0f}" for t in tiers_)
		print(f"{kind:<8} ({name}): {costs}")


if __name__ == "__main__":
	main()
