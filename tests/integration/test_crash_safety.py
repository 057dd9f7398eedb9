"""The crash-safety program (tests/crash/crash_safety.py), short: 2 rounds of kill -9 of the
server during 200 acknowledged writes on SQLite and on PostgreSQL, and 3 key rotations killed at
random points. `make crash` runs the full version (20 x 1,000, 20 rotations).

    LATCHKEY_BIN=build/latchkey python3 -m unittest -v tests/integration/test_crash_safety.py
"""

from __future__ import annotations

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "crash"))
import cli  # noqa: E402
import crash_safety  # noqa: E402


class CrashSafetyTest(unittest.TestCase):
    def test_nothing_acknowledged_is_lost_across_kills(self):
        code = crash_safety.main([cli.latchkey_bin(), "--rounds", "2", "--writes", "200",
                                  "--threads", "6", "--slots", "16", "--rotation-rounds", "3",
                                  "--rotation-secrets", "150"])
        self.assertEqual(code, 0, "see the totals and PROBLEM lines above")


if __name__ == "__main__":
    unittest.main()
