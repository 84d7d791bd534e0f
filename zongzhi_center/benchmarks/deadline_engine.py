"""How much the working-time engine costs per case, against naive calendar arithmetic, in the same run.

For N open cases (default 10,000) with random receipt times over a year, a random rule (hours or working
days) and, for a third of them, a closed pause and for a tenth an open one, it computes the resolve-by
time and the deadline status the scheduled job needs, and prints the time per case next to the baseline:
``start + timedelta(days=n)``, the answer a calendar that ignores weekends, holidays, 调休, working
hours and pauses would give. The engine is plain Python, so no site is needed.

	python3 zongzhi_center/benchmarks/deadline_engine.py [N]
"""

import os
import random
import sys
import time
import tracemalloc
from datetime import date, datetime, timedelta

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from zongzhi_center.engine.deadlines import DAYS, HOURS, Budget, clock_state, due_at
from zongzhi_center.engine.worktime import WorkCalendar


def calendar() -> WorkCalendar:
	def span(first: date, days: int):
		return [first + timedelta(days=n) for n in range(days)]

	holidays = span(date(2026, 1, 1), 3) + span(date(2026, 2, 15), 9) + span(date(2026, 4, 4), 3)
	holidays += span(date(2026, 5, 1), 5) + span(date(2026, 6, 19), 3) + span(date(2026, 9, 25), 3)
	holidays += span(date(2026, 10, 1), 7)
	workdays = [date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9), date(2026, 9, 20)]
	workdays += [date(2026, 10, 10)]
	return WorkCalendar.build([("08:30", "12:00"), ("14:00", "17:30")], holidays=holidays, workdays=workdays)


def make_cases(n: int, rng: random.Random):
	year = datetime(2026, 1, 1)
	cases = []
	for _ in range(n):
		start = year + timedelta(minutes=rng.randrange(365 * 24 * 60))
		budget = rng.choice(
			[Budget(2, HOURS), Budget(8, HOURS), Budget(3, DAYS), Budget(15, DAYS), Budget(30, DAYS)]
		)
		pauses = []
		roll = rng.random()
		if roll < 0.33:
			begin = start + timedelta(hours=rng.randrange(1, 200))
			pauses = [(begin, begin + timedelta(hours=rng.randrange(1, 100)))]
		elif roll < 0.43:
			pauses = [(start + timedelta(hours=rng.randrange(1, 200)), None)]
		cases.append((start, budget, pauses))
	return cases


def timed(fn, rounds: int = 3) -> float:
	best = float("inf")
	for _ in range(rounds):
		began = time.perf_counter()
		fn()
		best = min(best, time.perf_counter() - began)
	return best


def main():
	n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
	cases = make_cases(n, random.Random(2026))
	cal = calendar()
	now = datetime(2026, 11, 24, 10, 0)

	def naive():
		for start, budget, _pauses in cases:
			due = start + (
				timedelta(days=budget.value) if budget.unit == DAYS else timedelta(hours=budget.value)
			)
			clock_state(due, now)

	def engine():
		for start, budget, pauses in cases:
			due = due_at(cal, start, budget, pauses)
			clock_state(due, now, paused=bool(pauses and pauses[-1][1] is None))

	baseline = timed(naive)
	measured = timed(engine)
	tracemalloc.start()
	engine()
	_, peak = tracemalloc.get_traced_memory()
	tracemalloc.stop()
	print(f"cases: {n}")
	print(
		f"baseline (calendar arithmetic, no working time): {baseline * 1e3:8.1f} ms  {baseline / n * 1e6:6.2f} µs/case"
	)
	print(
		f"engine (working time, holidays, 调休, pauses):     {measured * 1e3:8.1f} ms  {measured / n * 1e6:6.2f} µs/case"
	)
	print(f"ratio engine / baseline: {measured / baseline:.1f}x; peak extra memory {peak / 1024:.0f} KiB")


if __name__ == "__main__":
	main()
