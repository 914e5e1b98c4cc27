#!/usr/bin/env python3
"""roomsd's benchmark: each figure beside its limit, measured in the same run (README, "Performance").

Started by scripts/bench, which builds the Release tree first. It starts telnyx-sim and roomsd
itself (real binaries, temporary directories), runs the reference programs of tests/bench/
(bench_fetch, bench_write, plain_sync.py, bench_query), prints one table
(figure | measured | limit | target | met?) and writes the same as JSON with --json FILE.
A benchmark, not a test: nothing in scripts/test runs it, and "not met" is an outcome, not an error.
"""

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
from benchlib import BenchError  # noqa: E402
from report import Report  # noqa: E402
import replica_lag  # noqa: E402

SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The SQL of the /sql figures: the README's example queries (section "Views") and the aggregate
# of participant time per room per day over room_daily_activity, each on one line.
QUERIES = {
    "participant time per room per day":
        "SELECT count(*) AS room_days, round(sum(participant_seconds), 3) AS seconds "
        "FROM room_daily_activity",
    "busiest rooms, last 7 days":
        "SELECT unique_name, sum(participant_seconds) / 3600.0 AS hours FROM room_daily_activity "
        "WHERE day >= date('now', '-7 days') GROUP BY room_id ORDER BY hours DESC LIMIT 10",
    "sessions running now":
        "SELECT s.unique_name, s.created_at, p.context, p.joined_at FROM session_stats s "
        "JOIN participant_stats p ON p.session_id = s.session_id "
        "WHERE s.active = 1 AND p.left_at IS NULL",
    "average session length per room":
        "SELECT unique_name, count(*) AS sessions, round(avg(duration_seconds) / 60, 1) AS avg_minutes "
        "FROM session_stats WHERE duration_seconds IS NOT NULL GROUP BY room_id ORDER BY sessions DESC",
    "participants per day":
        "SELECT day, sum(participants_joined) FROM room_daily_activity GROUP BY day ORDER BY day",
    "count of participant_stats": "SELECT count(*) FROM participant_stats",
}
# The ones also measured at 8 and 64 clients; the others at 1 client only.
LOADED_QUERIES = ("participant time per room per day", "busiest rooms, last 7 days")


class Bench:
    def __init__(self, args):
        self.args = args
        self.bin = os.path.join(args.build_dir, "bin")
        self.tools = os.path.join(args.build_dir, "tests", "bench")
        self.spec = os.path.join(SOURCE_DIR, "tests", "fixtures", "telnyx", "rooms-openapi.yaml")
        self.tmp = tempfile.mkdtemp(prefix="roomsd-bench-", dir=args.tmp_dir)
        self.report = Report()
        self.timeout = args.timeout_secs
        benchlib.RUSAGE_RUN = os.path.join(self.tools, "bench_run")
        self.backfill_rss = None
        self.idle_rss = None

    def dir(self, name):
        path = os.path.join(self.tmp, name)
        os.makedirs(path, exist_ok=True)
        return path

    def sim(self, workdir, rooms, latency_ms=0):
        return benchlib.Sim(os.path.join(self.bin, "telnyx-sim"), self.spec, workdir, rooms,
                            self.args.seed, latency_ms)

    def roomsd_once(self, config, sim, workdir, name):
        return benchlib.run_timed([os.path.join(self.bin, "roomsd"), "--config", config, "--once"],
                                  benchlib.child_env("TELNYX_API_KEY", sim.api_key), self.timeout,
                                  workdir, name)

    def fetch_only(self, sim, targets, workdir, name):
        """bench_fetch over exactly these targets at roomsd's concurrency."""
        path = os.path.join(workdir, name + ".targets")
        with open(path, "w") as f:
            f.write("\n".join(targets) + "\n")
        m = benchlib.run_timed([os.path.join(self.tools, "bench_fetch"), "--root", sim.root_url,
                                "--targets", path, "--concurrency", str(self.args.max_in_flight)],
                               benchlib.child_env("TELNYX_API_KEY", sim.api_key), self.timeout,
                               workdir, name)
        return m.json()

    def plain_script(self, sim, workdir, name, indexes=True):
        db = os.path.join(workdir, name + ".db")
        m = benchlib.run_timed([sys.executable, os.path.join(SOURCE_DIR, "tests", "bench", "plain_sync.py"),
                                "--base-url", sim.base_url, "--db", db,
                                "--page-size", str(self.args.page_size)] + ([] if indexes else ["--no-indexes"]),
                               benchlib.child_env("TELNYX_API_KEY", sim.api_key), self.timeout,
                               workdir, name)
        return m, m.json()

    def run(self):
        a = self.args
        work = self.dir("main")
        sim = self.sim(work, a.rooms)
        try:
            self.backfill(sim, work)
            if "polls" not in a.skip:
                self.polls(sim, work)
            if "queries" not in a.skip:
                self.queries(sim, work)
        finally:
            sim.close()
        if "latency" not in a.skip:
            self.latency()
        if "replica" not in a.skip:
            self.replica()
        self.memory_large()
        return self.report

    # The PostgreSQL replica's lag under live activity: applied_at in roomsd to the commit in PostgreSQL.
    def replica(self):
        a, r = self.args, self.report
        rooms = 500
        work = self.dir("replica")
        sim = self.sim(work, rooms)
        try:
            fig = replica_lag.measure(self.bin, sim, work, a.replica_seconds, a.page_size, a.max_in_flight,
                                      self.timeout)
        finally:
            sim.close()
        r.section("PostgreSQL replica under live activity (%s rooms, 3 changes every 200 ms, a pass every 1 s)"
                  % f"{rooms:,}")
        detail = "%d changes in %d transactions" % (fig["changes"], fig["pages"])
        r.info("lag p50: applied in roomsd to committed in PostgreSQL", fig["p50_s"], "s", detail=detail)
        r.info("lag p99", fig["p99_s"], "s", detail="max %.3f s" % fig["max_s"])

    # Figure 1 and 6: the backfill beside fetch-only, write-only and the plain script; bytes per record.
    def backfill(self, sim, work):
        a, r = self.args, self.report
        account = sim.control("GET", "/_sim/account")
        counts = {k: len(v) for k, v in json.loads(account).items()}
        upstream_records = sum(counts.values())
        # Limits raised so that no query figure is cut short: every example query answers all its
        # rows, and 64 clients fit beside connections the previous figure is still closing.
        self.config = benchlib.write_roomsd_config(work, sim, a.page_size, a.max_in_flight,
                                                   {"sql_max_rows": 1000000, "sql_timeout_ms": 60000,
                                                    "max_connections": 128})
        self.mirror = os.path.join(work, "mirror.db")
        sim.clear_requests()
        m = self.roomsd_once(self.config, sim, work, "backfill")
        targets = sim.requests()
        records = benchlib.record_count(self.mirror)
        if records != upstream_records:
            r.note("the mirror holds %d records, the account %d" % (records, upstream_records))
        self.backfill_rss = m.max_rss_kib
        fetch_fig = self.fetch_only(sim, targets, work, "fetch-only")
        write = benchlib.run_timed([os.path.join(self.tools, "bench_write"), "--source", self.mirror,
                                    "--dest", os.path.join(work, "write-only.db"),
                                    "--schema-dir", os.path.join(SOURCE_DIR, "schema"),
                                    "--batch", str(a.page_size)], None, self.timeout, work, "write-only")
        write_fig = write.json()
        # The same writing with each row's change appended to change_log: what the feed costs.
        logged = benchlib.run_timed([os.path.join(self.tools, "bench_write"), "--source", self.mirror,
                                     "--dest", os.path.join(work, "write-only-logged.db"),
                                     "--schema-dir", os.path.join(SOURCE_DIR, "schema"),
                                     "--batch", str(a.page_size), "--change-log", "1"], None, self.timeout,
                                    work, "write-only-logged")
        logged_fig = logged.json()
        plain, plain_fig = self.plain_script(sim, work, "plain")
        bare, _ = self.plain_script(sim, work, "plain-no-indexes", indexes=False)

        size = "%s rooms, %s records" % (f"{a.rooms:,}", f"{records:,}")
        r.section("Backfill (%s, page size %d, %d in flight, no added latency)"
                  % (size, a.page_size, a.max_in_flight))
        wall_limit = max(fetch_fig["wall_s"], write_fig["wall_s"])
        r.ratio("backfill wall", m.wall_s, "s", wall_limit, 1.25,
                "max(fetch-only %.2f, write-only %.2f) s" % (fetch_fig["wall_s"], write_fig["wall_s"]))
        r.ratio("backfill CPU (user+sys)", m.cpu_s, "s", plain.cpu_s, 0.5,
                "plain script %.2f s" % plain.cpu_s,
                detail="user %.2f, sys %.2f" % (m.user_s, m.sys_s))
        r.info("backfill records/s", records / m.wall_s, "/s",
               limit="plain script %s/s" % f"{records / plain.wall_s:,.0f}")
        r.info("backfill requests", len(targets), "", limit="plain script %d (sequential)"
               % plain_fig["requests"])
        r.info("backfill peak RSS", m.max_rss_kib / 1024, "MiB",
               limit="plain script %.1f MiB" % (plain.max_rss_kib / 1024))
        r.info("limit (a) fetch-only: wall / CPU", fetch_fig["wall_s"], "s",
               detail="CPU %.2f s, %d requests, %d in flight" % (fetch_fig["cpu_s"], fetch_fig["requests"],
                                                                 a.max_in_flight))
        r.info("limit (b) write-only: wall / CPU", write_fig["wall_s"], "s",
               detail="CPU %.2f s, %d rows in %d transactions" % (write_fig["cpu_s"], write_fig["rows"],
                                                                write_fig["batches"]))
        r.info("limit (c) plain script: wall / CPU", plain.wall_s, "s",
               detail="CPU %.2f s, %d records" % (plain.cpu_s, plain_fig["records"]))
        r.info("the plain script without secondary indexes: wall / CPU", bare.wall_s, "s",
               detail="CPU %.2f s: what the indexes cost it" % bare.cpu_s)
        if len(targets) >= 10000:
            r.note("the simulator's request log holds its last 10,000 requests only: fetch-only replayed those")

        watch = benchlib.MirrorWatch(self.mirror)
        try:
            watch.checkpoint()
            db_bytes = watch.file_bytes()
        finally:
            watch.close()
        r.section("Size")
        r.info("database bytes per record", db_bytes / records, "B",
               limit="upstream JSON %.0f B" % (len(account) / upstream_records),
               detail="%.1f MiB file, %.1f MiB of JSON" % (db_bytes / 2**20, len(account) / 2**20))

        changes, log_bytes = benchlib.change_log_size(self.mirror)
        r.section("Change feed (the backfill's changes)")
        r.info("changes logged", changes, "", limit="records written %d" % records)
        if changes:
            r.info("change log bytes per change", log_bytes / changes, "B",
                   limit="upstream JSON %.0f B" % (len(account) / upstream_records),
                   detail="%.1f MiB, %.0f%% of the file" % (log_bytes / 2**20, 100.0 * log_bytes / db_bytes))
            extra = logged_fig["cpu_s"] - write_fig["cpu_s"]
            r.info("change log CPU per change", 1e6 * extra / max(1, logged_fig["rows"]), "us",
                   limit="write-only %.2f µs per row" % (1e6 * write_fig["cpu_s"] / max(1, write_fig["rows"])),
                   detail="write-only with the log %.2f s CPU, without %.2f s" % (logged_fig["cpu_s"],
                                                                               write_fig["cpu_s"]))

    def one_poll(self, sim, work, name):
        """A `roomsd --once` on the synced mirror with the -wal file watched."""
        watch = benchlib.MirrorWatch(self.mirror)
        try:
            before, copy = self.watch_start(watch, sim, work, name)
            m = self.roomsd_once(self.config, sim, work, name)
            targets, wal, written, runs, bookkeeping = self.watch_end(watch, sim, before, copy)
        finally:
            watch.close()
        return m, targets, wal, written, len(runs[1]), bookkeeping

    @staticmethod
    def watch_start(watch, sim, work, name):
        """Before a watched pass: the -wal emptied, a copy for the bookkeeping's own WAL bytes, the
        request log cleared; (snapshot, copy path)."""
        watch.checkpoint()
        copy = os.path.join(work, name + "-bookkeeping.db")
        # Through SQLite, not a file copy: closing another descriptor of the mirror would drop
        # this process's locks on it, and roomsd, then the last connection, would delete the -wal.
        watch.copy_to(copy)
        before = watch.snapshot()
        sim.clear_requests()
        return before, copy

    @staticmethod
    def watch_end(watch, sim, before, copy):
        """After it: (targets, WAL bytes, record rows written, sync_runs rows, bookkeeping bytes)."""
        targets = sim.requests()
        wal = watch.wal_bytes()
        written = watch.written_since(before)
        runs = watch.runs_since(before)
        bookkeeping = benchlib.bookkeeping_wal_bytes(copy, runs, watch.sync_state())
        os.remove(copy)
        return targets, wal, written, runs, bookkeeping

    # Figures 2 and 3: a pass that finds nothing new, and one that finds 1% of the rooms changed.
    def polls(self, sim, work):
        a, r = self.args, self.report
        m, targets, wal, written, runs, bookkeeping = self.one_poll(sim, work, "no-change")
        fetch_fig = self.fetch_only(sim, targets, work, "no-change-fetch-only")
        r.section("No-change poll of a fresh process (second --once on the synced account; its page cache starts empty)")
        r.info("requests", len(targets), "", limit="fetch-only sends the same %d" % fetch_fig["requests"])
        r.exact("record rows written", written, 0, "= 0")
        r.upto("WAL bytes written", wal, "B", bookkeeping,
               "the %d sync_runs rows + sync_state: %s B" % (runs, f"{bookkeeping:,}"))
        r.ratio("CPU (user+sys)", m.cpu_s, "s", fetch_fig["cpu_s"], 1.5,
                "fetch-only %.3f s" % fetch_fig["cpu_s"])
        r.info("wall", m.wall_s, "s", limit="fetch-only %.3f s" % fetch_fig["wall_s"])

        self.daemon_poll(sim, work)

        account = sim.control_json("GET", "/_sim/account")
        rooms = account["rooms"]
        chosen = random.Random(a.seed).sample(rooms, max(1, len(rooms) // 100))
        for room in chosen:
            value = (room.get("max_participants") or 0) + 1
            sim.control("POST", "/_sim/mutate", {"op": "update", "stream": "rooms", "id": room["id"],
                                                "set": {"max_participants": value}})
        m, targets, wal, written, runs, bookkeeping = self.one_poll(sim, work, "small-change")
        r.section("Small-change poll (%d rooms, 1%%, changed through /_sim/mutate)" % len(chosen))
        r.exact("record rows written", written, len(chosen), "= records changed (%d)" % len(chosen))
        r.info("WAL bytes written", wal, "B", limit="bookkeeping alone %s B" % f"{bookkeeping:,}")
        r.info("requests", len(targets), "")
        r.info("CPU (user+sys)", m.cpu_s, "s")
        r.info("wall", m.wall_s, "s")

    def daemon_poll(self, sim, work):
        """A no-change pass of the running daemon: POST /sync once its start-up pass (which reads
        the same pages, and so fills the page cache) is over. Its CPU is the daemon's /proc time
        over the pass; the runner waits by reading sync_runs from the file, not by asking the
        daemon, so that nothing else runs in it meanwhile."""
        a, r = self.args, self.report
        socket_path = os.path.join(work, "roomsd.sock")
        daemon = benchlib.Daemon(os.path.join(self.bin, "roomsd"), self.config, work, sim.api_key, self.timeout)
        watch = None
        try:
            daemon.wait_synced(socket_path)
            watch = benchlib.MirrorWatch(self.mirror)
            before, copy = self.watch_start(watch, sim, work, "daemon-poll")
            streams = len(benchlib.RECORD_TABLES)
            cpu_before = daemon.cpu_s()
            started = time.monotonic()
            status, body = benchlib.unix_request(socket_path, "POST", "/sync")
            if status != 202:
                raise benchlib.BenchError("POST /sync answered %d: %s" % (status, body[:200]))
            deadline = started + self.timeout
            while len(watch.runs_since(before)[1]) < streams:
                if time.monotonic() > deadline:
                    raise benchlib.BenchError("the triggered pass did not end within %d s" % self.timeout)
                time.sleep(0.05)
            wall = time.monotonic() - started
            time.sleep(0.5)  # the cycle's end (rollup check, trims) after the last run is recorded
            cpu = daemon.cpu_s() - cpu_before
            targets, wal, written, runs, bookkeeping = self.watch_end(watch, sim, before, copy)
        finally:
            if watch:
                watch.close()
            daemon.close()
        fetch_fig = self.fetch_only(sim, targets, work, "daemon-poll-fetch-only")
        r.section("No-change poll of the running daemon (POST /sync after its start-up pass)")
        r.info("requests", len(targets), "", limit="fetch-only sends the same %d" % fetch_fig["requests"])
        r.exact("record rows written", written, 0, "= 0")
        r.upto("WAL bytes written", wal, "B", bookkeeping,
               "the %d sync_runs rows + sync_state: %s B" % (len(runs[1]), f"{bookkeeping:,}"))
        r.ratio("CPU (user+sys, the daemon's /proc time)", cpu, "s", fetch_fig["cpu_s"], 1.5,
                "fetch-only %.3f s" % fetch_fig["cpu_s"])
        r.info("wall (to the last sync_runs row)", wall, "s", limit="fetch-only %.3f s" % fetch_fig["wall_s"])

    # Figures 4 and 5 (idle): the daemon on the synced mirror, asked over its Unix socket.
    def queries(self, sim, work):
        a, r = self.args, self.report
        daemon = benchlib.Daemon(os.path.join(self.bin, "roomsd"), self.config, work, sim.api_key,
                                 self.timeout)
        try:
            daemon.wait_synced(os.path.join(work, "roomsd.sock"))
            time.sleep(1.0)
            idle = daemon.rss_kib()
            self.idle_rss = idle["VmRSS"]
            ids = [row["id"] for row in sim.control_json("GET", "/_sim/account")["rooms"]]
            picks = random.Random(a.seed + 1).sample(ids, min(len(ids), 1000))
            pages = max(1, min(50, len(ids) // 20))
            files = {
                "by-id": ["GET\t/v2/rooms/%s" % i for i in picks],
                "page": ["GET\t/v2/rooms?include_sessions=true&page%%5Bsize%%5D=20&page%%5Bnumber%%5D=%d" % n
                         for n in range(1, pages + 1)],
            }
            for name, sql in QUERIES.items():
                files[name] = ["POST\t/sql\t" + sql]
            paths = {}
            for name, lines in files.items():
                paths[name] = os.path.join(work, "requests-%d.txt" % len(paths))
                with open(paths[name], "w") as f:
                    f.write("\n".join(lines) + "\n")

            def load(name, clients):
                m = benchlib.run_timed([os.path.join(self.tools, "bench_query"), "--socket", daemon.socket,
                                        "--requests", paths[name], "--clients", str(clients),
                                        "--duration-ms", str(int(a.query_seconds * 1000))],
                                       None, self.timeout, work, "query")
                fig = m.json()
                if fig["errors"]:
                    r.note("%s at %d clients: %d requests failed" % (name, clients, fig["errors"]))
                return fig

            def in_process(sql):
                m = benchlib.run_timed([os.path.join(self.tools, "bench_query"), "--db", self.mirror,
                                        "--sql", sql, "--duration-ms", str(int(a.query_seconds * 1000))],
                                       None, self.timeout, work, "query-inprocess")
                return m.json()

            r.section("Queries over the Unix socket (%s rooms; p50 / p99, requests/s)" % f"{a.rooms:,}")
            for clients in (1, 8, 64):
                fig = load("page", clients)
                target = (1.0 if clients == 1 else None)
                r.latency("/v2/rooms page of 20, include_sessions, %d client%s" % (clients, "s" * (clients > 1)),
                          fig, p99_under_ms=target)
            for clients in (1, 8, 64):
                fig = load("by-id", clients)
                r.latency("/v2/rooms/{id}, %d client%s" % (clients, "s" * (clients > 1)), fig,
                          p99_under_ms=1.0 if clients == 1 else None,
                          rps_at_least=20000 if clients == 8 else None)
            for name, sql in QUERIES.items():
                local = in_process(sql)
                for clients in ((1, 8, 64) if name in LOADED_QUERIES else (1,)):
                    fig = load(name, clients)
                    r.latency("/sql %s, %d client%s" % (name, clients, "s" * (clients > 1)), fig,
                              limit=local, p50_under_ms=50.0 if clients == 1 else None,
                              target_note="(on 20,000 rooms)" if a.rooms != 20000 else "")
        finally:
            daemon.close()

    # Figure 1 with latency: wall against (requests / max_in_flight) x latency.
    def latency(self):
        a, r = self.args, self.report
        if a.latency_ms <= 0:
            return
        work = self.dir("latency")
        rooms = a.latency_rooms or a.rooms
        sim = self.sim(work, rooms, a.latency_ms)
        try:
            config = benchlib.write_roomsd_config(work, sim, a.page_size, a.max_in_flight)
            sim.clear_requests()
            m = self.roomsd_once(config, sim, work, "backfill-latency")
            targets = sim.requests()
            records = benchlib.record_count(os.path.join(work, "mirror.db"))
            fetch_fig = self.fetch_only(sim, targets, work, "fetch-only-latency")
            plain, plain_fig = (None, None)
            if not a.skip_plain_latency:
                plain, plain_fig = self.plain_script(sim, work, "plain-latency")
        finally:
            sim.close()
        ideal = len(targets) / a.max_in_flight * a.latency_ms / 1000
        r.section("Backfill with %d ms per request (%s rooms)" % (a.latency_ms, f"{rooms:,}"))
        r.ratio("backfill wall", m.wall_s, "s", ideal, 1.1,
                "%d requests / %d in flight x %d ms = %.2f s" % (len(targets), a.max_in_flight, a.latency_ms, ideal))
        r.info("backfill CPU (user+sys)", m.cpu_s, "s")
        r.info("backfill records/s", records / m.wall_s, "/s", detail="%s records" % f"{records:,}")
        r.info("backfill requests", len(targets), "")
        r.info("backfill peak RSS", m.max_rss_kib / 1024, "MiB")
        r.info("limit (a) fetch-only: wall", fetch_fig["wall_s"], "s", detail="same requests, %d in flight"
               % a.max_in_flight)
        if plain:
            r.info("limit (c) plain script: wall", plain.wall_s, "s",
                   detail="%d requests, sequential; roomsd %.1fx faster" % (plain_fig["requests"],
                                                                          plain.wall_s / m.wall_s))

    # Figure 5: peak RSS at a second, larger size.
    def memory_large(self):
        a, r = self.args, self.report
        r.section("Memory")
        r.info("peak RSS, backfill of %s rooms" % f"{a.rooms:,}", self.backfill_rss / 1024, "MiB")
        if a.rooms_large > 0:
            work = self.dir("large")
            sim = self.sim(work, a.rooms_large)
            try:
                config = benchlib.write_roomsd_config(work, sim, a.page_size, a.max_in_flight)
                m = self.roomsd_once(config, sim, work, "backfill-large")
                records = benchlib.record_count(os.path.join(work, "mirror.db"))
            finally:
                sim.close()
            large = m.max_rss_kib / 1024
            r.memory("peak RSS, backfill of %s rooms" % f"{a.rooms_large:,}", large, self.backfill_rss / 1024,
                     a.rooms_large >= 100000,
                     detail="%s records, %.1f s wall, %.1f s CPU" % (f"{records:,}", m.wall_s, m.cpu_s))
        if self.idle_rss is not None:
            r.info("idle RSS of the daemon after a sync", self.idle_rss / 1024, "MiB")


def parse_args(argv):
    p = argparse.ArgumentParser(description="roomsd's benchmark: figures beside their limits.")
    p.add_argument("--build-dir", default=os.path.join(SOURCE_DIR, "build-release"),
                   help="the build tree with bin/roomsd, bin/telnyx-sim and tests/bench/ (default: build-release)")
    p.add_argument("--rooms", type=int, default=5000, help="rooms of the main account (default 5000)")
    p.add_argument("--rooms-large", type=int, default=20000,
                   help="rooms of the account for the second peak-RSS figure; 0 skips it "
                        "(default 20000; the issue's figure is 100000)")
    p.add_argument("--latency-ms", type=int, default=50, help="added to every request of the latency backfill; "
                   "0 skips it (default 50)")
    p.add_argument("--latency-rooms", type=int, default=0, help="rooms of the latency backfill (default: --rooms)")
    p.add_argument("--skip-plain-latency", action="store_true", help="do not run the plain script with latency")
    p.add_argument("--skip", action="append", default=[], choices=("polls", "queries", "latency", "replica"),
                   help="leave out a stage (repeatable), e.g. to iterate on the backfill alone")
    p.add_argument("--seed", type=int, default=1, help="the simulator's seed (default 1)")
    p.add_argument("--page-size", type=int, default=250, help="telnyx.page_size, 1..250 (default 250)")
    p.add_argument("--max-in-flight", type=int, default=4, help="telnyx.max_in_flight (default 4)")
    p.add_argument("--query-seconds", type=float, default=2.0,
                   help="how long each query figure is measured (default 2)")
    p.add_argument("--timeout-secs", type=int, default=900, help="the longest any one child may run (default 900)")
    p.add_argument("--replica-seconds", type=float, default=20.0,
                   help="how long the replica's lag is measured under live activity (default 20)")
    p.add_argument("--json", metavar="FILE", help="also write the table as JSON to FILE")
    p.add_argument("--tmp-dir", default=None, help="where the temporary directories go (default: $TMPDIR)")
    p.add_argument("--keep", action="store_true", help="keep the temporary directory (its path is printed)")
    args = p.parse_args(argv)
    if not 1 <= args.page_size <= 250:
        p.error("--page-size must be 1..250")
    if not 1 <= args.max_in_flight <= 32:
        p.error("--max-in-flight must be 1..32")
    if args.rooms < 100:
        p.error("--rooms must be at least 100 (1%% of them are changed)")
    return args


def main(argv):
    args = parse_args(argv)
    for binary in ("bin/roomsd", "bin/roomsd-replicate", "bin/telnyx-sim", "tests/bench/bench_fetch", "tests/bench/bench_write",
                   "tests/bench/bench_query", "tests/bench/bench_run"):
        if not os.access(os.path.join(args.build_dir, binary), os.X_OK):
            sys.exit("run_bench: %s is missing: build it (scripts/bench does)" % os.path.join(args.build_dir, binary))
    bench = Bench(args)
    status = 0
    try:
        bench.run()
    except BenchError as e:
        bench.report.note("stopped: " + str(e))
        status = 1
    finally:
        if args.keep:
            print("kept %s" % bench.tmp, file=sys.stderr)
        else:
            shutil.rmtree(bench.tmp, ignore_errors=True)
    bench.report.print(sys.stdout)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(bench.report.as_json(vars(args)), f, indent=2)
            f.write("\n")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
