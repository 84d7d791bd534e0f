#!/usr/bin/env bash
# scale_out.sh — the app on more than one machine's worth of servers, with what Frappe already supports,
# shown on one machine: a MariaDB primary and a replica that follows it, reports read from the replica
# (Frappe's `read_from_replica`), two gunicorn servers behind nginx, and an RQ worker for each of them.
#
#   scale_out.sh up       start (or resume) everything; a second run changes nothing
#   scale_out.sh status   what runs, the replica's state and lag, the site's replica settings
#   scale_out.sh down     stop everything it started; the site is parked out of the bench with its data
#   scale_out.sh purge    down, then delete the two databases' data and the parked site
#
# Each "host" of a real installation is played by a process here:
#   database host A   mariadbd on 127.0.0.1:$PRIMARY_PORT, binary log with GTIDs (the primary)
#   database host B   mariadbd on 127.0.0.1:$REPLICA_PORT, read-only, replicating from A (MASTER_USE_GTID)
#   web host 1 and 2  gunicorn on 127.0.0.1:${APP_PORTS% *} and :${APP_PORTS#* }, each with an RQ worker
#   load balancer     nginx on 127.0.0.1:$WEB_PORT in front of both (and on :$ONE_PORT in front of host 1
#                     alone, so that one server and two are measured behind the same proxy)
#   queue host        redis-server on 127.0.0.1:$QUEUE_PORT, the job queue both web hosts and workers share
# The cache is the bench's Redis (its keys are kept apart by site). The queue is the installation's own, so
# that these workers run this site's jobs and none of the other sites' of the bench, and the other sites'
# workers none of this one's.
#
# The machine's own MariaDB (the demo's and the tests') is not touched: the two instances here have their
# own data directories, ports and sockets under $SCALE_DIR. The site ($SCALE_SITE) lives on the primary;
# `up` generates $SCALE_CASES cases in it (zongzhi_center.benchmarks.city_scale) the first time.
# The benchmark: zongzhi_center/benchmarks/scale_out.py.
#
# Settings (environment): BENCH_USER, BENCH_DIR, SCALE_DIR, SCALE_SITE, SCALE_CASES, PRIMARY_PORT,
# REPLICA_PORT, WEB_PORT, ONE_PORT, APP_PORTS ("18010 18011"), QUEUE_PORT, GUNICORN_WORKERS, DB_BUFFER_POOL.
set -Eeuo pipefail

APP=zongzhi_center
BENCH_USER=${BENCH_USER:-frappe}
BENCH_HOME=$(getent passwd "$BENCH_USER" 2>/dev/null | cut -d: -f6 || true)
BENCH_HOME=${BENCH_HOME:-/home/$BENCH_USER}
BENCH_DIR=${BENCH_DIR:-$BENCH_HOME/frappe-bench}
BENCH_CLI_VENV=$BENCH_HOME/.local/share/zz-bench-cli
# not under ./zz's state folder: that one holds the main database's root password and only root may enter
# it, while these databases run as the mysql user
SCALE_DIR=${SCALE_DIR:-/var/lib/zongzhi-scale-out}
SCALE_SITE=${SCALE_SITE:-zongzhi-scale.localhost}
SCALE_CASES=${SCALE_CASES:-100000}
PRIMARY_PORT=${PRIMARY_PORT:-3317}
REPLICA_PORT=${REPLICA_PORT:-3318}
WEB_PORT=${WEB_PORT:-8010}
ONE_PORT=${ONE_PORT:-8011}
APP_PORTS=${APP_PORTS:-18010 18011}
QUEUE_PORT=${QUEUE_PORT:-11317}
QUEUE_URL=redis://127.0.0.1:$QUEUE_PORT
GUNICORN_WORKERS=${GUNICORN_WORKERS:-$(($(nproc) * 2 + 1))}
DB_BUFFER_POOL=${DB_BUFFER_POOL:-512M}
DB_USER=mysql

say() { printf '%s\n' "$*"; }
step() { printf '\n==> %s\n' "$*"; }
die() {
	printf '\nERROR: %s\n' "$*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "run as root: it starts database servers as the $DB_USER user and web servers as $BENCH_USER"

as_bench() {
	(cd "$BENCH_DIR" && exec runuser -u "$BENCH_USER" -- env -i HOME="$BENCH_HOME" USER="$BENCH_USER" \
		PATH="$BENCH_HOME/.local/bin:$BENCH_CLI_VENV/bin:/usr/local/bin:/usr/bin:/bin" LANG=C.UTF-8 LC_ALL=C.UTF-8 \
		PYTHONUNBUFFERED=1 "$@")
}
bench_cmd() { as_bench bench "$@"; }
site_cmd() { bench_cmd --site "$SCALE_SITE" "$@"; }

# ---------------------------------------------------------------- the two database servers
cnf() { echo "$SCALE_DIR/$1.cnf"; } # primary | replica
sql() { # instance, statements — as the database root through the instance's socket (the OS root's login)
	mariadb --defaults-file="$(cnf "$1")" -uroot -N -B -e "$2"
}
db_alive() { mariadb-admin --defaults-file="$(cnf "$1")" -uroot ping >/dev/null 2>&1; }

write_cnf() { # instance, port, server id
	local name=$1 port=$2 id=$3 role
	if [ "$name" = primary ]; then
		# every change is written to the binary log with its global transaction id, which the replica follows
		role="log_bin = $SCALE_DIR/$name/binlog
binlog_format = ROW
binlog_expire_logs_seconds = 172800"
	else
		# only the replication thread writes: a request that tried to write here would fail loudly instead of
		# writing where the primary never sees it
		role="read_only = ON
relay_log = $SCALE_DIR/$name/relay"
	fi
	cat >"$(cnf "$name")" <<-EOF
		# written by scale_out.sh: the $name database of the scale-out demonstration
		[client]
		socket = $SCALE_DIR/run/$name.sock
		port = $port
		default-character-set = utf8mb4

		[mysqld]
		datadir = $SCALE_DIR/$name
		socket = $SCALE_DIR/run/$name.sock
		pid-file = $SCALE_DIR/run/$name.pid
		log-error = $SCALE_DIR/log/$name.err
		port = $port
		bind-address = 127.0.0.1
		skip-name-resolve
		server_id = $id
		gtid_strict_mode = ON
		$role
		character-set-client-handshake = FALSE
		character-set-server = utf8mb4
		collation-server = utf8mb4_unicode_ci
		max_connections = 300
		innodb_buffer_pool_size = $DB_BUFFER_POOL
	EOF
}

start_db() { # instance, port, server id
	local name=$1 i
	write_cnf "$@"
	if [ ! -d "$SCALE_DIR/$name/mysql" ]; then
		say "initialising the $name database in $SCALE_DIR/$name"
		install -d -o "$DB_USER" -g "$DB_USER" -m 750 "$SCALE_DIR/$name"
		mariadb-install-db --defaults-file="$(cnf "$name")" --user="$DB_USER" --skip-test-db \
			--auth-root-authentication-method=socket >"$SCALE_DIR/log/$name-install.log" 2>&1 ||
			die "mariadb-install-db failed (see $SCALE_DIR/log/$name-install.log)"
	fi
	db_alive "$name" && return
	say "starting the $name database on 127.0.0.1:$2"
	(setsid mariadbd --defaults-file="$(cnf "$name")" --user="$DB_USER" </dev/null >>"$SCALE_DIR/log/$name.out" 2>&1 &)
	for i in $(seq 1 60); do
		db_alive "$name" && return
		sleep 1
	done
	die "the $name database did not start (see $SCALE_DIR/log/$name.err)"
}

stop_db() {
	local name=$1 pid i
	[ -f "$SCALE_DIR/run/$name.pid" ] || return 0
	pid=$(cat "$SCALE_DIR/run/$name.pid")
	if kill -0 "$pid" 2>/dev/null; then
		mariadb-admin --defaults-file="$(cnf "$name")" -uroot shutdown 2>/dev/null || kill "$pid"
		for i in $(seq 1 60); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 1
		done
		say "stopped the $name database"
	fi
}

secret() { # file: a password made once, kept for root only
	local file="$SCALE_DIR/$1"
	[ -s "$file" ] || (umask 077 && head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20 >"$file")
	cat "$file"
}

# bench connects as the database root over TCP to create the site's database and user; the replica logs in
# to the primary as a user that may only read the binary log. Both are made on the primary, and so reach
# the replica through the log like everything else.
ensure_primary_users() {
	local root repl
	root=$(secret root_password)
	repl=$(secret replication_password)
	sql primary "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '$root';
		GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
		CREATE USER IF NOT EXISTS 'replication'@'127.0.0.1' IDENTIFIED BY '$repl';
		GRANT REPLICATION SLAVE ON *.* TO 'replication'@'127.0.0.1';"
}

# Both databases began empty from the same installation, so the replica starts at the primary's first
# transaction (an empty GTID position) and replays all of it, the site's creation included.
ensure_replication() {
	if [ -z "$(sql replica "SHOW SLAVE STATUS")" ]; then
		say "the replica follows the primary (GTID)"
		sql replica "SET GLOBAL gtid_slave_pos = '';
			CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = $PRIMARY_PORT, MASTER_USER = 'replication',
				MASTER_PASSWORD = '$(secret replication_password)', MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 5;"
	fi
	sql replica "START SLAVE" 2>/dev/null || true
	local i
	for i in $(seq 1 30); do
		[ "$(replica_field Slave_IO_Running)" = Yes ] && [ "$(replica_field Slave_SQL_Running)" = Yes ] && return
		sleep 1
	done
	die "replication did not start: $(replica_field Last_IO_Error) $(replica_field Last_SQL_Error)"
}

replica_field() {
	mariadb --defaults-file="$(cnf replica)" -uroot -e "SHOW SLAVE STATUS\G" | awk -v k="$1:" '$1 == k {sub(/^[^:]*: */, ""); print; exit}'
}

wait_for_replica() {
	local i target
	target=$(sql primary "SELECT @@gtid_binlog_pos")
	for i in $(seq 1 600); do
		[ "$(sql replica "SELECT @@gtid_slave_pos")" = "$target" ] && return
		sleep 1
	done
	die "the replica did not catch up with the primary ($target)"
}

# ---------------------------------------------------------------- the site
site_dir() { echo "$BENCH_DIR/sites/$SCALE_SITE"; }
parked_dir() { echo "$SCALE_DIR/site"; }

ensure_site() {
	if [ ! -d "$(site_dir)" ] && [ -d "$(parked_dir)" ]; then
		mv "$(parked_dir)" "$(site_dir)"
		say "brought $SCALE_SITE back into the bench"
	fi
	if [ ! -f "$(site_dir)/site_config.json" ]; then
		step "Creating $SCALE_SITE on the primary"
		bench_cmd new-site "$SCALE_SITE" --db-host 127.0.0.1 --db-port "$PRIMARY_PORT" \
			--db-root-username root --db-root-password "$(secret root_password)" --no-mariadb-socket \
			--admin-password "$(secret admin_password)" --install-app "$APP" | grep -v "Updating DocTypes"
	fi
	# generated data is written only to sites made for tests
	site_cmd set-config allow_tests true >/dev/null
	site_cmd set-config host_name "http://$SCALE_SITE:$WEB_PORT" >/dev/null
	if [ ! -f "$(site_dir)/private/city_scale.json" ]; then
		step "Generating $SCALE_CASES cases (and as many ToDos) on the primary"
		site_cmd execute "$APP.benchmarks.city_scale.setup" --kwargs "{'n': $SCALE_CASES}"
	fi
	# the reads Frappe marks read-only (query reports, report and list views) go to the replica
	site_cmd set-config read_from_replica 1 --parse >/dev/null
	site_cmd set-config replica_host 127.0.0.1 >/dev/null
	site_cmd set-config replica_db_port "$REPLICA_PORT" --parse >/dev/null
	# whatever runs for this site (a request, a bench command) queues its jobs on the installation's queue
	site_cmd set-config redis_queue "$QUEUE_URL" >/dev/null
}

park_site() {
	# with its database stopped, the site would fail in the bench's scheduler on every tick: moved out of the
	# bench, it keeps its configuration and files for the next `up`
	if [ -d "$(site_dir)" ]; then
		rm -rf "$(parked_dir)"
		mv "$(site_dir)" "$(parked_dir)"
		say "parked $SCALE_SITE in $(parked_dir)"
	fi
}

# ---------------------------------------------------------------- web hosts, workers, the proxy
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
pidfile() { echo "$BENCH_DIR/.zz/scale-$1.pid"; }

launch() { # name, command — in its own session, as the bench user; pid in .zz, output in logs/
	pid_alive "$(pidfile "$1")" && return
	say "starting $1"
	# detached from the caller's output as a whole, so that `up | tee` returns when `up` does
	( (cd "$BENCH_DIR" && as_bench setsid bash -c \
		"echo \$\$ > .zz/scale-$1.pid; exec $2 >>logs/zz-scale-$1.log 2>&1") </dev/null >/dev/null 2>&1 &)
}

nginx_bin() { PATH=$PATH:/usr/sbin:/sbin command -v nginx || echo /usr/sbin/nginx; }
nginx_conf() { echo "$BENCH_DIR/config/zz-nginx-$WEB_PORT.conf"; }

server_block() { # listen port, upstream: the site's assets from disk, the rest to the upstream
	cat <<-SERVER
		server {
			listen 127.0.0.1:$1;
			root $BENCH_DIR/sites;
			location /assets { try_files \$uri =404; }
			location / { try_files /\$host/public/\$uri @frappe; }
			location @frappe {
				proxy_http_version 1.1;
				proxy_set_header Connection "";
				proxy_set_header Host \$http_host;
				proxy_set_header X-Frappe-Site-Name \$host;
				proxy_set_header X-Forwarded-For \$remote_addr;
				proxy_read_timeout 120;
				proxy_redirect off;
				proxy_pass http://$2;
			}
		}
	SERVER
}

write_nginx_conf() {
	local prefix="$BENCH_DIR/.zz/nginx-$WEB_PORT" port servers="" first=${APP_PORTS%% *}
	for port in $APP_PORTS; do servers+="server 127.0.0.1:$port fail_timeout=10s; "; done
	as_bench mkdir -p "$prefix/tmp" "$BENCH_DIR/config" "$BENCH_DIR/logs" "$BENCH_DIR/.zz"
	as_bench tee "$(nginx_conf)" >/dev/null <<-NGINX
		# written by scale_out.sh: $SCALE_SITE on 127.0.0.1:$WEB_PORT, balanced over the web hosts
		# ($APP_PORTS), and on 127.0.0.1:$ONE_PORT in front of the first alone (the benchmark's one-host baseline)
		daemon off;
		worker_processes 1;
		pid $prefix/nginx.pid;
		events { worker_connections 1024; }
		http {
			include /etc/nginx/mime.types;
			default_type application/octet-stream;
			access_log off;
			client_body_temp_path $prefix/tmp/body;
			proxy_temp_path $prefix/tmp/proxy;
			fastcgi_temp_path $prefix/tmp/fastcgi;
			uwsgi_temp_path $prefix/tmp/uwsgi;
			scgi_temp_path $prefix/tmp/scgi;
			server_tokens off;
			keepalive_timeout 65;
			client_max_body_size 50m;
			# the request goes to the web host with the fewest requests in flight: a long report on one
			# does not queue the intake behind it
			upstream zz_scale_all { least_conn; $servers keepalive 32; }
			upstream zz_scale_one { server 127.0.0.1:$first fail_timeout=10s; keepalive 32; }
			$(server_block "$WEB_PORT" zz_scale_all)
			$(server_block "$ONE_PORT" zz_scale_one)
		}
	NGINX
}

start_web() {
	local n=0 port i
	launch queue "redis-server --port $QUEUE_PORT --bind 127.0.0.1 --save '' --appendonly no"
	for i in $(seq 1 30); do
		redis-cli -p "$QUEUE_PORT" ping >/dev/null 2>&1 && break
		sleep 1
	done
	write_nginx_conf
	for port in $APP_PORTS; do
		n=$((n + 1))
		launch "web-$n" "env FRAPPE_REDIS_QUEUE=$QUEUE_URL $BENCH_DIR/env/bin/gunicorn --chdir $BENCH_DIR/sites -b 127.0.0.1:$port -w $GUNICORN_WORKERS -t 120 --graceful-timeout 30 --max-requests 5000 --max-requests-jitter 500 --preload frappe.app:application"
		# a worker per web host, on the shared queue: whichever host is free takes the next job. A worker serves
		# no one site, so it reads the queue's address from the environment
		launch "worker-$n" "bash -c 'cd sites && FRAPPE_REDIS_QUEUE=$QUEUE_URL exec ../env/bin/python -m frappe.utils.bench_helper frappe worker'"
	done
	launch proxy "$(nginx_bin) -p $BENCH_DIR/.zz/nginx-$WEB_PORT -c $(nginx_conf) -e $BENCH_DIR/logs/zz-scale-proxy.error.log"
	for i in $(seq 1 90); do
		curl -fs -o /dev/null "http://127.0.0.1:$WEB_PORT/api/method/ping" -H "Host: $SCALE_SITE" && return
		sleep 1
	done
	die "$SCALE_SITE did not answer on port $WEB_PORT (see $BENCH_DIR/logs/zz-scale-*.log)"
}

PROCESS_NAMES() {
	local n=0 port
	for port in $APP_PORTS; do
		n=$((n + 1))
		echo "web-$n worker-$n"
	done
	echo "proxy queue"
}

stop_web() {
	local name file
	for name in $(PROCESS_NAMES); do
		file=$(pidfile "$name")
		if pid_alive "$file"; then
			kill -- "-$(cat "$file")" 2>/dev/null || kill "$(cat "$file")" 2>/dev/null || true
			say "stopped $name"
		fi
		rm -f "$file"
	done
	rm -rf "$(nginx_conf)" "$BENCH_DIR/.zz/nginx-$WEB_PORT"
}

# ---------------------------------------------------------------- commands
cmd_up() {
	install -d -m 755 "$SCALE_DIR"
	install -d -o "$DB_USER" -g "$DB_USER" -m 750 "$SCALE_DIR/run" "$SCALE_DIR/log"
	step "Databases: primary on $PRIMARY_PORT, replica on $REPLICA_PORT"
	start_db primary "$PRIMARY_PORT" 1
	start_db replica "$REPLICA_PORT" 2
	ensure_primary_users
	ensure_replication
	ensure_site
	step "Waiting for the replica to reach the primary"
	wait_for_replica
	step "Web hosts, workers and the proxy"
	start_web
	cmd_status
	say ""
	say "$SCALE_SITE: http://127.0.0.1:$WEB_PORT (Host: $SCALE_SITE); Administrator's password in $SCALE_DIR/admin_password"
	say "benchmark: python3 zongzhi_center/benchmarks/scale_out.py (see its --help)"
}

cmd_status() {
	local name
	step "Processes"
	for name in primary replica; do
		if db_alive "$name" 2>/dev/null; then say "$name database: running"; else say "$name database: stopped"; fi
	done
	for name in $(PROCESS_NAMES); do
		if pid_alive "$(pidfile "$name")"; then say "$name: running"; else say "$name: stopped"; fi
	done
	if db_alive replica 2>/dev/null; then
		step "Replication"
		say "IO thread: $(replica_field Slave_IO_Running), SQL thread: $(replica_field Slave_SQL_Running)," \
			"seconds behind: $(replica_field Seconds_Behind_Master), replica at GTID $(sql replica 'SELECT @@gtid_slave_pos')," \
			"primary at $(sql primary 'SELECT @@gtid_binlog_pos' 2>/dev/null || echo '?')"
		say "selects served by the replica since it started: $(sql replica "SHOW GLOBAL STATUS LIKE 'Com_select'" | cut -f2)"
	fi
	if [ -f "$(site_dir)/site_config.json" ]; then
		step "$SCALE_SITE"
		"$BENCH_DIR/env/bin/python" -c 'import json, sys
c = json.load(open(sys.argv[1]))
print(", ".join(f"{k}: {c.get(k)}" for k in ("db_host", "db_port", "read_from_replica", "replica_host", "replica_db_port")))' \
			"$(site_dir)/site_config.json"
	elif [ -d "$(parked_dir)" ]; then
		say "$SCALE_SITE: parked in $(parked_dir)"
	fi
}

cmd_down() {
	step "Stopping the web hosts, workers and proxy"
	stop_web
	park_site
	step "Stopping the databases"
	stop_db replica
	stop_db primary
}

cmd_purge() {
	cmd_down
	rm -rf "$SCALE_DIR" "$BENCH_DIR"/logs/zz-scale-*
	say "removed $SCALE_DIR"
}

case "${1:-}" in
	up) cmd_up ;;
	down) cmd_down ;;
	status) cmd_status ;;
	purge) cmd_purge ;;
	*) sed -n '2,/^set -E/{/^#/p}' "$0" | sed 's/^# \{0,1\}//' ;;
esac
