"""Why case numbers are not a naming series: counter contention under concurrent intake, on MariaDB.

Both ways give every intake a unique number. A naming series advances its counter row inside the intake
transaction, so the row stays locked until that transaction commits and concurrent intakes of the same
region queue behind each other. zongzhi_center advances the counter on a separate autocommit connection
(services/case_number.py), so the lock lasts one statement. Each simulated intake inserts a row and then
spends `--work-ms` inside its transaction (validation, child rows, version log) before committing.

Prints intakes per second for both ways, measured in the same run, and their ratio.

	python zongzhi_center/benchmarks/counter_contention.py --user root --password … [--threads 50 --intakes 10 --work-ms 20]
"""

import argparse
import threading
import time

import pymysql

SCHEMA = "zz_bench_counter"


def connect(args, autocommit=False, database=SCHEMA):
	return pymysql.connect(
		host=args.host,
		port=args.port,
		user=args.user,
		password=args.password,
		unix_socket=args.socket,
		database=database,
		autocommit=autocommit,
		charset="utf8mb4",
	)


def setup(args):
	conn = connect(args, autocommit=True, database=None)
	with conn.cursor() as cur:
		cur.execute(f"DROP DATABASE IF EXISTS {SCHEMA}")
		cur.execute(f"CREATE DATABASE {SCHEMA} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
		cur.execute(
			f"CREATE TABLE {SCHEMA}.counter (name VARCHAR(140) PRIMARY KEY, current INT NOT NULL) ENGINE=InnoDB"
		)
		cur.execute(
			f"CREATE TABLE {SCHEMA}.intake (id BIGINT AUTO_INCREMENT PRIMARY KEY, number VARCHAR(40) UNIQUE, facts TEXT) ENGINE=InnoDB"
		)
	conn.close()


NEXT = (
	"INSERT INTO counter (name, current) VALUES (%s, LAST_INSERT_ID(1))"
	" ON DUPLICATE KEY UPDATE current = LAST_INSERT_ID(current + 1)"
)


def intake_naming_series(main, side, key, work_s):
	with main.cursor() as cur:
		cur.execute(NEXT, (key,))  # counter row locked until commit
		cur.execute("SELECT LAST_INSERT_ID()")
		number = cur.fetchone()[0]
		cur.execute("INSERT INTO intake (number, facts) VALUES (%s, %s)", (f"{key}-{number:06d}", "x" * 200))
		time.sleep(work_s)
	main.commit()
	return number


def intake_side_counter(main, side, key, work_s):
	with side.cursor() as cur:
		cur.execute(NEXT, (key,))  # autocommit: the lock ends with the statement
		cur.execute("SELECT LAST_INSERT_ID()")
		number = cur.fetchone()[0]
	with main.cursor() as cur:
		cur.execute("INSERT INTO intake (number, facts) VALUES (%s, %s)", (f"{key}-{number:06d}", "x" * 200))
		time.sleep(work_s)
	main.commit()
	return number


def run(args, intake, key):
	barrier = threading.Barrier(args.threads)
	numbers, lock = [], threading.Lock()

	def worker():
		main, side = connect(args), connect(args, autocommit=True)
		barrier.wait()
		got = [intake(main, side, key, args.work_ms / 1000) for _ in range(args.intakes)]
		with lock:
			numbers.extend(got)
		main.close()
		side.close()

	threads = [threading.Thread(target=worker) for _ in range(args.threads)]
	start = time.perf_counter()
	for t in threads:
		t.start()
	for t in threads:
		t.join()
	elapsed = time.perf_counter() - start
	assert len(numbers) == len(set(numbers)) == args.threads * args.intakes, "duplicate numbers"
	return len(numbers) / elapsed


def main():
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--host", default="127.0.0.1")
	parser.add_argument("--port", type=int, default=3306)
	parser.add_argument("--socket")
	parser.add_argument("--user", default="root")
	parser.add_argument("--password", default="")
	parser.add_argument("--threads", type=int, default=50)
	parser.add_argument("--intakes", type=int, default=10, help="intakes per thread")
	parser.add_argument("--work-ms", type=float, default=20, help="time an intake spends in its transaction")
	args = parser.parse_args()

	setup(args)
	baseline = run(args, intake_naming_series, "series")
	ours = run(args, intake_side_counter, "side")
	print(
		f"{args.threads} concurrent clients x {args.intakes} intakes, {args.work_ms:g} ms of work per intake"
	)
	print(f"naming-series style (counter in the transaction): {baseline:8.1f} intakes/s  (baseline)")
	print(
		f"side-connection counter (zongzhi_center):        {ours:8.1f} intakes/s  ratio {ours / baseline:.1f}x"
	)
	conn = connect(args, autocommit=True, database=None)
	with conn.cursor() as cur:
		cur.execute(f"DROP DATABASE {SCHEMA}")
	conn.close()


if __name__ == "__main__":
	main()
