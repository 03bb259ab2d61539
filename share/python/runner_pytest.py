"""Runner's pytest harness: the Python counterpart of the Java test host (src/testhost).

It runs a PIT's pytest tests against a student's modules in one interpreter and reports each
result as a line signed with the job's key ("##runner-result## <hex HMAC-SHA256> <json>", the
format src/report/result_stream.hpp reads). Nothing the job writes to disk is read as a result.

Python has no security manager, so the result channel is kept out of the student's reach by
the order things happen in and by an audit hook (PEP 578):
  1. the key file is read and deleted before anything of the student's runs; the key then lives
     only inside an OpenSSL HMAC object held by a generator's frame (the "recorder"), and the
     recorder signs nothing while a student frame is on the call stack;
  2. every student source is compiled (not run) first: a syntax error is BUILD_FAILED;
  3. pytest and everything the harness uses are imported, and their module dictionaries are
     fingerprinted, before the first student import; a changed fingerprint rejects the run;
  4. the audit hook refuses, while student code is on the stack: reading generator and code
     objects' internals, setting attributes on the harness's or pytest's classes and functions,
     opening the hidden tests, /proc or anything outside the job's folders, ctypes, new
     processes, tracing, and code compiled under another file's name;
  5. the outcome of each test call is recorded by this harness's own pytest_pyfunc_call, which
     checks that the function it calls is the test the PIT's file defines.
What it cannot stop is listed in docs/python.md ("Known limits").

Usage: python3 -I -B runner_pytest.py --key-file F --project DIR --tests DIR [--memory-mb N]
"""

import sys

# Modules the harness needs, imported before any student code so their fingerprints hold.
import ast
import gc
import hashlib  # noqa: F401  (the HMAC's digest, loaded before the fingerprint)
import linecache
import os
import resource
import signal
import threading
import _hashlib
import _json

import pytest

RESULT_TAG = "##runner-result##"
# Printed before the errors of a submission that does not build (the driver reads what follows).
BUILD_ERRORS_MARKER = "[runner] the submission does not build:"
MAX_MESSAGE = 2000  # characters of a failure message; a result line stays below 4000 bytes
DENIED_IMPORTS = ("ctypes", "_ctypes", "cffi", "_testcapi", "_xxsubinterpreters", "_posixsubprocess")
DENIED_EVENTS = (
    "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
    "subprocess.Popen", "sys.settrace", "sys.setprofile", "sys._current_frames",
    "sys._current_exceptions", "sys.addaudithook", "gc.get_objects", "gc.get_referrers",
    "gc.get_referents", "code.__new__", "marshal.loads", "marshal.load", "resource.setrlimit",
    "resource.prlimit", "ctypes.dlopen", "ctypes.dlsym", "ctypes.cdata", "ctypes.addressof",
    "os.chroot", "pty.spawn",
)
SWAPPED_BY_PYTEST = frozenset([("sys", "unraisablehook"), ("sys", "excepthook"),
                               ("sys", "displayhook"), ("sys", "breakpointhook"),
                               ("threading", "excepthook")])
# Attributes that lead from an object to the frames or code behind it.
DENIED_ATTRIBUTES = ("gi_frame", "cr_frame", "ag_frame", "gi_code", "cr_code", "ag_code",
                     "__code__", "f_code", "tb_frame", "f_locals", "f_globals", "f_builtins")


class UsageError(Exception):
    pass


def parse_args(argv):
    options = {"memory_mb": 0}
    names = {"--key-file": "key_file", "--project": "project", "--tests": "tests",
             "--memory-mb": "memory_mb"}
    i = 0
    while i < len(argv):
        if argv[i] not in names or i + 1 >= len(argv):
            raise UsageError("unknown or incomplete option " + argv[i])
        options[names[argv[i]]] = argv[i + 1]
        i += 2
    for required in ("key_file", "project", "tests"):
        if required not in options:
            raise UsageError("--key-file, --project and --tests are required")
    options["memory_mb"] = int(options["memory_mb"])
    for folder in ("project", "tests"):
        options[folder] = os.path.realpath(options[folder])
    return options


def take_key(path):
    """The key file holds 32+ bytes in hex; it is gone before this returns."""
    with open(path, "rb") as f:
        text = f.read()
    os.unlink(path)
    key = bytes.fromhex(text.decode("ascii").strip())
    if len(key) < 32:
        raise UsageError("key shorter than 32 bytes")
    return key


def is_student_file(name, project):
    """Code of the student's: a file in the project, or code with no file of its own
    ("<string>" from exec and eval), which only the student's code compiles while tests run."""
    if name.startswith(project):
        return True
    return not name.startswith("/") and not name.startswith("<frozen ")


def student_on_stack(frame, project):
    while frame is not None:
        if is_student_file(frame.f_code.co_filename, project):
            return True
        frame = frame.f_back
    return False


def make_audit_hook(project, tests, harness_dir, job_dirs, protected_modules, protected_types):
    """The hook refuses what would reach the result channel or the hidden tests while a student
    frame is on the stack. It keeps no state the student could change: its only reference is
    the interpreter's hook list."""
    busy = {}
    getframe = sys._getframe
    ident = threading.get_ident
    allowed_roots = tuple(d + os.sep for d in job_dirs) + ("/usr/", "/etc/", "/dev/")
    forbidden_roots = (tests + os.sep, harness_dir + os.sep, "/proc/", "/sys/")

    def readable(path):
        if not isinstance(path, (str, bytes)):
            return True  # an fd already open
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        full = os.path.realpath(path)
        if full.startswith(forbidden_roots) or full == tests:
            return False
        return full in job_dirs or full.startswith(allowed_roots)

    def refused(event, args):
        if event in DENIED_EVENTS:
            return True
        if event == "import":
            name = args[0] or ""
            return name.split(".")[0] in DENIED_IMPORTS
        if event == "object.__getattr__":
            return args[1] in DENIED_ATTRIBUTES
        if event in ("object.__setattr__", "object.__delattr__"):
            target = args[0]
            if isinstance(target, type):
                return target in protected_types or target.__module__ in protected_modules
            return type(target).__name__ in ("function", "code", "frame", "cell")
        if event == "compile":
            name = args[1] if len(args) > 1 else None
            name = os.fsdecode(name) if isinstance(name, bytes) else name
            return isinstance(name, str) and name.startswith("/") and not name.startswith(project)
        if event in ("open", "os.listdir", "os.scandir"):
            return not readable(args[0])
        return False

    def hook(event, args):
        if event == "sys._getframe":
            return
        me = ident()
        if busy.get(me):
            return
        busy[me] = True
        try:
            if refused(event, args) and student_on_stack(getframe(1), project):
                what = event
                if event == "import" or event == "open":
                    what = event + " of " + str(args[0])
                raise PermissionError("the runner does not allow " + what + " in graded code")
        finally:
            busy[me] = False

    return hook


def fingerprint(modules):
    """The functions and classes each module bound when it was fingerprinted, by identity: a
    student's patch of one changes it. Names pytest adds later (its plugins load while it
    starts) and plain data are not compared; nor are what pytest swaps around every test and
    which decides no result: the `warnings` module and the interpreter's hooks."""
    kinds = (type, type(fingerprint), type(len))
    return tuple((name, tuple((k, id(v)) for k, v in sorted(vars(m).items())
                              if isinstance(v, kinds) and (name, k) not in SWAPPED_BY_PYTEST))
                 for name, m in modules if name != "warnings")


def unchanged(modules, expected):
    for (name, bound), (_, m) in zip(expected, [(n, m) for n, m in modules if n != "warnings"]):
        now = vars(m)
        for k, ident in bound:
            if k not in now or id(now[k]) != ident:
                return False
    return True


def runs_pit_test(function, nodeid, tests):
    """Whether `function` is a test the PIT's files define under the name `nodeid` ends with:
    code compiled from a file in the tests folder (the student cannot compile code under such a
    name), called like the node id's last part (a test inherited from a base class keeps its
    base's qualified name, so only the name is compared)."""
    code = getattr(function, "__code__", None)
    name = nodeid.split("::")[-1].split("[")[0]
    return (code is not None and code.co_filename.startswith(tests + os.sep)
            and code.co_name == name)


def recorder(hmac_key, project, results_fd, modules, expected, callers, tests, _type=type, _tuple=tuple,
             _write=os.write, _getframe=sys._getframe, _encode=_json.encode_basestring_ascii,
             _sigmask=signal.pthread_sigmask, _gc_disable=gc.disable, _gc_enable=gc.enable,
             _gc_on=gc.isenabled, _unchanged=unchanged, _student=student_on_stack,
             _repr=float.__repr__, _str=str, _len=len, _signals=signal.valid_signals(), _ident=threading.get_ident, _runs_pit_test=runs_pit_test):
    """A generator that holds the key and each test call's own outcome. Messages it accepts:
    ("call", nodeid, ok, function) and ("tamper", reason) from this harness's
    pytest_pyfunc_call, and ("emit", fields) from Harness.emit, to sign and write an event
    (`callers`: those two functions' code objects). It answers None to anything sent from
    elsewhere or while a student frame is on the stack, records a passed call only for a
    function of the PIT's tests of that name, and signs nothing once the fingerprint of the
    harness's and pytest's modules has changed."""
    call_code, emit_code = callers
    main_thread = _ident()
    base = _hashlib.hmac_new(hmac_key, digestmod="sha256")
    del hmac_key
    calls = {}
    tampered = None
    answer = None
    while True:
        message = yield answer
        answer = None
        # Only the main thread, where pytest runs the harness: a thread the student starts with
        # this generator's send as its target has no student frame on its stack.
        if (_type(message) is not _tuple or _ident() != main_thread
                or _student(_getframe(1), project)):
            continue
        # Only from the harness's own two senders: a callback the interpreter runs with no
        # student frame on the stack (a weakref finalizer, say) that hands this generator's
        # send a forged message is not one of them.
        if _getframe(1).f_code is not (emit_code if message[0] == "emit" else call_code):
            continue
        blocked = _sigmask(signal.SIG_BLOCK, _signals)
        collecting = _gc_on()
        _gc_disable()
        try:
            if message[0] == "call":
                ok = message[2] is True and _runs_pit_test(message[3], message[1], tests)
                calls[message[1]] = ok
                continue
            if message[0] == "tamper":
                tampered = tampered or message[1]
                continue
            if tampered is None and not _unchanged(modules, expected):
                tampered = "the submission changed the test framework while the tests ran"
            fields = message[1]
            if tampered is not None:
                fields = {"event": "rejected", "reason": tampered}
            elif fields.get("event") == "test" and fields.get("status") == "passed":
                if calls.get(fields["nodeid"]) is not True:
                    fields = dict(fields, status="failed", type="",
                                  message="the test did not finish normally")
            parts = []
            for k in ("event", "class", "name", "status", "type", "message", "ok", "reason",
                      "time"):
                if k not in fields:
                    continue
                v = fields[k]
                if v is True or v is False:
                    text = "true" if v else "false"
                elif _type(v) is float:
                    text = _repr(v)
                else:
                    text = _encode(_str(v))
                parts.append(_encode(k) + ":" + text)
            body = "{" + ",".join(parts) + "}"
            mac = base.copy()
            mac.update(body.encode("ascii"))
            line = RESULT_TAG + " " + mac.hexdigest() + " " + body + "\n"
            _write(results_fd, line.encode("ascii"))
            answer = _len(line)
        finally:
            if collecting:
                _gc_enable()
            _sigmask(signal.SIG_SETMASK, blocked)


def syntax_errors(project):
    """Compiles (never runs) every .py file of the student's: each error as Python prints it."""
    errors = []
    for root, dirs, files in os.walk(project):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            path = os.path.join(root, name)
            rel = os.path.relpath(path, project)
            try:
                with open(path, "rb") as f:
                    compile(f.read(), rel, "exec", dont_inherit=True)
            except SyntaxError as e:
                text = (e.text or "").rstrip("\n")
                caret = " " * max(0, (e.offset or 1) - 1 - (len(text) - len(text.lstrip())))
                errors.append('  File "%s", line %s\n    %s\n    %s^\n%s: %s'
                              % (rel, e.lineno, text.strip(), caret, type(e).__name__, e.msg))
            except ValueError as e:  # source with a NUL byte
                errors.append('  File "%s"\nSyntaxError: %s' % (rel, e))
    return errors


def without_test_sources(text, tests):
    """A traceback without the hidden tests' source lines: each frame of a test file keeps its
    file and line, the code shown under it is dropped."""
    kept, skipping = [], False
    for line in text.splitlines():
        if skipping and line.startswith("    "):
            continue
        skipping = False
        path = line.split(":", 1)[0]
        if path.startswith("tests/") or path.startswith(tests):
            skipping = True
        kept.append(line.replace(os.path.dirname(tests) + os.sep, ""))
    return "\n".join(kept)


def short_message(report):
    crash = getattr(report.longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(report.longrepr)
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + "…"


class Harness:
    """The pytest plugin: results to the recorder, the calls of the tests made here."""

    def __init__(self, send, tests):
        self.send = send
        self.tests = tests
        self.import_errors = []
        self.outcomes = {}
        self.compiled_sent = False

    def emit(self, **fields):
        self.send(("emit", fields))

    def where(self, nodeid):
        """("tests/test_calc.py[::TestX]", "test_add[1-2]") of a node id."""
        parts = nodeid.split("::")
        return "::".join(parts[:-1]), parts[-1]

    def pytest_collectreport(self, report):
        if not report.failed:
            return
        text = report.longreprtext
        if "MemoryError" in text:
            self.emit(event="out_of_memory")
            os._exit(3)
        self.import_errors.append(without_test_sources(text, self.tests))

    def fail_build(self):
        """The student's code does not import: BUILD_FAILED with the Python errors."""
        print(BUILD_ERRORS_MARKER, flush=True)
        print("\n\n".join(self.import_errors), flush=True)
        self.emit(event="compiled", ok=False)
        os._exit(1)

    def pytest_collection_finish(self, session):
        if self.import_errors:
            self.fail_build()
        self.emit(event="compiled", ok=True)
        self.compiled_sent = True
        print("[runner] running tests", flush=True)

    def pytest_runtest_logstart(self, nodeid, location):
        cls, name = self.where(nodeid)
        self.emit(event="started", **{"class": cls, "name": name})

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem):
        # The function called must be the PIT's own: defined in the item's file under the
        # item's name (the student cannot compile code under a file name of the tests).
        function = pyfuncitem.obj
        code = getattr(function, "__code__", None)
        if (code is None or code.co_filename != str(pyfuncitem.path)
                or code.co_name != pyfuncitem.originalname):
            self.send(("call", pyfuncitem.nodeid, False, function))
            self.send(("tamper", "the submission replaced the PIT's test " + pyfuncitem.nodeid))
            raise AssertionError("the test function was replaced")
        linecache.clearcache()  # sources read for earlier failures stay out of reach
        argnames = pyfuncitem._fixtureinfo.argnames
        arguments = {arg: pyfuncitem.funcargs[arg] for arg in argnames}
        self.send(("call", pyfuncitem.nodeid, False, function))
        try:
            function(**arguments)
        except MemoryError:
            self.emit(event="out_of_memory")
            os._exit(3)
        self.send(("call", pyfuncitem.nodeid, True, function))
        return True

    def pytest_runtest_logreport(self, report):
        status, kind, message = self.outcomes.get(report.nodeid, ("passed", "", ""))
        if report.failed and status != "failed":
            status, kind, message = "failed", "", short_message(report)
            if report.when != "call":
                message = "error in test " + report.when + ": " + message
        elif report.skipped and status == "passed":
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
            status, message = "skipped", reason.removeprefix("Skipped: ")
        self.outcomes[report.nodeid] = (status, kind, message)
        if report.when != "teardown":
            return
        cls, name = self.where(report.nodeid)
        self.emit(event="test", nodeid=report.nodeid, status=status, type=kind, message=message,
                  time=float(report.duration), **{"class": cls, "name": name})

    def pytest_sessionfinish(self, session, exitstatus):
        if not self.compiled_sent:
            # Collection was interrupted (KeyboardInterrupt, pytest.exit in the student's module).
            self.import_errors.append("pytest stopped while importing the tests (exit status %s)"
                                      % int(exitstatus))
            self.fail_build()
        # Only a run that got through every test is done; an interrupted one leaves the rest
        # "did not run", counted as failed.
        if int(exitstatus) in (0, 1, 5):
            self.emit(event="done")


def main(argv):
    options = parse_args(argv)
    key = take_key(options["key_file"])
    project, tests = options["project"], options["tests"]
    harness_dir = os.path.dirname(os.path.realpath(__file__))
    results_fd = os.dup(1)
    os.set_inheritable(results_fd, False)
    sys.dont_write_bytecode = True
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    if options["memory_mb"] > 0:
        limit = options["memory_mb"] * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    errors = syntax_errors(project)
    import _pytest.python  # noqa: F401
    import _pytest.runner  # noqa: F401

    modules = [(name, m) for name, m in list(sys.modules.items()) if m is not None]
    protected_modules = frozenset(name for name, _ in modules)
    protected_types = frozenset([Harness])
    job_dirs = frozenset(os.path.realpath(d) for d in
                         (project, os.environ.get("HOME", project),
                          os.environ.get("TMPDIR", project)))
    sys.addaudithook(make_audit_hook(project, tests, harness_dir, job_dirs, protected_modules,
                                     protected_types))
    callers = (Harness.pytest_pyfunc_call.__code__, Harness.emit.__code__)
    record = recorder(key, project, results_fd, modules, fingerprint(modules), callers, tests)
    del key
    next(record)
    harness = Harness(record.send, tests)
    if errors:
        print(BUILD_ERRORS_MARKER, flush=True)
        print("\n".join(errors), flush=True)
        harness.emit(event="compiled", ok=False)
        return 1

    sys.path[:0] = [project] + ([os.path.join(project, "src")]
                                if os.path.isdir(os.path.join(project, "src")) else [])
    config = os.path.join(project, "pytest.ini")  # the PIT's; a student's is never kept
    arguments = [tests, "--rootdir", os.path.dirname(tests), "--confcutdir", tests,
                 "-c", config if os.path.isfile(config) else os.path.join(harness_dir, "pytest.ini"),
                 "-p", "no:cacheprovider", "-p", "no:stepwise", "-p", "no:pastebin",
                 "-p", "no:junitxml", "-p", "no:debugging", "--capture=no", "-q", "--tb=no",
                 "--color=no", "-o", "console_output_style=classic"]
    del options, errors, modules
    return pytest.main(arguments, plugins=[harness])


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except UsageError as e:
        print("runner_pytest: " + str(e), file=sys.stderr)
        sys.exit(2)
