"""The app's busiest paths against bare Frappe on the same server, in one run, with wrk: each pair is measured
in alternating rounds (baseline, app, baseline, app, …), and the median of the rounds is compared.

	python zongzhi_center/benchmarks/side_by_side.py --base http://127.0.0.1:8000 --host <bench site> \\
		--config ~frappe/frappe-bench/sites/<bench site>/private/city_scale.json [--seconds 10 --rounds 3 -c 8]

Run it against the server users get (`./zz up`: nginx in front of gunicorn), on a site made by
`city_scale.setup` (1,000,000 cases and ToDos, a third of each visible to the township clerk). The intake
pair writes: cases with external ids "bench-…" and ToDos; `city_scale.forget_runs` removes them, and is run
before the list is measured (else the newest rows of each list are an earlier run's, at different centres).

| pair | baseline (bare Frappe) | the app |
|---|---|---|
| intake | POST /api/resource/ToDo | POST v1.submit_case, 2 parties with ID numbers |
| public page | GET /api/method/ping (guest) | GET /track/<token> (guest) |
| list, 20 rows | reportview.get ToDo as the clerk | reportview.get ZZ Case as the clerk |
| list count | reportview.get_count ToDo as the clerk | reportview.get_count ZZ Case as the clerk |
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from zongzhi_center.benchmarks import require_test_site_config

# wrk's Lua: one request per call — where the path writes, a body with its own external id and people (valid
# GB 11643 ID numbers and mobile numbers drawn at random, so that no person — by ID number, or by name and
# phone — gathers thousands of cases) — and p95 at the end
LUA = r"""
local counter = 0
local method, path, body_template, auth, run = @METHOD@, @PATH@, @BODY@, @AUTH@, @RUN@
local weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
local function id_number(n)
	-- birth date and sequence are n's digits in mixed radix: 16,800,000 people, not 21,000
	local floor = math.floor
	local sequence, day, month = n % 1000, floor(n / 1000) % 28, floor(n / 28000) % 12
	local base = string.format("430921%04d%02d%02d%03d", 1950 + floor(n / 336000) % 50, 1 + month, 1 + day, sequence)
	local sum = 0
	for i = 1, 17 do sum = sum + tonumber(string.sub(base, i, i)) * weights[i] end
	local at = sum % 11 + 1
	return base .. string.sub("10X98765432", at, at)
end
function request()
	counter = counter + 1
	local headers = {["Content-Type"] = "application/json", ["Accept"] = "application/json"}
	if auth ~= "" then headers["Authorization"] = "token " .. auth end
	local body = nil
	if body_template ~= "" then
		body = string.gsub(body_template, "{{n}}", run .. "-" .. math.random(1, 1000000000) .. "-" .. counter)
		body = string.gsub(body, "{{id1}}", id_number(math.random(1, 1000000000)))
		body = string.gsub(body, "{{id2}}", id_number(math.random(1, 1000000000)))
		body = string.gsub(body, "{{phone1}}", string.format("139%08d", math.random(0, 99999999)))
		body = string.gsub(body, "{{phone2}}", string.format("137%08d", math.random(0, 99999999)))
	end
	return wrk.format(method, path, headers, body)
end
function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format("zz: requests=%d errors=%d p95_ms=%.2f\n", summary.requests,
		e.status + e.connect + e.read + e.write + e.timeout, latency:percentile(95) / 1000))
end
"""


def lua(method: str, path: str, body: str, auth: str) -> str:
	def quoted(value: str) -> str:
		return "[==[" + value + "]==]"

	script = LUA
	for key, value in (
		("METHOD", method),
		("PATH", path),
		("BODY", body),
		("AUTH", auth),
		("RUN", os.urandom(4).hex()),
	):
		script = script.replace(f"@{key}@", quoted(value))
	return script


def intake_body() -> str:
	case = {
		"external_id": "bench-{{n}}",
		"title": "基准测试：邻里噪音纠纷",
		"facts": "楼上住户夜间噪音扰民，多次协商未果，申请调解。",
		"matter_type": "Dispute Mediation",
		"source": "Government Source",
		"channel": "12345 Hotline",
		"parties": [
			{
				"party_role": "Applicant",
				"party_type": "Person",
				"party_name": "王基准",
				"id_number": "{{id1}}",
				"phone": "{{phone1}}",
			},
			{
				"party_role": "Respondent",
				"party_type": "Person",
				"party_name": "李基准",
				"id_number": "{{id2}}",
				"phone": "{{phone2}}",
			},
		],
	}
	return json.dumps(case, ensure_ascii=False)


def list_path(doctype: str, count: bool = False) -> str:
	from urllib.parse import quote

	fields = '["name"]' if count else '["name","modified"]'
	if count:
		return f"/api/method/frappe.desk.reportview.get_count?doctype={quote(doctype)}"
	return (
		f"/api/method/frappe.desk.reportview.get?doctype={quote(doctype)}&fields={quote(fields)}"
		f"&order_by={quote('modified desc')}&start=0&page_length=20"
	)


def wrk(base, host, method, path, auth, body, seconds, connections, threads=2) -> dict:
	script = lua(method, path, body or "", auth or "")
	with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
		f.write(script)
	try:
		out = subprocess.run(
			["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "30s", "-s", f.name,
			 "-H", f"Host: {host}", base + path],
			capture_output=True, text=True, check=True,
		).stdout  # fmt: skip
	finally:
		os.unlink(f.name)
	rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
	done = re.search(r"zz: requests=(\d+) errors=(\d+) p95_ms=([\d.]+)", out)
	non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
	return {
		"rps": rate,
		"p95": float(done.group(3)),
		"errors": int(done.group(2)) + (int(non2xx.group(1)) if non2xx else 0),
	}


def whoami(args, auth: str) -> str:
	from urllib.request import Request, urlopen

	request = Request(
		f"{args.base}/api/method/frappe.auth.get_logged_user",
		headers={"Host": args.host, "Authorization": f"token {auth}"},
	)
	return json.load(urlopen(request))["message"]


def main():
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--base", default="http://127.0.0.1:8000")
	parser.add_argument("--host", required=True)
	parser.add_argument("--config", required=True, help="city_scale.json that city_scale.setup wrote")
	parser.add_argument("--sites-path")
	parser.add_argument("--seconds", type=int, default=10)
	parser.add_argument("--rounds", type=int, default=3)
	parser.add_argument("-c", type=int, default=8)
	parser.add_argument("--only", help="comma-separated pair names")
	args = parser.parse_args()
	require_test_site_config(args.host, args.sites_path)  # the intake pair writes cases
	config = json.load(open(args.config))
	clerk, integration = config["clerk"], config["integration"]
	pairs = {
		"intake": (
			# a ToDo of the desk user for themself (a sister system's role may not write ToDos)
			(
				"POST",
				"/api/resource/ToDo",
				clerk,
				json.dumps({"description": "bench {{n}}", "allocated_to": whoami(args, clerk)}),
			),
			("POST", "/api/method/zongzhi_center.api.v1.submit_case", integration, intake_body()),
		),
		"public page": (("GET", "/api/method/ping", "", ""), ("GET", f"/track/{config['token']}", "", "")),
		"list": (("GET", list_path("ToDo"), clerk, ""), ("GET", list_path("ZZ Case"), clerk, "")),
		"count": (
			("GET", list_path("ToDo", True), clerk, ""),
			("GET", list_path("ZZ Case", True), clerk, ""),
		),
	}
	chosen = args.only.split(",") if args.only else list(pairs)
	print(
		f"{'pair':<12} {'baseline req/s':>15} {'p95 ms':>8} {'app req/s':>10} {'p95 ms':>8} {'ratio':>6} {'p95 x':>6} errors (baseline/app)"
	)
	for name in chosen:
		baseline, app = pairs[name]
		results = {"baseline": [], "app": []}
		for _ in range(args.rounds):
			for side, (method, path, auth, body) in (("baseline", baseline), ("app", app)):
				results[side].append(
					wrk(args.base, args.host, method, path, auth, body, args.seconds, args.c)
				)
		med = {
			side: {k: statistics.median(r[k] for r in rs) for k in ("rps", "p95")}
			for side, rs in results.items()
		}
		errors = "/".join(str(sum(r["errors"] for r in results[side])) for side in ("baseline", "app"))
		print(
			f"{name:<12} {med['baseline']['rps']:15.1f} {med['baseline']['p95']:8.1f} {med['app']['rps']:10.1f}"
			f" {med['app']['p95']:8.1f} {med['app']['rps'] / med['baseline']['rps']:6.2f}"
			f" {med['app']['p95'] / med['baseline']['p95']:6.2f} {errors}"
		)


if __name__ == "__main__":
	main()
