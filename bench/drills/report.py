"""Prints the figures file of a drills run as one markdown table (drill | database | figure | value |
PASS/FAIL), then a line with the totals. Usage: report.py FIGURES_TSV TOTAL_SECONDS [MACHINE_NOTE]"""

import sys
from datetime import datetime, timezone


def main():
    path, total = sys.argv[1], float(sys.argv[2])
    rows = []
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 5:
                rows.append(parts)
    print("| drill | database | figure | value | PASS/FAIL |")
    print("|---|---|---|---|---|")
    for drill, db, figure, value, verdict in rows:
        value = value.replace("|", "\\|")
        print(f"| {drill} | {db} | {figure} | {value} | {'' if verdict == 'info' else verdict} |")
    passed = sum(1 for r in rows if r[4] == "PASS")
    failed = [r for r in rows if r[4] == "FAIL"]
    print()
    note = f"; {sys.argv[3]}" if len(sys.argv) > 3 else ""
    print(f"{passed} PASS, {len(failed)} FAIL against the targets; {total:.0f} s in all; "
          f"{datetime.now(timezone.utc):%Y-%m-%dT%H:%M:%SZ}{note}.")


if __name__ == "__main__":
    main()
