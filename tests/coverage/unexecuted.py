#!/usr/bin/env python3
# unexecuted.py GCOVR.json REASONS: the lines of gcovr's JSON report that no
# test executed, as FILE:LINE: text, so an editor can jump to each, with the
# reason REASONS gives for it (tests/coverage/unreached.txt); then the lines
# that ran but left a branch untaken, with how many of their branches were.
# gcovr's own text report gives only line numbers, and a test is written
# against the text. Reasons are keyed by file and text, not line number, so
# that they survive edits above them.
import json
import sys


def read_reasons(path):
    reasons = {}
    with open(path) as lines:
        for line in lines:
            if not line.strip() or line.startswith("#"):
                continue
            # FILE | TEXT | WHY: the text may hold a " | " of its own, the file and the reason don't.
            file, rest = line.split(" | ", 1)
            text, why = rest.rsplit(" | ", 1)
            reasons[(file.strip(), text.strip())] = why.strip()
    return reasons


def main(path, reasons_path):
    reasons = read_reasons(reasons_path)
    used = set()
    with open(path) as report:
        files = sorted(json.load(report)["files"], key=lambda f: f["file"])
    unexecuted, untaken = [], []
    for entry in files:
        with open(entry["file"], errors="replace") as source:
            text = source.read().split("\n")
        lines = [l for l in entry["lines"] if not l.get("gcovr/noncode") and not l.get("gcovr/excluded")]
        for line in lines:
            n = line["line_number"]
            code = text[n - 1].strip() if n <= len(text) else ""
            if line["count"] == 0:
                why = reasons.get((entry["file"], code))
                if why:
                    used.add((entry["file"], code))
                unexecuted.append((entry["file"], f"{entry['file']}:{n}: {code}\n      why: {why or 'NO REASON GIVEN: write a test, or say why in ' + reasons_path}"))
            elif any(b["count"] == 0 for b in line["branches"]):
                taken = sum(1 for b in line["branches"] if b["count"] > 0)
                untaken.append((entry["file"], f"{entry['file']}:{n}: [{taken}/{len(line['branches'])}] {code}"))
    unexplained = sum(1 for _, row in unexecuted if "NO REASON GIVEN" in row)
    show(f"Lines no test executes: {len(unexecuted)}, {unexplained} of them with no reason given", unexecuted)
    stale = sorted(set(reasons) - used)
    if stale:
        print(f"\nStale reasons in {reasons_path} (the line runs now, or is gone): {len(stale)}")
        for file, text in stale:
            print(f"  {file} | {text}")
    print()
    show(f"Lines executed with a branch never taken ([taken/branches]): {len(untaken)}", untaken)


def show(title, rows):
    print(title)
    current = None
    for file, row in rows:
        if file != current:
            print(f"\n{file} ({sum(1 for f, _ in rows if f == file)})")
            current = file
        print(f"  {row}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
