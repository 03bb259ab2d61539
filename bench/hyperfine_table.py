"""Prints one hyperfine --export-json result as a table of times and ratios to the first command.

Usage: hyperfine_table.py RESULTS.json TITLE [mean|median]
The bench/ scripts measure side by side in one hyperfine run and print ratios with this, so every
table reads the same way: the first command is the baseline (1.00x).
"""
import json
import sys


def main():
    path, title = sys.argv[1], sys.argv[2]
    stat = sys.argv[3] if len(sys.argv) > 3 else "mean"
    results = json.load(open(path))["results"]
    base = results[0][stat]
    print(f"\n{title}  ({stat} of {len(results[0]['times'])} runs; ratio to the first row)")
    for r in results:
        print(f"  {r[stat]:6.3f} s  ±{r['stddev'] or 0:5.3f}  {r[stat] / base:5.2f}x  {r['command']}")


if __name__ == "__main__":
    main()
