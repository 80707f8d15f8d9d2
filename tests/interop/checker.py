"""Counts checks and prints the failed ones; shared by the interop and plugin test scripts."""


class Checker:
    def __init__(self):
        self.checks = 0
        self.failures = 0

    def check(self, ok, title, detail=""):
        self.checks += 1
        if not ok:
            self.failures += 1
            print("FAIL %s: %s" % (title, detail))
        return ok
