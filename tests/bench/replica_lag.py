"""The PostgreSQL replica's lag under live activity (README, "Performance"), for run_bench.py.

Starts a PostgreSQL server of its own (Debian's postgresql-15: initdb and postgres in the run's
directory, as `nobody` when run as root, its Unix socket only), roomsd syncing a live telnyx-sim
account every second, and roomsd-replicate between them. Each change's lag is the time from its
applied_at in roomsd's change_log to the commit in PostgreSQL of the page that carried it
(replica_state.updated_at, set just before each commit), read back after the run.
"""

import datetime
import os
import pwd
import sqlite3
import subprocess
import time

import benchlib
from benchlib import BenchError

PG_BIN = "/usr/lib/postgresql/15/bin"


class PgServer:
    """A throw-away PostgreSQL cluster in `workdir`/pg; close() stops it (fast shutdown)."""

    def __init__(self, workdir, timeout_s=60):
        self.dir = os.path.join(workdir, "pg")
        os.makedirs(self.dir)
        self.port = 5432  # names the socket file only: the server listens on no TCP address
        self._as_user = []
        if os.geteuid() == 0:  # initdb and postgres refuse root
            nobody = pwd.getpwnam("nobody")
            os.chown(self.dir, nobody.pw_uid, nobody.pw_gid)
            self._as_user = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]
        data = os.path.join(self.dir, "data")
        self._log = open(os.path.join(workdir, "postgres.log"), "ab")
        subprocess.run(self._as_user + [os.path.join(PG_BIN, "initdb"), "-D", data, "-U", "postgres", "-A", "trust",
                                        "-E", "UTF8", "--locale=C", "--no-sync"],
                       check=True, stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log, timeout=timeout_s)
        self.proc = subprocess.Popen(self._as_user + [os.path.join(PG_BIN, "postgres"), "-D", data, "-k", self.dir,
                                                      "-p", str(self.port), "-c", "listen_addresses=",
                                                      "-c", "fsync=off"],
                                     stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log)
        self.conninfo = "host=%s port=%d dbname=postgres user=postgres" % (self.dir, self.port)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError("postgres exited %d" % self.proc.returncode)
            try:
                self.query("SELECT 1")
                return
            except BenchError:
                time.sleep(0.1)
        raise BenchError("PostgreSQL did not start within %d s" % timeout_s)

    def query(self, sql):
        """psql's unaligned answer to `sql`; BenchError when it fails."""
        r = subprocess.run(["psql", "-X", "-At", "-d", self.conninfo, "-c", sql], capture_output=True, text=True,
                           timeout=30)
        if r.returncode != 0:
            raise BenchError("psql: " + r.stderr.strip())
        return r.stdout.strip()

    def close(self):
        benchlib.terminate(self.proc, 20)
        self._log.close()


def _epoch(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


def _percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100.0 * (len(ordered) - 1))))]


def measure(bin_dir, sim, workdir, seconds, page_size, max_in_flight, timeout_s):
    """{changes, p50_s, p99_s, max_s} of the lag over `seconds` of live activity."""
    if os.geteuid() == 0:  # the server's user must reach its directory
        for d in (os.path.dirname(workdir), workdir):
            os.chmod(d, 0o711)
    config = benchlib.write_roomsd_config(workdir, sim, page_size, max_in_flight)
    with open(config) as f:
        text = f.read().replace("interval_secs: 3600", "interval_secs: 1")
    with open(config, "w") as f:
        f.write(text)
    socket_path = os.path.join(workdir, "roomsd.sock")
    db_path = os.path.join(workdir, "mirror.db")
    daemon = benchlib.Daemon(os.path.join(bin_dir, "roomsd"), config, workdir, sim.api_key, timeout_s)
    pg = replica = log = None
    try:
        daemon.wait_synced(socket_path)
        pg = PgServer(workdir)
        with open(os.path.join(workdir, "pg_conninfo"), "w") as f:
            f.write(pg.conninfo + "\n")
        replicate_yaml = os.path.join(workdir, "replicate.yaml")
        with open(replicate_yaml, "w") as f:
            f.write("mirror:\n  socket: %s\npostgres:\n  conninfo_file: pg_conninfo\nlog:\n  level: warn\n"
                    % socket_path)
        log = open(os.path.join(workdir, "replicate.stderr"), "ab")
        replica = subprocess.Popen([os.path.join(bin_dir, "roomsd-replicate"), "--config", replicate_yaml],
                                   env=benchlib.child_env(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=log)

        def position():
            try:
                return int(pg.query("SELECT last_seq FROM roomsd.replica_state") or -1)
            except BenchError:
                return -1

        def mirror_seq():
            with sqlite3.connect("file:%s?mode=ro" % db_path, uri=True) as db:
                return db.execute("SELECT coalesce(max(seq), 0) FROM change_log").fetchone()[0]

        deadline = time.monotonic() + timeout_s
        while position() < mirror_seq():  # the snapshot, then caught up
            if replica.poll() is not None or time.monotonic() > deadline:
                raise BenchError("roomsd-replicate did not catch up with the mirror")
            time.sleep(0.1)

        sim.control("PUT", "/_sim/activity", {"interval_ms": 200, "changes": 3})
        commits = []  # (after seq, through seq, commit time)
        last = position()
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            row = pg.query("SELECT last_seq, extract(epoch FROM updated_at) FROM roomsd.replica_state")
            seq, at = row.split("|")
            if int(seq) > last:
                commits.append((last, int(seq), float(at)))
                last = int(seq)
            time.sleep(0.02)
        sim.control("PUT", "/_sim/activity", {"interval_ms": 0})
        if replica.poll() is not None:
            raise BenchError("roomsd-replicate exited %d" % replica.returncode)

        lags = []
        with sqlite3.connect("file:%s?mode=ro" % db_path, uri=True) as db:
            for after, through, committed in commits:
                for (applied,) in db.execute("SELECT applied_at FROM change_log WHERE seq > ? AND seq <= ?",
                                             (after, through)):
                    lags.append(committed - _epoch(applied))
        if not lags:
            raise BenchError("no change reached the replica in %d s of activity" % seconds)
        return {"changes": len(lags), "pages": len(commits), "p50_s": _percentile(lags, 50),
                "p99_s": _percentile(lags, 99), "max_s": max(lags)}
    finally:
        if replica is not None:
            benchlib.terminate(replica, 10)
        if log is not None:
            log.close()
        if pg is not None:
            pg.close()
        daemon.close()
