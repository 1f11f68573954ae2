"""What the Python end-to-end tests share: a pass/fail tally and the `tokenmint sandbox` process.

Imported by tests/cli/cli_test.py and tests/examples/examples_test.py (which put this folder on
sys.path)."""
import subprocess
import sys

# The variables through which the CLI and the examples take credentials; a test clears them so
# that the machine's environment cannot leak into what it checks.
CREDENTIAL_VARIABLES = ("UID2_API_KEY", "UID2_CLIENT_SECRET", "HUBSPOT_ACCESS_TOKEN", "HUBSPOT_CLIENT_SECRET",
                        "HUBSPOT_REFRESH_TOKEN", "BENCHLING_CLIENT_SECRET", "ALTERIAN_API_KEY")


class Tally:
    """Counts checks; prints a line per failure and the closing `NAME: N passed, N failed`."""

    def __init__(self, name):
        self.name, self.passed, self.failed = name, 0, 0

    def check(self, what, cond, detail=""):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL {what}: {detail}")

    def finish(self):
        print(f"{self.name}: {self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed else 0)


def start_sandbox(cli, *args):
    """Starts `tokenmint sandbox --port 0 ARGS` and reads what it prints (base URLs and
    credentials, `key: value` lines) up to `alterian_api_key`, its last line. Returns the process
    and the fields; the fields are incomplete when the sandbox did not start."""
    proc = subprocess.Popen([cli, "sandbox", "--port", "0", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    info = {}
    while "alterian_api_key" not in info:
        line = proc.stdout.readline()
        if not line:
            break
        if ": " in line:
            k, v = line.rstrip("\n").split(": ", 1)
            info[k] = v
    return proc, info


def stop(proc):
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
