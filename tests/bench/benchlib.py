"""The benchmark's processes: timed children, telnyx-sim, roomsd, and the mirror's bookkeeping.

Every measured child runs under bench_run with a timeout (killed past it, which fails the
benchmark); bench_run reaps it with wait4, so its CPU seconds (user + system) and peak RSS are its
own, not the runner's. Single-threaded.
"""

import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from http.client import HTTPConnection


class BenchError(RuntimeError):
    """A stage could not be measured: a child failed, timed out or answered wrongly."""


@dataclass
class Measured:
    """One child's run: exit status, wall and CPU seconds, peak RSS, its stdout."""
    status: int
    wall_s: float
    cpu_s: float
    user_s: float
    sys_s: float
    max_rss_kib: int
    stdout: str = ""

    def json(self):
        """The last stdout line, parsed: the reference programs print their figures there."""
        lines = [l for l in self.stdout.splitlines() if l.strip()]
        if not lines:
            raise BenchError("no figures on stdout")
        return json.loads(lines[-1])


# bench_run (rusage_run.cpp): set by the runner before any child is measured.
RUSAGE_RUN = None


def _wait(proc, timeout_s, what):
    """Waits for proc; past the timeout kills its whole process group (bench_run and the command)."""
    try:
        return proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise BenchError("%s took longer than %d s and was killed" % (what, timeout_s))


def run_timed(argv, env=None, timeout_s=600, workdir=None, name=None):
    """Runs argv to completion under bench_run and measures it; stdout is kept, stderr goes to a
    file in workdir. Peak RSS and CPU come from bench_run's wait4, not from this process's."""
    what = name or os.path.basename(argv[0])
    workdir = workdir or tempfile.gettempdir()
    err_path = os.path.join(workdir, what + ".stderr")
    out_path = os.path.join(workdir, what + ".stdout")
    usage_path = os.path.join(workdir, what + ".rusage")
    with open(err_path, "ab") as err, open(out_path, "w+b") as out:
        proc = subprocess.Popen([RUSAGE_RUN, "--rusage", usage_path, "--"] + list(argv), env=env,
                                stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True)
        status = _wait(proc, timeout_s, what)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if status != 0:
        tail = open(err_path, encoding="utf-8", errors="replace").read()[-2000:]
        raise BenchError("%s exited %d: %s" % (what, status, tail.strip()))
    with open(usage_path) as f:
        u = json.load(f)
    return Measured(u["status"], u["wall_s"], u["user_s"] + u["sys_s"], u["user_s"], u["sys_s"],
                    u["max_rss_kib"], text)


def terminate(proc, grace_s):
    """SIGTERM, then SIGKILL once grace_s has passed; reaps proc."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def child_env(api_key_var=None, api_key=None):
    """The runner's environment without a service manager's variables, with the key if given."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("CREDENTIALS_DIRECTORY", "JOURNAL_STREAM", "NOTIFY_SOCKET", "WATCHDOG_USEC",
                        "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES",
                        "TELNYX_API_KEY", "TELNYX_SIM_API_KEY")}
    if api_key_var:
        env[api_key_var] = api_key
    return env


class Sim:
    """telnyx-sim on a free loopback port, stopped with SIGTERM on close()."""

    def __init__(self, binary, spec, workdir, rooms, seed, latency_ms=0, timeout_s=60):
        self.api_key = secrets.token_hex(16)  # a throw-away key, never printed
        self.workdir = workdir
        out_path = os.path.join(workdir, "sim.stdout")
        argv = [binary, "--port", "0", "--rooms", str(rooms), "--seed", str(seed),
                "--anchor", "now", "--latency-ms", str(latency_ms), "--spec", spec]
        self._out = open(out_path, "w+b")
        self._err = open(os.path.join(workdir, "sim.stderr"), "wb")
        self.proc = subprocess.Popen(argv, env=child_env("TELNYX_SIM_API_KEY", self.api_key),
                                     stdin=subprocess.DEVNULL, stdout=self._out, stderr=self._err)
        deadline = time.monotonic() + timeout_s
        self.base_url = None
        while time.monotonic() < deadline and self.proc.poll() is None:
            text = open(out_path, encoding="utf-8").read()
            if "listening on " in text:
                self.base_url = text.split("listening on ", 1)[1].split()[0]
                break
            time.sleep(0.05)
        if not self.base_url:
            self.close()
            raise BenchError("telnyx-sim did not start: " +
                             open(os.path.join(workdir, "sim.stderr")).read()[-1000:])
        self.root_url = self.base_url[: -len("/v2")]

    def control(self, method, path, body=None, timeout_s=120):
        """A /_sim request (no key: the control endpoints take none); the raw answer body."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.root_url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout_s) as answer:
            return answer.read()

    def control_json(self, method, path, body=None):
        return json.loads(self.control(method, path, body))

    def requests(self):
        """The /v2 targets logged since the log was last cleared, oldest first."""
        log = self.control_json("GET", "/_sim/requests")
        return [r["target"] for r in log["requests"]]

    def clear_requests(self):
        self.control("DELETE", "/_sim/requests")

    def close(self):
        terminate(self.proc, 10)
        self._out.close()
        self._err.close()


def write_roomsd_config(workdir, sim, page_size, max_in_flight, extra_server=None):
    """roomsd.yaml for a mirror of `sim` in workdir (mirror.db, roomsd.sock); returns its path."""
    server = {"socket": os.path.join(workdir, "roomsd.sock")}
    server.update(extra_server or {})
    text = ("telnyx:\n  base_url: %s\n  page_size: %d\n  max_in_flight: %d\n  timeout_secs: 30\n"
            "sync:\n  interval_secs: 3600\n"
            "storage:\n  database: %s\n"
            "server:\n%s"
            "log:\n  level: warn\n") % (
        sim.base_url, page_size, max_in_flight, os.path.join(workdir, "mirror.db"),
        "".join("  %s: %s\n" % kv for kv in server.items()))
    path = os.path.join(workdir, "roomsd.yaml")
    with open(path, "w") as f:
        f.write(text)
    return path


class UnixHTTPConnection(HTTPConnection):
    """http.client over a Unix socket, for roomsd's /status."""

    def __init__(self, path, timeout=10):
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self._path)


def unix_get_json(socket_path, target):
    conn = UnixHTTPConnection(socket_path)
    try:
        conn.request("GET", target)
        answer = conn.getresponse()
        body = answer.read()
        if answer.status != 200:
            raise BenchError("GET %s answered %d" % (target, answer.status))
        return json.loads(body)
    finally:
        conn.close()


def unix_request(socket_path, method, target):
    """One request over the Unix socket: (status, body)."""
    conn = UnixHTTPConnection(socket_path)
    try:
        conn.request(method, target)
        answer = conn.getresponse()
        return answer.status, answer.read()
    finally:
        conn.close()


class Daemon:
    """roomsd in daemon mode on an existing mirror, stopped with SIGTERM on close()."""

    def __init__(self, binary, config, workdir, api_key, timeout_s=120):
        self.socket = None
        self._err = open(os.path.join(workdir, "daemon.stderr"), "ab")
        self.proc = subprocess.Popen([binary, "--config", config],
                                     env=child_env("TELNYX_API_KEY", api_key),
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=self._err)
        self.workdir = workdir
        self.timeout_s = timeout_s

    def wait_synced(self, socket_path):
        """Waits until GET /status answers and the start-up pass of every stream has finished."""
        deadline = time.monotonic() + self.timeout_s
        started = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - 1))
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError("roomsd exited %d" % self.proc.returncode)
            try:
                status = unix_get_json(socket_path, "/status")
                sync = status["sync"]
                runs = [s.get("last_run") for s in sync["streams"].values()]
                if not sync["running"] and all(r and r["finished_at"] >= started for r in runs):
                    self.socket = socket_path
                    return status
            except (OSError, BenchError, ValueError, KeyError):
                pass
            time.sleep(0.1)
        raise BenchError("roomsd did not finish its start-up pass within %d s" % self.timeout_s)

    def cpu_s(self):
        """User + system CPU seconds the daemon has used so far, from /proc (in clock ticks)."""
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        # After the command: state is field 3, utime 14 and stime 15 of proc(5).
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_kib(self):
        """VmRSS and VmHWM of the running daemon, from /proc."""
        fields = {}
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                name, _, value = line.partition(":")
                if name in ("VmRSS", "VmHWM"):
                    fields[name] = int(value.split()[0])
        return fields

    def close(self):
        terminate(self.proc, 20)
        self._err.close()


RECORD_TABLES = ("rooms", "room_sessions", "room_participants")


def record_count(db_path):
    with sqlite3.connect("file:%s?mode=ro" % db_path, uri=True) as db:
        return sum(db.execute("SELECT count(*) FROM %s" % t).fetchone()[0] for t in RECORD_TABLES)


def change_log_size(db_path):
    """(rows, bytes) of change_log: its b-tree pages, as SQLite's dbstat counts them."""
    with sqlite3.connect("file:%s?mode=ro" % db_path, uri=True) as db:
        rows = db.execute("SELECT count(*) FROM change_log").fetchone()[0]
        pages = db.execute("SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = 'change_log'").fetchone()[0]
        return rows, pages


@dataclass
class MirrorSnapshot:
    """What a pass is compared against: the newest synced_at and the bookkeeping rows."""
    max_synced_at: str
    sync_runs_max_id: int


class MirrorWatch:
    """A connection held open on the mirror across a pass: the pass's writes stay in the -wal
    file (roomsd is then not the last connection, so it neither checkpoints it away nor deletes
    it at exit), and the rows the pass wrote are told by their synced_at."""

    def __init__(self, db_path):
        self.db_path = db_path
        self.db = sqlite3.connect(db_path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode = WAL")

    def checkpoint(self):
        """Empties the -wal file, so that its size after a pass is what the pass wrote."""
        busy, _, _ = self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            raise BenchError("could not checkpoint %s" % self.db_path)

    def wal_bytes(self):
        try:
            return os.path.getsize(self.db_path + "-wal")
        except FileNotFoundError:
            return 0

    def snapshot(self):
        newest = max(self.db.execute("SELECT coalesce(max(synced_at), '') FROM %s" % t).fetchone()[0]
                     for t in RECORD_TABLES)
        runs = self.db.execute("SELECT coalesce(max(id), 0) FROM sync_runs").fetchone()[0]
        return MirrorSnapshot(newest, runs)

    def written_since(self, snap):
        """Record rows whose synced_at moved past the snapshot's newest: rows the pass wrote."""
        return sum(self.db.execute("SELECT count(*) FROM %s WHERE synced_at > ?" % t,
                                   (snap.max_synced_at,)).fetchone()[0] for t in RECORD_TABLES)

    def runs_since(self, snap):
        cur = self.db.execute("SELECT * FROM sync_runs WHERE id > ? ORDER BY id",
                              (snap.sync_runs_max_id,))
        columns = [d[0] for d in cur.description]
        return columns, cur.fetchall()

    def sync_state(self):
        cur = self.db.execute("SELECT * FROM sync_state ORDER BY stream")
        return [d[0] for d in cur.description], cur.fetchall()

    def copy_to(self, path):
        """A copy of the mirror as it is now, made with SQLite's backup API."""
        target = sqlite3.connect(path)
        try:
            self.db.backup(target)
        finally:
            target.close()

    def file_bytes(self):
        pages, size = (self.db.execute("PRAGMA page_count").fetchone()[0],
                       self.db.execute("PRAGMA page_size").fetchone()[0])
        return pages * size

    def close(self):
        self.db.close()


def bookkeeping_wal_bytes(copy_path, runs, state):
    """The WAL bytes of the bookkeeping alone: the given sync_runs rows and the sync_state rows
    written into a copy of the mirror taken before the pass, one transaction per stream's run
    (as a pass commits its run), measured with a second connection holding the -wal file."""
    columns, rows = runs
    state_columns, state_rows = state
    writer = sqlite3.connect(copy_path, isolation_level=None)
    writer.execute("PRAGMA journal_mode = WAL")
    writer.execute("PRAGMA synchronous = NORMAL")
    watch = MirrorWatch(copy_path)
    watch.checkpoint()
    by_stream = {r[state_columns.index("stream")]: r for r in state_rows}
    for row in rows:
        writer.execute("BEGIN")
        writer.execute("INSERT INTO sync_runs (%s) VALUES (%s)" % (
            ", ".join(columns), ", ".join("?" * len(columns))), row)
        state_row = by_stream.get(row[columns.index("stream")])
        if state_row is not None:
            writer.execute("INSERT OR REPLACE INTO sync_state (%s) VALUES (%s)" % (
                ", ".join(state_columns), ", ".join("?" * len(state_columns))), state_row)
        writer.execute("COMMIT")
    size = watch.wal_bytes()
    writer.close()
    watch.close()
    return size
