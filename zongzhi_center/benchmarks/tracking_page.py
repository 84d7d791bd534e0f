"""The public tracking page (一案一码) against Frappe's /api/method/ping on the same server, in one run:
requests per second and latency percentiles for each, and their ratio.

	python zongzhi_center/benchmarks/tracking_page.py --base http://127.0.0.1:8000 --host zongzhi.localhost --token <token>

Each request carries its own X-Forwarded-For address (a header only: all traffic goes to --base), so the
page's per-address rate limit is exercised on every request without refusing any. Run it against the
server users get (gunicorn), not the development server.
"""

import argparse
import statistics
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor


def hit(url: str, host: str, i: int) -> tuple[int, float]:
	request = urllib.request.Request(
		url, headers={"Host": host, "X-Forwarded-For": f"127.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"}
	)
	began = time.perf_counter()
	try:
		with urllib.request.urlopen(request, timeout=30) as response:
			response.read()
			status = response.status
	except urllib.error.HTTPError as e:
		status = e.code
	return status, time.perf_counter() - began


def measure(url: str, host: str, n: int, concurrency: int, offset: int) -> dict:
	for i in range(10):  # warm up
		hit(url, host, offset + i)
	began = time.perf_counter()
	with ThreadPoolExecutor(concurrency) as pool:
		results = list(pool.map(lambda i: hit(url, host, offset + 10 + i), range(n)))
	elapsed = time.perf_counter() - began
	latencies = sorted(t for _status, t in results)
	return {
		"ok": sum(1 for status, _t in results if status == 200),
		"rps": n / elapsed,
		"p50": statistics.median(latencies) * 1000,
		"p95": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
	}


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--base", default="http://127.0.0.1:8000")
	parser.add_argument("--host", default="zongzhi.localhost")
	parser.add_argument("--token", required=True)
	parser.add_argument("-n", type=int, default=1000)
	parser.add_argument("-c", type=int, default=8)
	args = parser.parse_args()
	ping = measure(f"{args.base}/api/method/ping", args.host, args.n, args.c, 0)
	page = measure(f"{args.base}/track/{args.token}", args.host, args.n, args.c, 100000)
	for name, r in (("ping (baseline)", ping), ("tracking page", page)):
		print(
			f"{name:16} {r['ok']}/{args.n} ok  {r['rps']:7.1f} req/s  p50 {r['p50']:6.1f} ms  p95 {r['p95']:6.1f} ms"
		)
	print(
		f"ratio page/ping: throughput {page['rps'] / ping['rps']:.2f}x, p95 {page['p95'] / ping['p95']:.2f}x"
	)


if __name__ == "__main__":
	main()
