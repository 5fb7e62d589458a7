#!/usr/bin/env python3
# unexecuted.py GCOVR.json: the lines of gcovr's JSON report that no test
# executed, as FILE:LINE: text, so an editor can jump to each; then the lines
# that ran but left a branch untaken, with how many of their branches were.
# gcovr's own text report gives only line numbers, and a test is written
# against the text.
import json
import sys


def main(path):
    with open(path) as report:
        files = sorted(json.load(report)["files"], key=lambda f: f["file"])
    unexecuted, untaken = [], []
    for entry in files:
        with open(entry["file"], errors="replace") as source:
            text = source.read().split("\n")
        lines = [l for l in entry["lines"] if not l["gcovr/noncode"] and not l.get("gcovr/excluded")]
        for line in lines:
            n = line["line_number"]
            code = text[n - 1].strip() if n <= len(text) else ""
            if line["count"] == 0:
                unexecuted.append((entry["file"], f"{entry['file']}:{n}: {code}"))
            elif any(b["count"] == 0 for b in line["branches"]):
                taken = sum(1 for b in line["branches"] if b["count"] > 0)
                untaken.append((entry["file"], f"{entry['file']}:{n}: [{taken}/{len(line['branches'])}] {code}"))
    show(f"Lines no test executes: {len(unexecuted)}", unexecuted)
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
    main(sys.argv[1])
